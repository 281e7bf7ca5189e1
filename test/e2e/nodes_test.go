package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// TestNodeLayer: every kubelet's configuration read through the API server's node proxy from
// the kubelet's own /configz, and the node controls' results grouped into node pools as the
// report shows them (checks/node/group.go: nodes whose evidence is the same share a line).
func TestNodeLayer(t *testing.T) {
	out := filepath.Join(t.TempDir(), "snapshot.json")
	runAudit(t, "collect", "--kubeconfig", kubeconfig, "--output", out)
	snap, err := snapfile.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if c := snap.Resources[snapshot.ResKubeletConfigs]; c.State != snapshot.Collected {
		t.Fatalf("kubelet configs: %+v, want collected", c)
	}
	read := map[string]bool{}
	for _, k := range snap.Kubelets {
		read[k.Node] = k.Collection.State == snapshot.Collected && k.Config != nil
	}
	for _, n := range cluster.Nodes {
		if !read[n.Name] {
			t.Errorf("node %s: configz not read through the proxy", n.Name)
		}
	}
	for _, n := range snap.Nodes {
		// The kubelet registered the node: its version, and kubemark's fake runtime.
		if n.Status.NodeInfo.KubeletVersion != cluster.Version || !strings.HasPrefix(n.Status.NodeInfo.ContainerRuntimeVersion, "fakeRuntime://") {
			t.Errorf("node %s: kubelet %q runtime %q", n.Name, n.Status.NodeInfo.KubeletVersion, n.Status.NodeInfo.ContainerRuntimeVersion)
		}
	}

	rep := decodeReport(t, []byte(runAudit(t, "scan", "--snapshot", out, "--layer", "node", "--output", "json", "--fail-on", "none")))
	// got: per control, each result as "STATUS node,node,...", in the report's order.
	got := map[string][]string{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			nodes := []string{r.Resource.Name}
			if r.Resource.Kind == "NodeGroup" {
				nodes = groupNodes(r)
				if want := fmt.Sprintf("%s and %d more", nodes[0], len(nodes)-1); r.Resource.Name != want {
					t.Errorf("%s: group named %q, want %q", c.ID, r.Resource.Name, want)
				}
			}
			got[c.ID] = append(got[c.ID], string(r.Status)+" "+strings.Join(nodes, ","))
		}
	}
	const (
		secure   = "cp-1,hardened-1,hardened-2"
		insecure = "legacy-1,legacy-2,weak-1,weak-2"
		weak     = "weak-1,weak-2"
		hardened = "hardened-1,hardened-2"
		notWeak  = "cp-1,hardened-1,hardened-2,legacy-1,legacy-2"
		notHard  = "cp-1,legacy-1,legacy-2,weak-1,weak-2"
		defaults = "cp-1,legacy-1,legacy-2" // the kubelet's defaults for the field
		all      = "cp-1,hardened-1,hardened-2,legacy-1,legacy-2,weak-1,weak-2"
	)
	for id, want := range map[string][]string{
		"KP-NODE-001": {"FAIL " + insecure, "PASS " + secure},
		"KP-NODE-002": {"FAIL " + insecure, "PASS " + secure},
		"KP-NODE-003": {"FAIL " + insecure, "PASS " + secure},
		"KP-NODE-004": {"FAIL " + insecure, "PASS " + secure},
		// Two groups pass, on different evidence: the default 4h, and hardened's 5m.
		"KP-NODE-005": {"FAIL " + weak, "PASS " + defaults, "PASS " + hardened},
		"KP-NODE-006": {"FAIL " + weak, "PASS " + notWeak},
		"KP-NODE-007": {"NOT_EVALUATED " + all},
		"KP-NODE-008": {"WARN " + weak, "PASS " + notWeak},
		"KP-NODE-010": {"FAIL " + insecure, "PASS " + secure},
		"KP-NODE-012": {"FAIL " + weak, "WARN " + defaults, "PASS " + hardened},
		"KP-NODE-013": {"FAIL " + notHard, "PASS " + hardened},
		"KP-NODE-014": {"FAIL " + notHard, "PASS " + hardened},
		"KP-NODE-015": {"FAIL " + notHard, "PASS " + hardened},
		"KP-NODE-016": {"PASS " + all},
		"KP-NODE-017": {"PASS " + all},
		"KP-NODE-018": {"PASS " + all},
	} {
		if !slices.Equal(got[id], want) {
			t.Errorf("%s: %q, want %q", id, got[id], want)
		}
	}
	// The per-node verdicts, KP-NODE-009 and 011 included, are TestScanEstate's.
}

// TestKubeletsServeTheirConfiguration: what configz says is what each kubelet does, asked
// directly at its address in its network namespace: anonymous requests refused on port 10250
// by the config-file kubelets and served by the others, the read-only port open where
// configz says so, and a serving certificate the cluster's CA signed only where the kubelet
// bootstrapped it (the others are the kubelet's self-signed pair: see KP-NODE-009 in
// wrongVerdicts).
func TestKubeletsServeTheirConfiguration(t *testing.T) {
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(cluster.Admin.TLSClientConfig.CAData)
	for _, n := range cluster.Nodes {
		secure := n.Profile == testcluster.ControlPlane || n.Profile == testcluster.Hardened
		var peer *x509.Certificate
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true,
			VerifyConnection: func(cs tls.ConnectionState) error {
				peer = cs.PeerCertificates[0]
				return nil
			},
		}}}
		resp, err := client.Get("https://" + net.JoinHostPort(n.Address, "10250") + "/configz")
		if err != nil {
			t.Errorf("%s: %v", n.Name, err)
			continue
		}
		resp.Body.Close()
		if want := map[bool]int{true: http.StatusUnauthorized, false: http.StatusOK}[secure]; resp.StatusCode != want {
			t.Errorf("%s: anonymous GET /configz: %d, want %d", n.Name, resp.StatusCode, want)
		}
		_, verr := peer.Verify(x509.VerifyOptions{Roots: roots})
		if signed := verr == nil; signed != (n.Profile == testcluster.Hardened) {
			t.Errorf("%s: serving certificate %q (issuer %q) verifies with the cluster CA: %v, want %v",
				n.Name, peer.Subject, peer.Issuer, signed, n.Profile == testcluster.Hardened)
		}
		ro, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + net.JoinHostPort(n.Address, "10255") + "/healthz")
		switch {
		case secure && !errors.Is(err, syscall.ECONNREFUSED):
			t.Errorf("%s: read-only port: %v, want the connection refused", n.Name, err)
		case !secure && err != nil:
			t.Errorf("%s: read-only port: %v, want it served", n.Name, err)
		case !secure:
			ro.Body.Close()
		}
	}
}
