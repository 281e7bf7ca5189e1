package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// demoScreenLines is the line budget of the demo's default screen: the README's first
// command shows it whole.
const demoScreenLines = 60

// TestScanDemoScreen: the default table of the demo fits the budget, leads with the cluster
// and the scores, lists FAIL and WARN controls most severe first, and counts the rest in
// one line that says why controls were not evaluated.
func TestScanDemoScreen(t *testing.T) {
	out, _, code := runCLI(t, "scan", "--snapshot", demo)
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if n := strings.Count(out, "\n"); n > demoScreenLines {
		t.Errorf("the demo's default screen is %d lines, over the budget of %d:\n%s", n, demoScreenLines, out)
	}
	n := demoStatusCounts(t)
	order := []string{"Cluster   https://", "Score =", "layer control-plane", "framework cis-1.12", "total",
		"FAIL, WARN controls, most severe first", "high      FAIL    KP-CP-001", "medium    FAIL", "… and",
		fmt.Sprintf("Not listed: %d passed · %d not evaluated (", n[checks.Pass], n[checks.NotEvaluated]),
		"no node report merged", fmt.Sprintf("%d manual · %d not applicable", n[checks.Manual], n[checks.NotApplicable])}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i <= last {
			t.Errorf("%q missing or out of order (at %d, previous at %d)", s, i, last)
		}
		last = max(last, i)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour in a pipe")
	}
}

func TestScanListingFlags(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		has, hasNot []string
	}{
		{[]string{"--status", "fail", "--min-severity", "high"}, []string{"FAIL controls, severity high or higher", "KP-CP-001", "below high"}, []string{"KP-RBAC-002", "KP-CP-005"}},
		{[]string{"--status", "warn"}, []string{"KP-RBAC-002"}, []string{"KP-CP-001 "}},
		{[]string{"--status", "not_evaluated", "--max-controls", "-1"}, []string{"NOT_EVALUATED  KP-NODE-007"}, []string{"KP-CP-001 "}},
		{[]string{"--status", "all", "--max-controls", "-1"}, []string{fmt.Sprintf("Controls, most severe first: %d", len(checks.Registered())), "PASS"}, []string{"Not listed"}},
		{[]string{"--summary"}, []string{"total"}, []string{"KP-CP-001", "Not listed"}},
		{[]string{"--status", "fail", "--control", "KP-CP-001", "--details"}, []string{"KP-CP-001 [FAIL, high]", "expected: --anonymous-auth=false"}, nil},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"scan", "--snapshot", demo}, tc.args...)...)
			if code != 1 {
				t.Errorf("exit code %d, want 1: %s", code, errOut)
			}
			for _, s := range tc.has {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q", s)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(out, s) {
					t.Errorf("output has %q", s)
				}
			}
		})
	}
	// -q: nothing but the exit code, and the file written.
	path := filepath.Join(t.TempDir(), "r.json")
	out, errOut, code := runCLI(t, "scan", "--snapshot", demo, "-q", "-o", path)
	if code != 1 || out != "" || errOut != "" {
		t.Errorf("-q: exit %d, stdout %q, stderr %q; want 1 and nothing", code, out, errOut)
	}
	if b, err := os.ReadFile(path); err != nil || !strings.Contains(string(b), `"schemaVersion"`) {
		t.Errorf("-q -o r.json: the JSON (from the extension) not written: %v", err)
	}
	// The table's flags with another format: an error, not silently ignored.
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "-f", "json", "--status", "fail"); code != 2 || !strings.Contains(errOut, "--status") {
		t.Errorf("--status with json: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--status", "failed"); code != 2 || !strings.Contains(errOut, `--status "FAILED"`) {
		t.Errorf("--status failed: exit %d, %q", code, errOut)
	}
}

func TestScanColorFlag(t *testing.T) {
	always, _, _ := runCLI(t, "scan", "--snapshot", demo, "--color", "always")
	if !strings.Contains(always, "\x1b[") {
		t.Errorf("--color always: no colour")
	}
	t.Setenv("NO_COLOR", "1")
	if out, _, _ := runCLI(t, "scan", "--snapshot", demo, "--color", "auto"); strings.Contains(out, "\x1b[") {
		t.Errorf("--color auto in a pipe with NO_COLOR: colour")
	}
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--color", "sometimes"); code != 2 || !strings.Contains(errOut, "--color") {
		t.Errorf("--color sometimes: exit %d, %q", code, errOut)
	}
}

// TestScanOnTerminal runs audit in a tmux session, a real terminal of 90 columns: the
// screen has colour and no line wider than the terminal; NO_COLOR turns the colour off.
func TestScanOnTerminal(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		// Fails rather than skips, as the browser test does without Chromium: a run that
		// skipped it would say nothing of colour on a terminal.
		t.Fatalf("the terminal test needs tmux: install it with 'apt-get install -y tmux' (.ci/run does): %v", err)
	}
	bin := filepath.Join(t.TempDir(), "audit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	snap, err := filepath.Abs(demo)
	if err != nil {
		t.Fatal(err)
	}
	const width = 90
	screen := func(t *testing.T, env string) string {
		sock := "kp-test-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		run := func(args ...string) (string, error) {
			out, err := exec.Command(tmux, append([]string{"-f", "/dev/null", "-L", sock}, args...)...).CombinedOutput()
			return string(out), err
		}
		shell := env + " " + bin + " scan --snapshot " + snap + "; echo EXIT=$?; sleep 60"
		if out, err := run("new-session", "-d", "-x", strconv.Itoa(width), "-y", "100", "sh", "-c", shell); err != nil {
			t.Fatalf("tmux new-session: %v: %s", err, out)
		}
		defer run("kill-server")
		deadline := time.Now().Add(60 * time.Second)
		for {
			out, err := run("capture-pane", "-p", "-e", "-J", "-S", "-", "-E", "-")
			if err == nil && strings.Contains(out, "EXIT=") {
				return out
			}
			if time.Now().After(deadline) {
				t.Fatalf("audit did not finish in the terminal: %v\n%s", err, out)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	ansi := regexp.MustCompile("\x1b\\[[0-9;]*m")
	out := screen(t, "env -u NO_COLOR TERM=xterm-256color")
	if !strings.Contains(out, "\x1b[") {
		t.Errorf("no colour on a terminal:\n%s", out)
	}
	if !strings.Contains(out, "EXIT=1") || !strings.Contains(out, "KP-CP-001") {
		t.Errorf("the screen lacks the listing or the exit code:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if w := runewidth.StringWidth(ansi.ReplaceAllString(line, "")); w > width {
			t.Errorf("line of %d cells on a terminal of %d: %q", w, width, line)
		}
	}
	if plain := screen(t, "env NO_COLOR=1 TERM=xterm-256color"); strings.Contains(plain, "\x1b[3") || strings.Contains(plain, "\x1b[1") {
		t.Errorf("colour with NO_COLOR:\n%s", plain)
	}
}

// demoStatusCounts counts the demo's controls by status, as the engine gives them: what the
// table's last line must say.
func demoStatusCounts(t *testing.T) map[checks.Status]int {
	t.Helper()
	snap, err := snapfile.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	n := map[checks.Status]int{}
	for _, c := range checks.Run(snap, checks.Registered(), checks.Selection{}).Controls {
		n[c.Status]++
	}
	return n
}
