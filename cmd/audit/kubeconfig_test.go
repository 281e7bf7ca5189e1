package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The connection flags select and override the kubeconfig as kubectl's do.
func TestKubeFlags(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	const doc = `apiVersion: v1
kind: Config
current-context: a
clusters:
- name: a
  cluster: {server: "https://a.example:6443"}
- name: b
  cluster: {server: "https://b.example:6443"}
users:
- name: u
  user: {token: from-file}
contexts:
- name: a
  context: {cluster: a, user: u}
- name: b
  context: {cluster: b, user: u, namespace: team-b}
`
	if err := os.WriteFile(kubeconfig, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", "")
	cases := []struct {
		args              []string
		host, token, as   string
		extra             map[string][]string
		namespace, errSub string
	}{
		{args: nil, host: "https://a.example:6443", token: "from-file"},
		{args: []string{"--context", "b"}, host: "https://b.example:6443", token: "from-file"},
		{args: []string{"--context", "b", "-n", "shop"}, host: "https://b.example:6443", token: "from-file", namespace: "shop"},
		{args: []string{"-s", "https://c.example", "--token", "flag"}, host: "https://c.example", token: "flag"},
		{args: []string{"--as", "jane", "--as-user-extra", "scopes=a", "--as-user-extra", "scopes=b"},
			host: "https://a.example:6443", token: "from-file", as: "jane", extra: map[string][]string{"scopes": {"a", "b"}}},
		{args: []string{"--as-user-extra", "novalue"}, errSub: `--as-user-extra "novalue": want KEY=VALUE`},
		{args: []string{"--context", "missing"}, errSub: `context "missing" does not exist`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			k := newKubeFlags()
			fs := pflag.NewFlagSet("audit", pflag.ContinueOnError)
			k.addFlagSet(fs)
			if err := fs.Parse(append([]string{"--kubeconfig", kubeconfig}, c.args...)); err != nil {
				t.Fatal(err)
			}
			cfg, err := k.ToRESTConfig()
			if c.errSub != "" {
				if err == nil || !strings.Contains(err.Error(), c.errSub) {
					t.Fatalf("error %v, want one containing %q", err, c.errSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != c.host || cfg.BearerToken != c.token || cfg.Impersonate.UserName != c.as ||
				!reflect.DeepEqual(cfg.Impersonate.Extra, c.extra) || k.namespace() != c.namespace {
				t.Errorf("host %q token %q as %q extra %v namespace %q, want %q %q %q %v %q", cfg.Host, cfg.BearerToken,
					cfg.Impersonate.UserName, cfg.Impersonate.Extra, k.namespace(), c.host, c.token, c.as, c.extra, c.namespace)
			}
		})
	}
	// kubectl's short names; no basic auth; only on the commands that talk to a cluster.
	cmds := map[string]*cobra.Command{}
	for _, c := range newRootCommand().Commands() {
		cmds[c.Name()] = c
	}
	for name, c := range cmds {
		want := slices.Contains([]string{"scan", "collect", "netpol", "serve"}, name)
		if got := c.Flags().Lookup("kubeconfig") != nil; got != want {
			t.Errorf("audit %s has --kubeconfig: %v, want %v", name, got, want)
		}
	}
	root := cmds["scan"].Flags()
	if f := root.Lookup("server"); f == nil || f.Shorthand != "s" {
		t.Errorf("--server: %v, want shorthand -s", f)
	}
	if f := root.Lookup("namespace"); f == nil || f.Shorthand != "n" {
		t.Errorf("--namespace: %v, want shorthand -n", f)
	}
	for _, name := range []string{"username", "password"} {
		if root.Lookup(name) != nil {
			t.Errorf("--%s is registered; basic auth is gone from Kubernetes", name)
		}
	}
}
