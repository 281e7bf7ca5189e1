/*
etcd must trust a CA of its own, not the cluster's CA.

Source: CIS Kubernetes Benchmark 2.7 (manual there): "Review the CA used by the etcd environment
and ensure that it does not match the CA certificate file used for the management of the
overall Kubernetes cluster"; its audit compares etcd's --trusted-ca-file with the API server's
--client-ca-file. go.etcd.io/etcd/server/v3 embed/config.go (--trusted-ca-file defaults to "":
no client CA). etcd verifies a client's chain against the certificates of that file
(crypto/tls with ClientCAs), so a client certificate the cluster's CA issued is accepted when
the file holds that CA, or a CA that issued it.

Reads: etcd --trusted-ca-file (or ETCD_TRUSTED_CA_FILE); kube-apiserver --client-ca-file of every
API server in the snapshot; the certificates of both files as the node agent recorded them in
the report of each component's node (fingerprint, subject and issuer, never a key).

Allowed values: set, and a CA of its own. FAIL when it is not set, when it is the same path as
an API server's --client-ca-file, when the two files hold a certificate in common (same
SHA-256 fingerprint), or when a certificate of the API server's file that is not self-signed
was issued by one etcd trusts (its issuer is that certificate's subject): any holder of a
cluster client certificate could then talk to etcd. PASS when every API server's client CA
file was compared and none of that holds. MANUAL, saying why, when a file's certificates are
not at hand (no node report of its node, or the agent could not read it).
*/

package controlplane

import (
	"fmt"
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

// caFile is a CA file a component's flag names, with its certificates as the node agent
// recorded them, or why they are not at hand.
type caFile struct {
	owner, flag, path string
	certs             []snapshot.Certificate
	missing           string
}

func (f caFile) String() string {
	s := fmt.Sprintf("%s --%s %s", f.owner, f.flag, f.path)
	if f.missing != "" {
		return s
	}
	var names []string
	for _, c := range f.certs {
		names = append(names, fmt.Sprintf("%s (sha256 %s…)", c.Subject, c.SHA256[:min(16, len(c.SHA256))]))
	}
	return s + ": " + strings.Join(names, ", ")
}

// certificatesOf returns the file at path named by flag of c, with the certificates the node
// report of c's node holds for it.
func certificatesOf(snap *snapshot.Snapshot, c *snapshot.Component, flag, path string) caFile {
	f := caFile{owner: c.Pod, flag: flag, path: path}
	if c.Node == "" {
		f.missing = "the node " + c.Pod + " runs on is unknown"
		return f
	}
	rep := snap.NodeReport(c.Node)
	if rep == nil {
		f.missing = "no node report of node " + c.Node + " (run 'audit node' there and scan with --node-reports)"
		return f
	}
	rec := rep.CertificateFile(path)
	switch {
	case rec == nil:
		f.missing = "the node report of " + c.Node + " does not hold " + path + " (the node agent records the CA files its static pod manifests name)"
	case rec.Error != "":
		f.missing = "the node agent could not read " + path + " on " + c.Node + ": " + rec.Error
	case len(rec.Certificates) == 0:
		f.missing = "the node report of " + c.Node + " records no certificate in " + path
	default:
		f.certs = rec.Certificates
	}
	return f
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
	var clusterCAs []caFile
	for _, a := range snap.Components(apiserver) {
		ca := componentflags.Lookup(a, "client-ca-file")
		if !ca.Present() {
			continue
		}
		if ca.Raw == v.Raw {
			ev.Observed += "; the same file is the --client-ca-file of " + a.Pod
			return checks.Result{Status: checks.Fail, Evidence: ev}
		}
		clusterCAs = append(clusterCAs, certificatesOf(snap, a, "client-ca-file", ca.Raw))
	}
	if len(clusterCAs) == 0 {
		return checks.Result{Status: checks.Manual, Evidence: ev,
			Reason: "no API server with a --client-ca-file in the snapshot to compare " + v.Raw + " with: check that it is not the cluster's CA"}
	}
	own := certificatesOf(snap, c, flag, v.Raw)
	if own.missing != "" {
		return checks.Result{Status: checks.Manual, Evidence: ev,
			Reason: "the certificates of " + v.Raw + " are not at hand (" + own.missing + "): check that it is not the cluster CA " + describeFiles(clusterCAs)}
	}
	ev.Observed = own.String()
	var missing []string
	for _, ca := range clusterCAs {
		if ca.missing != "" {
			missing = append(missing, ca.path+" of "+ca.owner+" ("+ca.missing+")")
			continue
		}
		if why := sharedTrust(own.certs, ca.certs); why != "" {
			ev.Observed += "; " + ca.String() + ": " + why
			return checks.Result{Status: checks.Fail, Evidence: ev}
		}
	}
	if len(missing) > 0 {
		return checks.Result{Status: checks.Manual, Evidence: ev,
			Reason: "the certificates of " + strings.Join(missing, ", ") + " are not at hand: compare them with " + v.Raw}
	}
	ev.Observed += "; no certificate in common with, nor issuer of, " + describeFiles(clusterCAs)
	return checks.Result{Status: checks.Pass, Evidence: ev}
}

// sharedTrust says how a client certificate the cluster CA file issues would chain to what
// etcd trusts: a certificate in both files, or a cluster CA certificate (not self-signed)
// issued by one etcd trusts. "" when neither.
func sharedTrust(etcdCerts, clusterCerts []snapshot.Certificate) string {
	for _, cc := range clusterCerts {
		for _, ec := range etcdCerts {
			switch {
			case cc.SHA256 == ec.SHA256:
				return fmt.Sprintf("etcd trusts the cluster's CA %s (same sha256 %s)", cc.Subject, cc.SHA256)
			case cc.Issuer != cc.Subject && cc.Issuer == ec.Subject:
				return fmt.Sprintf("the cluster's CA %s was issued by %s, which etcd trusts: the certificates it issues chain to etcd's trust", cc.Subject, ec.Subject)
			}
		}
	}
	return ""
}

func describeFiles(files []caFile) string {
	s := make([]string, len(files))
	for i, f := range files {
		s[i] = f.String()
	}
	return strings.Join(s, "; ")
}
