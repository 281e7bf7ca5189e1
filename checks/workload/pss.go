package workload

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// The Pod Security Standards are not re-implemented here: the checks run the evaluator of
// k8s.io/pod-security-admission, the code the PodSecurity admission plugin runs, so that a
// verdict matches what the API server would say for the same pod at the same level.
var (
	pssChecks    = policy.DefaultChecks()
	pssEvaluator = mustEvaluator(pssChecks)
)

func mustEvaluator(cs []policy.Check) policy.Evaluator {
	e, err := policy.NewEvaluator(cs, nil)
	if err != nil {
		panic(fmt.Sprintf("pod-security-admission: invalid default checks: %v", err))
	}
	return e
}

// pssIDs returns the ids of the upstream checks that belong to level, sorted: the catalog's
// references follow the library rather than a hand-kept list.
func pssIDs(level api.Level) []string {
	var ids []string
	for _, c := range pssChecks {
		if c.Level == level {
			ids = append(ids, string(c.ID))
		}
	}
	sort.Strings(ids)
	return ids
}

// pssExpected is the Evidence.Expected of a level's control.
func pssExpected(level api.Level) string {
	return fmt.Sprintf("allowed by Pod Security Standards %s (latest)", level)
}

// evaluatePSS judges every workload unit at level and the latest policy version. Restricted
// includes the baseline checks it does not override, as in admission. Each distinct pod spec
// is evaluated once per run, in the evaluation the workload controls share (podSpecs).
func evaluatePSS(s *snapshot.Snapshot, level api.Level) []checks.Result {
	return evaluateVerdicts(s, func(v *specVerdicts) (checks.Status, string) {
		msg := v.restricted
		if level == api.LevelBaseline {
			msg = v.baseline
		}
		if msg != "" {
			return checks.Fail, msg
		}
		return checks.Pass, ""
	}, "allowed", pssExpected(level))
}

// forbidden renders the reasons as the admission plugin does ("privileged (container \"app\"
// must not set securityContext.privileged=true)"), but joins the checks with "; " rather than
// ", ", because details are themselves comma lists.
func forbidden(agg *policy.AggregateCheckResult) string {
	var b strings.Builder
	for i, reason := range agg.ForbiddenReasons {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(reason)
		if d := agg.ForbiddenDetails[i]; d != "" {
			b.WriteString(" (")
			b.WriteString(d)
			b.WriteString(")")
		}
	}
	return b.String()
}
