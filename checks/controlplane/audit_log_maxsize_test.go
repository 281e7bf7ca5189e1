package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-019"] = componentControl{component: apiserver, cis: "1.2.19", eval: auditLogMaxSize}
	return true
}()

func TestAuditLogMaxSize(t *testing.T) {
	runComponentCases(t, apiserver, auditLogMaxSize, []cpCase{
		{name: "absent: default", args: []string{"--audit-log-path=/var/log/a.log"}, want: checks.Pass, observed: "default: 100"},
		{name: "at minimum", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxsize=100"}, want: checks.Pass},
		{name: "below", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxsize=99"}, want: checks.Fail},
		{name: "zero", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxsize=0"}, want: checks.Fail},
		{name: "last wins", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxsize=1", "--audit-log-maxsize=200"}, want: checks.Pass, observed: "last of 2"},
		{name: "not a number", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxsize=ten"}, want: checks.Fail, observed: "not an integer"},
		{name: "no log file", args: []string{"--audit-log-maxsize=100"}, want: checks.NotApplicable},
		{name: "stdout", args: []string{"--audit-log-path=-", "--audit-log-maxsize=100"}, want: checks.NotApplicable},
	})
}
