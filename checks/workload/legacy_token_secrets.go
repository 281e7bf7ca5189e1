/*
KP-WL-041: no long-lived service-account token secrets.

Source: Kubernetes documentation, "Service account token secrets" and the
LegacyServiceAccountTokenCleanUp feature (GA in 1.30). A Secret of type
kubernetes.io/service-account-token holds a token that never expires and stays valid until the
Secret is deleted; since 1.24 tokens are issued through the TokenRequest API, bound to a pod and
short-lived, and such secrets are only created by hand (or are leftovers of older clusters).

How the cluster tracks them (k8s.io/kubernetes v1.37 pkg/serviceaccount/legacy.go and
pkg/controller/serviceaccount/legacy_serviceaccount_token_cleaner.go):

  - label kubernetes.io/legacy-token-last-used (a date): set by the API server each day the
    token authenticates a request;
  - label kubernetes.io/legacy-token-invalid-since (a date): set by the controller manager's
    cleaner on an auto-generated token unused for --legacy-service-account-token-clean-up-period
    (default one year). The API server rejects a token so labelled, and the cleaner deletes the
    Secret one more period later. Removing the label makes the token valid again.

Fields read: the type, labels and the kubernetes.io/service-account.name annotation of every
Secret (the snapshot holds metadata and type only; no value is read or kept).

Input gating: secrets are listed only when the collector was granted it (the opt-in
with-secret-metadata overlay; the base role grants nothing on secrets). Without that input the
engine reports this control NOT_EVALUATED, never PASS.

Allowed values: no such Secret. A token Secret without the invalid-since label FAILs (a live
credential; the evidence gives its last use when recorded, or says none is); one labelled
invalid-since is a WARN (rejected today, but one label edit from valid again: delete it). With
none, one PASS for the cluster that says how many secrets were read.
*/

package workload

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-041",
			Title:    "No long-lived service-account token secrets",
			Layer:    checks.Workload,
			Severity: checks.Medium,
			Description: "A kubernetes.io/service-account-token Secret holds a token that never expires: whoever " +
				"reads it once (a backup, a leaked manifest, anyone who may read secrets in the namespace) " +
				"keeps the service account's rights until the Secret is deleted.",
			Remediation: "Delete the Secret once nothing uses it (the legacy-token-last-used label tells when " +
				"it was last used). Pods get bound, expiring tokens automatically; for a client outside " +
				"the cluster, issue a short-lived token with the TokenRequest API (kubectl create token).",
		},
		Inputs:   []snapshot.Resource{snapshot.ResSecrets},
		Evaluate: legacyTokenSecrets,
	})
}

// The labels the API server and the legacy token cleaner set (k8s.io/kubernetes
// pkg/serviceaccount: LastUsedLabelKey, InvalidSinceLabelKey).
const (
	legacyTokenLastUsed     = "kubernetes.io/legacy-token-last-used"
	legacyTokenInvalidSince = "kubernetes.io/legacy-token-invalid-since"
)

const legacyTokenExpected = "no Secret of type kubernetes.io/service-account-token; bound tokens from the TokenRequest API"

func legacyTokenSecrets(s *snapshot.Snapshot) []checks.Result {
	var out []checks.Result
	for i := range s.Secrets {
		sec := &s.Secrets[i]
		if sec.Type != corev1.SecretTypeServiceAccountToken {
			continue
		}
		var b strings.Builder
		b.WriteString("token of ServiceAccount ")
		if sa := sec.Annotations[corev1.ServiceAccountNameKey]; sa != "" {
			b.WriteString(sec.Namespace + "/" + sa)
		} else {
			b.WriteString("(none named: annotation " + corev1.ServiceAccountNameKey + " unset)")
		}
		st := checks.Fail
		if since := sec.Labels[legacyTokenInvalidSince]; since != "" {
			st = checks.Warn
			b.WriteString("; invalidated by the cleaner since " + since + " (rejected by the API server until the label is removed)")
		}
		if used := sec.Labels[legacyTokenLastUsed]; used != "" {
			b.WriteString("; last used " + used)
		} else {
			b.WriteString("; no use recorded (label " + legacyTokenLastUsed + " absent)")
		}
		if sec.DeletionTimestamp != nil {
			b.WriteString("; being deleted")
		}
		out = append(out, checks.Result{Status: st,
			Resource: checks.Resource{Kind: "Secret", Namespace: sec.Namespace, Name: sec.Name},
			Evidence: checks.Evidence{Where: "Secret/" + sec.Namespace + "/" + sec.Name + " type, labels",
				Observed: b.String(), Expected: legacyTokenExpected}})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    strconv.Itoa(len(s.Secrets)) + " secrets (type and metadata)",
			Observed: "no Secret of type " + string(corev1.SecretTypeServiceAccountToken),
			Expected: legacyTokenExpected,
		}}}
	}
	return out
}
