package node

import (
	"slices"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/nodeagent"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// kubeletCases are each row's cases: mutate edits a configuration that passes every control
// (secure).
var kubeletCases = map[string][]configCase{
	"KP-NODE-001": {
		{name: "false", want: checks.Pass, observed: "false"},
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.Anonymous.Enabled = new(true) },
			want: checks.Fail, observed: "true"},
		// nil: the kubelet did not say; the config-file default (false) must not be assumed.
		{name: "not reported", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.Anonymous.Enabled = nil },
			want: checks.NotEvaluated, observed: "absent"},
		// The webhook authenticator being on does not make anonymous requests go away.
		{name: "true with webhook authn", mutate: func(c *kubeletv1beta1.KubeletConfiguration) {
			c.Authentication.Anonymous.Enabled = new(true)
			c.Authentication.Webhook.Enabled = new(true)
		}, want: checks.Fail},
	},
	"KP-NODE-002": {
		{name: "Webhook", want: checks.Pass, observed: `"Webhook"`},
		{name: "AlwaysAllow", mutate: authzMode("AlwaysAllow"), want: checks.Fail, observed: `"AlwaysAllow"`},
		{name: "not reported", mutate: authzMode(""), want: checks.NotEvaluated, observed: "absent"},
		{name: "webhook is not Webhook", mutate: authzMode("webhook"), want: checks.Fail},
		{name: "unknown mode", mutate: authzMode("RBAC"), want: checks.Fail},
	},
	"KP-NODE-003": {
		{name: "0", mutate: readOnly(0), want: checks.Pass, observed: "0 (disabled"},
		{name: "10255", mutate: readOnly(10255), want: checks.Fail, observed: "10255"},
		{name: "other port", mutate: readOnly(1), want: checks.Fail, observed: "1"},
		{name: "negative", mutate: readOnly(-1), want: checks.Fail, observed: "-1"},
	},
	"KP-NODE-004": {
		{name: "set", mutate: func(c *kubeletv1beta1.KubeletConfiguration) {
			c.Authentication.X509.ClientCAFile = "/etc/kubernetes/pki/ca.crt"
		},
			want: checks.Pass, observed: "/etc/kubernetes/pki/ca.crt"},
		{name: "unset (omitted from configz)", want: checks.Fail, observed: "not set"},
	},
	"KP-NODE-005": {
		{name: "default 4h", mutate: idleTimeout(4 * time.Hour), want: checks.Pass, observed: "4h0m0s"},
		{name: "5m", mutate: idleTimeout(5 * time.Minute), want: checks.Pass, observed: "5m0s"},
		{name: "0 (flag)", mutate: idleTimeout(0), want: checks.Fail, observed: "no timeout"},
		{name: "negative", mutate: idleTimeout(-time.Second), want: checks.Fail, observed: "-1s"},
	},
	"KP-NODE-006": {
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.MakeIPTablesUtilChains = new(true) }, want: checks.Pass, observed: "true"},
		{name: "false", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.MakeIPTablesUtilChains = new(false) }, want: checks.Fail, observed: "false"},
		{name: "not reported", want: checks.NotEvaluated, observed: "absent"},
	},
	"KP-NODE-008": {
		{name: "default 50", mutate: eventQPS(50), want: checks.Pass, observed: "50"},
		{name: "0 unlimited", mutate: eventQPS(0), want: checks.Warn, observed: "no limit"},
		{name: "negative", mutate: eventQPS(-1), want: checks.Fail, observed: "-1"},
		{name: "not reported", want: checks.NotEvaluated, observed: "absent"},
	},
	"KP-NODE-010": {
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.RotateCertificates = true }, want: checks.Pass, observed: "true"},
		// Absent from configz is false (bool, omitempty), the upstream default: not a pass.
		{name: "absent is false", want: checks.Fail, observed: "false is the default"},
	},
	"KP-NODE-013": {
		{name: "4096", mutate: pidsLimit(4096), want: checks.Pass, observed: "4096"},
		{name: "default -1", mutate: pidsLimit(-1), want: checks.Fail, observed: "no limit"},
		{name: "0", mutate: pidsLimit(0), want: checks.Fail},
		{name: "not reported", want: checks.NotEvaluated, observed: "absent"},
	},
	"KP-NODE-014": {
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.SeccompDefault = new(true) }, want: checks.Pass, observed: "true"},
		{name: "false", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.SeccompDefault = new(false) }, want: checks.Fail, observed: "false"},
		{name: "not reported", want: checks.NotEvaluated, observed: "absent"},
	},
	"KP-NODE-015": {
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.ProtectKernelDefaults = true }, want: checks.Pass, observed: "true"},
		{name: "absent is false", want: checks.Fail, observed: "false"},
	},
}

func authzMode(m string) func(*kubeletConfig) {
	return func(c *kubeletConfig) { c.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationMode(m) }
}

func readOnly(p int32) func(*kubeletConfig) {
	return func(c *kubeletConfig) { c.ReadOnlyPort = p }
}

func idleTimeout(v time.Duration) func(*kubeletConfig) {
	return func(c *kubeletConfig) { c.StreamingConnectionIdleTimeout.Duration = v }
}

func eventQPS(v int32) func(*kubeletConfig) {
	return func(c *kubeletConfig) { c.EventRecordQPS = &v }
}

func pidsLimit(v int64) func(*kubeletConfig) {
	return func(c *kubeletConfig) { c.PodPidsLimit = &v }
}

// TestKubeletSettings runs every row's cases through its registered check, and holds the
// row's defaults to those the node agent applies (nodeagent.Effective) for a kubelet with a
// config file and for a flag-only one.
func TestKubeletSettings(t *testing.T) {
	fileDefaults, _, errs := nodeagent.Effective(&kubeletConfig{}, nil, "/var/lib/kubelet/config.yaml")
	flagDefaults, _, errs2 := nodeagent.Effective(nil, nil, "")
	if len(errs)+len(errs2) > 0 {
		t.Fatal(errs, errs2)
	}
	for i := range kubeletSettings {
		s := &kubeletSettings[i]
		t.Run(s.ID, func(t *testing.T) {
			c := registered(t, s.ID)
			var cis []string
			if s.CIS != "" {
				cis = []string{s.CIS}
			}
			if c.Layer != checks.Node || c.Title != s.Title || c.Severity != s.Severity || !slices.Equal(c.References.CIS, cis) ||
				!slices.Equal(c.References.NSA, s.NSA) || !slices.Equal(c.Inputs, inputs) || !slices.Equal(c.AnyInputs, sources) {
				t.Errorf("registered as %+v, inputs %v, any inputs %v", c.Control, c.Inputs, c.AnyInputs)
			}
			for _, d := range []struct {
				kubelet, want string
				cfg           *kubeletConfig
			}{{"config file", s.Defaults.ConfigFile, fileDefaults}, {"flag-only", s.Defaults.FlagOnly, flagDefaults}} {
				if got, ok := s.Want.value(d.cfg); !ok || got != d.want {
					t.Errorf("%s kubelet: the node agent's default is %q (reported %v), the table says %q", d.kubelet, got, ok, d.want)
				}
			}
			if len(kubeletCases[s.ID]) == 0 {
				t.Fatal("no case")
			}
			runConfigCases(t, c.Evaluate, s.Field, kubeletCases[s.ID])
		})
	}
}
