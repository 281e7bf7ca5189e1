package nodeagent

import (
	"strings"
	"testing"
	"time"
)

func TestEffectiveFlagsOverFile(t *testing.T) {
	file, err := ParseKubeletConfig([]byte("kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\nreadOnlyPort: 10255\nfeatureGates: {A: true, B: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, flags := ParseKubeletCmdline([]byte("kubelet\x00--read-only-port\x000\x00--feature-gates=B=false\x00--anonymous-auth\x00--event-qps=x\x00"))
	eff, src, errs := Effective(file, flags, "/c.yaml")
	if eff.ReadOnlyPort != 0 || src["readOnlyPort"] != "flag --read-only-port=0" {
		t.Errorf("readOnlyPort %d from %q", eff.ReadOnlyPort, src["readOnlyPort"])
	}
	if !eff.FeatureGates["A"] || eff.FeatureGates["B"] {
		t.Errorf("feature gates %v: want A from the file, B=false from the flag (merged by key)", eff.FeatureGates)
	}
	if !*eff.Authentication.Anonymous.Enabled {
		t.Error("a bare --anonymous-auth is true")
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "--event-qps") || *eff.EventRecordQPS != 50 {
		t.Errorf("errs %v, eventRecordQPS %d: a bad flag value is reported and the default kept", errs, *eff.EventRecordQPS)
	}
	if eff.StreamingConnectionIdleTimeout.Duration != 4*time.Hour {
		t.Errorf("streamingConnectionIdleTimeout %s", eff.StreamingConnectionIdleTimeout.Duration)
	}
}

func TestEffectiveFlagOnlyDefaults(t *testing.T) {
	eff, src, _ := Effective(nil, nil, "")
	if !*eff.Authentication.Anonymous.Enabled || eff.Authorization.Mode != "AlwaysAllow" || eff.ReadOnlyPort != 10255 || *eff.Authentication.Webhook.Enabled {
		t.Errorf("flag-only defaults: %+v", eff.Authentication)
	}
	if src["authorization.mode"] != defaultFlagOnly {
		t.Errorf("source %q", src["authorization.mode"])
	}
	// A flag beats the legacy default.
	_, flags := ParseKubeletCmdline([]byte("/usr/bin/kubelet\x00--authorization-mode=Webhook\x00"))
	eff, _, _ = Effective(nil, flags, "")
	if eff.Authorization.Mode != "Webhook" {
		t.Errorf("mode %q", eff.Authorization.Mode)
	}
}

func TestParseKubeletConfigRejects(t *testing.T) {
	for _, doc := range []string{
		"kind: Pod\n",
		"apiVersion: kubelet.config.k8s.io/v1alpha9\nkind: KubeletConfiguration\n",
		"readOnlyPort: [1]\n",
		"{",
	} {
		if _, err := ParseKubeletConfig([]byte(doc)); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}
}

// FuzzParseKubeletConfig: the config file comes from the node; the parser must return a
// configuration or an error, never panic, and Effective must accept whatever it returns.
func FuzzParseKubeletConfig(f *testing.F) {
	f.Add([]byte("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 0\nauthentication: {anonymous: {enabled: false}}\n"))
	f.Add([]byte(`{"kind":"KubeletConfiguration","podPidsLimit":-5,"featureGates":{"X":true},"streamingConnectionIdleTimeout":"1h"}`))
	f.Add([]byte("tlsCipherSuites: [a, b]\nstreamingConnectionIdleTimeout: bogus\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseKubeletConfig(data)
		if err != nil {
			return
		}
		eff, src, _ := Effective(cfg, nil, "/f")
		if eff.Authentication.Anonymous.Enabled == nil || eff.Authorization.Mode == "" || eff.EventRecordQPS == nil ||
			eff.PodPidsLimit == nil || *eff.PodPidsLimit < -1 {
			t.Fatalf("effective configuration left a checked field undefaulted: %+v", eff)
		}
		for _, f := range checkedFields {
			if src[f] == "" {
				t.Fatalf("no source for %s", f)
			}
		}
	})
}

// FuzzParseKubeletCmdline: /proc/PID/cmdline is arbitrary bytes; parsing and applying the
// flags must never panic, and every flag word must be accounted for.
func FuzzParseKubeletCmdline(f *testing.F) {
	f.Add([]byte("/usr/bin/kubelet\x00--config=/var/lib/kubelet/config.yaml\x00--read-only-port\x0010255\x00"))
	f.Add([]byte("kubelet\x00--anonymous-auth\x00false\x00--feature-gates=A=true,B\x00--pod-max-pids=-1\x00--\x00--x\x00"))
	f.Add([]byte("\x00\x00--=x\x00-\x00---a\x00"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		command, flags := ParseKubeletCmdline(raw)
		if len(flags) > len(command) {
			t.Fatalf("%d flags from %d words", len(flags), len(command))
		}
		eff, _, _ := Effective(nil, flags, "")
		if eff == nil {
			t.Fatal("no effective configuration")
		}
	})
}
