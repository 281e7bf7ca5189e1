package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
)

// outputFlags are trivy's output convention, on every command that writes something:
// -f/--format for the format and -o/--output for the file (standard output without it).
type outputFlags struct {
	format  string
	output  string
	formats []string // the values --format accepts, in help order
	def     string   // the format when neither --format nor --output's extension says
	// oldFile is the hidden --output-file of the release before (scan, report).
	oldFile string
}

// addOutputFlags registers -f/--format and -o/--output. withOldFile also registers the old
// --output-file, hidden and deprecated for one release.
func addOutputFlags[F ~string](cmd *cobra.Command, o *outputFlags, formats []F, def F, withOldFile bool) {
	o.formats = nameList(formats)
	o.def = string(def)
	fl := cmd.Flags()
	fl.StringVarP(&o.format, "format", "f", "", "format: "+oneOf(formats)+" (default: from --output's extension, else "+string(def)+")")
	fl.StringVarP(&o.output, "output", "o", "", "write to this file instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(o.formats...))
	if withOldFile {
		fl.StringVar(&o.oldFile, "output-file", "", "the file to write (deprecated: use -o/--output)")
		_ = fl.MarkDeprecated("output-file", "use -o/--output FILE")
	}
}

// extFormats are the formats a file's extension implies.
var extFormats = map[string]string{
	".json": "json", ".html": "html", ".htm": "html", ".sarif": "sarif", ".xml": "junit",
	".md": "markdown", ".txt": "table",
}

// resolve settles the format and the file. The release before took the format in --output
// (and -o, for controls, diff and netpol): a format name given there, with no --format, is
// read as the format for one release, with a warning.
func (o *outputFlags) resolve(stderr io.Writer) (format string, err error) {
	if o.oldFile != "" {
		if o.output != "" && !o.isFormat(o.output) {
			return "", fmt.Errorf("--output-file %s and --output %s both name the file: give -o/--output only", o.oldFile, o.output)
		}
		if o.output != "" && o.format == "" {
			o.format = o.output
		}
		o.output = o.oldFile
	}
	old := o.output != "" && o.format == "" && o.isFormat(o.output)
	if old {
		o.format, o.output = o.output, ""
	}
	switch {
	case o.format != "":
		format = strings.ToLower(strings.TrimSpace(o.format))
	case o.output != "":
		format = o.extFormat()
	default:
		format = o.def
	}
	if !slices.Contains(o.formats, format) {
		if old {
			return "", fmt.Errorf("--output %s: a format (the spelling of the release before: -f/--format now), and this command writes %s", o.format, oneOf(o.formats))
		}
		return "", fmt.Errorf("--format %q: want %s", o.format, oneOf(o.formats))
	}
	if old {
		fmt.Fprintf(stderr, "audit: warning: --output %s: read as --format %s (deprecated: --output names the file now; give -f/--format %s)\n", format, format, format)
	}
	return format, nil
}

// isFormat reports whether s is exactly a format name: a file of that name would be given
// as ./json.
func (o *outputFlags) isFormat(s string) bool {
	s = strings.ToLower(s)
	return slices.Contains(nameList(report.Formats), s) || slices.Contains(nameList(report.CatalogFormats), s) || slices.Contains(o.formats, s)
}

// extFormat is the format --output's extension implies, if --format accepts it, else the
// default: report.oscal.json is OSCAL.
func (o *outputFlags) extFormat() string {
	name := strings.ToLower(filepath.Base(o.output))
	if strings.HasSuffix(name, ".oscal.json") && slices.Contains(o.formats, string(report.OSCAL)) {
		return string(report.OSCAL)
	}
	if f, ok := extFormats[filepath.Ext(name)]; ok && slices.Contains(o.formats, f) {
		return f
	}
	return o.def
}

// write writes to --output, or to stdout.
func (o *outputFlags) write(stdout io.Writer, write func(io.Writer) error) error {
	if o.output == "" {
		return write(stdout)
	}
	return writeFile(o.output, write)
}

// toTerminal reports whether the output goes to a terminal: standard output, a TTY.
func (o *outputFlags) toTerminal(stdout io.Writer) (bool, int) {
	if o.output != "" {
		return false, 0
	}
	f, ok := stdout.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		width = 0
	}
	return true, width
}

// tableFlags pick what the table lists, and how it looks.
type tableFlags struct {
	statuses     []string
	minSeverity  string
	summary      bool
	details      bool
	quiet        bool
	color        string
	maxControls  int
	maxResources int
}

// statusNames are the values --status accepts: the statuses, and all.
func statusNames() []string {
	return append(nameList(checks.Statuses), "all")
}

func (t *tableFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringSliceVar(&t.statuses, "status", nil, "table: list the controls of these statuses: "+names(checks.Statuses)+", or all (default FAIL,WARN)")
	fl.StringVar(&t.minSeverity, "min-severity", "", "table: list only controls of this severity or higher: "+names(checks.Severities))
	fl.BoolVar(&t.summary, "summary", false, "table: the cluster and the scores only")
	fl.BoolVar(&t.details, "details", false, "table: also each listed control's evidence (observed, expected, where) per resource")
	fl.BoolVarP(&t.quiet, "quiet", "q", false, "print nothing on standard output, and no failure line: the exit code and errors only (--output is still written)")
	fl.StringVar(&t.color, "color", "auto", "colour the table: auto (on a terminal, unless NO_COLOR is set), always or never")
	fl.IntVar(&t.maxControls, "max-controls", 0, fmt.Sprintf("table: controls listed (0: %d, -1: all)", report.DefaultMaxControls))
	fl.IntVar(&t.maxResources, "max-resources", 0, fmt.Sprintf("table with --details, and markdown: resources per control (0: %d, -1: all)", report.DefaultMaxResources))
	_ = cmd.RegisterFlagCompletionFunc("status", listCompletion(statusNames()...))
	_ = cmd.RegisterFlagCompletionFunc("min-severity", fixedCompletion(nameList(checks.Severities)...))
	_ = cmd.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
}

// options validates the flags and returns the report options for format, written by o.
func (t *tableFlags) options(cmd *cobra.Command, o *outputFlags, format string) (report.Options, error) {
	var opts report.Options
	for _, f := range []struct {
		name string
		n    int
	}{{"--max-controls", t.maxControls}, {"--max-resources", t.maxResources}} {
		if f.n < -1 {
			return opts, fmt.Errorf("%s %d: want a count, 0 for the default or -1 for all", f.name, f.n)
		}
	}
	opts.MaxControls, opts.MaxResources = t.maxControls, t.maxResources
	tableOnly := []string{"status", "min-severity", "summary", "details", "max-controls"}
	if format != string(report.Table) {
		for _, name := range tableOnly {
			if cmd.Flags().Changed(name) {
				return opts, fmt.Errorf("--%s shapes the table: the %s format holds every result", name, format)
			}
		}
	}
	for _, s := range t.statuses {
		s = strings.ToUpper(strings.TrimSpace(s))
		if s == "ALL" {
			opts.Statuses = checks.Statuses
			break
		}
		if !slices.Contains(checks.Statuses, checks.Status(s)) {
			return opts, fmt.Errorf("--status %q: want %s", s, oneOf(statusNames()))
		}
		opts.Statuses = append(opts.Statuses, checks.Status(s))
	}
	if t.minSeverity != "" {
		sev, err := checks.ParseSeverity(t.minSeverity)
		if err != nil {
			return opts, fmt.Errorf("--min-severity: %w", err)
		}
		opts.MinSeverity = sev
	}
	opts.SummaryOnly, opts.Details = t.summary, t.details
	tty, width := o.toTerminal(cmd.OutOrStdout())
	switch t.color {
	case "auto":
		opts.Color = tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	case "always":
		opts.Color = true
	case "never":
	default:
		return opts, fmt.Errorf("--color %q: want auto, always or never", t.color)
	}
	if tty {
		opts.Width = width
	}
	return opts, nil
}

// stdout is where the report goes on standard output: nowhere with -q.
func (t *tableFlags) stdout(cmd *cobra.Command) io.Writer {
	if t.quiet {
		return io.Discard
	}
	return cmd.OutOrStdout()
}

// fixedCompletion completes a flag's value from a fixed list.
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// listCompletion completes a comma-separated list: the values not yet given, after the
// ones typed so far.
func listCompletion(values ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		done, _ := splitLast(toComplete)
		var out []string
		for _, v := range values {
			if !slices.Contains(strings.Split(done, ","), v) {
				if done != "" {
					out = append(out, done+","+v)
				} else {
					out = append(out, v)
				}
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// splitLast splits "a,b,c" into "a,b" and "c".
func splitLast(s string) (string, string) {
	if i := strings.LastIndex(s, ","); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}
