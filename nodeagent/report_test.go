package nodeagent_test

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/nodeagent"
)

func nodeReport(node, collectedAt string) string {
	return `{"apiVersion":"kubeposture.io/v1alpha1","kind":"NodeReport","node":"` + node + `","collectedAt":"` + collectedAt + `"}` + "\n"
}

const (
	t1 = "2026-11-26T06:00:00Z"
	t2 = "2026-11-26T12:00:00Z"
)

// Two reports of one node are refused, naming both, whether they come from two files or from
// one: the last one read is not silently the one believed.
func TestReadReportsOnePerNode(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"a.json": nodeReport("worker-1", t1),
		"b.json": nodeReport("worker-2", t1) + nodeReport("worker-1", t2),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := nodeagent.ReadReports(dir, nil)
	want := `node "worker-1" is reported twice, in ` + filepath.Join(dir, "a.json") + ` and in ` + filepath.Join(dir, "b.json") + ` (report 2)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("two files: err = %v, want %q", err, want)
	}
}

// On standard input, the agent DaemonSet's logs hold a series of reports of each node: the
// newest of each is kept, whatever the order, and the others are counted; two reports of a
// node from the same instant are refused.
func TestReadReportsStream(t *testing.T) {
	reps, superseded, err := nodeagent.ReadReports("-", strings.NewReader(nodeReport("cp-1", t2)+nodeReport("w", t1)+nodeReport("cp-1", t1)+nodeReport("w", t2)))
	if err != nil || len(reps) != 2 || superseded != 2 {
		t.Fatalf("%d reports, %d superseded, %v; want 2 and 2", len(reps), superseded, err)
	}
	for _, r := range reps {
		if got := r.CollectedAt.Format("2006-01-02T15:04:05Z"); got != t2 {
			t.Errorf("node %s: the report of %s kept, want the newest, %s", r.Node, got, t2)
		}
	}
	_, _, err = nodeagent.ReadReports("-", strings.NewReader(nodeReport("cp-1", t1)+nodeReport("w", t1)+nodeReport("cp-1", t1)))
	if want := `node "cp-1" is reported twice, in standard input (report 1) and in standard input (report 3)`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("same instant: err = %v, want %q", err, want)
	}
}

// endless is a JSON string that never ends.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	for i := range p {
		p[i] = 'a'
	}
	e.n -= int64(len(p))
	return len(p), nil
}

// A report over sizelimit.NodeReport is refused after reading about that much, and each report
// of a stream has its own budget.
func TestDecodeReportsLimit(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := nodeagent.DecodeReports(io.MultiReader(strings.NewReader(nodeReport("a", t1)+`{"node":"`), &endless{n: 256 << 20}), "standard input")
	runtime.ReadMemStats(&after)
	if !sizelimit.IsTooLarge(err) || !strings.Contains(err.Error(), "standard input: node report 2") {
		t.Fatalf("err = %v, want report 2 refused at its limit", err)
	}
	// encoding/json's buffer doubles as it grows: some four times the limit in all.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 6*sizelimit.NodeReport {
		t.Errorf("refusing the report allocated %d MiB, want at most 6 times the %d MiB limit", alloc>>20, sizelimit.NodeReport>>20)
	}
	var stream strings.Builder
	for i := range 3 {
		stream.WriteString(`{"apiVersion":"kubeposture.io/v1alpha1","kind":"NodeReport","node":"n` + string(rune('0'+i)) +
			`","errors":["` + strings.Repeat("x", sizelimit.NodeReport/2) + `"]}`)
	}
	if reps, err := nodeagent.DecodeReports(strings.NewReader(stream.String()), "standard input"); err != nil || len(reps) != 3 {
		t.Errorf("3 reports of half the limit each: %d read, %v", len(reps), err)
	}
}
