package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
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
	out         outputFlags
	table       tableFlags
	failOn      string
	minEval     int
	minScore    float64
	evidence    string
	unredacted  bool
	signKey     string
	nodeReports string
	pushgateway string
	exceptions  exceptionFlags
	filenames   []string
	registries  []string
	sarif       sarifFlags
	config      string
}

func newScanCommand() *cobra.Command {
	var sf scanFlags
	var cf collectFlags
	var ff fileFlags
	var imf imageFlags
	kube := newKubeFlags()
	cmd := &cobra.Command{
		Use:   "scan [MANIFEST_FILE_OR_DIR | -]...",
		Short: "Audit the cluster (or a snapshot, or manifests) and report each control's verdict",
		Long: `scan collects the cluster the kubeconfig points at (or reads --snapshot, or the manifest files
and directories given as arguments), runs the selected controls and prints a report: by default
the scores, then the failing and warning controls most severe first. Controls whose input
could not be read are NOT_EVALUATED, never PASS. Exit code 0: no FAIL at or above --fail-on;
1: failures; 2: error.`,
		Example: `  audit scan
  audit scan --snapshot examples/snapshots/demo.json
  audit scan --snapshot examples/snapshots/demo.json --status fail --min-severity high
  audit scan deploy/base app.yaml
  audit scan --framework cis-1.12 --layer control-plane -o report.json
  audit scan -n payments --fail-on high
  audit scan --scan-images --trivy-server http://trivy.trivy-system:4954
  audit scan --snapshot snap.json --scan-images --trivy-cache-dir ./trivy-cache`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyConfig(cmd, sf.config); err != nil {
				return err
			}
			sf.filenames = append(sf.filenames, args...)
			return runScan(cmd, kube, &sf, &cf, &ff, &imf)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&sf.snapshot, "snapshot", "", "scan this snapshot file (from 'audit collect') instead of the live cluster")
	fl.StringSliceVar(&sf.filenames, "filename", nil, "scan the manifests in these files or directories (YAML or JSON, as kubectl -f) instead of the live cluster, as the arguments do")
	fl.StringSliceVar(&sf.frameworks, "framework", nil, "frameworks to check: "+frameworkNames()+" (default all; repeat or comma-separate)")
	fl.StringSliceVar(&sf.layers, "layer", nil, "layers to check: "+names(checks.Layers)+" (default all)")
	fl.StringSliceVar(&sf.controls, "control", nil, "controls to check, by id (KP-CP-001), or by a framework item they decide: a CIS id (1.2.1), NSA/CISA area (C-0041) or MITRE ATT&CK technique (T1611)")
	addOutputFlags(cmd, &sf.out, report.Formats, report.Table, true)
	sf.table.add(cmd)
	fl.StringVar(&sf.evidence, "evidence", "", "also write an evidence bundle (snapshot, JSON, HTML, SARIF and OSCAL reports, in-toto statement, manifest of SHA-256s) to this directory, or to a .tar.gz")
	fl.BoolVar(&sf.unredacted, "evidence-unredacted", false, "keep in the evidence bundle's snapshot the config map and env values that look like secrets, which it otherwise holds as records of their length and kind (see 'audit collect --redact')")
	fl.StringVar(&sf.signKey, "sign-key", "", "sign the evidence manifest with this ed25519 or ECDSA private key (PEM); check it with 'audit verify' or openssl")
	fl.StringVar(&sf.failOn, "fail-on", "info", "exit 1 when a control of this severity or higher fails: "+names(checks.Severities)+" (any FAIL); none never fails")
	fl.IntVar(&sf.minEval, "min-evaluated", 1, "exit 1 when fewer controls than this were evaluated (PASS, FAIL or WARN): nothing evaluated is not a pass; 0 turns the gate off")
	fl.Float64Var(&sf.minScore, "fail-below-score", 0, "exit 1 when the total score is below this (0-100); 0 turns the gate off")
	fl.StringVar(&sf.nodeReports, "node-reports", "", "merge the node reports ('audit node' outputs) of this directory, or of standard input with -, before the checks run")
	fl.StringVar(&sf.pushgateway, "pushgateway", "", "also push the scan's metrics to this Prometheus Pushgateway URL (job \"kubeposture\", grouped by cluster_uid)")
	addAllowedRegistries(cmd, &sf.registries)
	sf.sarif.add(cmd)
	sf.exceptions.add(cmd, true)
	cf.add(cmd)
	ff.add(cmd)
	imf.add(cmd)
	kube.addFlags(cmd)
	addConfigFlag(cmd, &sf.config)
	addSelectionCompletion(cmd)
	return cmd
}

func runScan(cmd *cobra.Command, kube *kubeFlags, sf *scanFlags, cf *collectFlags, ff *fileFlags, imf *imageFlags) error {
	started := time.Now()
	// Validate every flag before the (possibly long) collection.
	sel, err := selection(sf, kube)
	if err != nil {
		return err
	}
	// The release before took manifests in -f: a path there, not a format, is read as one
	// for a release, with a warning.
	if f := sf.out.format; f != "" && !sf.out.isFormat(f) {
		if _, err := os.Stat(f); err == nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "audit: warning: -f %s: read as a manifest path (deprecated: -f is --format now; give manifests as arguments: audit scan %s)\n", f, f)
			sf.filenames = append(sf.filenames, f)
			sf.out.format = ""
		}
	}
	name, err := sf.out.resolve(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	format := report.Format(name)
	opts, err := sf.table.options(cmd, &sf.out, name)
	if err != nil {
		return err
	}
	if err := sf.sarif.validate(format); err != nil {
		return err
	}
	threshold, err := parseFailOn(sf.failOn)
	if err != nil {
		return err
	}
	if slices.Contains(sf.filenames, "-") && sf.nodeReports == "-" {
		return fmt.Errorf("--node-reports - and the manifests - both read standard input: give one")
	}
	for _, in := range append([]string{sf.snapshot, sf.nodeReports}, sf.filenames...) {
		if err := sameFile("--output", sf.out.output, "an input", in); err != nil {
			return err
		}
	}
	if err := cf.validate(); err != nil {
		return err
	}
	if sf.minEval < 0 {
		return fmt.Errorf("--min-evaluated %d: want a count of controls, 0 or more", sf.minEval)
	}
	if sf.minScore < 0 || sf.minScore > 100 {
		return fmt.Errorf("--fail-below-score %v: want a score from 0 to 100", sf.minScore)
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
		if snap, err = snapfile.ReadFile(sf.snapshot); err != nil {
			err = fmt.Errorf("--snapshot: %w", err)
		}
	case len(sf.filenames) > 0:
		snap, err = readManifests(cmd.InOrStdin(), cmd.ErrOrStderr(), sf.filenames)
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
	if err := knownNamespaces(snap, sel.Namespaces, len(sf.filenames) > 0); err != nil {
		return err
	}
	// Manifests: only the controls they can decide, unless controls were named.
	if len(sf.filenames) > 0 && len(sel.Controls) == 0 {
		var left int
		if selected, left = judgeable(snap, selected); left > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "audit: note: %d controls judge cluster state that manifests do not hold (control plane, nodes, API server): not run (--control ID runs one anyway)\n", left)
		}
	}
	boundHeap()
	rep := checks.Run(snap, selected, sel)
	sf.exceptions.apply(rep, snap)

	opts.SARIF = sf.sarif.options(snap, cmd.ErrOrStderr())
	if err := sf.out.write(sf.table.stdout(cmd), func(w io.Writer) error { return report.Write(w, rep, format, opts) }); err != nil {
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
		return &failuresError{count: n, threshold: sf.failOn, quiet: sf.table.quiet}
	}
	return gates(rep, sf)
}

// gates fails the run, closed, when too little was evaluated or the score is too low.
func gates(rep *checks.Report, sf *scanFlags) error {
	total := rep.Summary.Total
	if total.Evaluated < sf.minEval {
		why := fmt.Sprintf("%d of %d selected controls were evaluated, fewer than --min-evaluated %d: a scan that could not see its inputs is not a pass (the table's last line says what was missing)", total.Evaluated, total.Controls, sf.minEval)
		return &failuresError{message: why, quiet: sf.table.quiet}
	}
	if sf.minScore > 0 && total.Score < sf.minScore {
		why := fmt.Sprintf("total score %s is below --fail-below-score %v", strconv.FormatFloat(total.Score, 'f', 1, 64), sf.minScore)
		if total.Score < 0 {
			why = fmt.Sprintf("no score (nothing evaluated), below --fail-below-score %v", sf.minScore)
		}
		return &failuresError{message: why, quiet: sf.table.quiet}
	}
	return nil
}

// knownNamespaces refuses a -n namespace the cluster does not have, naming the close ones.
// Manifests declare no namespace list: there, any namespace is taken as given.
func knownNamespaces(snap *snapshot.Snapshot, want []string, manifests bool) error {
	if manifests || len(want) == 0 {
		return nil
	}
	if col, ok := snap.Status(snapshot.ResNamespaces); !ok || col.State != snapshot.Collected {
		return nil // not listed: the results say what could not be read
	}
	var have []string
	for _, ns := range snap.Namespaces {
		have = append(have, ns.Name)
	}
	for _, w := range want {
		if slices.Contains(have, w) {
			continue
		}
		var close []string
		for _, h := range have {
			if levenshtein.ComputeDistance(w, h) <= 2 || strings.Contains(h, w) || strings.Contains(w, h) {
				close = append(close, h)
			}
		}
		hint := "see kubectl get namespaces"
		if len(close) > 0 {
			hint = "did you mean " + strings.Join(close, ", ") + "?"
		}
		return fmt.Errorf("-n/--namespace %s: no such namespace in the cluster (%s)", w, hint)
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
