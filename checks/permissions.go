package checks

import (
	"slices"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Permission returns the RBAC permission that reads r, as `kubectl auth can-i` takes it
// ("list secrets", "list deployments.apps", "get nodes/proxy", "get /metrics"), or "" for
// what no permission gives (files, probes, node reports, image scans).
func Permission(r snapshot.Resource) string {
	if _, ok := snapshot.KindOf(r); ok || slices.Contains(snapshot.CustomResources(), r) {
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

// leftNotEvaluated tells whether the missing resource left the control NOT_EVALUATED: the
// control has a NOT_EVALUATED result and needed the resource, as one of its inputs or as one
// of the inputs it reads in place of one another (AnyInputs: the kubelet checks take configz or
// a node report, and list neither as an input).
func leftNotEvaluated(c Check, rep ControlReport, nc NotCollected) bool {
	return rep.Counts[NotEvaluated] > 0 &&
		(slices.Contains(c.Inputs, nc.Resource) || slices.Contains(c.AnyInputs, nc.Resource))
}
