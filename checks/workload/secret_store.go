/*
KP-WL-044: the Secrets workloads consume are managed by an external secret store.

Source: CIS Kubernetes Benchmark 1.12, 5.4.2 "Consider external secret storage" (manual in CIS:
"consider the use of an external secrets storage and management system"), answered from the
cluster's state. A Secret is managed when one of these writes it: the External Secrets
Operator (an ExternalSecret whose spec.target.name, or name, is the Secret; ESO also labels
its Secrets reconcile.external-secrets.io/created-by and owns them: external-secrets.io
documentation, api/externalsecret), the Secrets Store CSI driver (a SecretProviderClass
listing it in spec.secretObjects; the driver labels it secrets-store.csi.k8s.io/managed=true:
secrets-store-csi-driver.sigs.k8s.io/topics/sync-as-kubernetes-secret), or the Vault Secrets
Operator (owned by a VaultStaticSecret, VaultDynamicSecret or VaultPKISecret). The Vault agent
injector (vault.hashicorp.com/agent-inject: "true", developer.hashicorp.com/vault/docs/
platform/k8s/injector) and CSI volumes bring secrets without a Secret; a workload using them is
named so in the evidence, but a Secret it also consumes is judged like any other. Metadata
only: names, labels, owner references; never a value.

Reads: the workloads (internal/owners), externalSecrets, secretProviderClasses, and secrets'
metadata when collected (the opt-in with-secret-metadata role).

Verdict per workload: FAIL when it consumes (env secretKeyRef, envFrom secretRef, secret or
projected volumes; image pull secrets excepted) a Secret no store manages; PASS otherwise.
*/

package workload

import (
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-044",
			Title:    "Secrets consumed by workloads come from an external secret store",
			Layer:    checks.Workload,
			Severity: checks.Low,
			Description: "A Secret written by hand (kubectl create secret, a manifest in a repository) has no owner that " +
				"rotates, audits or revokes it. An external store (Vault, a cloud secret manager) synced by the External " +
				"Secrets Operator, the Secrets Store CSI driver or the Vault Secrets Operator keeps one source of truth.",
			Remediation: "Move the listed Secrets to a secret manager and sync them with an ExternalSecret (target.name " +
				"set to the Secret's name) or a SecretProviderClass (secretObjects), or mount them with the Secrets Store " +
				"CSI driver or the Vault agent injector instead of a Secret.",
			References: checks.References{CIS: []string{"5.4.2"}},
		},
		Inputs:   append(append([]snapshot.Resource{}, inputs...), snapshot.ResExternalSecrets, snapshot.ResSecretProviderClasses),
		Evaluate: secretStores,
	})
}

// storeOwners are the kinds whose ownership of a Secret means a store writes it.
var storeOwners = []string{"ExternalSecret", "VaultStaticSecret", "VaultDynamicSecret", "VaultPKISecret"}

// managedSecrets are the Secrets ("namespace/name") a store writes.
func managedSecrets(s *snapshot.Snapshot) map[string]string {
	out := map[string]string{}
	for _, e := range s.ExternalSecrets {
		out[e.Namespace+"/"+e.Target] = "ExternalSecret " + e.Name
	}
	for _, p := range s.SecretProviderClasses {
		for _, name := range p.SecretObjects {
			out[p.Namespace+"/"+name] = "SecretProviderClass " + p.Name
		}
	}
	if col, ok := s.Status(snapshot.ResSecrets); ok && (col.State == snapshot.Collected || col.State == snapshot.Partial) {
		for i := range s.Secrets {
			m := &s.Secrets[i].ObjectMeta
			key := m.Namespace + "/" + m.Name
			switch {
			case m.Labels["reconcile.external-secrets.io/created-by"] != "":
				out[key] = "the External Secrets Operator (label)"
			case m.Labels["secrets-store.csi.k8s.io/managed"] == "true":
				out[key] = "the Secrets Store CSI driver (label)"
			default:
				for _, ref := range m.OwnerReferences {
					if slices.Contains(storeOwners, ref.Kind) {
						out[key] = ref.Kind + " " + ref.Name
					}
				}
			}
		}
	}
	return out
}

func secretStores(s *snapshot.Snapshot) []checks.Result {
	managed := managedSecrets(s)
	us := units(s)
	out := make([]checks.Result, 0, len(us))
	for i := range us {
		// A template's metadata has no namespace: the unit's is the Secrets'.
		ns := us[i].res.Namespace
		judge := func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) string {
			var unmanaged []string
			for _, name := range consumedSecrets(spec) {
				if _, ok := managed[ns+"/"+name]; !ok {
					unmanaged = append(unmanaged, name)
				}
			}
			if len(unmanaged) == 0 {
				return ""
			}
			msg := "Secrets no store manages: " + strings.Join(unmanaged, ", ")
			if meta.Annotations["vault.hashicorp.com/agent-inject"] == "true" {
				msg += " (the Vault agent injector also runs)"
			}
			return msg
		}
		out = append(out, us[i].verdict(judge, "every Secret consumed is managed by a store, or none is consumed",
			"each Secret consumed (env, envFrom, volumes) written by an ExternalSecret, a SecretProviderClass or the Vault Secrets Operator"))
	}
	return out
}

// consumedSecrets names the Secrets a pod spec reads, sorted and once each: env secretKeyRef,
// envFrom secretRef, secret volumes and projected secret sources.
func consumedSecrets(spec *corev1.PodSpec) []string {
	seen := map[string]bool{}
	containers := func(cs []corev1.Container) {
		for i := range cs {
			for _, e := range cs[i].Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					seen[e.ValueFrom.SecretKeyRef.Name] = true
				}
			}
			for _, f := range cs[i].EnvFrom {
				if f.SecretRef != nil {
					seen[f.SecretRef.Name] = true
				}
			}
		}
	}
	containers(spec.InitContainers)
	containers(spec.Containers)
	for i := range spec.EphemeralContainers {
		containers([]corev1.Container{corev1.Container(spec.EphemeralContainers[i].EphemeralContainerCommon)})
	}
	for _, v := range spec.Volumes {
		if v.Secret != nil {
			seen[v.Secret.SecretName] = true
		}
		if v.Projected != nil {
			for _, src := range v.Projected.Sources {
				if src.Secret != nil {
					seen[src.Secret.Name] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		if n != "" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
