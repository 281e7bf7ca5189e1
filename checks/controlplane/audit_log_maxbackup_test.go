package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-018"] = componentControl{component: apiserver, cis: "1.2.18", eval: auditLogMaxBackup}
	return true
}()

func TestAuditLogMaxBackup(t *testing.T) {
	runComponentCases(t, apiserver, auditLogMaxBackup, []cpCase{
		{name: "absent: default", args: []string{"--audit-log-path=/var/log/a.log"}, want: checks.Pass, observed: "default: 100"},
		{name: "at minimum", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxbackup=10"}, want: checks.Pass},
		{name: "below", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxbackup=9"}, want: checks.Fail},
		{name: "zero", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxbackup=0"}, want: checks.Fail},
		{name: "last wins", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxbackup=1", "--audit-log-maxbackup=20"}, want: checks.Pass, observed: "last of 2"},
		{name: "not a number", args: []string{"--audit-log-path=/var/log/a.log", "--audit-log-maxbackup=ten"}, want: checks.Fail, observed: "not an integer"},
		{name: "no log file", args: []string{"--audit-log-maxbackup=10"}, want: checks.NotApplicable},
		{name: "stdout", args: []string{"--audit-log-path=-", "--audit-log-maxbackup=10"}, want: checks.NotApplicable},
	})
}
