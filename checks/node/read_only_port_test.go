package node

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestReadOnlyPort(t *testing.T) {
	port := func(p int32) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) { c.ReadOnlyPort = p }
	}
	runConfigCases(t, readOnlyPort, "readOnlyPort", []configCase{
		{name: "0", mutate: port(0), want: checks.Pass, observed: "0 (disabled"},
		{name: "10255", mutate: port(10255), want: checks.Fail, observed: "10255"},
		{name: "other port", mutate: port(1), want: checks.Fail, observed: "1"},
		{name: "negative", mutate: port(-1), want: checks.Fail, observed: "-1"},
	})
}

// configz omits readOnlyPort when it is 0 (int32, omitempty): a snapshot whose kubelet
// config has no readOnlyPort key must pass, while the pointer fields left out of the same
// document are not reported and must not.
func TestReadOnlyPortOmittedFromConfigz(t *testing.T) {
	doc := `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","cluster":{"provider":"kubeadm"},
		"resources":{"nodes/proxy":{"state":"collected","count":2}},
		"kubelets":[
			{"node":"worker-1","collection":{"state":"collected","count":1},
			 "config":{"authentication":{"anonymous":{}},"authorization":{"mode":"Webhook"}}},
			{"node":"worker-2","collection":{"state":"collected","count":1},
			 "config":{"readOnlyPort":10255,"authentication":{"anonymous":{"enabled":true}},"authorization":{}}}]}`
	snap, err := snapfile.Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		eval func(*snapshot.Snapshot) []checks.Result
		want []checks.Status
	}{
		{readOnlyPort, []checks.Status{checks.Pass, checks.Fail}},
		{anonymousAuth, []checks.Status{checks.NotEvaluated, checks.Fail}},
		{authorizationMode, []checks.Status{checks.Pass, checks.NotEvaluated}},
	} {
		rs := tc.eval(snap)
		if len(rs) != len(tc.want) {
			t.Fatalf("got %d results, want %d", len(rs), len(tc.want))
		}
		for i, w := range tc.want {
			if rs[i].Status != w {
				t.Errorf("%s: %s = %s, want %s (%+v)", rs[i].Resource, rs[i].Evidence.Where, rs[i].Status, w, rs[i].Evidence)
			}
		}
	}
}
