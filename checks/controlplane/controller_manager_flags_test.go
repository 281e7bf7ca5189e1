package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestControllerManagerFlags(t *testing.T) {
	runFlagTable(t, controllerManagerFlags, map[string][]cpCase{
		"KP-CP-050": {
			{name: "absent: the argument is not set", want: checks.Fail, observed: "default: 12500"},
			{name: "set", args: []string{"--terminated-pod-gc-threshold=100"}, want: checks.Pass, observed: `"100"`},
			{name: "set above the default", args: []string{"--terminated-pod-gc-threshold=20000"}, want: checks.Pass},
			{name: "set, last wins", args: []string{"--terminated-pod-gc-threshold=0", "--terminated-pod-gc-threshold=500"}, want: checks.Pass, observed: "last of 2"},
			{name: "last wins over a good value", args: []string{"--terminated-pod-gc-threshold=500", "--terminated-pod-gc-threshold=0"}, want: checks.Fail, observed: "disables"},
			{name: "zero disables the collector", args: []string{"--terminated-pod-gc-threshold=0"}, want: checks.Fail, observed: "disables"},
			{name: "negative disables the collector", args: []string{"--terminated-pod-gc-threshold=-1"}, want: checks.Fail, observed: "disables"},
			{name: "hexadecimal, as ParseInt reads it", args: []string{"--terminated-pod-gc-threshold=0x10"}, want: checks.Pass},
			{name: "not an integer", args: []string{"--terminated-pod-gc-threshold=lots"}, want: checks.Fail, observed: "not a 32-bit integer"},
			{name: "beyond 32 bits", args: []string{"--terminated-pod-gc-threshold=3000000000"}, want: checks.Fail, observed: "not a 32-bit integer"},
			{name: "empty", args: []string{"--terminated-pod-gc-threshold="}, want: checks.Fail, observed: "not a 32-bit integer"},
		},
		"KP-CP-029": {
			{name: "absent: default", args: nil, want: checks.Fail, observed: "default: true"},
			{name: "false", args: []string{"--profiling=false"}, want: checks.Pass},
			{name: "true", args: []string{"--profiling=true"}, want: checks.Fail},
			{name: "bare is true", args: []string{"--profiling"}, want: checks.Fail},
			{name: "last wins", args: []string{"--profiling=false", "--profiling=true"}, want: checks.Fail, observed: "last of 2"},
			{name: "not a boolean", args: []string{"--profiling=yes"}, want: checks.Fail, observed: "not a boolean"},
			{name: "0 and 1 are booleans", args: []string{"--profiling=0"}, want: checks.Pass},
		},
		"KP-CP-030": {
			{name: "absent: default", args: nil, want: checks.Fail, observed: "default: false"},
			{name: "true", args: []string{"--use-service-account-credentials=true"}, want: checks.Pass},
			{name: "false", args: []string{"--use-service-account-credentials=false"}, want: checks.Fail},
			{name: "bare is true", args: []string{"--use-service-account-credentials"}, want: checks.Pass},
			{name: "last wins", args: []string{"--use-service-account-credentials=true", "--use-service-account-credentials=false"}, want: checks.Fail, observed: "last of 2"},
			{name: "not a boolean", args: []string{"--use-service-account-credentials=yes"}, want: checks.Fail, observed: "not a boolean"},
			{name: "0 and 1 are booleans", args: []string{"--use-service-account-credentials=1"}, want: checks.Pass},
		},
		"KP-CP-031": {
			{name: "absent", args: nil, want: checks.Fail},
			{name: "set", args: []string{"--service-account-private-key-file=/sa.key"}, want: checks.Pass},
		},
		"KP-CP-032": {
			{name: "absent", args: nil, want: checks.Fail},
			{name: "set", args: []string{"--root-ca-file=/ca"}, want: checks.Pass},
		},
		"KP-CP-033": {
			{name: "absent", args: nil, want: checks.Pass, observed: "default"},
			{name: "true", args: []string{"--feature-gates=RotateKubeletServerCertificate=true"}, want: checks.Pass},
			{name: "false", args: []string{"--feature-gates=RotateKubeletServerCertificate=false"}, want: checks.Fail},
			{name: "false among others", args: []string{"--feature-gates=Foo=true,RotateKubeletServerCertificate=false"}, want: checks.Fail},
			{name: "repeats merge, last wins", args: []string{"--feature-gates=RotateKubeletServerCertificate=false", "--feature-gates=Other=true"}, want: checks.Fail},
			{name: "later value wins", args: []string{"--feature-gates=RotateKubeletServerCertificate=false", "--feature-gates=RotateKubeletServerCertificate=true"}, want: checks.Pass},
			{name: "similar name", args: []string{"--feature-gates=XRotateKubeletServerCertificate=false"}, want: checks.Pass},
			{name: "unreadable", args: []string{"--feature-gates=RotateKubeletServerCertificate=nope"}, want: checks.Fail},
		},
		"KP-CP-034": {
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
