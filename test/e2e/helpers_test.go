package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

// runAudit runs the audit binary with a clean environment for the kubeconfig (KUBECONFIG
// unset, HOME a temporary directory), and returns its standard output.
func runAudit(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(auditBin, args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("audit %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func decodeReport(t *testing.T, data []byte) *checks.Report {
	t.Helper()
	var rep checks.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
	return &rep
}

// verdicts flattens a report into "control resource" -> status. A NodeGroup result counts for
// each node its evidence lists ("... (3 nodes: a, b, c) ..."), so that a verdict is per node
// whatever the grouping.
func verdicts(rep *checks.Report) map[string]checks.Status {
	got := map[string]checks.Status{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			if r.Resource.Kind != "NodeGroup" {
				got[c.ID+" "+r.Resource.String()] = r.Status
				continue
			}
			for _, n := range groupNodes(r) {
				got[c.ID+" Node/"+n] = r.Status
			}
		}
	}
	return got
}

// groupNodes are the nodes of a NodeGroup result, from its evidence (checks/node/group.go
// writes "(N nodes: a, b, c" where one node's evidence says "(node a").
func groupNodes(r checks.Result) []string {
	before, list, _ := strings.Cut(r.Evidence.Where, " nodes: ")
	n, err := strconv.Atoi(before[strings.LastIndex(before, "(")+1:])
	names := strings.Split(list, ", ")
	if err != nil || n > len(names) {
		return []string{"unparsed: " + r.Evidence.Where}
	}
	names[n-1], _, _ = strings.Cut(names[n-1], ")")
	names[n-1], _, _ = strings.Cut(names[n-1], ";")
	return names[:n]
}

// knownWrong are verdicts the built-in controls give on this cluster that the rule's source
// contradicts, reported to the developers of the checks: each key's expectation (in the
// tests' want maps) is the right verdict, Now is what the control gives today. A key that
// gives its right verdict fails the test too, so that the entry goes with the fix.
type knownWrong map[string]wrong

type wrong struct {
	Now checks.Status
	Why string
}

// diffVerdicts compares every key of got and want; a status "" in want means no result.
func diffVerdicts(t *testing.T, got, want map[string]checks.Status, wrong knownWrong) {
	t.Helper()
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		w, isWrong := wrong[k]
		switch {
		case isWrong && got[k] == w.Now:
			t.Logf("known wrong verdict (reported): %s gives %q, right is %q: %s", k, got[k], want[k], w.Why)
		case isWrong && got[k] == want[k]:
			t.Errorf("%s now gives the right verdict %q: remove it from the known wrong verdicts", k, got[k])
		case got[k] != want[k]:
			t.Errorf("%s: got %q, want %q", k, got[k], want[k])
		}
	}
}
