package componentflags

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

func comp(name string, args []string, env ...corev1.EnvVar) *snapshot.Component {
	return &snapshot.Component{Name: name, Args: args, Flags: Parse(nil, args, BoolFlags(name)), Env: env}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		name      string
		component string
		args      []string
		env       []corev1.EnvVar
		flag      string
		wantSet   bool
		wantRaw   string
		wantItems []string
		wantErr   bool
		describe  string
	}{
		{name: "absent: default", component: "kube-apiserver", flag: "anonymous-auth", wantRaw: "true", describe: "absent (default: true; k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go"},
		{name: "absent, no default", component: "kube-apiserver", flag: "token-auth-file", wantRaw: "", describe: "absent (default: unset"},
		{name: "last wins", component: "kube-apiserver", flag: "profiling", args: []string{"--profiling=false", "--profiling=true"}, wantSet: true, wantRaw: "true", describe: "last of 2"},
		{name: "bare", component: "kube-apiserver", flag: "profiling", args: []string{"--profiling"}, wantSet: true, wantRaw: "true", describe: "without a value"},
		{name: "list accumulates", component: "kube-apiserver", flag: "authorization-mode", args: []string{"--authorization-mode=Node", "--authorization-mode=RBAC,Webhook"},
			wantSet: true, wantRaw: "Node,RBAC,Webhook", wantItems: []string{"Node", "RBAC", "Webhook"}, describe: "accumulate"},
		{name: "list default", component: "kube-apiserver", flag: "authorization-mode", wantItems: []string{"AlwaysAllow"}, wantRaw: "AlwaysAllow"},
		{name: "list with quotes pflag cannot read", component: "kube-apiserver", flag: "authorization-mode", args: []string{`--authorization-mode=RBAC,"Node`}, wantSet: true, wantErr: true},
		{name: "list empty is empty", component: "kube-apiserver", flag: "enable-admission-plugins", args: []string{"--enable-admission-plugins="}, wantSet: true},
		{name: "etcd env", component: "etcd", flag: "client-cert-auth", env: []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH", Value: "true"}}, wantSet: true, wantRaw: "true", describe: "from ETCD_CLIENT_CERT_AUTH"},
		{name: "etcd empty env is ignored", component: "etcd", flag: "client-cert-auth", env: []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH"}}, wantRaw: "false"},
		{name: "etcd flag and env conflict", component: "etcd", flag: "client-cert-auth", args: []string{"--client-cert-auth=true"},
			env: []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH", Value: "false"}}, wantSet: true, wantRaw: "true", wantErr: true, describe: "etcd exits"},
		{name: "env of another component is not read", component: "kube-apiserver", flag: "profiling", env: []corev1.EnvVar{{Name: "ETCD_PROFILING", Value: "false"}}, wantRaw: "true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Lookup(comp(tc.component, tc.args, tc.env...), tc.flag)
			if v.Set != tc.wantSet || v.Raw != tc.wantRaw || (v.Err != nil) != tc.wantErr {
				t.Errorf("got set=%v raw=%q err=%v, want set=%v raw=%q err=%v", v.Set, v.Raw, v.Err, tc.wantSet, tc.wantRaw, tc.wantErr)
			}
			if tc.wantItems != nil && strings.Join(v.Items, "|") != strings.Join(tc.wantItems, "|") {
				t.Errorf("items = %q, want %q", v.Items, tc.wantItems)
			}
			if d := v.Describe(); !strings.Contains(d, tc.describe) {
				t.Errorf("describe = %q, want it to contain %q", d, tc.describe)
			}
		})
	}
}

func TestValueConversions(t *testing.T) {
	c := comp("kube-apiserver", []string{"--audit-log-maxage=0x1e", "--anonymous-auth=no", "--tls-cert-file="})
	if n, err := Lookup(c, "audit-log-maxage").Int(); err != nil || n != 30 {
		t.Errorf("Int(0x1e) = %d, %v; want 30 (pflag IntVar reads base prefixes)", n, err)
	}
	if _, err := Lookup(c, "anonymous-auth").Bool(); err == nil {
		t.Error(`Bool("no") succeeded; ParseBool rejects it`)
	}
	if Lookup(c, "tls-cert-file").Present() {
		t.Error("an empty path counts as present")
	}
}

func TestEffectiveAdmission(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		has     []string
		hasNot  []string
		wantErr bool
	}{
		{name: "defaults", has: []string{"ServiceAccount", "NamespaceLifecycle", "PodSecurity"}, hasNot: []string{"NodeRestriction", "AlwaysPullImages", "EventRateLimit", "DenyServiceExternalIPs", "AlwaysAdmit"}},
		{name: "enable adds", args: []string{"--enable-admission-plugins=NodeRestriction,EventRateLimit"}, has: []string{"NodeRestriction", "EventRateLimit", "ServiceAccount"}},
		{name: "enable repeats accumulate", args: []string{"--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=AlwaysPullImages"}, has: []string{"NodeRestriction", "AlwaysPullImages"}},
		{name: "disable removes", args: []string{"--disable-admission-plugins=ServiceAccount"}, hasNot: []string{"ServiceAccount"}, has: []string{"NamespaceLifecycle"}},
		{name: "admission-control replaces the set", args: []string{"--admission-control=NodeRestriction"}, has: []string{"NodeRestriction"}, hasNot: []string{"ServiceAccount", "NamespaceLifecycle"}},
		{name: "admission-control with enable refuses to start", args: []string{"--admission-control=NodeRestriction", "--enable-admission-plugins=AlwaysPullImages"}, wantErr: true},
		{name: "enabled and disabled refuses to start", args: []string{"--enable-admission-plugins=NodeRestriction", "--disable-admission-plugins=NodeRestriction"}, wantErr: true},
		{name: "exact names: no substring", args: []string{"--enable-admission-plugins=NodeRestrictionX"}, hasNot: []string{"NodeRestriction"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := EffectiveAdmission(comp("kube-apiserver", tc.args))
			if (a.Err != nil) != tc.wantErr {
				t.Errorf("err = %v, want error %v", a.Err, tc.wantErr)
			}
			for _, p := range tc.has {
				if !a.Has(p) {
					t.Errorf("%s not enabled (%s)", p, a.Observed)
				}
			}
			for _, p := range tc.hasNot {
				if a.Has(p) {
					t.Errorf("%s enabled (%s)", p, a.Observed)
				}
			}
		})
	}
}

// FuzzLookup: whatever the command line, the model never panics, a list's items contain no
// empty token, and the effective admission set is refused (Err) rather than guessed when the
// flags are ones the apiserver would not start with.
func FuzzLookup(f *testing.F) {
	f.Add("--authorization-mode=Node,RBAC", "--enable-admission-plugins=NodeRestriction", "--admission-control=X")
	f.Add(`--authorization-mode="RBAC`, "--disable-admission-plugins=ServiceAccount", "--enable-admission-plugins=ServiceAccount")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		comp := comp("kube-apiserver", []string{a, b, c})
		for _, name := range []string{"authorization-mode", "enable-admission-plugins", "audit-log-maxage", "anonymous-auth"} {
			v := Lookup(comp, name)
			for _, it := range v.Items {
				if it == "" {
					t.Fatalf("%s: empty item in %q", name, v.Items)
				}
			}
			_ = v.Describe()
			_, _ = v.Bool()
			_, _ = v.Int()
		}
		adm := EffectiveAdmission(comp)
		if Lookup(comp, "admission-control").Set && Lookup(comp, "enable-admission-plugins").Set && adm.Err == nil {
			t.Fatalf("--admission-control with --enable-admission-plugins accepted: %s", adm.Observed)
		}
	})
}
