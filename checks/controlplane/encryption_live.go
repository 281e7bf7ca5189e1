/*
Secrets must be seen being written encrypted.

Source: kubeposture (issue 3: encryption at rest proved rather than assumed); relates to CIS
Kubernetes Benchmark 1.12, 1.2.27 and 1.2.28, whose flag and file only say what should happen.
The counter is apiserver_storage_transformation_operations_total (k8s.io/apiserver
pkg/storage/value/metrics.go, labels resource, transformation_type, transformer_prefix,
status), recorded by the prefix transformers of pkg/storage/value/transformer.go: every write
of a secret counts one to_storage with the prefix of the provider that encrypted it
("k8s:enc:aesgcm:v1:"; the keyed providers' inner per-key transformer records the same write
again with the key's prefix, "key1:"); an identity provider in the configuration has the empty
prefix. Without any encryption configuration no transformer records anything. (Seen on a real
v1.37 API server by the integration test: to_storage "k8s:enc:aesgcm:v1:" and "key1:".)

Reads: the API server's /metrics (nonResourceURL /metrics, granted to system:monitoring), the
samples for resource "secrets" of one API server instance (the one that answered).

Allowed values: successful to_storage writes of secrets, all with a k8s:enc: prefix: PASS
(the evidence names the providers and counts). Any successful to_storage with the empty or
"identity" prefix: FAIL (secrets were written in plain text since the server started), WARN if
encrypted writes were seen too (the configuration changed, or instances differ). No write of a
secret recorded: NOT_EVALUATED, saying why that may be. Failed encryptions (status other than
OK) are named in the evidence and WARN.
*/

package controlplane

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID: "KP-CP-047", Title: "Secrets are seen being written encrypted (API server metrics)", Layer: checks.ControlPlane, Severity: checks.High,
			Description: "A configuration can look right and not be in force (a different file, a server not restarted). The API server's storage metrics show which provider really encrypted each secret written.",
			Remediation: "Fix the EncryptionConfiguration the API server runs with (KP-CP-045), restart every API server, then rewrite the existing secrets (kubectl get secrets -A -o json | kubectl replace -f -).",
		},
		Inputs:   []snapshot.Resource{snapshot.ResAPIServerMetrics},
		Evaluate: encryptionLive,
	})
}

func encryptionLive(snap *snapshot.Snapshot) []checks.Result {
	ev := checks.Evidence{Where: "API server /metrics: apiserver_storage_transformation_operations_total{resource=\"secrets\"}",
		Expected: "every to_storage of secrets with a k8s:enc: prefix"}
	res := checks.Resource{Kind: "Cluster"}
	var samples []snapshot.TransformationCount
	if snap.APIServer != nil {
		samples = snap.APIServer.SecretTransformations
	}
	var enc, plain, keys, failed, reads []string
	for _, s := range samples {
		desc := fmt.Sprintf("%s %q %s: %.0f", s.Type, s.Prefix, s.Status, s.Count)
		switch {
		case s.Type == "from_storage":
			reads = append(reads, desc)
		case s.Type != "to_storage" || s.Count == 0:
		case s.Status != "OK":
			failed = append(failed, desc)
		case strings.HasPrefix(s.Prefix, "k8s:enc:"):
			enc = append(enc, desc)
		case s.Prefix == "" || s.Prefix == "identity":
			plain = append(plain, desc)
		default:
			// A keyed provider nests one transformer per key inside its own: the inner one
			// records the key's prefix ("key1:") for the same write.
			keys = append(keys, desc)
		}
	}
	all := append(append(append(append(enc, keys...), plain...), failed...), reads...)
	ev.Observed = strings.Join(all, "; ")
	switch {
	case len(plain) > 0 && len(enc) > 0:
		return []checks.Result{{Status: checks.Warn, Resource: res, Evidence: ev}}
	case len(plain) > 0:
		return []checks.Result{{Status: checks.Fail, Resource: res, Evidence: ev}}
	case len(failed) > 0:
		return []checks.Result{{Status: checks.Warn, Resource: res, Evidence: ev}}
	case len(enc) > 0:
		return []checks.Result{{Status: checks.Pass, Resource: res, Evidence: ev}}
	}
	if ev.Observed == "" {
		ev.Observed = "no transformation of secrets recorded"
	}
	return []checks.Result{{Status: checks.NotEvaluated, Resource: res, Evidence: ev,
		Reason: "no write of a secret was recorded by the API server that answered since it started; without any encryption configuration none is ever recorded (then KP-CP-026 fails)"}}
}
