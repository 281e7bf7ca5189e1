//go:build !goexperiment.jsonv2

package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/imagescan"
	"github.com/kubeposture/kubeposture/imagescan/imagescantest"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// TestScanSnapshotScanImages: `audit scan --snapshot F --scan-images --trivy-cache-dir D`
// scans the images the snapshot names with the real scanner executable (built here from
// cmd/audit-imagescan), from a registry on loopback with a fixture database, and reports
// KP-WL-060 with the CVE in the JSON report.
func TestScanSnapshotScanImages(t *testing.T) {
	exe := filepath.Join(t.TempDir(), imagescan.ExecutableName)
	if b, err := exec.Command("go", "build", "-o", exe, "github.com/kubeposture/kubeposture/cmd/"+imagescan.ExecutableName).CombinedOutput(); err != nil {
		t.Fatalf("build the scanner: %v\n%s", err, b)
	}
	t.Setenv(imagescan.ExecutableEnv, exe)

	reg := imagescantest.NewRegistry(t)
	ref, _ := reg.Push(t, "shop/base", "1.0", imagescantest.AlpineImage(t, [][2]string{{"musl", imagescantest.MuslVersion}}))
	cacheDir := t.TempDir()
	imagescantest.WriteDB(t, cacheDir)

	s := snapshot.New()
	for _, r := range []snapshot.Resource{snapshot.ResPods, snapshot.ResDeployments, snapshot.ResStatefulSets,
		snapshot.ResDaemonSets, snapshot.ResReplicaSets, snapshot.ResJobs, snapshot.ResCronJobs} {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	s.Pods = []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", UID: "u1"},
		Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: reg.Host + "/shop/base:1.0"}}},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "app", ImageID: ref}}}}}
	file := filepath.Join(t.TempDir(), "snap.json")
	if err := snapfile.WriteFile(file, s); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := runCLI(t, "scan", "--snapshot", file, "--scan-images", "--trivy-cache-dir", cacheDir,
		"--control", "KP-WL-060", "--output", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a failure); stderr %s", code, errOut)
	}
	if !strings.Contains(errOut, "scan image "+ref) {
		t.Errorf("stderr %q does not report the image scan", errOut)
	}
	var rep checks.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	if len(rep.Controls) != 1 || len(rep.Controls[0].Results) != 1 {
		t.Fatalf("report controls %+v, want one result of KP-WL-060", rep.Controls)
	}
	r := rep.Controls[0].Results[0]
	if r.Status != checks.Fail || r.Resource != (checks.Resource{Kind: "Image", Namespace: "shop", Name: ref}) ||
		r.Evidence.Where != "run by Pod/web (app)" || r.Vulnerabilities == nil || len(*r.Vulnerabilities) != 1 ||
		(*r.Vulnerabilities)[0].ID != imagescantest.CVEFixed || (*r.Vulnerabilities)[0].FixedVersion != imagescantest.MuslFixed {
		t.Errorf("result %+v, want FAIL for %s naming Pod/web and %s", r, ref, imagescantest.CVEFixed)
	}
}
