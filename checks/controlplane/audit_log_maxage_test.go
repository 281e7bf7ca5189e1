package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-017"] = componentControl{component: apiserver, cis: "1.2.17", eval: auditLogMaxAge}
	return true
}()

func TestAuditLogMaxAge(t *testing.T) {
	runComponentCases(t, apiserver, auditLogMaxAge, []cpCase{
		{name: "absent: default", args: []string{"--audit-log-path=/var/log/a.log"}, want: checks.Pass, observed: "default: 366"},
		{name: "at minimum", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxage=30"}, want: checks.Pass},
		{name: "below", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxage=29"}, want: checks.Fail},
		{name: "zero", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxage=0"}, want: checks.Fail},
		{name: "last wins", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxage=1", "--audit-log-maxage=60"}, want: checks.Pass, observed: "last of 2"},
		{name: "not a number", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxage=ten"}, want: checks.Fail, observed: "not an integer"},
		{name: "no log file", args: []string{"--audit-log-maxage=30"}, want: checks.NotApplicable},
		{name: "stdout", args: []string{"--audit-log-path=-", "--audit-log-maxage=30"}, want: checks.NotApplicable},
	})
}
