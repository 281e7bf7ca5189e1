//go:build unix

package collect

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

// BenchmarkListPods lists 10,000 synthetic pods in pages of 500 from a server that answers
// with protobuf pages encoded beforehand, so that what is measured is the collector's work
// on the largest list (requests, decoding, compaction, sharing, joining), not an API
// server's. Each pod carries what a live one has and the snapshot drops (managed fields,
// conditions, full container statuses). Besides the wall time, cpu-ns/op is the CPU the
// process spent (getrusage), the figure to compare on a machine shared with other work.
func BenchmarkListPods(b *testing.B) {
	const pageSize = 500
	pods := synth.Snapshot(10000).Pods
	info, ok := runtime.SerializerInfoForMediaType(scheme.Codecs.SupportedMediaTypes(), runtime.ContentTypeProtobuf)
	if !ok {
		b.Fatal("no protobuf serializer")
	}
	enc := scheme.Codecs.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion)
	var pages [][]byte
	for i := 0; i < len(pods); i += pageSize {
		l := &corev1.PodList{Items: pods[i:min(i+pageSize, len(pods))]}
		for j := range l.Items {
			p := &l.Items[j]
			p.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubelet", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1"}}
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
			p.Status.ContainerStatuses = nil
			for _, c := range p.Spec.Containers {
				p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{Name: c.Name, Image: c.Image,
					ImageID: c.Image + "@sha256:0123", Ready: true, RestartCount: 1, ContainerID: "containerd://" + p.Name + c.Name,
					State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}}})
			}
		}
		if i+pageSize < len(pods) {
			l.Continue = strconv.Itoa(i + pageSize)
		}
		var buf bytes.Buffer
		if err := enc.Encode(l, &buf); err != nil {
			b.Fatal(err)
		}
		pages = append(pages, buf.Bytes())
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("continue"))
		if r.URL.Path != "/api/v1/pods" || start/pageSize >= len(pages) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", runtime.ContentTypeProtobuf)
		w.Write(pages[start/pageSize])
	}))
	defer srv.Close()

	// The collector's client settings, without the rate limit (not the subject here).
	cfg := &rest.Config{Host: srv.URL, QPS: -1}
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	cs, rcs, err := clients(cfg)
	if err != nil {
		b.Fatal(err)
	}
	l := listers[0]
	if l.kind.Resource != snapshot.ResPods {
		b.Fatalf("the first lister is %s, not pods", l.kind.Resource)
	}
	c := &collector{cs: cs, rest: rcs, opts: Options{PageSize: pageSize}.Defaults()}
	b.ReportAllocs()
	var start syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &start)
	for b.Loop() {
		c.snap = snapshot.New()
		n, err := c.listKind(context.Background(), l)
		if err != nil || n != len(pods) || len(c.snap.Pods) != len(pods) {
			b.Fatalf("listed %d pods (%d stored): %v", n, len(c.snap.Pods), err)
		}
	}
	var end syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &end)
	cpu := func(r syscall.Rusage) int64 { return r.Utime.Nano() + r.Stime.Nano() }
	b.ReportMetric(float64(cpu(end)-cpu(start))/float64(b.N), "cpu-ns/op")
}
