package controlplane

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestEtcdUniqueCA(t *testing.T) {
	runComponentCases(t, etcd, etcdUniqueCA, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"}, want: checks.Manual, observed: "etcd/ca.crt"},
		{name: "config file", args: []string{"--config-file=/e.yaml"}, want: checks.NotEvaluated},
	})
}

// etcd trusting the file the API server uses as its client CA fails; another file is
// left to a person, with both paths named.
func TestEtcdUniqueCAAgainstAPIServer(t *testing.T) {
	for _, tc := range []struct {
		etcdCA string
		want   checks.Status
	}{
		{"/etc/kubernetes/pki/ca.crt", checks.Fail},
		{"/etc/kubernetes/pki/etcd/ca.crt", checks.Manual},
	} {
		s := apiserverSnap([]string{"--client-ca-file=/etc/kubernetes/pki/ca.crt"})
		e := componentSnap(etcd, []string{"--trusted-ca-file=" + tc.etcdCA}, nil)
		s.ControlPlane = append(s.ControlPlane, e.ControlPlane...)
		rs := etcdUniqueCA(s)
		if len(rs) != 1 || rs[0].Status != tc.want {
			t.Errorf("%s: got %+v, want %s", tc.etcdCA, rs, tc.want)
		}
		if tc.want == checks.Manual && !strings.Contains(rs[0].Reason, "kube-apiserver-cp-1 --client-ca-file /etc/kubernetes/pki/ca.crt") {
			t.Errorf("reason %q does not name the API server's CA", rs[0].Reason)
		}
	}
}

// cert is a certificate's identity as the node agent records it; fp stands for its fingerprint.
func cert(fp, subject, issuer string) snapshot.Certificate {
	return snapshot.Certificate{SHA256: strings.Repeat(fp, 64/len(fp)), Subject: subject, Issuer: issuer}
}

// With the node reports' fingerprints of both files, different paths are compared by what
// they hold: a certificate in common, or a cluster CA issued by one etcd trusts, fails; CAs
// apart pass (two self-signed CAs of the same name are still two CAs); a file not at hand
// leaves it to a person, saying why.
func TestEtcdUniqueCAByFingerprint(t *testing.T) {
	var (
		clusterCA = cert("c1", "CN=kubernetes", "CN=kubernetes")
		etcdCA    = cert("e1", "CN=etcd-ca", "CN=etcd-ca")
		sameName  = cert("e2", "CN=kubernetes", "CN=kubernetes")
		root      = cert("r1", "CN=corp-root", "CN=corp-root")
		issued    = cert("c2", "CN=kubernetes", "CN=corp-root")
	)
	const etcdPath, apiPath = "/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/ca.crt"
	file := func(path string, certs ...snapshot.Certificate) snapshot.CertificateFile {
		return snapshot.CertificateFile{Path: path, Certificates: certs}
	}
	for _, tc := range []struct {
		name  string
		files []snapshot.CertificateFile
		want  checks.Status
		// text must appear in the observed value (or, for MANUAL, in the reason).
		text string
	}{
		{"CAs apart", []snapshot.CertificateFile{file(etcdPath, etcdCA), file(apiPath, clusterCA)}, checks.Pass, "CN=etcd-ca (sha256 e1e1"},
		{"a copy of the cluster CA", []snapshot.CertificateFile{file(etcdPath, clusterCA), file(apiPath, clusterCA)}, checks.Fail, "etcd trusts the cluster's CA CN=kubernetes"},
		{"the cluster CA in etcd's bundle", []snapshot.CertificateFile{file(etcdPath, etcdCA, clusterCA), file(apiPath, clusterCA)}, checks.Fail, "same sha256"},
		{"the cluster CA issued by etcd's", []snapshot.CertificateFile{file(etcdPath, root), file(apiPath, issued)}, checks.Fail, "issued by CN=corp-root, which etcd trusts"},
		{"two self-signed CAs of one name", []snapshot.CertificateFile{file(etcdPath, sameName), file(apiPath, clusterCA)}, checks.Pass, ""},
		{"etcd's file not recorded", []snapshot.CertificateFile{file(apiPath, clusterCA)}, checks.Manual, "does not hold " + etcdPath},
		{"a record without certificates", []snapshot.CertificateFile{file(etcdPath), file(apiPath, clusterCA)}, checks.Manual, "records no certificate in " + etcdPath},
		{"the API server's file unreadable", []snapshot.CertificateFile{file(etcdPath, etcdCA), {Path: apiPath, Error: "permission denied"}}, checks.Manual, "could not read " + apiPath + " on cp-1: permission denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := apiserverSnap([]string{"--client-ca-file=" + apiPath})
			s.ControlPlane = append(s.ControlPlane, componentSnap(etcd, []string{"--trusted-ca-file=" + etcdPath}, nil).ControlPlane...)
			s.MergeNodeReports([]snapshot.NodeReport{{Node: "cp-1", ControlPlane: true, Certificates: tc.files}})
			rs := etcdUniqueCA(s)
			if len(rs) != 1 || rs[0].Status != tc.want {
				t.Fatalf("got %+v, want %s", rs, tc.want)
			}
			text := rs[0].Evidence.Observed
			if tc.want == checks.Manual {
				text = rs[0].Reason
			}
			if !strings.Contains(text, tc.text) {
				t.Errorf("%q lacks %q", text, tc.text)
			}
		})
	}
	// No node report: the files are named for a person to compare.
	s := apiserverSnap([]string{"--client-ca-file=" + apiPath})
	s.ControlPlane = append(s.ControlPlane, componentSnap(etcd, []string{"--trusted-ca-file=" + etcdPath}, nil).ControlPlane...)
	if rs := etcdUniqueCA(s); rs[0].Status != checks.Manual || !strings.Contains(rs[0].Reason, "no node report of node cp-1") {
		t.Errorf("no node report: %+v", rs)
	}
}
