package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/evidence"
	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/report/schematest"
)

// validateSARIF checks a SARIF document the CLI wrote against the official 2.1.0 schema
// (report/testdata holds the copy).
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	f, err := os.Open("../../report/testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", s); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
}

// validateOSCAL checks an OSCAL document the CLI wrote against NIST's assessment-results
// schema (report/testdata holds the copy).
func validateOSCAL(t *testing.T, doc []byte) {
	t.Helper()
	if err := schematest.ValidateOSCAL("../../report/testdata/oscal-assessment-results-1.0.6.schema.json", doc); err != nil {
		t.Fatal(err)
	}
}

// demoResult scans the demo snapshot into a JSON result file.
func demoResult(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "result.json")
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--output", "json", "--output-file", path, "--fail-on", "none"); code != 0 {
		t.Fatalf("scan: exit %d: %s", code, errOut)
	}
	return path
}

func TestReportCommand(t *testing.T) {
	from := demoResult(t)
	dir := t.TempDir()
	for format, want := range map[string]string{
		"html":     "<!DOCTYPE html>",
		"sarif":    `"version": "2.1.0"`,
		"junit":    "<testsuites",
		"markdown": "## kubeposture audit:",
		"table":    "Score = 100 ×",
		"json":     `"schemaVersion": "kubeposture.io/report/v1alpha1"`,
		"oscal":    `"oscal-version": "1.0.6"`,
	} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, "out."+format)
			if stdout, errOut, code := runCLI(t, "report", "--from", from, "--format", format, "-o", out); code != 0 || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, errOut)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), want) || !strings.Contains(string(data), "KP-CP-001") {
				t.Errorf("%s output lacks %q or KP-CP-001", format, want)
			}
			switch format {
			case "sarif":
				validateSARIF(t, data)
			case "oscal":
				validateOSCAL(t, data)
			}
		})
	}
	// Re-rendered JSON is the saved JSON, byte for byte.
	stdout, _, code := runCLI(t, "report", "--from", from, "--format", "json")
	saved, _ := os.ReadFile(from)
	if code != 0 || stdout != string(saved) {
		t.Errorf("report --format json does not reproduce the saved result")
	}
	// SARIF to standard output, as a pipeline would take it.
	stdout, _, code = runCLI(t, "report", "--from", from, "--format", "sarif")
	if code != 0 {
		t.Fatalf("sarif to stdout: exit %d", code)
	}
	validateSARIF(t, []byte(stdout))

	notReport := filepath.Join(dir, "snapshot-not-report.json")
	os.WriteFile(notReport, []byte(`{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot"}`), 0o600)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"report", "--format", "html"}, []string{"--from"}},
		{[]string{"report", "--from", from, "--format", "pdf"}, []string{"--format", "pdf"}},
		{[]string{"report", "--from", filepath.Join(dir, "missing.json")}, []string{"--from", "missing.json"}},
		{[]string{"report", "--from", notReport}, []string{"snapshot-not-report.json", "schemaVersion"}},
	} {
		_, errOut, code := runCLI(t, tc.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: error %q does not mention %q", tc.args, errOut, w)
			}
		}
	}
}

// TestScanOutputFormats: every format is available from scan itself.
func TestScanOutputFormats(t *testing.T) {
	for _, f := range []string{"html", "sarif", "junit", "markdown"} {
		out, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--output", f, "--fail-on", "none")
		if code != 0 || !strings.Contains(out, "KP-CP-001") {
			t.Errorf("scan --output %s: exit %d, stderr %s", f, code, errOut)
		}
		if f == "sarif" {
			validateSARIF(t, []byte(out))
		}
	}
}

// editResult rewrites a saved result through checks.Report.
func editResult(t *testing.T, from string, edit func(*checks.Report)) string {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var rep checks.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	edit(&rep)
	out, err := json.Marshal(&rep)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "edited.json")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// findResult returns the first result of the given status, with its control.
func findResult(rep *checks.Report, status checks.Status, skip ...string) (*checks.ControlReport, *checks.Result) {
	for i := range rep.Controls {
		c := &rep.Controls[i]
		if strings.Contains(" "+strings.Join(skip, " ")+" ", " "+c.ID+" ") {
			continue
		}
		for j := range c.Results {
			if c.Results[j].Status == status {
				return c, &c.Results[j]
			}
		}
	}
	return nil, nil
}

func TestDiffCommand(t *testing.T) {
	old := demoResult(t)
	var newFail, fixed, changed string
	cur := editResult(t, old, func(rep *checks.Report) {
		c1, r := findResult(rep, checks.Pass)
		r.Status, r.Evidence.Observed = checks.Fail, "drifted"
		newFail = c1.ID + " [" + string(c1.Severity) + "] " + r.Resource.String()
		c2, r := findResult(rep, checks.Fail, c1.ID)
		r.Status = checks.Pass
		fixed = c2.ID + " [" + string(c2.Severity) + "] " + r.Resource.String()
		c, r := findResult(rep, checks.Fail, c1.ID, c2.ID)
		r.Evidence.Observed = "something else"
		changed = c.ID + " [" + string(c.Severity) + "] " + r.Resource.String()
	})
	out, errOut, code := runCLI(t, "diff", old, cur)
	if code != 1 || !strings.Contains(errOut, "new since") {
		t.Errorf("new failure: exit %d, stderr %q; want 1", code, errOut)
	}
	sections := strings.SplitN(out, "\nFixed (", 2)
	if len(sections) != 2 {
		t.Fatalf("no Fixed section:\n%s", out)
	}
	if !strings.Contains(sections[0], "New failures (1)") || !strings.Contains(sections[0], newFail+": PASS → FAIL; observed ") {
		t.Errorf("new failure %q not listed:\n%s", newFail, out)
	}
	if !strings.Contains(sections[1], fixed+": FAIL → PASS") || !strings.Contains(sections[1], changed+": FAIL → FAIL; observed ") || !strings.Contains(out, "→ drifted") || !strings.Contains(out, "→ something else") {
		t.Errorf("fixed %q or changed %q not listed:\n%s", fixed, changed, out)
	}

	// The reverse: the failure is fixed, and nothing new fails.
	if _, errOut, code := runCLI(t, "diff", cur, old); code != 1 { // the other edit fails again
		t.Errorf("reverse diff: exit %d (%s)", code, errOut)
	}
	if out, _, code := runCLI(t, "diff", old, old); code != 0 || !strings.Contains(out, "New failures (0)") {
		t.Errorf("same report: exit %d\n%s", code, out)
	}
	if _, _, code := runCLI(t, "diff", "--fail-on", "none", old, cur); code != 0 {
		t.Errorf("--fail-on none: exit %d", code)
	}
	js, _, _ := runCLI(t, "diff", "-o", "json", old, cur)
	var d struct{ NewFailures, Fixed, Changed []json.RawMessage }
	if err := json.Unmarshal([]byte(js), &d); err != nil || len(d.NewFailures) != 1 || len(d.Fixed) != 1 || len(d.Changed) != 1 {
		t.Errorf("json diff: %v, %d/%d/%d", err, len(d.NewFailures), len(d.Fixed), len(d.Changed))
	}

	other := editResult(t, old, func(rep *checks.Report) { rep.Cluster.UID = "another-cluster" })
	if _, errOut, code := runCLI(t, "diff", old, other); code != 2 || !strings.Contains(errOut, "two clusters") {
		t.Errorf("two clusters: exit %d, %q", code, errOut)
	}
}

func writeKey(t *testing.T, dir, name string) (keyPath, pubPath string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	keyPath = filepath.Join(dir, name+".pem")
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	pder, _ := x509.MarshalPKIXPublicKey(pub)
	pubPath = filepath.Join(dir, name+".pub.pem")
	os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pder}), 0o644)
	return keyPath, pubPath
}

func TestEvidenceAndVerify(t *testing.T) {
	dir := t.TempDir()
	key, pub := writeKey(t, dir, "signer")
	_, otherPub := writeKey(t, dir, "other")
	for _, name := range []string{"bundle", "bundle.tar.gz"} {
		t.Run(name, func(t *testing.T) {
			bundle := filepath.Join(t.TempDir(), name)
			if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--evidence", bundle, "--sign-key", key, "--fail-on", "none"); code != 0 {
				t.Fatalf("scan --evidence: exit %d: %s", code, errOut)
			}
			out, errOut, code := runCLI(t, "verify", "--key", pub, bundle)
			if code != 0 || !strings.Contains(out, "OK: every file matches") || !strings.Contains(out, "signature: checked with key sha256:") {
				t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
			}
			out, _, code = runCLI(t, "verify", "--key", otherPub, bundle)
			if code != 2 || !strings.Contains(out, "MISMATCH manifest.sig: does not verify") {
				t.Errorf("verify with another key: exit %d\n%s", code, out)
			}
			// The SARIF and OSCAL reports in the bundle are valid too.
			var files map[string][]byte
			if evidence.IsArchive(bundle) {
				f, _ := os.Open(bundle)
				files, _ = evidence.ReadArchive(f)
				f.Close()
			} else {
				files = map[string][]byte{}
				for _, n := range []string{"report.sarif", "report.oscal.json", "report.html", "snapshot.json"} {
					files[n], _ = os.ReadFile(filepath.Join(bundle, n))
				}
			}
			validateSARIF(t, files["report.sarif"])
			validateOSCAL(t, files["report.oscal.json"])
			if !bytes.Contains(files["report.html"], []byte("<!DOCTYPE html>")) || !bytes.Contains(files["snapshot.json"], []byte(`"Snapshot"`)) {
				t.Errorf("bundle's report.html or snapshot.json is not what it should be")
			}
			if evidence.IsArchive(bundle) {
				return
			}
			// Tamper: one byte of the HTML report.
			p := filepath.Join(bundle, "report.html")
			data, _ := os.ReadFile(p)
			data[200] ^= 1
			os.WriteFile(p, data, 0o644)
			out, errOut, code = runCLI(t, "verify", "--key", pub, bundle)
			if code != 2 || !strings.Contains(out, "MISMATCH report.html: content changed") || !strings.Contains(errOut, "report.html") {
				t.Errorf("tampered bundle: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--sign-key", key); code != 2 || !strings.Contains(errOut, "--evidence") {
		t.Errorf("--sign-key without --evidence: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--evidence", t.TempDir(), "--sign-key", pub); code != 2 || !strings.Contains(errOut, "--sign-key") {
		t.Errorf("--sign-key with a public key: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "verify", t.TempDir()); code != 2 || !strings.Contains(errOut, "manifest.json") {
		t.Errorf("verify of an empty directory: exit %d, %q", code, errOut)
	}
}

// TestLiveEvidenceBundle scans a real API server (the seeded example estate) into a signed
// evidence bundle: it verifies, names the cluster, and its snapshot is the evidence behind its
// report (scanning the bundled snapshot offline gives the bundled report's verdicts).
func TestLiveEvidenceBundle(t *testing.T) {
	dir, kubeconfig := startEstate(t)
	key, pub := writeKey(t, dir, "signer")
	bundle := filepath.Join(dir, "evidence.tar.gz")
	if _, errOut, code := runCLI(t, "scan", "--kubeconfig", kubeconfig, "--evidence", bundle, "--sign-key", key, "--fail-on", "none"); code != 0 {
		t.Fatalf("live scan --evidence: exit %d: %s", code, errOut)
	}
	out, errOut, code := runCLI(t, "verify", "--key", pub, bundle)
	if code != 0 || !strings.Contains(out, "OK: every file matches") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
	f, err := os.Open(bundle)
	if err != nil {
		t.Fatal(err)
	}
	files, err := evidence.ReadArchive(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var m evidence.Manifest
	if err := json.Unmarshal(files[evidence.ManifestName], &m); err != nil {
		t.Fatal(err)
	}
	if m.Cluster.UID == "" || !strings.Contains(out, m.Cluster.UID) || !strings.HasPrefix(m.CatalogVersion, "sha256:") {
		t.Errorf("manifest cluster %+v, catalog %q; verify said %q", m.Cluster, m.CatalogVersion, out)
	}
	snap := filepath.Join(dir, "snapshot.json")
	if err := os.WriteFile(snap, files["snapshot.json"], 0o600); err != nil {
		t.Fatal(err)
	}
	offline, _, code := runCLI(t, "scan", "--snapshot", snap, "--output", "json", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("offline scan of the bundled snapshot: exit %d", code)
	}
	if a, b := verdictList(t, string(files["report.json"])), verdictList(t, offline); a != b || a == "" {
		t.Errorf("the bundled report and a scan of the bundled snapshot differ:\nbundled:\n%s\nrescanned:\n%s", a, b)
	}
	validateSARIF(t, files["report.sarif"])
	// The live scan's OSCAL assessment results: valid, about this cluster, an observation per
	// result of the bundled report and a finding per control.
	validateOSCAL(t, files["report.oscal.json"])
	var ar struct {
		AssessmentResults struct {
			Results []struct {
				LocalDefinitions struct {
					Components []struct {
						Props []struct{ Name, Value string } `json:"props"`
					} `json:"components"`
				} `json:"local-definitions"`
				Observations []json.RawMessage `json:"observations"`
				Findings     []json.RawMessage `json:"findings"`
			} `json:"results"`
		} `json:"assessment-results"`
	}
	if err := json.Unmarshal(files["report.oscal.json"], &ar); err != nil || len(ar.AssessmentResults.Results) != 1 {
		t.Fatalf("report.oscal.json: %v", err)
	}
	res := ar.AssessmentResults.Results[0]
	var rep checks.Report
	if err := json.Unmarshal(files["report.json"], &rep); err != nil {
		t.Fatal(err)
	}
	results := 0
	for _, c := range rep.Controls {
		results += len(c.Results)
	}
	uid := ""
	for _, p := range res.LocalDefinitions.Components[0].Props {
		if p.Name == "cluster-uid" {
			uid = p.Value
		}
	}
	if uid != m.Cluster.UID || len(res.Observations) != results || len(res.Findings) != len(rep.Controls) {
		t.Errorf("OSCAL: cluster %q (manifest %q), %d observations for %d results, %d findings for %d controls",
			uid, m.Cluster.UID, len(res.Observations), results, len(res.Findings), len(rep.Controls))
	}
}

// verify proves who wrote a bundle or says it did not: without --key, an unsigned bundle and
// one an attacker changed and signed again with a key of his own do not verify, unless
// --allow-unsigned accepts integrity alone, with a warning.
func TestVerifyFailsClosed(t *testing.T) {
	dir := t.TempDir()
	key, pub := writeKey(t, dir, "signer")
	attackerKey, _ := writeKey(t, dir, "attacker")
	unsigned, signed := filepath.Join(dir, "unsigned"), filepath.Join(dir, "signed")
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--evidence", unsigned, "--fail-on", "none"); code != 0 {
		t.Fatalf("scan --evidence: %s", errOut)
	}
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--evidence", signed, "--sign-key", key, "--fail-on", "none"); code != 0 {
		t.Fatalf("scan --evidence --sign-key: %s", errOut)
	}
	// The attacker writes his own bundle (from a doctored snapshot, say), complete and signed
	// with his own key: it holds together, only the key is not the signer's.
	forged := filepath.Join(dir, "forged")
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--evidence", forged, "--sign-key", attackerKey, "--fail-on", "none"); code != 0 {
		t.Fatalf("scan --evidence --sign-key: %s", errOut)
	}
	for _, bundle := range []string{unsigned, forged} {
		out, errOut, code := runCLI(t, "verify", bundle)
		if code != 2 || !strings.Contains(out, "NOT VERIFIED") || strings.Contains(out, "OK") || !strings.Contains(errOut, "--key") {
			t.Errorf("%s without --key: exit %d\n%s%s; want 2, NOT VERIFIED and a hint at --key", filepath.Base(bundle), code, out, errOut)
		}
		out, errOut, code = runCLI(t, "verify", "--allow-unsigned", bundle)
		if code != 0 || !strings.Contains(out, "OK (integrity only, --allow-unsigned)") || !strings.Contains(errOut, "warning: --allow-unsigned") {
			t.Errorf("%s with --allow-unsigned: exit %d\n%s%s; want 0, an OK that says integrity only, and a warning", filepath.Base(bundle), code, out, errOut)
		}
	}
	if out, _, code := runCLI(t, "verify", "--key", pub, forged); code != 2 || !strings.Contains(out, "MISMATCH manifest.sig") {
		t.Errorf("forged with the signer's key: exit %d\n%s", code, out)
	}
	if _, errOut, code := runCLI(t, "verify", "--key", pub, "--allow-unsigned", signed); code != 2 || !strings.Contains(errOut, "give one") {
		t.Errorf("--key with --allow-unsigned: exit %d, %q", code, errOut)
	}
	big := filepath.Join(dir, "big.pem")
	os.WriteFile(big, nil, 0o600)
	os.Truncate(big, sizelimit.KeyFile+1)
	if _, errOut, code := runCLI(t, "verify", "--key", big, signed); code != 2 || !strings.Contains(errOut, "the limit for a key file") {
		t.Errorf("a key file over the limit: exit %d, %q", code, errOut)
	}
}
