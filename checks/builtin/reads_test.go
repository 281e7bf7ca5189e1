package builtin

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// readsSnapshots are snapshots in which what one kind holds changes the verdicts of checks
// reading another: the demo's (control plane, kubelets, CNI policies, RBAC), a synthetic
// estate, each with a validating webhook that judges pod creation everywhere (the
// Kyverno-like admission KP-WL-005 looks for) and a Cilium policy where pods run.
func readsSnapshots(t *testing.T) map[string]*snapshot.Snapshot {
	_, file, _, _ := runtime.Caller(0)
	demo, err := snapfile.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "examples", "snapshots", "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*snapshot.Snapshot{"demo": demo, "synthetic": synth.Snapshot(120)}
	for _, s := range out {
		fail := admissionregistrationv1.Fail
		s.ValidatingWebhookConfigurations = append(s.ValidatingWebhookConfigurations, admissionregistrationv1.ValidatingWebhookConfiguration{
			ObjectMeta: metav1.ObjectMeta{Name: "kyverno-resource-validating-webhook-cfg"},
			Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "validate.kyverno.svc-fail", FailurePolicy: &fail,
				Rules: []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
					Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}}}}},
		})
		s.Resources[snapshot.ResValidatingWebhookConfigurations] = snapshot.Collection{State: snapshot.Collected, Count: len(s.ValidatingWebhookConfigurations)}
		// A Cilium policy where pods run: the network layer's conclusions there are unsure.
		s.CNIPolicies = append(s.CNIPolicies, snapshot.CNIPolicy{Resource: snapshot.ResCiliumNetworkPolicies,
			APIVersion: "cilium.io/v2", Kind: "CiliumNetworkPolicy", Namespace: s.Pods[len(s.Pods)-1].Namespace, Name: "l7-rules"})
		s.Resources[snapshot.ResCiliumNetworkPolicies] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	}
	return out
}

// A check reads only what it declares (Inputs, AnyInputs, Reads): run alone over what a
// collection planned from its declaration would hold (collect.PlanFor, Restrict), it reports
// exactly what it reports over the whole snapshot. A check that read a kind it does not
// declare would be judged on a scan of it alone (audit scan --control) without that kind.
func TestChecksReadWhatTheyDeclare(t *testing.T) {
	for name, full := range readsSnapshots(t) {
		for _, c := range checks.Registered() {
			plan := collect.PlanFor(checks.Reads([]checks.Check{c}))
			want := controlJSON(t, full, c)
			if got := controlJSON(t, plan.Restrict(full), c); !bytes.Equal(got, want) {
				var g, w []checks.ControlReport
				json.Unmarshal(got, &g)
				json.Unmarshal(want, &w)
				t.Errorf("%s, %s alone over what its declared reads collect (-) and over the whole snapshot (+):\n%s", name, c.ID, cmp.Diff(g[0].Results, w[0].Results))
			}
		}
	}
}

func controlJSON(t *testing.T, s *snapshot.Snapshot, c checks.Check) []byte {
	rep := checks.Run(s, []checks.Check{c}, checks.Selection{})
	b, err := json.Marshal(rep.Controls)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
