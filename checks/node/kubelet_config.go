/*
The kubelet controls (CIS 1.12 section 4.2) that compare one field of the kubelet's effective
configuration with an expected value: one row of kubeletSettings each. A control that reads
more than one field, or flags, has a file of its own (hostname_override.go, tls_cert_file.go,
server_cert_rotation.go, tls_cipher_suites.go).

Source: CIS Kubernetes Benchmark 1.12, the row's id. Defaults from k8s.io/kubernetes@v1.37.2,
each row's Defaults with its source: a kubelet started with --config gets
pkg/kubelet/apis/config/v1beta1/defaults.go, one started with flags only gets
cmd/kubelet/app/options/options.go applyLegacyDefaults on top. The effective value is what
configz reports (or what the node agent computed with the defaults for how the kubelet was
started), so no default is applied here: the defaults say why a field left out cannot be
assumed, and a test holds them to the node agent's.

Reads: the row's Field (configz, or the node agent's effective value; KubeletConfiguration
v1beta1).

Allowed values: the row's Want. A pointer field the kubelet did not report (nil) is
NOT_EVALUATED; a field with omitempty and no pointer (readOnlyPort, rotateCertificates,
protectKernelDefaults, clientCAFile) holds its zero value when left out, and is judged so.
*/

package node

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

type kubeletConfig = kubeletv1beta1.KubeletConfiguration

// kubeletSetting is one kubelet control that compares one configuration field with an expected
// value.
type kubeletSetting struct {
	ID       string
	CIS      string // "" for a control CIS 1.12 does not have
	NSA      []string
	Severity checks.Severity
	Title    string
	// Field is the field's configz path (Evidence.Where, and the node agent's Sources key);
	// Expected the allowed value as the evidence states it; Want reads and judges the field.
	Field    string
	Expected string
	Want     comparison
	Defaults kubeletDefaults

	Description, Remediation string
}

// kubeletDefaults are a field's upstream defaults as configz would show them, for a kubelet
// started with a config file and for one started with flags only, and where they are set.
type kubeletDefaults struct {
	ConfigFile, FlagOnly string
	Source               string
}

// check is the row as a registered check.
func (s *kubeletSetting) check() checks.Check {
	refs := checks.References{NSA: s.NSA}
	if s.CIS != "" {
		refs.CIS = []string{s.CIS}
	}
	return checks.Check{
		Control: checks.Control{
			ID:          s.ID,
			Title:       s.Title,
			Layer:       checks.Node,
			Severity:    s.Severity,
			Description: s.Description,
			Remediation: s.Remediation,
			References:  refs,
		},
		Inputs:    inputs,
		AnyInputs: sources,
		Evaluate:  s.evaluate,
	}
}

func (s *kubeletSetting) evaluate(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, s.Field, func(cfg *kubeletConfig, ev checks.Evidence) checks.Result {
		ev.Expected = s.Expected
		observed, st, reported := s.Want.judge(cfg)
		if !reported {
			return notReported(ev)
		}
		ev.Observed = observed
		return checks.Result{Status: st, Evidence: ev}
	})
}

func init() {
	for i := range kubeletSettings {
		checks.Register(kubeletSettings[i].check())
	}
}

// comparison reads one field of a kubelet configuration and judges it.
type comparison interface {
	// judge is the verdict on the field, and its value as the evidence shows it; reported is
	// false when the kubelet did not report the field.
	judge(cfg *kubeletConfig) (observed string, st checks.Status, reported bool)
	// value is the field's value as configz holds it (a string unquoted), or false when the
	// kubelet did not report it: the form in which the row's Defaults are stated.
	value(cfg *kubeletConfig) (string, bool)
}

// equals passes when the field holds want.
type equals[T comparable] struct {
	get  func(*kubeletConfig) *T // nil when the kubelet did not report the field
	want T
	// notes explain values in the evidence ("0 (disabled; configz omits the field when 0)").
	notes map[T]string
}

func (c equals[T]) value(cfg *kubeletConfig) (string, bool) {
	v := c.get(cfg)
	if v == nil {
		return "", false
	}
	return format(*v, false), true
}

func (c equals[T]) judge(cfg *kubeletConfig) (string, checks.Status, bool) {
	v := c.get(cfg)
	if v == nil {
		return "", "", false
	}
	observed := format(*v, true)
	if n, ok := c.notes[*v]; ok {
		observed += " (" + n + ")"
	}
	if *v == c.want {
		return observed, checks.Pass, true
	}
	return observed, checks.Fail, true
}

// positive passes a value above 0. zero is what 0 means to the kubelet ("no limit"), noted in
// the evidence and judged zeroStatus; a negative value means the same, unless the kubelet
// refuses it (negativeRefused), and then it fails as it is.
type positive[T int32 | int64 | time.Duration] struct {
	get             func(*kubeletConfig) *T // nil when the kubelet did not report the field
	zero            string
	zeroStatus      checks.Status
	negativeRefused bool
}

func (c positive[T]) value(cfg *kubeletConfig) (string, bool) {
	v := c.get(cfg)
	if v == nil {
		return "", false
	}
	return format(*v, false), true
}

func (c positive[T]) judge(cfg *kubeletConfig) (string, checks.Status, bool) {
	v := c.get(cfg)
	if v == nil {
		return "", "", false
	}
	switch observed := format(*v, false); {
	case *v > 0:
		return observed, checks.Pass, true
	case *v < 0 && c.negativeRefused:
		return observed, checks.Fail, true
	default:
		return observed + " (" + c.zero + ")", c.zeroStatus, true
	}
}

// set passes a string field that is set: "" is what the kubelet holds when it is not.
type set struct {
	get func(*kubeletConfig) *string
}

func (c set) value(cfg *kubeletConfig) (string, bool) { return *c.get(cfg), true }

func (c set) judge(cfg *kubeletConfig) (string, checks.Status, bool) {
	if v := *c.get(cfg); v != "" {
		return strconv.Quote(v), checks.Pass, true
	}
	return "not set", checks.Fail, true
}

// format renders a field's value, a string quoted when quote is set, without fmt's
// allocations for the kinds the table holds (the checks judge every node).
func format[T any](v T, quote bool) string {
	var s string
	switch x := any(v).(type) {
	case bool:
		return strconv.FormatBool(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case time.Duration:
		return x.String()
	case kubeletv1beta1.KubeletAuthorizationMode:
		s = string(x)
	default:
		s = fmt.Sprint(v)
	}
	if quote {
		return strconv.Quote(s)
	}
	return s
}

// nonZero is p, or nil when *p is the zero value: for a field whose zero value the kubelet
// never holds, so that zero means configz did not report it.
func nonZero[T comparable](p *T) *T {
	var zero T
	if *p == zero {
		return nil
	}
	return p
}

// kubeletSettings are the kubelet controls that compare one field, in id order.
var kubeletSettings = []kubeletSetting{
	{
		ID: "KP-NODE-001", CIS: "4.2.1", Severity: checks.Critical,
		NSA:   []string{"C-0069"},
		Title: "Kubelet rejects anonymous requests",
		Field: "authentication.anonymous.enabled", Expected: "false",
		Want: equals[bool]{get: func(c *kubeletConfig) *bool { return c.Authentication.Anonymous.Enabled }, want: false},
		Defaults: kubeletDefaults{ConfigFile: "false", FlagOnly: "true",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go; cmd/kubelet/app/options/options.go applyLegacyDefaults"},
		Description: "With anonymous authentication on, requests to the kubelet API (port 10250) that no " +
			"authenticator rejects are served as system:anonymous; with a permissive authorization mode " +
			"that gives anyone on the network exec into every pod of the node.",
		Remediation: "Set authentication.anonymous.enabled: false in the kubelet config file " +
			"(/var/lib/kubelet/config.yaml on kubeadm nodes) and remove any --anonymous-auth=true flag " +
			"from the kubelet's service unit (flags override the file); then restart the kubelet.",
	},
	// Webhook is the only mode besides AlwaysAllow that the kubelet accepts (cmd/kubelet/app/auth.go):
	// compared exactly. No NSA area in kubescape's framework covers it (C-0069 is anonymous auth,
	// C-0070 the client CA).
	{
		ID: "KP-NODE-002", CIS: "4.2.2", Severity: checks.Critical,
		Title: "Kubelet authorization mode is not AlwaysAllow",
		Field: "authorization.mode", Expected: "Webhook",
		Want: equals[kubeletv1beta1.KubeletAuthorizationMode]{get: func(c *kubeletConfig) *kubeletv1beta1.KubeletAuthorizationMode {
			return nonZero(&c.Authorization.Mode)
		}, want: kubeletv1beta1.KubeletAuthorizationModeWebhook},
		Defaults: kubeletDefaults{ConfigFile: "Webhook", FlagOnly: "AlwaysAllow",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go; cmd/kubelet/app/options/options.go applyLegacyDefaults"},
		Description: "With AlwaysAllow, every authenticated (or anonymous) request to the kubelet API is " +
			"allowed, including exec, attach and port-forward into the node's pods. Webhook mode asks the " +
			"API server, so RBAC applies.",
		Remediation: "Set authorization.mode: Webhook in the kubelet config file (/var/lib/kubelet/config.yaml " +
			"on kubeadm nodes) and remove any --authorization-mode=AlwaysAllow flag from the kubelet's " +
			"service unit (flags override the file); then restart the kubelet.",
	},
	// An int32 with omitempty: a configuration that omits it has it at 0, and omission passes.
	{
		ID: "KP-NODE-003", CIS: "4.2.4", Severity: checks.High,
		Title: "Kubelet read-only port is disabled",
		Field: "readOnlyPort", Expected: "0 (disabled)",
		Want: equals[int32]{get: func(c *kubeletConfig) *int32 { return &c.ReadOnlyPort }, want: 0,
			notes: map[int32]string{0: "disabled; configz omits the field when 0"}},
		Defaults: kubeletDefaults{ConfigFile: "0", FlagOnly: "10255",
			Source: "k8s.io/kubelet config/v1beta1/types.go (0, disabled); cmd/kubelet/app/options/options.go applyLegacyDefaults"},
		Description: "The read-only port (10255 when enabled) serves pod specs, node metrics and health " +
			"with no authentication or authorization, to anyone who can reach the node.",
		Remediation: "Set readOnlyPort: 0 in the kubelet config file (/var/lib/kubelet/config.yaml on kubeadm " +
			"nodes) and remove any --read-only-port flag other than 0 from the kubelet's service unit " +
			"(flags override the file); then restart the kubelet.",
	},
	// A string with omitempty: a configuration that omits it has none, which fails.
	{
		ID: "KP-NODE-004", CIS: "4.2.3", Severity: checks.High,
		NSA:   []string{"C-0070"},
		Title: "Kubelet authenticates clients with a client CA",
		Field: "authentication.x509.clientCAFile", Expected: "a CA file path",
		Want: set{get: func(c *kubeletConfig) *string { return &c.Authentication.X509.ClientCAFile }},
		Defaults: kubeletDefaults{ConfigFile: "", FlagOnly: "",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go sets none; --client-ca-file defaults to \"\" (cmd/kubelet/app/options/options.go)"},
		Description: "Without a client CA file the kubelet cannot verify client certificates, so the API " +
			"server's own connection to the kubelet (exec, logs, port-forward) is not authenticated by " +
			"certificate.",
		Remediation: "Set authentication.x509.clientCAFile to the cluster CA (/etc/kubernetes/pki/ca.crt on " +
			"kubeadm nodes) in the kubelet config file, or pass --client-ca-file; then restart the kubelet.",
	},
	{
		ID: "KP-NODE-005", CIS: "4.2.5", Severity: checks.Low,
		Title: "Kubelet streaming connections time out when idle",
		Field: "streamingConnectionIdleTimeout", Expected: "a duration above 0",
		Want: positive[time.Duration]{get: func(c *kubeletConfig) *time.Duration { return &c.StreamingConnectionIdleTimeout.Duration },
			zero: "no timeout", zeroStatus: checks.Fail},
		Defaults: kubeletDefaults{ConfigFile: "4h0m0s", FlagOnly: "4h0m0s",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go: 4h when zero, so a config file cannot disable it; only --streaming-connection-idle-timeout=0 (cmd/kubelet/app/options, parsed after defaulting) can"},
		Description: "An idle exec, attach or port-forward stream that never times out holds a connection " +
			"open, and can exhaust the kubelet's resources.",
		Remediation: "Remove --streaming-connection-idle-timeout=0 from the kubelet's service unit, or set " +
			"streamingConnectionIdleTimeout (e.g. 5m) in the kubelet config file; then restart the kubelet.",
	},
	{
		ID: "KP-NODE-006", CIS: "4.2.6", Severity: checks.Low,
		Title: "Kubelet manages its iptables utility chains",
		Field: "makeIPTablesUtilChains", Expected: "true",
		Want: equals[bool]{get: func(c *kubeletConfig) *bool { return c.MakeIPTablesUtilChains }, want: true},
		Defaults: kubeletDefaults{ConfigFile: "true", FlagOnly: "true",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go"},
		Description: "With makeIPTablesUtilChains the kubelet keeps the iptables chains it relies on in " +
			"place, so that node networking stays consistent with pod networking requirements.",
		Remediation: "Remove --make-iptables-util-chains=false from the kubelet's service unit and " +
			"makeIPTablesUtilChains: false from its config file; then restart the kubelet.",
	},
	// CIS 4.2.8 is manual: 0 (unlimited) is a weak choice, warned; a negative value fails.
	{
		ID: "KP-NODE-008", CIS: "4.2.8", Severity: checks.Low,
		Title: "Kubelet event rate limit is set",
		Field: "eventRecordQPS", Expected: "above 0",
		Want: positive[int32]{get: func(c *kubeletConfig) *int32 { return c.EventRecordQPS },
			zero: "no limit", zeroStatus: checks.Warn, negativeRefused: true},
		Defaults: kubeletDefaults{ConfigFile: "50", FlagOnly: "50",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go; 0 means no limit (--event-qps in cmd/kubelet/app/options/options.go), and the kubelet's validation refuses a negative value"},
		Description: "Events are an audit trail of what happened on a node. The kubelet limits how many it " +
			"sends per second: 0 removes the limit, so an event storm can overload the API server.",
		Remediation: "Set eventRecordQPS (the default is 50) in the kubelet config file, or --event-qps, to a " +
			"value above 0 that suits your environment; then restart the kubelet.",
	},
	// A bool with omitempty, false by default (kubeadm's config file sets it true): absent is a
	// failure, not a pass as kube-bench has it.
	{
		ID: "KP-NODE-010", CIS: "4.2.10", Severity: checks.Medium,
		Title: "Kubelet rotates its client certificate",
		Field: "rotateCertificates", Expected: "true",
		Want: equals[bool]{get: func(c *kubeletConfig) *bool { return &c.RotateCertificates }, want: true,
			notes: map[bool]string{false: "false is the default"}},
		Defaults: kubeletDefaults{ConfigFile: "false", FlagOnly: "false",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go leaves it at its zero value"},
		Description: "Without rotation the kubelet's client certificate is used until it expires, and a " +
			"leaked one stays valid for its whole life; an expired one takes the node out of the cluster.",
		Remediation: "Set rotateCertificates: true in the kubelet config file (or --rotate-certificates) and " +
			"remove any --rotate-certificates=false; then restart the kubelet.",
	},
	{
		ID: "KP-NODE-013", CIS: "4.2.13", Severity: checks.Medium,
		Title: "Kubelet limits the processes of each pod",
		Field: "podPidsLimit", Expected: "above 0",
		Want: positive[int64]{get: func(c *kubeletConfig) *int64 { return c.PodPidsLimit }, zero: "no limit", zeroStatus: checks.Fail},
		Defaults: kubeletDefaults{ConfigFile: "-1", FlagOnly: "-1",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go: -1, no per-pod limit (a negative value is reset to -1)"},
		Description: "Without a per-pod PID limit one pod can fork until the node runs out of process ids, " +
			"starving every other pod and the node's own daemons.",
		Remediation: "Set podPidsLimit (e.g. 4096) in the kubelet config file, or --pod-max-pids; then restart " +
			"the kubelet.",
	},
	{
		ID: "KP-NODE-014", CIS: "4.2.14", Severity: checks.Medium,
		Title: "Kubelet applies the RuntimeDefault seccomp profile by default",
		Field: "seccompDefault", Expected: "true",
		Want: equals[bool]{get: func(c *kubeletConfig) *bool { return c.SeccompDefault }, want: true},
		Defaults: kubeletDefaults{ConfigFile: "false", FlagOnly: "false",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go"},
		Description: "Without seccompDefault a container that names no seccomp profile runs Unconfined: " +
			"every system call is open to it, which widens the kernel attack surface.",
		Remediation: "Set seccompDefault: true in the kubelet config file (or --seccomp-default); then restart " +
			"the kubelet. Test workloads first: a few need syscalls RuntimeDefault blocks.",
	},
	// CIS 1.8 to 1.10 (4.2.6 there); CIS 1.12 dropped it, so it carries no CIS id and is in no
	// framework selection but "all".
	{
		ID: "KP-NODE-015", Severity: checks.Low,
		Title: "Kubelet protects kernel defaults",
		Field: "protectKernelDefaults", Expected: "true",
		Want: equals[bool]{get: func(c *kubeletConfig) *bool { return &c.ProtectKernelDefaults }, want: true},
		Defaults: kubeletDefaults{ConfigFile: "false", FlagOnly: "false",
			Source: "pkg/kubelet/apis/config/v1beta1/defaults.go leaves it at its zero value; --protect-kernel-defaults in cmd/kubelet/app/options/options.go"},
		Description: "With protectKernelDefaults the kubelet fails to start when kernel tunables (vm.overcommit, " +
			"panic settings) differ from its expectations, rather than changing them behind the node " +
			"administrator's hardening.",
		Remediation: "Set the kernel parameters the kubelet expects (vm.overcommit_memory=1, vm.panic_on_oom=0, " +
			"kernel.panic=10, kernel.panic_on_oops=1) in /etc/sysctl.d, then set protectKernelDefaults: true " +
			"in the kubelet config file (or --protect-kernel-defaults) and restart the kubelet.",
	},
}
