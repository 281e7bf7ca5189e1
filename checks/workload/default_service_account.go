/*
KP-WL-040: workloads do not run as the default service account.

Source: the reasoning of CIS Kubernetes Benchmark 1.12, 5.1.5 "Ensure that default service
accounts are not actively used" (manual in CIS), whose audit is the default ServiceAccount
objects themselves (no token automount, no binding: KP-RBAC-005, which claims it); this control
finds the workloads that use them, which the item does not ask, and claims no framework item. A workload that
names no service account shares its namespace's default identity with every other such
workload: a binding given to one (often the quick fix when one of them needs the API) is given
to all, and their tokens cannot be told apart in audit logs.

Unit: each top-level workload (see workloads.go), template and pods.

Fields read: spec.serviceAccountName, and spec.serviceAccount (deprecated, read only when
serviceAccountName is empty: the API server copies one into the other, a manifest file may set
only the old one); spec.automountServiceAccountToken and the kubernetes.io/config.mirror
annotation.

Allowed values: serviceAccountName set to an account other than "default". Empty (the
ServiceAccount admission plugin assigns "default") or "default" fails, with one message for
both so that a template that leaves it unset folds with its pods; the evidence says when
the pod spec at least disables token automounting, which removes the credential but not the
shared identity. A mirror pod (a static pod of a kubelet) cannot use a service account at all
(admission rejects one that names it) and is NOT_APPLICABLE.

Severity low: the default account's rights are what make its use dangerous, and KP-RBAC-005 and
KP-RBAC-006 judge those rights and the mounted token.
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-040",
			Title:    "Workloads do not run as the default service account",
			Layer:    checks.Workload,
			Severity: checks.Low,
			Description: "Workloads that name no service account all run as their namespace's default one: " +
				"rights granted to it for one of them are granted to all, and their API calls cannot be " +
				"told apart.",
			Remediation: "Create a service account per workload (automountServiceAccountToken: false unless " +
				"it calls the API) and set spec.serviceAccountName in the pod template; bind rights to " +
				"that account, never to default.",
		},
		Inputs:   inputs,
		Evaluate: defaultServiceAccount,
	})
}

// mirrorAnnotation marks a kubelet's static pod (k8s.io/api/core/v1.MirrorPodAnnotationKey).
const mirrorAnnotation = "kubernetes.io/config.mirror"

func defaultServiceAccount(s *snapshot.Snapshot) []checks.Result {
	us := units(s)
	out := make([]checks.Result, 0, len(us))
	for i := range us {
		u := &us[i]
		if u.template == nil {
			if _, mirror := u.pods[0].Annotations[mirrorAnnotation]; mirror {
				out = append(out, checks.Result{Status: checks.NotApplicable, Resource: u.res,
					Reason: "a mirror pod (static pod of a kubelet) cannot use a service account"})
				continue
			}
		}
		out = append(out, u.verdict(usesDefaultServiceAccount, "runs as its own service account",
			`spec.serviceAccountName set to a service account other than "default"`))
	}
	return out
}

func usesDefaultServiceAccount(_ *metav1.ObjectMeta, spec *corev1.PodSpec) string {
	name := spec.ServiceAccountName
	if name == "" {
		name = spec.DeprecatedServiceAccount
	}
	if name != "" && name != "default" {
		return ""
	}
	// One message for unset and "default": admission turns the template's unset into the
	// pods' "default", and the replicas should fold with their template.
	msg := `runs as the "default" service account`
	if spec.AutomountServiceAccountToken != nil && !*spec.AutomountServiceAccountToken {
		msg += " (automountServiceAccountToken: false, no token mounted)"
	}
	return msg
}
