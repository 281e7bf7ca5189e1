//go:build !goexperiment.jsonv2

package trivyscan

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquasecurity/trivy/pkg/cache"
	"github.com/aquasecurity/trivy/pkg/db"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	"github.com/aquasecurity/trivy/pkg/rpc/server"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/workload"
	"github.com/kubeposture/kubeposture/imagescan"
	"github.com/kubeposture/kubeposture/imagescan/imagescantest"
	"github.com/kubeposture/kubeposture/snapshot"
)

func ptr[T any](v T) *T { return &v }

// cluster builds a snapshot: three Deployments in "shop" (4 + 3 + 3 = 10 pods) and a
// StatefulSet in "data" (2 pods) run the vulnerable image by one digest; a Deployment in
// "shop" runs the clean image; a bare pod in "ops" runs an image the registry lacks.
func cluster(vulnSpec, vulnID, cleanSpec, cleanID, missing string) *snapshot.Snapshot {
	s := snapshot.New()
	for _, r := range []snapshot.Resource{snapshot.ResPods, snapshot.ResDeployments, snapshot.ResStatefulSets,
		snapshot.ResDaemonSets, snapshot.ResReplicaSets, snapshot.ResJobs, snapshot.ResCronJobs} {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	owned := func(kind, name string, uid types.UID) []metav1.OwnerReference {
		return []metav1.OwnerReference{{Kind: kind, Name: name, UID: uid, Controller: ptr(true)}}
	}
	addPods := func(ns, prefix string, n int, owners []metav1.OwnerReference, container, spec, id string) {
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("%s-%d", prefix, i)
			s.Pods = append(s.Pods, corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("pod-" + ns + name), OwnerReferences: owners},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: container, Image: spec}}},
				Status:     corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: container, Image: spec, ImageID: id}}},
			})
		}
	}
	deploy := func(ns, name string, replicas int, container, spec, id string) {
		duid, rsuid := types.UID("d-"+name), types.UID("rs-"+name)
		tmpl := corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: container, Image: spec}}}}
		s.Deployments = append(s.Deployments, appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: duid},
			Spec: appsv1.DeploymentSpec{Template: tmpl}})
		s.ReplicaSets = append(s.ReplicaSets, appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name + "-5d4f", UID: rsuid,
			OwnerReferences: owned("Deployment", name, duid)}, Spec: appsv1.ReplicaSetSpec{Template: tmpl}})
		addPods(ns, name+"-5d4f", replicas, owned("ReplicaSet", name+"-5d4f", rsuid), container, spec, id)
	}
	deploy("shop", "web", 4, "nginx", vulnSpec, vulnID)
	deploy("shop", "api", 3, "app", vulnSpec, "docker-pullable://"+vulnID) // Docker's imageID form, same digest
	deploy("shop", "worker", 3, "app", vulnSpec, vulnID)
	deploy("shop", "clean", 1, "app", cleanSpec, cleanID)
	s.StatefulSets = append(s.StatefulSets, appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: "data", Name: "db", UID: "ss-db"},
		Spec: appsv1.StatefulSetSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "db", Image: vulnSpec}}}}}})
	addPods("data", "db", 2, owned("StatefulSet", "db", "ss-db"), "db", vulnSpec, vulnID)
	addPods("ops", "debug", 1, nil, "shell", missing, "")
	return s
}

func TestScanLocalFindsCVEOncePerDigestAndAttributesWorkloads(t *testing.T) {
	reg := imagescantest.NewRegistry(t)
	vulnRef, vulnDigest := reg.Push(t, "shop/base", "1.0", imagescantest.AlpineImage(t, [][2]string{{"musl", imagescantest.MuslVersion}, {"zlib", imagescantest.ZlibVersion}, {"busybox", "1.37.0-r18"}}))
	cleanRef, cleanDigest := reg.Push(t, "shop/clean", "2.0", imagescantest.AlpineImage(t, [][2]string{{"busybox", "1.37.0-r18"}}))
	missing := reg.Host + "/ops/missing:1"
	cacheDir := t.TempDir()
	imagescantest.WriteDB(t, cacheDir)

	s := cluster(reg.Host+"/shop/base:1.0", vulnRef, reg.Host+"/shop/clean:2.0", cleanRef, missing)
	if got := imagescan.Targets(s); len(got) != 3 {
		t.Fatalf("Targets: %d distinct images, want 3 (one digest shared by 12 pods, one clean, one missing): %+v", len(got), got)
	}

	start := time.Now()
	if err := Scan(context.Background(), s, imagescan.Options{CacheDir: cacheDir, Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	t.Logf("local scan of 3 images: %s", time.Since(start))

	// Each digest pulled once, however many pods run it.
	if n := reg.ManifestReads(vulnDigest); n != 1 {
		t.Errorf("vulnerable image manifest read %d times, want 1 (12 pods share its digest)", n)
	}
	if n := reg.ManifestReads(cleanDigest); n != 1 {
		t.Errorf("clean image manifest read %d times, want 1", n)
	}
	col := s.Resources[snapshot.ResImages]
	if col.State != snapshot.Partial || col.Count != 3 {
		t.Errorf("Resources[images] = %+v, want partial with 3 images (one could not be pulled)", col)
	}
	if len(s.ImageScans) != 3 {
		t.Fatalf("ImageScans: %d, want 3", len(s.ImageScans))
	}
	byDigest := map[string]snapshot.ImageScan{}
	for _, sc := range s.ImageScans {
		byDigest[sc.Digest] = sc
	}
	vuln := byDigest[vulnDigest]
	if vuln.Error != "" || vuln.OS == nil || vuln.OS.Family != "alpine" || vuln.OS.Name != imagescantest.AlpineRelease {
		t.Fatalf("vulnerable image scan = %+v, want alpine %s without error", vuln, imagescantest.AlpineRelease)
	}
	want := map[string]snapshot.ImageVulnerability{
		imagescantest.CVEFixed:   {ID: imagescantest.CVEFixed, Package: "musl", InstalledVersion: imagescantest.MuslVersion, FixedVersion: imagescantest.MuslFixed, Severity: "CRITICAL"},
		imagescantest.CVEUnfixed: {ID: imagescantest.CVEUnfixed, Package: "zlib", InstalledVersion: imagescantest.ZlibVersion, Severity: "HIGH"},
	}
	if len(vuln.Vulnerabilities) != len(want) {
		t.Errorf("vulnerabilities = %+v, want %d", vuln.Vulnerabilities, len(want))
	}
	for _, v := range vuln.Vulnerabilities {
		w, ok := want[v.ID]
		if !ok || v.Package != w.Package || v.InstalledVersion != w.InstalledVersion || v.FixedVersion != w.FixedVersion || v.Severity != w.Severity {
			t.Errorf("vulnerability %+v, want %+v", v, w)
		}
	}
	if clean := byDigest[cleanDigest]; clean.Error != "" || len(clean.Vulnerabilities) != 0 {
		t.Errorf("clean image scan = %+v, want no vulnerability and no error", clean)
	}
	if miss := byDigest[""]; miss.Image != missing || !strings.Contains(miss.Error, "pull") || miss.Note == "" {
		t.Errorf("missing image scan = %+v, want a pull error and a no-digest note", miss)
	}

	// The control, over the scanned snapshot: one result per image and namespace, naming the
	// workloads (not pods) that run it.
	rep := runControl(t, s)
	got := map[string]checks.Result{}
	for _, r := range rep {
		got[r.Resource.Namespace+" "+r.Resource.Name] = r
	}
	shop := got["shop "+vulnRef]
	if shop.Status != checks.Fail {
		t.Fatalf("shop/%s: %s (%s), want FAIL", vulnRef, shop.Status, shop.Reason)
	}
	for _, s := range []string{imagescantest.CVEFixed, "musl", imagescantest.MuslVersion, imagescantest.MuslFixed, "CRITICAL"} {
		if !strings.Contains(shop.Evidence.Observed, s) {
			t.Errorf("observed %q does not name %q", shop.Evidence.Observed, s)
		}
	}
	if strings.Contains(shop.Evidence.Observed, imagescantest.CVEUnfixed+" ") {
		t.Errorf("observed %q lists the unfixed %s as failing", shop.Evidence.Observed, imagescantest.CVEUnfixed)
	}
	if wantWhere := "run by Deployment/web (nginx), Deployment/api (app), Deployment/worker (app)"; shop.Evidence.Where != wantWhere {
		t.Errorf("where = %q, want %q", shop.Evidence.Where, wantWhere)
	}
	if v := shop.Vulnerabilities; v == nil || len(*v) != 1 || (*v)[0].ID != imagescantest.CVEFixed {
		t.Errorf("result vulnerabilities = %+v, want only %s", shop.Vulnerabilities, imagescantest.CVEFixed)
	}
	if data := got["data "+vulnRef]; data.Status != checks.Fail || data.Evidence.Where != "run by StatefulSet/db (db)" {
		t.Errorf("data/%s = %s %q, want FAIL run by StatefulSet/db", vulnRef, data.Status, data.Evidence.Where)
	}
	if clean := got["shop "+cleanRef]; clean.Status != checks.Pass || clean.Evidence.Where != "run by Deployment/clean (app)" {
		t.Errorf("clean image = %s %q, want PASS run by Deployment/clean", clean.Status, clean.Evidence.Where)
	}
	if miss := got["ops "+missing]; miss.Status != checks.NotEvaluated || !strings.Contains(miss.Reason, "could not be scanned") {
		t.Errorf("missing image = %s %q, want NOT_EVALUATED", miss.Status, miss.Reason)
	}
	if len(got) != 4 {
		t.Errorf("%d results, want 4: %+v", len(got), got)
	}
}

func runControl(t *testing.T, s *snapshot.Snapshot) []checks.Result {
	t.Helper()
	sel := checks.Selection{Controls: []string{"KP-WL-060"}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(s, selected, sel)
	if len(rep.Controls) != 1 {
		t.Fatalf("%d controls, want KP-WL-060 only", len(rep.Controls))
	}
	return rep.Controls[0].Results
}

func TestScanLocalWithoutDatabaseSaysWhereToPutIt(t *testing.T) {
	dir := t.TempDir()
	err := Scan(context.Background(), snapshot.New(), imagescan.Options{CacheDir: dir})
	if err == nil {
		t.Fatal("scan without a database succeeded")
	}
	for _, s := range []string{db.Dir(dir), "trivy image --download-db-only --cache-dir", "never downloads"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	if _, err := os.Stat(db.Dir(dir)); err == nil {
		t.Errorf("%s was created: the scan must not fetch a database", db.Dir(dir))
	}
}

func TestScanServerUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	err := Scan(context.Background(), snapshot.New(), imagescan.Options{Server: url})
	if err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("error = %v, want the server does not answer", err)
	}
}

// TestScanServerMode runs Trivy's own RPC server in-process on loopback, holding the fixture
// database, and scans through it: the client pulls and analyses, the server matches.
func TestScanServerMode(t *testing.T) {
	reg := imagescantest.NewRegistry(t)
	vulnRef, vulnDigest := reg.Push(t, "shop/base", "1.0", imagescantest.AlpineImage(t, [][2]string{{"musl", imagescantest.MuslVersion}}))
	cacheDir := t.TempDir()
	imagescantest.WriteDB(t, cacheDir)
	if err := db.Init(db.Dir(cacheDir)); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := server.NewServer("test", "", cacheDir, "", "", "", nil, ftypes.RegistryOptions{})
	var dbWG, reqWG sync.WaitGroup
	ts := httptest.NewServer(srv.NewServeMux(context.Background(), cache.NewMemoryCache(), &dbWG, &reqWG))
	defer ts.Close()

	s := cluster(reg.Host+"/shop/base:1.0", vulnRef, reg.Host+"/shop/base:1.0", vulnRef, reg.Host+"/shop/base:1.0")
	s.Pods = s.Pods[:len(s.Pods)-1] // drop the bare pod: every pod runs the one digest
	start := time.Now()
	if err := Scan(context.Background(), s, imagescan.Options{Server: ts.URL}); err != nil {
		t.Fatal(err)
	}
	t.Logf("server-mode scan of 1 image: %s", time.Since(start))
	if n := reg.ManifestReads(vulnDigest); n != 1 {
		t.Errorf("manifest read %d times, want 1", n)
	}
	if len(s.ImageScans) != 1 || s.Resources[snapshot.ResImages].State != snapshot.Collected {
		t.Fatalf("scans %+v, resource %+v: want one image, collected", s.ImageScans, s.Resources[snapshot.ResImages])
	}
	sc := s.ImageScans[0]
	if sc.Error != "" || len(sc.Vulnerabilities) != 1 {
		t.Fatalf("scan = %+v, want %s", sc, imagescantest.CVEFixed)
	}
	if v := sc.Vulnerabilities[0]; v.ID != imagescantest.CVEFixed || v.Package != "musl" || v.InstalledVersion != imagescantest.MuslVersion || v.FixedVersion != imagescantest.MuslFixed || v.Severity != "CRITICAL" {
		t.Errorf("vulnerability %+v", v)
	}
	if !strings.Contains(s.Resources[snapshot.ResImages].Message, "Trivy server "+ts.URL) {
		t.Errorf("message %q does not name the server", s.Resources[snapshot.ResImages].Message)
	}
}
