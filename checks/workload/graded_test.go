package workload

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

// TestGradedVerdict checks how a grade (FAIL, WARN, PASS notes) folds a unit's objects: the
// worst status wins, notes are kept, and many distinct messages stay distinct.
func TestGradedVerdict(t *testing.T) {
	// The grade reads the first container's name: "fail-x", "warn-x" or "note-x" give that
	// status with message x; anything else complies.
	g := func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		kind, msg, _ := strings.Cut(spec.Containers[0].Name, "-")
		switch kind {
		case "fail":
			return checks.Fail, msg
		case "warn":
			return checks.Warn, msg
		case "note":
			return checks.Pass, msg
		}
		return checks.Pass, ""
	}
	named := func(n string) corev1.PodSpec { return with(func(s *corev1.PodSpec) { s.Containers[0].Name = n }) }
	good := restrictedSpec()
	tests := []struct {
		name     string
		tmpl     corev1.PodSpec
		pods     []corev1.PodSpec
		status   checks.Status
		observed string
		where    string
	}{
		{"warn everywhere", named("warn-w"), []corev1.PodSpec{named("warn-w"), named("warn-w")}, checks.Warn,
			"template and 2 of 2 pods: w", "spec.template.spec"},
		{"template warns, a pod fails: fail", named("warn-w"), []corev1.PodSpec{named("warn-w"), named("fail-f")}, checks.Fail,
			"template and 1 of 2 pods (web-7d9f-a): w | 1 of 2 pods (web-7d9f-b): f", "spec.template.spec"},
		{"clean template, a pod warns: the pods differ", good, []corev1.PodSpec{good, named("warn-w")}, checks.Warn,
			"1 of 2 pods (web-7d9f-b): w | template and 1 of 2 pods: ok", "pod spec (the pods differ from spec.template.spec)"},
		{"a note on the template passes and is kept", named("note-n"), []corev1.PodSpec{good, good}, checks.Pass,
			"template: n | 2 of 2 pods: ok", "spec.template.spec"},
		{"a note on the template, a pod fails: the template is not what is wrong", named("note-n"), []corev1.PodSpec{good, named("fail-f")}, checks.Fail,
			"template: n | 1 of 2 pods (web-7d9f-b): f | 1 of 2 pods: ok", "pod spec (the pods differ from spec.template.spec)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			addDeployment(s, "shop", "web", tt.tmpl, tt.pods...)
			got := evaluateGraded(s, g, "ok", "fine")
			if len(got) != 1 {
				t.Fatalf("got %d results, want 1", len(got))
			}
			r := got[0]
			if r.Status != tt.status || r.Evidence.Observed != tt.observed || r.Evidence.Where != tt.where {
				t.Errorf("got %s %q at %q\nwant %s %q at %q", r.Status, r.Evidence.Observed, r.Evidence.Where,
					tt.status, tt.observed, tt.where)
			}
		})
	}

	// More distinct messages than the linear scan handles: each is still grouped with its
	// own pods (the map takes over from the ninth).
	t.Run("many distinct messages", func(t *testing.T) {
		s := collected()
		var pods []corev1.PodSpec
		for i := 0; i < 12; i++ {
			pods = append(pods, named(fmt.Sprintf("fail-m%d", i%10)))
		}
		addDeployment(s, "shop", "web", good, pods...)
		r := evaluateGraded(s, g, "ok", "fine")[0]
		for i := 0; i < 10; i++ { // every group is followed by another, the template's pass last
			if got := strings.Count(r.Evidence.Observed, fmt.Sprintf(": m%d |", i)); got != 1 {
				t.Errorf("m%d in %d groups, want 1: %q", i, got, r.Evidence.Observed)
			}
		}
		if got := strings.Count(r.Evidence.Observed, "2 of 12 pods ("); got != 2 {
			t.Errorf("%d groups of 2 pods, want 2 (m0, m1): %q", got, r.Evidence.Observed)
		}
		if got := strings.Count(r.Evidence.Observed, " | "); got != 10 { // 10 groups and the template's pass
			t.Errorf("%d separators, want 10: %q", got, r.Evidence.Observed)
		}
	})
}
