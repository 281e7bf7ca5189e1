/*
etcd must trust a CA of its own, not the cluster's CA.

Source: CIS Kubernetes Benchmark 2.7 (manual there). go.etcd.io/etcd/server/v3 embed/config.go (--trusted-ca-file defaults to "": no client CA).

Reads: etcd --trusted-ca-file (or ETCD_TRUSTED_CA_FILE); kube-apiserver --client-ca-file of every API server in the snapshot.

Allowed values: set, and not the same path as an API server's --client-ca-file (FAIL: any holder of a cluster client certificate could then talk to etcd). Different paths may still hold the same certificate, which the snapshot cannot show: MANUAL, naming both files to compare.
*/

package controlplane

import (
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-CP-043",
			Title:       "etcd trusts its own certificate authority",
			Layer:       checks.ControlPlane,
			Severity:    checks.Medium,
			Description: "If etcd trusts the cluster's CA, every client certificate the cluster issues (kubelets, users) is accepted by etcd.",
			Remediation: fix("Create a CA for etcd only and set --trusted-ca-file to it", manifestEtcd),
			References:  checks.References{CIS: []string{"2.7"}},
		},
		AnyInputs: sources,
		Evaluate:  etcdUniqueCA,
	})
}

func etcdUniqueCA(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, etcd, func(c *snapshot.Component) checks.Result {
		return etcdCA(snap, c)
	})
}

// etcdCA judges etcd's --trusted-ca-file against the API servers' --client-ca-file.
func etcdCA(snap *snapshot.Snapshot, c *snapshot.Component) checks.Result {
	const flag = "trusted-ca-file"
	expected := "--trusted-ca-file set to a CA used by etcd only"
	if r, ok := configFileOverrides(c, flag, expected); ok {
		return r
	}
	v := componentflags.Lookup(c, flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: expected, Observed: v.Describe()}
	if !v.Present() {
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	var others []string
	for _, a := range snap.Components(apiserver) {
		ca := componentflags.Lookup(a, "client-ca-file")
		if !ca.Present() {
			continue
		}
		if ca.Raw == v.Raw {
			ev.Observed += "; the same file is the --client-ca-file of " + a.Pod
			return checks.Result{Status: checks.Fail, Evidence: ev}
		}
		others = append(others, ca.Raw+" ("+a.Pod+")")
	}
	reason := "the snapshot holds file paths, not certificates: check that " + v.Raw + " is not the cluster CA"
	if len(others) > 0 {
		reason += " " + strings.Join(others, ", ")
	}
	return checks.Result{Status: checks.Manual, Evidence: ev, Reason: reason}
}
