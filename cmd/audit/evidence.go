package main

import (
	"bytes"
	"fmt"
	"time"

	kubeposture "github.com/kubeposture/kubeposture"
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/evidence"
	"github.com/kubeposture/kubeposture/internal/redact"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// writeEvidence writes the evidence bundle of a scan: the snapshot, the JSON result, the HTML,
// SARIF and OSCAL reports, the in-toto statement and the manifest, signed when key is not nil.
// With redactValues the snapshot's secret-looking values are redacted first (in snap itself:
// the report is made already).
func writeEvidence(path string, snap *snapshot.Snapshot, rep *checks.Report, key *evidence.SigningKey, redactValues bool) error {
	if redactValues {
		redact.Snapshot(snap)
	}
	files := map[string][]byte{}
	var b bytes.Buffer
	if err := snapfile.Write(&b, snap); err != nil {
		return fmt.Errorf("--evidence: snapshot: %w", err)
	}
	files["snapshot.json"] = append([]byte(nil), b.Bytes()...)
	for name, f := range map[string]report.Format{"report.json": report.JSON, "report.html": report.HTML, "report.sarif": report.SARIF, "report.oscal.json": report.OSCAL} {
		b.Reset()
		if err := report.Write(&b, rep, f, report.Options{SARIF: report.SARIFOptions{Snapshot: snap}}); err != nil {
			return fmt.Errorf("--evidence: %s: %w", name, err)
		}
		files[name] = append([]byte(nil), b.Bytes()...)
	}
	var catalog []checks.Control
	for _, c := range checks.Registered() {
		catalog = append(catalog, c.Control)
	}
	err := evidence.Write(path, evidence.Input{
		Files: files, Report: rep, ToolVersion: kubeposture.Version(),
		CatalogVersion: report.CatalogVersion(catalog), CreatedAt: time.Now().UTC(),
	}, key)
	if err != nil {
		return fmt.Errorf("--evidence %s: %w", path, err)
	}
	return nil
}
