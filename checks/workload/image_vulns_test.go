package workload

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestImageVulns(t *testing.T) {
	const (
		dA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		dB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	)
	refA, refB := "reg.example/shop/web@"+dA, "reg.example/shop/web@"+dB
	critFixed := snapshot.ImageVulnerability{ID: "CVE-2024-0001", Package: "openssl", InstalledVersion: "3.1.4-r0", FixedVersion: "3.1.4-r5", Severity: "CRITICAL"}
	highFixed := snapshot.ImageVulnerability{ID: "CVE-2024-0002", Package: "zlib", InstalledVersion: "1.3-r0", FixedVersion: "1.3.1-r0", Severity: "HIGH"}
	highUnfixed := snapshot.ImageVulnerability{ID: "CVE-2024-0003", Package: "busybox", InstalledVersion: "1.36.1-r0", Severity: "HIGH"}
	mediumFixed := snapshot.ImageVulnerability{ID: "CVE-2024-0004", Package: "curl", InstalledVersion: "8.5.0-r0", FixedVersion: "8.6.0-r0", Severity: "MEDIUM"}
	alpine := &snapshot.ImageOS{Family: "alpine", Name: "3.19.1"}

	// running returns a pod spec whose containers run the given images; the statuses carry
	// imageIDs, the running digests.
	running := func(containers ...[3]string) corev1.PodSpec {
		return corev1.PodSpec{Containers: func() []corev1.Container {
			var cs []corev1.Container
			for _, c := range containers {
				cs = append(cs, corev1.Container{Name: c[0], Image: c[1]})
			}
			return cs
		}()}
	}
	// status fills the pods' container statuses after they were added: name → imageID.
	status := func(s *snapshot.Snapshot, ids map[string]string) {
		for i := range s.Pods {
			p := &s.Pods[i]
			st := func(c corev1.Container) corev1.ContainerStatus {
				id := ids[p.Name+"/"+c.Name]
				if id == "" {
					id = ids[c.Name]
				}
				return corev1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: id}
			}
			for _, c := range p.Spec.InitContainers {
				p.Status.InitContainerStatuses = append(p.Status.InitContainerStatuses, st(c))
			}
			for _, c := range p.Spec.Containers {
				p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, st(c))
			}
		}
	}
	scanned := func(s *snapshot.Snapshot, state snapshot.State, scans ...snapshot.ImageScan) {
		s.Resources[snapshot.ResImages] = snapshot.Collection{State: state, Count: len(scans), Message: "trivy v0.66.0"}
		s.ImageScans = scans
	}
	img := func(ref, digest string, os *snapshot.ImageOS, vs ...snapshot.ImageVulnerability) snapshot.ImageScan {
		return snapshot.ImageScan{Image: ref, Digest: digest, OS: os, Vulnerabilities: vs}
	}
	spec := running([3]string{"app", "reg.example/shop/web:1.0"})

	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
		// notEvaluated, when set, is a substring of the reason of the single cluster-wide
		// NOT_EVALUATED result expected instead of want.
		notEvaluated string
		check        func(t *testing.T, rs []checks.Result)
	}{
		{
			name: "images not scanned: NOT_EVALUATED, saying how to scan",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec)
				status(s, map[string]string{"app": refA})
			},
			notEvaluated: "--scan-images",
		},
		{
			name: "scan failed as a whole: NOT_EVALUATED with its message",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec)
				status(s, map[string]string{"app": refA})
				s.Resources[snapshot.ResImages] = snapshot.Collection{State: snapshot.Failed, Message: "no image could be scanned"}
			},
			notEvaluated: "no image could be scanned",
		},
		{
			name: "fixable CRITICAL fails once for the image, naming CVE, package, versions and every workload",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec, spec, spec)
				addDeployment(s, "shop", "api", running([3]string{"api", "reg.example/shop/web:1.0"}, [3]string{"proxy", "reg.example/shop/web:1.0"}),
					running([3]string{"api", "reg.example/shop/web:1.0"}, [3]string{"proxy", "reg.example/shop/web:1.0"}))
				addCronJob(s, "shop", "report", spec, spec)
				status(s, map[string]string{"app": refA, "api": refA, "proxy": "docker-pullable://" + refA})
				scanned(s, snapshot.Collected, img(refA, dA, alpine, highUnfixed, critFixed))
			},
			want: []want{{res: res("Image", "shop", refA), status: checks.Fail,
				observed: []string{"1 fixable vulnerabilities (1 CRITICAL, 0 HIGH) in alpine 3.19.1", "CVE-2024-0001 openssl 3.1.4-r0 → 3.1.4-r5 (CRITICAL)", "1 other vulnerabilities"},
				where:    "run by Deployment/web (app), Deployment/api (api, proxy), CronJob/report (app)"}},
			check: func(t *testing.T, rs []checks.Result) {
				if strings.Contains(rs[0].Evidence.Observed, "CVE-2024-0003 ") {
					t.Errorf("the unfixed HIGH is listed as failing: %q", rs[0].Evidence.Observed)
				}
				if v := rs[0].Vulnerabilities; v == nil || len(*v) != 1 || (*v)[0] != critFixed {
					t.Errorf("Vulnerabilities = %+v, want only the fixable CRITICAL", rs[0].Vulnerabilities)
				}
			},
		},
		{
			name: "unfixed HIGH and fixable MEDIUM pass, counted",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec)
				status(s, map[string]string{"app": refA})
				scanned(s, snapshot.Collected, img(refA, dA, alpine, highUnfixed, mediumFixed))
			},
			want: []want{{res: res("Image", "shop", refA), status: checks.Pass,
				observed: []string{"no fixable HIGH or CRITICAL vulnerability in alpine 3.19.1", "2 other vulnerabilities"},
				where:    "run by Deployment/web (app)"}},
		},
		{
			name: "end-of-life OS without fixable vulnerability warns: no fix will come",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec)
				status(s, map[string]string{"app": refA})
				scanned(s, snapshot.Collected, img(refA, dA, &snapshot.ImageOS{Family: "debian", Name: "9.13", EOSL: true}, highUnfixed))
			},
			want: []want{{res: res("Image", "shop", refA), status: checks.Warn, observed: []string{"debian 9.13 is end of life"}}},
		},
		{
			name: "one image's scan failed: that image NOT_EVALUATED, the other judged",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec)
				other := running([3]string{"app", "reg.example/shop/other:2"})
				addDeployment(s, "shop", "other", other, other)
				status(s, map[string]string{"web-7d9f-a/app": refA, "other-7d9f-a/app": refB})
				failed := img(refB, dB, nil)
				failed.Error = "pull: UNAUTHORIZED"
				scanned(s, snapshot.Partial, img(refA, dA, alpine), failed)
			},
			want: []want{{res: res("Image", "shop", refA), status: checks.Pass, where: "run by Deployment/web (app)"}},
			check: func(t *testing.T, rs []checks.Result) {
				for _, r := range rs {
					if r.Resource.Name == refB && (r.Status != checks.NotEvaluated || !strings.Contains(r.Reason, "UNAUTHORIZED")) {
						t.Errorf("failed image: %s %q, want NOT_EVALUATED with the scan error", r.Status, r.Reason)
					}
				}
			},
		},
		{
			name: "same digest in two namespaces: one result per namespace, each naming its own workloads",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec)
				addDeployment(s, "blog", "web", spec, spec)
				status(s, map[string]string{"app": refA})
				scanned(s, snapshot.Collected, img(refA, dA, alpine, highFixed))
			},
			want: []want{
				{res: res("Image", "shop", refA), status: checks.Fail, observed: []string{"CVE-2024-0002 zlib"}, where: "run by Deployment/web (app)"},
				{res: res("Image", "blog", refA), status: checks.Fail, observed: []string{"CVE-2024-0002 zlib"}, where: "run by Deployment/web (app)"},
			},
		},
		{
			name: "a pod left on an old digest: the workload is named under both images",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec, spec)
				status(s, map[string]string{"app": refA, "web-7d9f-b/app": refB})
				scanned(s, snapshot.Collected, img(refA, dA, alpine, critFixed), img(refB, dB, alpine))
			},
			want: []want{
				{res: res("Image", "shop", refA), status: checks.Fail, where: "run by Deployment/web (app)"},
				{res: res("Image", "shop", refB), status: checks.Pass, where: "run by Deployment/web (app)"},
			},
		},
		{
			name: "init container image and a workload scaled to zero (template only, scanned by reference) are judged",
			build: func(s *snapshot.Snapshot) {
				withInit := spec
				withInit.InitContainers = []corev1.Container{{Name: "migrate", Image: "reg.example/shop/web:1.0"}}
				addDeployment(s, "shop", "web", withInit, withInit)
				addDeployment(s, "shop", "idle", running([3]string{"app", "reg.example/tools/idle:3"}))
				status(s, map[string]string{"app": refA, "migrate": refA})
				noDigest := img("reg.example/tools/idle:3", "", alpine, highFixed)
				noDigest.Note = "no digest known"
				scanned(s, snapshot.Collected, img(refA, dA, alpine, critFixed), noDigest)
			},
			want: []want{
				{res: res("Image", "shop", refA), status: checks.Fail, where: "run by Deployment/web (migrate, app)"},
				{res: res("Image", "shop", "reg.example/tools/idle:3"), status: checks.Fail, observed: []string{"no digest known"}, where: "run by Deployment/idle (app)"},
			},
		},
		{
			name: "a bare pod is its own workload",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("ops", "debug", nil, spec))
				status(s, map[string]string{"app": refA})
				scanned(s, snapshot.Collected, img(refA, dA, alpine, critFixed))
			},
			want: []want{{res: res("Image", "ops", refA), status: checks.Fail, where: "run by Pod/debug (app)"}},
		},
		{
			name: "an image the scan did not cover is NOT_EVALUATED, not PASS",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec)
				status(s, map[string]string{"app": refB})
				scanned(s, snapshot.Collected, img(refA, dA, alpine))
			},
			check: func(t *testing.T, rs []checks.Result) {
				if len(rs) != 1 || rs[0].Status != checks.NotEvaluated || rs[0].Resource.Name != dB {
					t.Errorf("results %+v, want one NOT_EVALUATED for %s", rs, dB)
				}
			},
		},
		{
			name: "evidence is bounded; the result keeps every fixable vulnerability",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", spec, spec)
				status(s, map[string]string{"app": refA})
				var vs []snapshot.ImageVulnerability
				for i := 0; i < 40; i++ {
					vs = append(vs, snapshot.ImageVulnerability{ID: fmt.Sprintf("CVE-2024-1%03d", i), Package: "pkg", InstalledVersion: "1", FixedVersion: "2", Severity: "HIGH"})
				}
				vs = append(vs, critFixed)
				scanned(s, snapshot.Collected, img(refA, dA, alpine, vs...))
			},
			want: []want{{res: res("Image", "shop", refA), status: checks.Fail,
				observed: []string{"41 fixable vulnerabilities (1 CRITICAL, 40 HIGH)", ": CVE-2024-0001 openssl", "+36 more"}}},
			check: func(t *testing.T, rs []checks.Result) {
				if v := rs[0].Vulnerabilities; v == nil || len(*v) != 41 {
					t.Errorf("Vulnerabilities: %v, want all 41", v)
				}
				if n := len(rs[0].Evidence.Observed); n > 600 {
					t.Errorf("observed is %d bytes: not bounded", n)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			got := imageVulns(s)
			switch {
			case tt.notEvaluated != "":
				if len(got) != 1 || got[0].Status != checks.NotEvaluated || !strings.Contains(got[0].Reason, tt.notEvaluated) {
					t.Errorf("got %+v, want one NOT_EVALUATED saying %q", got, tt.notEvaluated)
				}
			case tt.want != nil:
				var judged []checks.Result
				for _, r := range got {
					if r.Status != checks.NotEvaluated {
						judged = append(judged, r)
					}
				}
				expect(t, judged, tt.want)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}
