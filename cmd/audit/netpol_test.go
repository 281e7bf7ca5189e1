package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// demoPod is a pod of the demo, NAMESPACE/POD, and its node.
type demoPod struct{ name, node string }

// demoPods are the demo's pods whose names start with prefix, sorted by name: the controllers
// that made them chose the names, and the scheduler their nodes, anew at each regeneration of
// the demo.
func demoPods(t *testing.T, ns, prefix string) []demoPod {
	t.Helper()
	snap, err := snapfile.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	var out []demoPod
	for _, p := range snap.Pods {
		if p.Namespace == ns && strings.HasPrefix(p.Name, prefix) {
			out = append(out, demoPod{ns + "/" + p.Name, p.Spec.NodeName})
		}
	}
	if len(out) == 0 {
		t.Fatalf("the demo has no pod %s/%s*", ns, prefix)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// demoPeers are the demo's admin tool pod and two web pods on other nodes than the admin
// tool's: the admin tool runs on its node's network, and traffic from a pod's own node is
// always allowed.
func demoPeers(t *testing.T) (admin, web, web2 string) {
	t.Helper()
	a := demoPods(t, "legacy", "admin-tool-")[0]
	var webs []string
	for _, w := range demoPods(t, "shop", "web-") {
		if w.node != a.node {
			webs = append(webs, w.name)
		}
	}
	if len(webs) < 2 {
		t.Fatalf("web pods on other nodes than %s's (%s): %v, want two", a.name, a.node, webs)
	}
	return a.name, webs[0], webs[1]
}

// TestNetpolDemo asks the demo snapshot about connections whose verdicts follow from the
// estate: shop denies both ways except web's ingress from the ingress controller and DNS
// egress; batch and legacy have no policy.
func TestNetpolDemo(t *testing.T) {
	admin, web, web2 := demoPeers(t)
	report := demoPods(t, "batch", "nightly-report-")[0].name
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--from", admin, "--to", web, "--port", "8080"},
			[]string{"DENIED", "isolated for Ingress by shop/default-deny, shop/web and no rule allows it"}},
		{[]string{"--from", web2, "--to", web, "--port", "8080"},
			[]string{"DENIED", "egress   denies: isolated for Egress by shop/default-deny, shop/web"}},
		{[]string{"--from", report, "--to", admin, "--port", "22"},
			[]string{"ALLOWED", "no NetworkPolicy selects the pod for Egress", "hostNetwork pod: NetworkPolicy does not apply"}},
		{[]string{"--from", web, "--to", "169.254.169.254", "--port", "80"},
			[]string{"DENIED", "isolated for Egress"}},
		{[]string{"--from", "203.0.113.7", "--to", web, "--port", "8080", "--protocol", "tcp"},
			[]string{"203.0.113.7 -> " + web + " 8080/TCP: DENIED", "outside the pod network"}},
		{[]string{"--from", report, "--to", "8.8.8.8", "--port", "53", "--protocol", "UDP"},
			[]string{"ALLOWED"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"netpol", "--snapshot", demo}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestNetpolJSON(t *testing.T) {
	admin, web, _ := demoPeers(t)
	out, errOut, code := runCLI(t, "netpol", "--snapshot", demo, "--from", admin, "--to", web, "--port", "8080", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a netpolAnswer
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if a.Verdict.Allowed || !a.Verdict.Egress.Allowed || a.Verdict.Ingress.Allowed || len(a.Verdict.Ingress.Isolating) != 2 {
		t.Errorf("verdict %+v: want denied by shop's ingress isolation (2 policies)", a.Verdict)
	}
}

func TestNetpolBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--to", "shop/x", "--port", "80"}, []string{"--from"}},
		{[]string{"--from", "shop/x", "--port", "80"}, []string{"--to"}},
		{[]string{"--from", "shop/x", "--to", "shop/y"}, []string{"--port", "1-65535"}},
		{[]string{"--from", "shop", "--to", "shop/y", "--port", "80"}, []string{"--from", `"shop"`, "NAMESPACE/POD"}},
		{[]string{"--from", "shop/x", "--to", "shop/y", "--port", "80", "--protocol", "ICMP"}, []string{"--protocol", "ICMP"}},
		{[]string{"--from", "shop/nope", "--to", "shop/web", "--port", "80"}, []string{"--from shop/nope", "no such pod"}},
		{[]string{"--from", "shop/x", "--to", "shop/y", "--port", "80", "-f", "yaml"}, []string{"--format", "yaml"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errOut, code := runCLI(t, append([]string{"netpol", "--snapshot", demo}, tc.args...)...)
			if code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if lines := strings.Count(strings.TrimRight(errOut, "\n"), "\n"); lines != 0 {
				t.Errorf("error takes %d lines, want one: %q", lines+1, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("error %q does not mention %q", errOut, w)
				}
			}
		})
	}
}
