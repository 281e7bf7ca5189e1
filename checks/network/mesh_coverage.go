/*
KP-NET-021: the workloads of namespaces meant to be meshed run the mesh's proxy.

Source: Istio's sidecar injection documentation (istio.io/latest/docs/setup/additional-setup/
sidecar-injection/): the injector webhook adds istio-proxy to pods created in namespaces
labelled istio-injection=enabled or istio.io/rev, unless the pod is labelled (or annotated)
sidecar.istio.io/inject=false; pods created before the label, or while the webhook was absent,
keep running without it until restarted. In ambient mode (istio.io/dataplane-mode=ambient) no
sidecar is injected and a pod opts out with istio.io/dataplane-mode=none. Linkerd's proxy
injection (linkerd.io/2/features/proxy-injection/): the annotation linkerd.io/inject=enabled
on a namespace, linkerd.io/inject=disabled on a pod template to opt out. A pod without the
proxy neither encrypts nor authenticates its traffic, and a STRICT policy (KP-NET-020) cuts it
off from meshed peers or, under PERMISSIVE, lets it talk plaintext. No CIS item covers it.

Reads: namespaces (labels and annotations), mutatingWebhookConfigurations (the injectors'
webhooks), the workloads (internal/owners) with their templates and pods.

Verdict per workload of a namespace meant to be meshed: FAIL when a pod of it runs no proxy
(istio-proxy or linkerd-proxy, as a container or a native sidecar), when its template opts out,
or, with no pod to look at, when the mesh's injector webhook is not installed; PASS otherwise
(pods with the proxy, or a template the installed injector will inject; in ambient mode, pods
that do not opt out). Workloads of other namespaces: no result.
*/

package network

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-021",
			Title:    "Workloads of meshed namespaces run the mesh proxy",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A namespace labelled for mesh injection protects only the pods that actually run the proxy: " +
				"pods created before the label or without the injector, and workloads that opt out, send and accept " +
				"traffic outside the mesh's mutual TLS.",
			Remediation: "Restart the listed workloads (kubectl rollout restart) so that the injector adds the proxy, " +
				"remove sidecar.istio.io/inject=false or linkerd.io/inject=disabled from their templates, or move a " +
				"workload that must stay outside the mesh to a namespace not meant to be meshed.",
		},
		Inputs:   append([]snapshot.Resource{snapshot.ResNamespaces, snapshot.ResMutatingWebhookConfigurations}, owners.Inputs...),
		Evaluate: meshCoverage,
	})
}

// injectorWebhooks are substrings of the names of the meshes' injector webhooks.
var injectorWebhooks = map[mesh]string{
	istioSidecar: "sidecar-injector.istio.io",
	linkerd:      "linkerd-proxy-injector",
}

func meshCoverage(s *snapshot.Snapshot) []checks.Result {
	meshed := meshedNamespaces(s)
	if len(meshed) == 0 {
		return nil
	}
	injector := map[mesh]bool{}
	for _, c := range s.MutatingWebhookConfigurations {
		for _, w := range c.Webhooks {
			for m, name := range injectorWebhooks {
				if strings.Contains(w.Name, name) {
					injector[m] = true
				}
			}
		}
	}
	var out []checks.Result
	for _, u := range unitsOf(s) {
		m, ok := meshed[u.res.Namespace]
		if !ok {
			continue
		}
		out = append(out, judgeCoverage(&u, m, injector[m]))
	}
	return out
}

// optsOut reports whether pod metadata opts out of mesh m.
func optsOut(meta *metav1.ObjectMeta, m mesh) bool {
	switch m {
	case istioSidecar:
		return meta.Labels["sidecar.istio.io/inject"] == "false" || meta.Annotations["sidecar.istio.io/inject"] == "false"
	case istioAmbient:
		return meta.Labels["istio.io/dataplane-mode"] == "none"
	case linkerd:
		return meta.Annotations["linkerd.io/inject"] == "disabled"
	}
	return false
}

func judgeCoverage(u *unit, m mesh, injector bool) checks.Result {
	r := checks.Result{Resource: u.res, Evidence: checks.Evidence{
		Expected: "every pod runs the " + string(m) + " proxy",
		Where:    u.where + ".containers",
	}}
	covered := func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
		if m == istioAmbient {
			return !optsOut(meta, m)
		}
		return hasProxy(spec)
	}
	if len(u.pods) > 0 {
		var without []string
		for _, p := range u.pods {
			if !covered(&p.ObjectMeta, &p.Spec) {
				without = append(without, p.Name)
			}
		}
		if len(without) > 0 {
			r.Status = checks.Fail
			r.Evidence.Observed = "pods outside the mesh (no proxy or opted out): " + firstNames(without)
			r.Evidence.Where = "pods' spec.containers, spec.initContainers"
			return r
		}
		r.Status = checks.Pass
		r.Evidence.Observed = "every pod runs the proxy"
		if m == istioAmbient {
			r.Evidence.Observed = "every pod is in the ambient mesh (no istio.io/dataplane-mode=none)"
		}
		return r
	}
	t := u.template
	switch {
	case optsOut(&t.ObjectMeta, m):
		r.Status = checks.Fail
		r.Evidence.Observed = "the pod template opts out of the mesh"
		r.Evidence.Where = "spec.template.metadata"
	case covered(&t.ObjectMeta, &t.Spec):
		r.Status = checks.Pass
		r.Evidence.Observed = "the pod template runs the proxy"
	case injector:
		r.Status = checks.Pass
		r.Evidence.Observed = "no pod yet; the installed injector webhook will add the proxy to the pods of its template"
	default:
		r.Status = checks.Fail
		r.Evidence.Observed = "no pod yet, and no " + string(m) + " injector webhook is installed: its pods will start without the proxy"
		r.Evidence.Where = "mutatingwebhookconfigurations"
	}
	return r
}
