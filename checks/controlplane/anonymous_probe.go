/*
An anonymous request must reach nothing beyond /version, /healthz, /readyz and /livez.

Source: kubeposture (issue 3: live probe); relates to CIS Kubernetes Benchmark 1.12, 1.2.1
(anonymous auth) and 5.1 (bindings to system:anonymous / system:unauthenticated). The four
paths are what Kubernetes' bootstrap policy opens to system:unauthenticated
(system:public-info-viewer, k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/
bootstrappolicy/policy.go).

Reads: the probe's results (audit scan --probe-anonymous): a GET of each path of
collect.ProbePaths without credentials, and the HTTP status each got.

Allowed values: a 2xx answer only for those four paths. Any other path answered 2xx is a
FAIL, listing what anonymous requests reached. 401 everywhere (anonymous authentication off)
or 403 beyond the four: PASS. Without the probe: NOT_EVALUATED (it is opt-in, since it sends
requests the cluster's audit log will show as anonymous).
*/

package controlplane

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID: "KP-CP-048", Title: "Anonymous requests reach nothing beyond version and health", Layer: checks.ControlPlane, Severity: checks.Critical,
			Description: "What the API server serves without credentials is served to anyone who can reach it: the probe asks, as anyone would.",
			Remediation: "Turn anonymous authentication off (--anonymous-auth=false, or an AuthenticationConfiguration limiting it to the health paths), and remove bindings to system:anonymous and system:unauthenticated (KP-RBAC-014).",
		},
		Evaluate: anonymousProbe,
	})
}

// publicPaths are the paths everyone may read.
var publicPaths = map[string]bool{"/version": true, "/healthz": true, "/readyz": true, "/livez": true}

func anonymousProbe(snap *snapshot.Snapshot) []checks.Result {
	res := checks.Resource{Kind: "Cluster"}
	ev := checks.Evidence{Where: "GET without credentials to " + snap.Cluster.Server, Expected: "2xx only for /version, /healthz, /readyz, /livez"}
	col, ok := snap.Status(snapshot.ResAnonymousProbe)
	if !ok || snap.APIServer == nil {
		return []checks.Result{{Status: checks.NotEvaluated, Resource: res, Evidence: ev, Reason: "the anonymous probe is opt-in: run audit scan with --probe-anonymous"}}
	}
	if col.State != snapshot.Collected {
		return []checks.Result{{Status: checks.NotEvaluated, Resource: res, Evidence: ev, Reason: fmt.Sprintf("the probe %s: %s", col.State, col.Message)}}
	}
	var reached, answered []string
	codes := map[int]int{}
	for _, r := range snap.APIServer.Anonymous {
		if r.Code == 0 {
			answered = append(answered, r.Path+": "+r.Error)
			continue
		}
		codes[r.Code]++
		if r.Code >= 200 && r.Code < 300 {
			path, _, _ := strings.Cut(r.Path, "?")
			if !publicPaths[path] {
				reached = append(reached, fmt.Sprintf("%s (%d)", r.Path, r.Code))
			} else {
				answered = append(answered, fmt.Sprintf("%s (%d)", r.Path, r.Code))
			}
		}
	}
	if len(reached) > 0 {
		ev.Observed = "anonymous requests reached " + strings.Join(reached, ", ")
		return []checks.Result{{Status: checks.Fail, Resource: res, Evidence: ev}}
	}
	var parts []string
	for _, c := range []int{200, 401, 403, 404} {
		if codes[c] > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", codes[c], c))
		}
	}
	ev.Observed = fmt.Sprintf("%d paths probed: %s", len(snap.APIServer.Anonymous), strings.Join(parts, ", "))
	if len(answered) > 0 {
		ev.Observed += "; served or failed: " + strings.Join(answered, ", ")
	}
	return []checks.Result{{Status: checks.Pass, Resource: res, Evidence: ev}}
}
