package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigFile: the file sets flags, KUBEPOSTURE_* variables override it, flags override
// both; an unknown key is an error naming the file and the key.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg := write("kp.yaml", "fail-on: none\nstatus: [WARN]\nframework: [cis-1.12, nsa]\n")
	out, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--config", cfg)
	if code != 0 || !strings.Contains(out, "WARN controls, most severe first") || !strings.Contains(out, "frameworks cis-1.12, nsa") {
		t.Errorf("config: exit %d, %q\n%s", code, errOut, out)
	}
	t.Setenv("KUBEPOSTURE_FAIL_ON", "high")
	if _, _, code := runCLI(t, "scan", "--snapshot", demo, "--config", cfg); code != 1 {
		t.Errorf("KUBEPOSTURE_FAIL_ON=high over the file's none: exit %d, want 1", code)
	}
	if _, _, code := runCLI(t, "scan", "--snapshot", demo, "--config", cfg, "--fail-on", "none"); code != 0 {
		t.Errorf("--fail-on none over KUBEPOSTURE_FAIL_ON: exit %d, want 0", code)
	}
	t.Setenv("KUBEPOSTURE_FAIL_ON", "")
	os.Unsetenv("KUBEPOSTURE_FAIL_ON")

	for _, tc := range []struct {
		content string
		want    []string
	}{
		{"fail-on: none\nfial-on: high\n", []string{"bad.yaml", `unknown key "fial-on"`}},
		{"config: other.yaml\n", []string{"bad.yaml", `unknown key "config"`}},
		{"fail-on: none\nfail-on: high\n", []string{"bad.yaml", "key given twice"}},
		{"- a\n- b\n", []string{"bad.yaml", "mapping"}},
		{"min-evaluated: many\n", []string{"bad.yaml", "min-evaluated"}},
		{"framework: {a: b}\n", []string{"bad.yaml", "framework"}},
		{"framework: [pci]\n", []string{"--framework", "pci"}},
	} {
		bad := write("bad.yaml", tc.content)
		_, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--config", bad)
		if code != 2 || strings.Count(strings.TrimRight(errOut, "\n"), "\n") != 0 {
			t.Errorf("%q: exit %d, %q; want 2 and one line", tc.content, code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%q: error %q does not mention %q", tc.content, errOut, w)
			}
		}
	}
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--config", filepath.Join(dir, "none.yaml")); code != 2 || !strings.Contains(errOut, "--config") {
		t.Errorf("missing --config file: exit %d, %q", code, errOut)
	}
}

// TestExampleConfig: the example in examples/config names only scan's flags, with values
// they accept.
func TestExampleConfig(t *testing.T) {
	_, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--config", "../../examples/config/kubeposture.yaml")
	if code == 2 {
		t.Fatalf("the example configuration is refused: %s", errOut)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("fail-on: none\nstatus: [WARN]\n"))
	f.Add([]byte("a: {b: c}\n"))
	f.Add([]byte("- 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		values, err := parseConfig("f.yaml", data)
		if err == nil && values == nil {
			t.Fatal("no values and no error")
		}
	})
}

// TestDefaultConfigFile: .kubeposture.yaml in the working directory is read when present.
func TestDefaultConfigFile(t *testing.T) {
	snap, err := filepath.Abs(demo)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if _, _, code := runCLI(t, "scan", "--snapshot", snap); code != 1 {
		t.Fatalf("without a configuration file: exit %d, want 1", code)
	}
	if err := os.WriteFile(filepath.Join(dir, defaultConfig), []byte("fail-on: none\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "scan", "--snapshot", snap); code != 0 {
		t.Errorf("with .kubeposture.yaml saying fail-on: none: exit %d, %q", code, errOut)
	}
}
