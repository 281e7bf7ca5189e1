package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestProfiling(t *testing.T) {
	runFlagCases(t, profiling, []flagCase{
		{name: "absent: default true", args: nil, want: checks.Fail, observed: "absent (default: true)"},
		{name: "false", args: []string{"--profiling=false"}, want: checks.Pass},
		{name: "true", args: []string{"--profiling=true"}, want: checks.Fail},
		{name: "bare is true", args: []string{"--profiling"}, want: checks.Fail},
		{name: "separate word is not the value", args: []string{"--profiling", "false"}, want: checks.Fail, observed: "without a value"},
		{name: "last wins: false then true", args: []string{"--profiling=false", "--profiling=true"}, want: checks.Fail, observed: "last of 2"},
		{name: "last wins: true then false", args: []string{"--profiling=true", "--profiling=false"}, want: checks.Pass},
		{name: "last wins: false then bare", args: []string{"--profiling=false", "--profiling"}, want: checks.Fail},
		{name: "contention-profiling is another flag", args: []string{"--contention-profiling=false"}, want: checks.Fail, observed: "absent"},
		{name: "not a boolean", args: []string{"--profiling=off"}, want: checks.Fail, observed: "not a boolean"},
	})
}
