package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/evidence"
	"github.com/kubeposture/kubeposture/metrics"
	"github.com/kubeposture/kubeposture/nodeagent"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

type scanFlags struct {
	snapshot    string
	frameworks  []string
	layers      []string
	controls    []string
	output      string
	outputFile  string
	failOn      string
	evidence    string
	unredacted  bool
	signKey     string
	nodeReports string
	pushgateway string
	exceptions  exceptionFlags
	filenames   []string
	registries  []string
	sarif       sarifFlags
}

func newScanCommand(kube *kubeFlags) *cobra.Command {
	var sf scanFlags
	var cf collectFlags
	var ff fileFlags
	var imf imageFlags
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Audit the cluster (or a snapshot) and report each control's verdict",
		Long: `scan collects the cluster the kubeconfig points at (or reads --snapshot), runs the selected
controls and prints a report. Controls whose input could not be read are NOT_EVALUATED,
never PASS. Exit code 0: no FAIL at or above --fail-on; 1: failures; 2: error.`,
		Example: `  audit scan
  audit scan --snapshot examples/snapshots/demo.json
  audit scan --framework cis-1.12 --layer control-plane --output json --output-file report.json
  audit scan -n payments --fail-on high
  audit scan --scan-images --trivy-server http://trivy.trivy-system:4954
  audit scan --snapshot snap.json --scan-images --trivy-cache-dir ./trivy-cache`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScan(cmd, kube, &sf, &cf, &ff, &imf)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&sf.snapshot, "snapshot", "", "scan this snapshot file (from 'audit collect') instead of the live cluster")
	fl.StringSliceVarP(&sf.filenames, "filename", "f", nil, "scan the manifests in these files or directories (YAML or JSON, as kubectl -f) instead of the live cluster; controls that need cluster state report NOT_EVALUATED")
	fl.StringSliceVar(&sf.frameworks, "framework", nil, "frameworks to check: "+frameworkNames()+" (default all; repeat or comma-separate)")
	fl.StringSliceVar(&sf.layers, "layer", nil, "layers to check: "+names(checks.Layers)+" (default all)")
	fl.StringSliceVar(&sf.controls, "control", nil, "controls to check, by id (KP-CP-001), or by a framework item they decide: a CIS id (1.2.1), NSA/CISA area (C-0041) or MITRE ATT&CK technique (T1611)")
	fl.StringVar(&sf.output, "output", "table", "report format: "+oneOf(report.Formats))
	fl.StringVar(&sf.outputFile, "output-file", "", "write the report to this file instead of standard output")
	fl.StringVar(&sf.evidence, "evidence", "", "also write an evidence bundle (snapshot, JSON, HTML, SARIF and OSCAL reports, in-toto statement, manifest of SHA-256s) to this directory, or to a .tar.gz")
	fl.BoolVar(&sf.unredacted, "evidence-unredacted", false, "keep in the evidence bundle's snapshot the config map and env values that look like secrets, which it otherwise holds as records of their length and kind (see 'audit collect --redact')")
	fl.StringVar(&sf.signKey, "sign-key", "", "sign the evidence manifest with this ed25519 or ECDSA private key (PEM); check it with 'audit verify' or openssl")
	fl.StringVar(&sf.failOn, "fail-on", "info", "exit 1 when a control of this severity or higher fails: "+names(checks.Severities)+" (any FAIL); none never fails")
	fl.StringVar(&sf.nodeReports, "node-reports", "", "merge the node reports ('audit node' outputs) of this directory, or of standard input with -, before the checks run")
	fl.StringVar(&sf.pushgateway, "pushgateway", "", "also push the scan's metrics to this Prometheus Pushgateway URL (job \"kubeposture\", grouped by cluster_uid)")
	addAllowedRegistries(cmd, &sf.registries)
	sf.sarif.add(cmd)
	sf.exceptions.add(cmd, true)
	cf.add(cmd)
	ff.add(cmd)
	imf.add(cmd)
	return cmd
}

func runScan(cmd *cobra.Command, kube *kubeFlags, sf *scanFlags, cf *collectFlags, ff *fileFlags, imf *imageFlags) error {
	started := time.Now()
	// Validate every flag before the (possibly long) collection.
	sel, err := selection(sf, kube)
	if err != nil {
		return err
	}
	format, err := report.ParseFormat(sf.output)
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	if err := sf.sarif.validate(format); err != nil {
		return err
	}
	threshold, err := parseFailOn(sf.failOn)
	if err != nil {
		return err
	}
	var signKey *evidence.SigningKey
	if sf.signKey != "" {
		if sf.evidence == "" {
			return fmt.Errorf("--sign-key signs an evidence bundle: give --evidence DIR or FILE.tar.gz too")
		}
		if signKey, err = evidence.ReadSigningKey(sf.signKey); err != nil {
			return fmt.Errorf("--sign-key: %w", err)
		}
	}
	if sf.unredacted && sf.evidence == "" {
		return fmt.Errorf("--evidence-unredacted keeps values in an evidence bundle: give --evidence DIR or FILE.tar.gz too")
	}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		return fmt.Errorf("--control: %w", err)
	}
	if err := sf.exceptions.load(); err != nil {
		return err
	}
	if err := imf.validate(); err != nil {
		return err
	}

	var snap *snapshot.Snapshot
	switch {
	case sf.snapshot != "" && len(sf.filenames) > 0:
		return fmt.Errorf("--snapshot and --filename both name what to scan: give one")
	case sf.snapshot != "":
		snap, err = snapfile.ReadFile(sf.snapshot)
	case len(sf.filenames) > 0:
		snap, err = readManifests(cmd.ErrOrStderr(), sf.filenames)
	default:
		snap, err = collectPlanned(cmd.Context(), kube, cf, collectionPlan(selected))
	}
	if err != nil {
		return err
	}
	if sf.nodeReports != "" {
		reports, superseded, err := nodeagent.ReadReports(sf.nodeReports, cmd.InOrStdin())
		if err != nil {
			return fmt.Errorf("--node-reports: %w", err)
		}
		if superseded > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "audit: note: --node-reports: each node's newest report used; %d earlier report(s) of the same nodes set aside (an agent's --interval series)\n", superseded)
		}
		snap.MergeNodeReports(reports)
		if unknown := nodeagent.UnknownNodes(snap); len(unknown) > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "audit: warning: --node-reports: no node named %s in the cluster (reported as given)\n", strings.Join(unknown, ", "))
		}
	}
	if err := ff.apply(snap); err != nil {
		return err
	}
	if err := imf.apply(snap, cmd.ErrOrStderr()); err != nil {
		return err
	}
	boundHeap()
	rep := checks.Run(snap, selected, sel)
	sf.exceptions.apply(rep, snap)

	if err := writeReport(cmd.OutOrStdout(), sf.outputFile, rep, format, report.Options{SARIF: sf.sarif.options(snap, cmd.ErrOrStderr())}); err != nil {
		return err
	}
	if sf.evidence != "" {
		if err := writeEvidence(sf.evidence, snap, rep, signKey, !sf.unredacted); err != nil {
			return err
		}
	}
	if sf.pushgateway != "" {
		sc := metrics.Scan{Report: rep, Resources: snap.Resources, Duration: time.Since(started), Finished: time.Now()}
		if err := metrics.Push(cmd.Context(), sf.pushgateway, sc); err != nil {
			return fmt.Errorf("--pushgateway: %w", err)
		}
	}
	if n := failuresAtOrAbove(rep, threshold); n > 0 {
		return &failuresError{count: n, threshold: sf.failOn}
	}
	return nil
}

// collectionPlan is what a live scan of the selected checks collects: everything when every
// check is selected, what they read otherwise (a scan of one control costs what its lists
// cost).
func collectionPlan(selected []checks.Check) collect.Plan {
	if len(selected) == len(checks.Registered()) {
		return collect.All
	}
	return collect.PlanFor(checks.Reads(selected))
}

// addAllowedRegistries adds --allowed-registries, the allow-list of KP-WL-021, to a command
// that runs checks.
func addAllowedRegistries(cmd *cobra.Command, list *[]string) {
	cmd.Flags().StringSliceVar(list, "allowed-registries", nil, "registries images may come from, e.g. registry.example.com,ghcr.io/acme,docker.io/library (host[:port][/path prefix]; docker.io is Docker Hub); without it KP-WL-021 is NOT_EVALUATED")
}

func selection(sf *scanFlags, kube *kubeFlags) (checks.Selection, error) {
	var sel checks.Selection
	for _, s := range sf.frameworks {
		f, err := checks.ParseFramework(s)
		if err != nil {
			return sel, fmt.Errorf("--framework: %w", err)
		}
		if f == checks.All {
			sel.Frameworks = nil
			break
		}
		sel.Frameworks = append(sel.Frameworks, f)
	}
	for _, s := range sf.layers {
		l, err := checks.ParseLayer(strings.TrimSpace(s))
		if err != nil {
			return sel, fmt.Errorf("--layer: %w", err)
		}
		sel.Layers = append(sel.Layers, l)
	}
	for _, c := range sf.controls {
		if c = strings.TrimSpace(c); c != "" {
			sel.Controls = append(sel.Controls, c)
		}
	}
	// -n/--namespace narrows the results, as kubectl's does its listing. An empty value (the
	// kubeconfig's default namespace is not applied) means all namespaces.
	if ns := kube.namespace(); ns != "" {
		sel.Namespaces = []string{ns}
	}
	if len(sf.registries) > 0 {
		list, err := checks.ParseAllowedRegistries(sf.registries)
		if err != nil {
			return sel, fmt.Errorf("--allowed-registries: %w", err)
		}
		sel.AllowedRegistries = list
	}
	return sel, nil
}

// parseFailOn returns the lowest severity rank that fails the run, or -1 for "none".
func parseFailOn(s string) (int, error) {
	switch strings.ToLower(s) {
	case "none":
		return -1, nil
	case "any":
		return 0, nil
	}
	sev, err := checks.ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: %w, or none", err)
	}
	return sev.Rank(), nil
}

func failuresAtOrAbove(rep *checks.Report, rank int) int {
	if rank < 0 {
		return 0
	}
	n := 0
	for _, c := range rep.Controls {
		if c.Severity.Rank() >= rank {
			n += c.Counts[checks.Fail]
		}
	}
	return n
}
