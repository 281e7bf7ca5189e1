package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestSchedulerFlags(t *testing.T) {
	runFlagTable(t, schedulerFlags, map[string][]cpCase{
		"KP-CP-035": {
			{name: "absent: default", args: nil, want: checks.Fail, observed: "default: true"},
			{name: "false", args: []string{"--profiling=false"}, want: checks.Pass},
			{name: "true", args: []string{"--profiling=true"}, want: checks.Fail},
			{name: "bare is true", args: []string{"--profiling"}, want: checks.Fail},
			{name: "last wins", args: []string{"--profiling=false", "--profiling=true"}, want: checks.Fail, observed: "last of 2"},
			{name: "not a boolean", args: []string{"--profiling=yes"}, want: checks.Fail, observed: "not a boolean"},
			{name: "0 and 1 are booleans", args: []string{"--profiling=0"}, want: checks.Pass},
			{name: "config file decides", args: []string{"--config=/etc/k/sched.yaml", "--profiling=false"}, want: checks.NotEvaluated},
		},
		"KP-CP-036": {
			{name: "absent: default 0.0.0.0", args: nil, want: checks.Fail, observed: "default: 0.0.0.0"},
			{name: "loopback", args: []string{"--bind-address=127.0.0.1"}, want: checks.Pass},
			{name: "127.0.0.10 is not 127.0.0.1", args: []string{"--bind-address=127.0.0.10"}, want: checks.Fail},
			{name: "::1", args: []string{"--bind-address=::1"}, want: checks.Pass},
			{name: "all interfaces", args: []string{"--bind-address=0.0.0.0"}, want: checks.Fail},
			{name: "last wins", args: []string{"--bind-address=127.0.0.1", "--bind-address=10.0.0.1"}, want: checks.Fail, observed: "last of 2"},
			{name: "not an IP", args: []string{"--bind-address=localhost"}, want: checks.Fail, observed: "not an IP"},
		},
	})
}
