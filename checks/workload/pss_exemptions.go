/*
KP-WL-007: the PodSecurity admission plugin exempts nothing it should judge.

Source: Kubernetes documentation, "Pod Security Admission", Exemptions: requests from an
exempt username, pods with an exempt runtimeClassName and anything in an exempt namespace are
not judged at all, whatever the labels say. The plugin's configuration is the PodSecurity entry
of the API server's --admission-control-config-file (pod-security.admission.config.k8s.io
PodSecurityConfiguration, exemptions.{usernames,runtimeClasses,namespaces}). It claims no
framework item: an exemption weakens the mechanism CIS 5.2.1 asks for (KP-WL-028 judges each
namespace with what the exemptions leave of it).

Unit: each exemption (Kind "AdmissionConfiguration", named after the file); one PASS when
there is none. Reads: the admission configuration given with --admission-config, else the one
a node report of the API server's node carries (audit node reads the file the static pod
names), else the kube-apiserver's flags: without --admission-control-config-file the plugin
runs with its built-in configuration, which exempts nothing. When the file is named but not
read, or the API server is not visible, the control is NOT_EVALUATED: the API does not serve
the file.

Allowed values:
  - usernames: none. FAIL: an exempt user creates unjudged pods in every namespace, and
    exempting a controller's service account (system:serviceaccount:kube-system:
    replicaset-controller, ...) exempts every workload it creates.
  - namespaces: kube-system only, as WARN (node agents often live there); any other FAIL.
  - runtimeClasses: WARN: a sandboxed runtime (gVisor, Kata) can justify it; say which.
*/

package workload

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-007",
			Title:    "Pod Security admission exempts no namespace, user or runtime class it should judge",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "Exempt namespaces, users and runtime classes bypass Pod Security admission " +
				"entirely, whatever a namespace's labels say. An exempt user, or an exempt controller " +
				"service account, can run privileged pods anywhere.",
			Remediation: "Remove the exemptions from the PodSecurity configuration in the API server's " +
				"--admission-control-config-file; give workloads that need privileges a namespace " +
				"labelled enforce=privileged instead, where the exception is visible and scoped.",
		},
		Evaluate: podSecurityExemptions,
	})
}

func podSecurityExemptions(s *snapshot.Snapshot) []checks.Result {
	c, why := podSecurityConfig(s)
	if c == nil {
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"}, Reason: why}}
	}
	res := checks.Resource{Kind: "AdmissionConfiguration", Name: c.Path}
	where := func(field string) string {
		return fmt.Sprintf("%s PodSecurity (%s) exemptions.%s", c.Path, c.Source, field)
	}
	var out []checks.Result
	add := func(st checks.Status, field, value, why string) {
		out = append(out, checks.Result{Status: st, Resource: res, Evidence: checks.Evidence{
			Where:    where(field),
			Observed: fmt.Sprintf("%s exempt: %s", value, why),
			Expected: "no exemptions (kube-system at most)",
		}})
	}
	for _, u := range c.Exemptions.Usernames {
		add(checks.Fail, "usernames", "user "+u, "its pod creations are not judged in any namespace")
	}
	for _, ns := range c.Exemptions.Namespaces {
		if ns == "kube-system" {
			add(checks.Warn, "namespaces", "namespace kube-system", "node agents often need it; keep other workloads out")
			continue
		}
		add(checks.Fail, "namespaces", "namespace "+ns, "nothing in it is judged, whatever its labels")
	}
	for _, rc := range c.Exemptions.RuntimeClasses {
		add(checks.Warn, "runtimeClasses", "runtime class "+rc, "its pods are not judged; acceptable only for a sandboxed runtime")
	}
	if len(out) == 0 {
		out = append(out, checks.Result{Status: checks.Pass, Resource: res, Evidence: checks.Evidence{
			Where: where("*"), Observed: "no exemptions", Expected: "no exemptions (kube-system at most)"}})
	}
	return out
}
