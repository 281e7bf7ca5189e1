package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestAnonymousAuth(t *testing.T) {
	runFlagCases(t, anonymousAuth, []flagCase{
		{name: "absent: default true", args: nil, want: checks.Fail, observed: "absent (default: true)"},
		{name: "false", args: []string{"--anonymous-auth=false"}, want: checks.Pass, observed: `"false"`},
		{name: "true", args: []string{"--anonymous-auth=true"}, want: checks.Fail},
		{name: "bare is true", args: []string{"--anonymous-auth"}, want: checks.Fail, observed: "without a value"},
		// A bool flag does not take the next word: "false" is a stray argument.
		{name: "separate word is not the value", args: []string{"--anonymous-auth", "false"}, want: checks.Fail},
		{name: "0", args: []string{"--anonymous-auth=0"}, want: checks.Pass},
		{name: "f", args: []string{"--anonymous-auth=f"}, want: checks.Pass},
		{name: "F", args: []string{"--anonymous-auth=F"}, want: checks.Pass},
		{name: "FALSE", args: []string{"--anonymous-auth=FALSE"}, want: checks.Pass},
		{name: "False", args: []string{"--anonymous-auth=False"}, want: checks.Pass},
		{name: "1", args: []string{"--anonymous-auth=1"}, want: checks.Fail},
		{name: "no is not a boolean", args: []string{"--anonymous-auth=no"}, want: checks.Fail, observed: "not a boolean"},
		{name: "fAlSe is not a boolean", args: []string{"--anonymous-auth=fAlSe"}, want: checks.Fail, observed: "not a boolean"},
		{name: "empty is not a boolean", args: []string{"--anonymous-auth="}, want: checks.Fail, observed: "not a boolean"},
		{name: "last wins: false then true", args: []string{"--anonymous-auth=false", "--anonymous-auth=true"}, want: checks.Fail, observed: "last of 2"},
		{name: "last wins: true then false", args: []string{"--anonymous-auth=true", "--anonymous-auth=false"}, want: checks.Pass},
		{name: "after -- is not a flag", args: []string{"--", "--anonymous-auth=false"}, want: checks.Fail, observed: "absent"},
		{name: "other flag with a similar name", args: []string{"--anonymous-auth-x=false"}, want: checks.Fail, observed: "absent"},
		{name: "authentication-config decides", args: []string{"--authentication-config=/etc/kubernetes/authn.yaml"}, want: checks.NotEvaluated, observed: "/etc/kubernetes/authn.yaml"},
		// The flag is read when given, even with a config file (the file must not then configure anonymous).
		{name: "flag with authentication-config: false", args: []string{"--authentication-config=/etc/kubernetes/authn.yaml", "--anonymous-auth=false"}, want: checks.Pass},
		{name: "flag with authentication-config: true", args: []string{"--authentication-config=/etc/kubernetes/authn.yaml", "--anonymous-auth=true"}, want: checks.Fail},
	})
}

func TestAnonymousAuthWhere(t *testing.T) {
	r := anonymousAuth(apiserverSnap([]string{"--anonymous-auth=false"}))[0]
	if want := "kube-apiserver flag --anonymous-auth (pod kube-system/kube-apiserver-cp-1)"; r.Evidence.Where != want {
		t.Errorf("where = %q, want %q", r.Evidence.Where, want)
	}
	if want := "--anonymous-auth=false"; r.Evidence.Expected != want {
		t.Errorf("expected = %q, want %q", r.Evidence.Expected, want)
	}
}
