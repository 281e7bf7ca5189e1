package e2e

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestLeastPrivilegeWithNodeProxy is deploy's least-privilege test on a whole cluster, with
// the with-node-proxy overlay: the scan runs as the shipped service account, in a pod's
// shape, and reads every kubelet's configuration through nodes/proxy. Nothing is forbidden
// but what the base deliberately leaves out (secrets), and the report names it with the
// permission and the controls it left NOT_EVALUATED; every other verdict is the admin's.
func TestLeastPrivilegeWithNodeProxy(t *testing.T) {
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	token := scannerToken(t, cs)
	var rep *checks.Report
	deadline := time.Now().Add(20 * time.Second)
	for {
		cmd, _ := podCommand(t, token, "scan", "--output", "json", "--fail-on", "none")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("audit scan as %s/%s: %v: %s", scannerNamespace, scannerAccount, err, stderr.String())
		}
		rep = decodeReport(t, stdout.Bytes())
		// The RBAC authorizer learns of a new binding through its informer: retry briefly.
		if len(rep.NotCollected) == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	if len(rep.NotCollected) != 1 || rep.NotCollected[0].Resource != snapshot.ResSecrets ||
		rep.NotCollected[0].State != snapshot.Forbidden || rep.NotCollected[0].Permission != "list secrets" {
		t.Fatalf("not collected: %+v, want secrets forbidden (permission list secrets) and nothing else", rep.NotCollected)
	}
	leftOut := rep.NotCollected[0].Controls
	if !slices.Contains(leftOut, "KP-RBAC-015") {
		t.Errorf("controls left NOT_EVALUATED by secrets: %v, want KP-RBAC-015 among them", leftOut)
	}
	// Every verdict is the admin's, but for the controls the report says it could not
	// evaluate; those are NOT_EVALUATED.
	want := wantVerdicts()
	for k := range want {
		id, _, _ := strings.Cut(k, " ")
		if slices.Contains(leftOut, id) {
			delete(want, k)
		}
	}
	got := verdicts(rep)
	for k, st := range got {
		id, _, _ := strings.Cut(k, " ")
		if slices.Contains(leftOut, id) {
			if st != checks.NotEvaluated {
				t.Errorf("%s: %s, but the report lists %s as left NOT_EVALUATED", k, st, id)
			}
			delete(got, k)
		}
	}
	diffVerdicts(t, got, want, wrongVerdicts)
}
