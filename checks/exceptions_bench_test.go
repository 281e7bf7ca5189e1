package checks

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// BenchmarkApplyExceptions: 20 controls failing on 10,000 pods each (200,000 results), a
// snapshot of those pods, and 100 exceptions (half by name glob, half by labels).
func BenchmarkApplyExceptions(b *testing.B) {
	snap := &snapshot.Snapshot{}
	var results []Result
	for i := 0; i < 10000; i++ {
		ns, name := fmt.Sprintf("ns-%d", i%100), fmt.Sprintf("pod-%d", i)
		snap.Pods = append(snap.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name,
			Labels: map[string]string{"app": fmt.Sprintf("app-%d", i%500)}}})
		results = append(results, Result{Status: Fail, Resource: Resource{Kind: "Pod", Namespace: ns, Name: name}})
	}
	var list []Exception
	for i := 0; i < 100; i++ {
		e := Exception{Control: fmt.Sprintf("KP-B-%d", i%20), Reason: "r", Owner: "o", Expires: "2099-01-01"}
		if i%2 == 0 {
			e.Resource = ResourceSelector{Kind: "Pod", Namespace: fmt.Sprintf("ns-%d", i), Name: "pod-1*"}
		} else {
			e.Resource = ResourceSelector{Labels: map[string]string{"app": fmt.Sprintf("app-%d", i)}}
		}
		list = append(list, e)
	}
	fresh := func() *Report {
		rep := &Report{}
		for c := 0; c < 20; c++ {
			rs := append([]Result(nil), results...)
			rep.Controls = append(rep.Controls, ControlReport{Control: Control{ID: fmt.Sprintf("KP-B-%d", c)}, Status: Fail, Results: rs})
		}
		return rep
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		rep := fresh()
		b.StartTimer()
		ApplyExceptions(rep, snap, list, ExceptionOptions{})
	}
}
