//go:build unix

package collect

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
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

// livePods are n synthetic pods as an API server serves them: with what a live pod has and
// the snapshot drops (managed fields, conditions, full container statuses).
func livePods(n int) []corev1.Pod {
	pods := synth.Snapshot(n).Pods
	for j := range pods {
		p := &pods[j]
		p.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubelet", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1"}}
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
		p.Status.ContainerStatuses = nil
		for _, c := range p.Spec.Containers {
			p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{Name: c.Name, Image: c.Image,
				ImageID: c.Image + "@sha256:0123", Ready: true, RestartCount: 1, ContainerID: "containerd://" + p.Name + c.Name,
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}}})
		}
	}
	return pods
}

// podServer serves pods at /api/v1/pods in pages of pageSize, encoded beforehand in the media
// type given (protobuf or JSON), with continue tokens and the count of what remains as the API
// server sets them; requests counts the requests served.
func podServer(t testing.TB, pods []corev1.Pod, pageSize int, mediaType string) (srv *httptest.Server, requests *int) {
	info, ok := runtime.SerializerInfoForMediaType(scheme.Codecs.SupportedMediaTypes(), mediaType)
	if !ok {
		t.Fatalf("no %s serializer", mediaType)
	}
	enc := scheme.Codecs.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion)
	var pages [][]byte
	for i := 0; i < len(pods); i += pageSize {
		l := &corev1.PodList{Items: pods[i:min(i+pageSize, len(pods))]}
		if i+pageSize < len(pods) {
			l.Continue = strconv.Itoa(i + pageSize)
			remaining := int64(len(pods) - i - pageSize)
			l.RemainingItemCount = &remaining
		}
		var buf bytes.Buffer
		if err := enc.Encode(l, &buf); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, buf.Bytes())
	}
	requests = new(int)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*requests++
		start, _ := strconv.Atoi(r.URL.Query().Get("continue"))
		if r.URL.Path != "/api/v1/pods" || start/pageSize >= len(pages) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", mediaType)
		w.Write(pages[start/pageSize])
	}))
	t.Cleanup(srv.Close)
	return srv, requests
}

// podCollector is a collector of srv with the collector's client settings, without the rate
// limit (not the subject here), and the pods' lister.
func podCollector(t testing.TB, srv *httptest.Server, pageSize int) (*collector, lister) {
	cfg := &rest.Config{Host: srv.URL, QPS: -1}
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	cs, rcs, err := clients(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := listers[0]
	if l.kind.Resource != snapshot.ResPods {
		t.Fatalf("the first lister is %s, not pods", l.kind.Resource)
	}
	return &collector{cs: cs, rest: rcs, opts: Options{PageSize: int64(pageSize)}.Defaults(), snap: snapshot.New()}, l
}

// BenchmarkListPods lists 10,000 synthetic pods in pages of 500 from a server that answers
// with protobuf pages encoded beforehand, so that what is measured is the collector's work
// on the largest list (requests, decoding, compaction, sharing), not an API server's. Besides
// the wall time, cpu-ns/op is the CPU the process spent (getrusage), the figure to compare on
// a machine shared with other work.
func BenchmarkListPods(b *testing.B) {
	const pageSize = 500
	pods := livePods(10000)
	srv, _ := podServer(b, pods, pageSize, runtime.ContentTypeProtobuf)
	c, l := podCollector(b, srv, pageSize)
	b.ReportAllocs()
	var start syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &start)
	for b.Loop() {
		c.snap = snapshot.New()
		n, err := l.collect(context.Background(), c)
		if err != nil || n != len(pods) || len(c.snap.Pods) != len(pods) {
			b.Fatalf("listed %d pods (%d stored): %v", n, len(c.snap.Pods), err)
		}
	}
	var end syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &end)
	cpu := func(r syscall.Rusage) int64 { return r.Utime.Nano() + r.Stime.Nano() }
	b.ReportMetric(float64(cpu(end)-cpu(start))/float64(b.N), "cpu-ns/op")
}

// A server that answers in JSON rather than protobuf gives the same list: decoded by client-go,
// then compacted and shared, where protobuf pages are decoded by package wire.
func TestListKindJSONAsProtobuf(t *testing.T) {
	const pageSize = 7
	pods := livePods(40)
	lists := map[string][]corev1.Pod{}
	for _, mt := range []string{runtime.ContentTypeProtobuf, runtime.ContentTypeJSON} {
		srv, requests := podServer(t, pods, pageSize, mt)
		c, l := podCollector(t, srv, pageSize)
		n, err := l.collect(context.Background(), c)
		if err != nil || n != len(pods) {
			t.Fatalf("%s: listed %d pods: %v", mt, n, err)
		}
		if want := (len(pods) + pageSize - 1) / pageSize; *requests != want {
			t.Errorf("%s: %d requests, want %d", mt, *requests, want)
		}
		lists[mt] = c.snap.Pods
	}
	pb, js := lists[runtime.ContentTypeProtobuf], lists[runtime.ContentTypeJSON]
	if !reflect.DeepEqual(pb, js) {
		for i := range pb {
			if !reflect.DeepEqual(pb[i], js[i]) {
				t.Fatalf("pod %d: protobuf %+v\nJSON %+v", i, pb[i], js[i])
			}
		}
		t.Fatal("the lists differ")
	}
	if len(pb[0].ManagedFields) != 0 || len(pb[0].Status.Conditions) != 0 || pb[0].Status.ContainerStatuses[0].ContainerID != "" {
		t.Errorf("not compacted: %+v", pb[0])
	}
}
