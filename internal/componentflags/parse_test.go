package componentflags

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/snapshot"
)

func TestParse(t *testing.T) {
	apiserverBools := BoolFlags("kube-apiserver")
	v := func(name, value string) snapshot.Flag { return snapshot.Flag{Name: name, Value: value} }
	bare := func(name string) snapshot.Flag { return snapshot.Flag{Name: name, Bare: true} }
	for _, tc := range []struct {
		name    string
		command []string
		args    []string
		isBool  func(string) bool
		want    []snapshot.Flag
	}{
		{name: "--a=b", args: []string{"--a=b"}, want: []snapshot.Flag{v("a", "b")}},
		{name: "--a b", args: []string{"--a", "b"}, want: []snapshot.Flag{v("a", "b")}},
		{name: "value with =", args: []string{"--a=b=c"}, want: []snapshot.Flag{v("a", "b=c")}},
		{name: "empty value", args: []string{"--a="}, want: []snapshot.Flag{v("a", "")}},
		// pflag never gives a bool flag the next word: "false" is a stray positional argument.
		{name: "bool flag does not take the next word", args: []string{"--profiling", "false"}, isBool: apiserverBools,
			want: []snapshot.Flag{bare("profiling")}},
		{name: "bool flag with =false", args: []string{"--profiling=false"}, isBool: apiserverBools,
			want: []snapshot.Flag{v("profiling", "false")}},
		{name: "non-bool flag of the same component takes the next word", args: []string{"--authorization-mode", "Node,RBAC"},
			isBool: apiserverBools, want: []snapshot.Flag{v("authorization-mode", "Node,RBAC")}},
		{name: "nil isBool: every flag takes a word", args: []string{"--profiling", "false"},
			want: []snapshot.Flag{v("profiling", "false")}},
		{name: "flag before a flag is bare", args: []string{"--a", "--b=c"}, want: []snapshot.Flag{bare("a"), v("b", "c")}},
		{name: "flag at the end is bare", args: []string{"--a"}, want: []snapshot.Flag{bare("a")}},
		{name: "-v=2", args: []string{"-v=2"}, want: []snapshot.Flag{v("v", "2")}},
		{name: "-v 2", args: []string{"-v", "2"}, want: []snapshot.Flag{v("v", "2")}},
		{name: "-- stops parsing", args: []string{"--a=b", "--", "--c=d"}, want: []snapshot.Flag{v("a", "b")}},
		{name: "-- as a value is still a stop", args: []string{"--a", "--", "--c=d"}, want: []snapshot.Flag{bare("a")}},
		{name: "repeats kept in order", args: []string{"--profiling=false", "--a=1", "--profiling=true"},
			want: []snapshot.Flag{v("profiling", "false"), v("a", "1"), v("profiling", "true")}},
		{name: "command binary skipped, then args", command: []string{"kube-apiserver", "--a=b"}, args: []string{"--c=d"},
			want: []snapshot.Flag{v("a", "b"), v("c", "d")}},
		{name: "binary path skipped", command: []string{"/usr/local/bin/kube-apiserver"}, args: []string{"--a=b"},
			want: []snapshot.Flag{v("a", "b")}},
		{name: "binary alone", command: []string{"kube-apiserver"}, want: nil},
		// A value in command may be taken from the first word of args: they form one argv.
		{name: "value spans command and args", command: []string{"kube-apiserver", "--a"}, args: []string{"b"},
			want: []snapshot.Flag{v("a", "b")}},
		{name: "args only: first word is a flag", args: []string{"--a=b", "--c=d"}, want: []snapshot.Flag{v("a", "b"), v("c", "d")}},
		{name: "command starting with a flag is not skipped", command: []string{"--a=b"}, want: []snapshot.Flag{v("a", "b")}},
		{name: "--=x ignored", args: []string{"--=x", "--a=b"}, want: []snapshot.Flag{v("a", "b")}},
		{name: "-=x ignored", args: []string{"-=x"}, want: nil},
		{name: "lone dash is positional", args: []string{"-", "--a=b"}, want: []snapshot.Flag{v("a", "b")}},
		{name: "three dashes is not a flag", args: []string{"---a=b"}, want: nil},
		{name: "positional words skipped", args: []string{"serve", "--a=b", "extra"}, want: []snapshot.Flag{v("a", "b")}},
		{name: "empty", want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse(tc.command, tc.args, tc.isBool)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%q, %q) = %+v, want %+v", tc.command, tc.args, got, tc.want)
			}
		})
	}
}

// Parse's output must give the same answers through snapshot.Component.Flag as pflag would.
func TestParseLastWins(t *testing.T) {
	c := snapshot.Component{Flags: Parse([]string{"kube-apiserver"},
		[]string{"--profiling=false", "--profiling", "--anonymous-auth=true", "--anonymous-auth=false"}, BoolFlags("kube-apiserver"))}
	if v, set := c.Flag("profiling"); !set || v != "true" {
		t.Errorf("profiling = %q, %t; want true (the bare repeat wins)", v, set)
	}
	if v, set := c.Flag("anonymous-auth"); !set || v != "false" {
		t.Errorf("anonymous-auth = %q, %t; want false", v, set)
	}
	if _, set := c.Flag("authorization-mode"); set {
		t.Error("authorization-mode reported set, but it is absent")
	}
}

func TestBoolFlags(t *testing.T) {
	api := BoolFlags("kube-apiserver")
	for _, name := range []string{"anonymous-auth", "profiling"} {
		if !api(name) {
			t.Errorf("kube-apiserver --%s should be boolean", name)
		}
	}
	for _, name := range []string{"authorization-mode", "authentication-config", "authorization-config", ""} {
		if api(name) {
			t.Errorf("kube-apiserver --%s should not be boolean", name)
		}
	}
	if !BoolFlags("etcd")("client-cert-auth") {
		t.Error("etcd --client-cert-auth should be boolean")
	}
	// An unknown component has no boolean flags, and must not panic.
	if BoolFlags("no-such-component")("profiling") {
		t.Error("unknown component reported a boolean flag")
	}
}

// FuzzParse: command and args are newline-separated word lists.
func FuzzParse(f *testing.F) {
	for _, seed := range [][2]string{
		{"kube-apiserver\n--a=b", "--profiling\nfalse\n--authorization-mode\nNode,RBAC"},
		{"", "--=x\n-\n---x\n--\n--a=b"},
		{"--a", "b\n-v=2\n--x="},
		{"/bin/sh\n-c", "kube-apiserver --a=b"},
		{"", ""},
		{"\n", "\n\n"},
		{"-", "--a\n--\n-=\n--="},
	} {
		f.Add(seed[0], seed[1], "profiling")
	}
	f.Fuzz(func(t *testing.T, command, args, boolName string) {
		cmd, arg := splitWords(command), splitWords(args)
		for _, isBool := range []func(string) bool{nil, BoolFlags("kube-apiserver"), func(n string) bool { return n == boolName }} {
			flags := Parse(cmd, arg, isBool)
			if len(flags) > len(cmd)+len(arg) {
				t.Fatalf("%d flags from %d words", len(flags), len(cmd)+len(arg))
			}
			for _, fl := range flags {
				if fl.Name == "" || strings.Contains(fl.Name, "=") || strings.HasPrefix(fl.Name, "-") {
					t.Fatalf("bad flag name %q from command %q args %q", fl.Name, cmd, arg)
				}
				if fl.Bare && fl.Value != "" {
					t.Fatalf("bare flag %q has value %q", fl.Name, fl.Value)
				}
			}
		}
	})
}

// splitWords turns a fuzz string into a word list; "" is no words, so that empty command and
// args are reachable.
func splitWords(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Kubernetes components read "--anonymous_auth" as "--anonymous-auth": a later underscore
// spelling overrides an earlier dash one, and lookups must see that.
func TestParseNormalizesUnderscores(t *testing.T) {
	flags := Parse([]string{"kube-apiserver", "--anonymous-auth=false", "--anonymous_auth=true", "--service_account_lookup"}, nil, BoolFlags("kube-apiserver"))
	want := []snapshot.Flag{
		{Name: "anonymous-auth", Value: "false"},
		{Name: "anonymous-auth", Value: "true"},
		{Name: "service-account-lookup", Bare: true},
	}
	if !reflect.DeepEqual(flags, want) {
		t.Fatalf("got %+v, want %+v", flags, want)
	}
}
