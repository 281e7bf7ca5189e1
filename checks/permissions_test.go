package checks

import (
	"slices"
	"testing"

	"github.com/kubeposture/kubeposture/snapshot"
)

func TestPermission(t *testing.T) {
	for r, want := range map[snapshot.Resource]string{
		snapshot.ResSecrets:          "list secrets",
		snapshot.ResDeployments:      "list deployments.apps",
		snapshot.ResKubeletConfigs:   "get nodes/proxy",
		snapshot.ResAPIServerMetrics: "get /metrics",
		snapshot.ResControlPlane:     "list pods",
		snapshot.ResEncryptionConfig: "",
		snapshot.ResNodeReports:      "",
		snapshot.ResImages:           "",
		snapshot.ResAnonymousProbe:   "",
	} {
		if got := Permission(r); got != want {
			t.Errorf("Permission(%s) = %q, want %q", r, got, want)
		}
	}
	// Every collected kind is listed under its RBAC name, plural.group, as are the custom kinds
	// (the network plugins' policies, the add-ons').
	for _, k := range snapshot.CollectedKinds {
		want := "list " + k.Plural()
		if k.GVK.Group != "" {
			want += "." + k.GVK.Group
		}
		if got := Permission(k.Resource); got != want {
			t.Errorf("Permission(%s) = %q, want %q", k.Resource, got, want)
		}
	}
	for _, r := range snapshot.CustomResources() {
		if got, want := Permission(r), "list "+string(r); got != want {
			t.Errorf("Permission(%s) = %q, want %q", r, got, want)
		}
	}
}

// A forbidden input names the missing permission and the controls it left NOT_EVALUATED;
// a control that did not need it, or was evaluated anyway, is not listed.
func TestRunExplainsNotCollected(t *testing.T) {
	snap := snapshot.New()
	snap.Resources[snapshot.ResSecrets] = snapshot.Collection{State: snapshot.Forbidden, Message: "secrets is forbidden"}
	snap.Resources[snapshot.ResPods] = snapshot.Collection{State: snapshot.Collected}
	snap.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Failed, Message: "timeout"}
	mk := func(id string, inputs ...snapshot.Resource) Check {
		return Check{Control: Control{ID: id, Layer: Workload, Severity: Medium}, Inputs: inputs,
			Evaluate: func(*snapshot.Snapshot) []Result {
				return []Result{{Status: Pass, Resource: Resource{Kind: "Cluster"}}}
			}}
	}
	// E and G list nodes/proxy and node reports as AnyInputs, as the kubelet checks do: E is
	// NOT_EVALUATED, G is evaluated. F quotes the outcome in its reason but lists neither.
	snap.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: snapshot.Forbidden, Message: "n1: nodes/proxy is forbidden"}
	alternatives := func(id string, st Status, anyInputs ...snapshot.Resource) Check {
		c := mk(id, snapshot.ResPods)
		c.AnyInputs = anyInputs
		c.Evaluate = func(*snapshot.Snapshot) []Result {
			return []Result{{Status: st, Resource: Resource{Kind: "Node", Name: "n1"}, Reason: "nodes/proxy is forbidden"}}
		}
		return c
	}
	kubelet := []snapshot.Resource{snapshot.ResKubeletConfigs, snapshot.ResNodeReports}
	rep := Run(snap, []Check{mk("A", snapshot.ResSecrets), mk("B", snapshot.ResPods), mk("C", snapshot.ResPods, snapshot.ResSecrets), mk("D", snapshot.ResNodes),
		alternatives("E", NotEvaluated, kubelet...), alternatives("F", NotEvaluated), alternatives("G", Pass, kubelet...)}, Selection{})
	if len(rep.NotCollected) != 3 {
		t.Fatalf("NotCollected = %+v, want nodes, nodes/proxy and secrets", rep.NotCollected)
	}
	nodes, proxy, secrets := rep.NotCollected[0], rep.NotCollected[1], rep.NotCollected[2]
	if proxy.Permission != "get nodes/proxy" || !slices.Equal(proxy.Controls, []string{"E"}) {
		t.Errorf("nodes/proxy: %+v, want permission get nodes/proxy, controls E", proxy)
	}
	if secrets.Resource != snapshot.ResSecrets || secrets.Permission != "list secrets" || !slices.Equal(secrets.Controls, []string{"A", "C"}) {
		t.Errorf("secrets: %+v, want permission list secrets, controls A and C", secrets)
	}
	if nodes.Resource != snapshot.ResNodes || nodes.Permission != "" || !slices.Equal(nodes.Controls, []string{"D"}) {
		t.Errorf("nodes (failed, not forbidden): %+v, want no permission, controls D", nodes)
	}
}
