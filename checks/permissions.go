package checks

import (
	"slices"
	"strings"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Permission returns the RBAC permission that reads r, as `kubectl auth can-i` takes it
// ("list secrets", "list deployments.apps", "get nodes/proxy", "get /metrics"), or "" for
// what no permission gives (files, probes, node reports, image scans).
func Permission(r snapshot.Resource) string {
	if _, ok := snapshot.KindOf(r); ok || slices.Contains(snapshot.CNIPolicyResources, r) {
		return "list " + string(r)
	}
	switch r {
	case snapshot.ResKubeletConfigs:
		return "get nodes/proxy"
	case snapshot.ResAPIServerMetrics:
		return "get /metrics"
	case snapshot.ResControlPlane:
		return "list pods" // read from the kube-system pods
	}
	return ""
}

// explainNotCollected completes the report's not-collected list: the permission that was
// missing (when the read was forbidden) and the controls that needed the resource and are
// NOT_EVALUATED, so that a user with a narrower role sees what it cost. cs and reps are the
// run's checks and their reports, in the same order.
func explainNotCollected(nc []NotCollected, cs []Check, reps []ControlReport) {
	for i := range nc {
		if nc[i].State == snapshot.Forbidden {
			nc[i].Permission = Permission(nc[i].Resource)
		}
		for j, c := range cs {
			if leftNotEvaluated(c, reps[j], nc[i]) {
				nc[i].Controls = append(nc[i].Controls, c.ID)
			}
		}
	}
}

// leftNotEvaluated tells whether the missing resource made the control NOT_EVALUATED: it is
// one of its inputs, or, for a check that can do without it and so does not list it (the
// kubelet checks take configz or a node report), a NOT_EVALUATED result quotes its outcome.
func leftNotEvaluated(c Check, rep ControlReport, nc NotCollected) bool {
	if rep.Counts[NotEvaluated] == 0 {
		return false
	}
	if slices.Contains(c.Inputs, nc.Resource) {
		return true
	}
	for _, r := range rep.Results {
		if r.Status == NotEvaluated && r.Reason != "" && nc.Message != "" &&
			(strings.Contains(nc.Message, r.Reason) || strings.Contains(r.Reason, nc.Message)) {
			return true
		}
	}
	return false
}
