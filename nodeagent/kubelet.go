package nodeagent

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// kubeletBoolFlags are the kubelet's boolean flags that the checks read, from the
// definitions in k8s.io/kubernetes@v1.37.2 cmd/kubelet/app/options/options.go: pflag never
// gives them the next word as a value.
var kubeletBoolFlags = map[string]bool{
	"anonymous-auth": true, "authentication-token-webhook": true, "make-iptables-util-chains": true,
	"rotate-certificates": true, "rotate-server-certificates": true, "protect-kernel-defaults": true,
	"seccomp-default": true, "fail-swap-on": true, "register-node": true,
}

// ParseKubeletCmdline parses /proc/PID/cmdline (NUL-separated words) into the kubelet's
// command and flags.
func ParseKubeletCmdline(raw []byte) (command []string, flags []snapshot.Flag) {
	s := strings.TrimRight(string(raw), "\x00")
	if s == "" {
		return nil, nil
	}
	command = strings.Split(s, "\x00")
	return command, componentflags.Parse(command, nil, func(n string) bool { return kubeletBoolFlags[n] })
}

// ParseKubeletConfig decodes a kubelet config file (YAML or JSON, KubeletConfiguration
// kubelet.config.k8s.io/v1beta1) as the kubelet's own loader does, without defaults.
func ParseKubeletConfig(data []byte) (*kubeletv1beta1.KubeletConfiguration, error) {
	cfg := &kubeletv1beta1.KubeletConfiguration{}
	if err := overlayConfig(cfg, data); err != nil {
		return nil, err
	}
	return cfg, nil
}

// overlayConfig decodes data over cfg: fields the document sets replace cfg's, others stay,
// which is how --config-dir drop-ins are merged over the config file.
func overlayConfig(cfg *kubeletv1beta1.KubeletConfiguration, data []byte) error {
	var head metav1.TypeMeta
	if err := yaml.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("not a YAML or JSON document: %w", err)
	}
	if head.Kind != "" && head.Kind != "KubeletConfiguration" {
		return fmt.Errorf("kind %q, want KubeletConfiguration", head.Kind)
	}
	if head.APIVersion != "" && head.APIVersion != "kubelet.config.k8s.io/v1beta1" {
		return fmt.Errorf("apiVersion %q is not supported (want kubelet.config.k8s.io/v1beta1)", head.APIVersion)
	}
	if err := yaml.Unmarshal(data, cfg); err != nil {
		return fmt.Errorf("decode KubeletConfiguration: %w", err)
	}
	return nil
}

// Origins of an effective value, for NodeKubelet.Sources.
const (
	defaultConfigFile = "default (config file)"
	defaultFlagOnly   = "default (flag-only kubelet)"
)

// checkedFields are the configz paths whose origin is recorded.
var checkedFields = []string{
	"authentication.anonymous.enabled", "authentication.webhook.enabled", "authorization.mode",
	"authentication.x509.clientCAFile", "readOnlyPort", "streamingConnectionIdleTimeout",
	"makeIPTablesUtilChains", "eventRecordQPS", "tlsCertFile", "tlsPrivateKeyFile", "tlsCipherSuites",
	"rotateCertificates", "serverTLSBootstrap", "featureGates", "protectKernelDefaults",
	"seccompDefault", "podPidsLimit",
}

// Effective computes the kubelet's effective configuration for the fields the checks read:
// command-line flags over the config file over the defaults for how it was started.
//
// Defaults, from k8s.io/kubernetes@v1.37.2: pkg/kubelet/apis/config/v1beta1/defaults.go
// SetDefaults_KubeletConfiguration applies to every kubelet (anonymous auth false,
// authorization Webhook, webhook authentication true, streamingConnectionIdleTimeout 4h,
// makeIPTablesUtilChains true, eventRecordQPS 50, podPidsLimit -1, seccompDefault false;
// readOnlyPort, rotateCertificates, serverTLSBootstrap and protectKernelDefaults are left at
// their zero values 0/false). A kubelet started without --config then gets
// cmd/kubelet/app/options/options.go applyLegacyDefaults on top (anonymous auth true, webhook
// authentication false, authorization AlwaysAllow, readOnlyPort 10255), and flags are parsed
// over that; with --config the file is loaded and defaulted, then the flags are re-applied
// over it (cmd/kubelet/app/server.go kubeletConfigFlagPrecedence), with --feature-gates
// merged key by key over the file's featureGates. These defaults have not changed since
// v1.22 (seccompDefault's introduction); for an older kubelet they may not hold.
func Effective(file *kubeletv1beta1.KubeletConfiguration, flags []snapshot.Flag, configPath string) (*kubeletv1beta1.KubeletConfiguration, map[string]string, []error) {
	eff := &kubeletv1beta1.KubeletConfiguration{}
	src := map[string]string{}
	origin := defaultFlagOnly
	if file != nil {
		eff = file.DeepCopy()
		origin = defaultConfigFile
		fileSet(file, src, "config file "+configPath)
	}
	setDefault := func(field string, unset bool, apply func()) {
		if unset {
			apply()
			src[field] = origin
		}
	}
	setDefault("authentication.anonymous.enabled", eff.Authentication.Anonymous.Enabled == nil, func() { eff.Authentication.Anonymous.Enabled = new(false) })
	setDefault("authentication.webhook.enabled", eff.Authentication.Webhook.Enabled == nil, func() { eff.Authentication.Webhook.Enabled = new(true) })
	setDefault("authorization.mode", eff.Authorization.Mode == "", func() { eff.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeWebhook })
	setDefault("streamingConnectionIdleTimeout", eff.StreamingConnectionIdleTimeout.Duration == 0, func() { eff.StreamingConnectionIdleTimeout = metav1.Duration{Duration: 4 * time.Hour} })
	setDefault("makeIPTablesUtilChains", eff.MakeIPTablesUtilChains == nil, func() { eff.MakeIPTablesUtilChains = new(true) })
	setDefault("eventRecordQPS", eff.EventRecordQPS == nil, func() { eff.EventRecordQPS = new(int32(50)) })
	setDefault("podPidsLimit", eff.PodPidsLimit == nil || *eff.PodPidsLimit < 0, func() { eff.PodPidsLimit = new(int64(-1)) })
	setDefault("seccompDefault", eff.SeccompDefault == nil, func() { eff.SeccompDefault = new(false) })
	for _, f := range []string{"readOnlyPort", "rotateCertificates", "serverTLSBootstrap", "protectKernelDefaults",
		"authentication.x509.clientCAFile", "tlsCertFile", "tlsPrivateKeyFile", "tlsCipherSuites", "featureGates"} {
		if _, ok := src[f]; !ok {
			src[f] = origin
		}
	}
	if file == nil {
		eff.Authentication.Anonymous.Enabled = new(true)
		eff.Authentication.Webhook.Enabled = new(false)
		eff.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeAlwaysAllow
		eff.ReadOnlyPort = 10255
	}
	errs := applyFlags(eff, flags, src)
	return eff, src, errs
}

// fileSet records the fields the file itself sets.
func fileSet(f *kubeletv1beta1.KubeletConfiguration, src map[string]string, from string) {
	set := map[string]bool{
		"authentication.anonymous.enabled": f.Authentication.Anonymous.Enabled != nil,
		"authentication.webhook.enabled":   f.Authentication.Webhook.Enabled != nil,
		"authorization.mode":               f.Authorization.Mode != "",
		"authentication.x509.clientCAFile": f.Authentication.X509.ClientCAFile != "",
		"readOnlyPort":                     f.ReadOnlyPort != 0,
		"streamingConnectionIdleTimeout":   f.StreamingConnectionIdleTimeout.Duration != 0,
		"makeIPTablesUtilChains":           f.MakeIPTablesUtilChains != nil,
		"eventRecordQPS":                   f.EventRecordQPS != nil,
		"tlsCertFile":                      f.TLSCertFile != "",
		"tlsPrivateKeyFile":                f.TLSPrivateKeyFile != "",
		"tlsCipherSuites":                  len(f.TLSCipherSuites) > 0,
		"rotateCertificates":               f.RotateCertificates,
		"serverTLSBootstrap":               f.ServerTLSBootstrap,
		"featureGates":                     len(f.FeatureGates) > 0,
		"protectKernelDefaults":            f.ProtectKernelDefaults,
		"seccompDefault":                   f.SeccompDefault != nil,
		"podPidsLimit":                     f.PodPidsLimit != nil && *f.PodPidsLimit >= 0,
	}
	for k, v := range set {
		if v {
			src[k] = from
		}
	}
}

// applyFlags sets the effective fields from the kubelet's flags (last wins, as pflag does).
// A value the kubelet would refuse is reported and ignored: such a kubelet would not run.
func applyFlags(eff *kubeletv1beta1.KubeletConfiguration, flags []snapshot.Flag, src map[string]string) []error {
	var errs []error
	boolVal := func(f snapshot.Flag) (bool, error) {
		if f.Bare {
			return true, nil
		}
		return strconv.ParseBool(f.Value)
	}
	for _, f := range flags {
		var field string
		var err error
		switch f.Name {
		case "anonymous-auth":
			field = "authentication.anonymous.enabled"
			var b bool
			if b, err = boolVal(f); err == nil {
				eff.Authentication.Anonymous.Enabled = &b
			}
		case "authentication-token-webhook":
			field = "authentication.webhook.enabled"
			var b bool
			if b, err = boolVal(f); err == nil {
				eff.Authentication.Webhook.Enabled = &b
			}
		case "authorization-mode":
			field = "authorization.mode"
			eff.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationMode(f.Value)
		case "client-ca-file":
			field = "authentication.x509.clientCAFile"
			eff.Authentication.X509.ClientCAFile = f.Value
		case "read-only-port":
			field = "readOnlyPort"
			var n int64
			if n, err = strconv.ParseInt(f.Value, 10, 32); err == nil {
				eff.ReadOnlyPort = int32(n)
			}
		case "streaming-connection-idle-timeout":
			field = "streamingConnectionIdleTimeout"
			var d time.Duration
			if d, err = time.ParseDuration(f.Value); err == nil {
				eff.StreamingConnectionIdleTimeout = metav1.Duration{Duration: d}
			}
		case "make-iptables-util-chains":
			field = "makeIPTablesUtilChains"
			var b bool
			if b, err = boolVal(f); err == nil {
				eff.MakeIPTablesUtilChains = &b
			}
		case "event-qps":
			field = "eventRecordQPS"
			var n int64
			if n, err = strconv.ParseInt(f.Value, 10, 32); err == nil {
				q := int32(n)
				eff.EventRecordQPS = &q
			}
		case "tls-cert-file":
			field = "tlsCertFile"
			eff.TLSCertFile = f.Value
		case "tls-private-key-file":
			field = "tlsPrivateKeyFile"
			eff.TLSPrivateKeyFile = f.Value
		case "tls-cipher-suites":
			field = "tlsCipherSuites"
			eff.TLSCipherSuites = splitComma(f.Value)
		case "rotate-certificates":
			field = "rotateCertificates"
			eff.RotateCertificates, err = boolVal(f)
		case "rotate-server-certificates":
			field = "serverTLSBootstrap"
			eff.ServerTLSBootstrap, err = boolVal(f)
		case "protect-kernel-defaults":
			field = "protectKernelDefaults"
			eff.ProtectKernelDefaults, err = boolVal(f)
		case "seccomp-default":
			field = "seccompDefault"
			var b bool
			if b, err = boolVal(f); err == nil {
				eff.SeccompDefault = &b
			}
		case "pod-max-pids":
			field = "podPidsLimit"
			var n int64
			if n, err = strconv.ParseInt(f.Value, 10, 64); err == nil {
				eff.PodPidsLimit = &n
			}
		case "pod-manifest-path": // deprecated spelling of staticPodPath
			field = "staticPodPath"
			eff.StaticPodPath = f.Value
		case "feature-gates":
			field = "featureGates"
			err = mergeGates(eff, f.Value)
		default:
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("kubelet flag --%s=%q: %w (the kubelet would refuse it; value ignored)", f.Name, f.Value, err))
			continue
		}
		val := f.Value
		if f.Bare {
			val = "true"
		}
		src[field] = "flag --" + f.Name + "=" + val
	}
	return errs
}

// mergeGates merges a --feature-gates value (k=v,k=v) over the configuration's gates, key by
// key, as the kubelet does.
func mergeGates(eff *kubeletv1beta1.KubeletConfiguration, v string) error {
	gates := map[string]bool{}
	for _, kv := range splitComma(v) {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("missing bool value for %s", kv)
		}
		b, err := strconv.ParseBool(strings.TrimSpace(val))
		if err != nil {
			return fmt.Errorf("invalid value of %s=%s: %w", k, val, err)
		}
		gates[strings.TrimSpace(k)] = b
	}
	if eff.FeatureGates == nil {
		eff.FeatureGates = map[string]bool{}
	}
	for k, b := range gates {
		eff.FeatureGates[k] = b
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
