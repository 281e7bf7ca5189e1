/*
KP-WL-060: running images have no known vulnerability of HIGH or CRITICAL severity for which
a fix is published.

Source: NSA/CISA Kubernetes Hardening Guide 1.2, "Pod security: scan containers and Pods for
vulnerabilities"; the vulnerabilities are Trivy's (its database: distribution advisories,
GitHub advisories, NVD), recorded in the snapshot by --scan-images (package imagescan).

Rule, per image: FAIL when the image has at least one vulnerability with severity HIGH or
CRITICAL and a fixed version (snapshot.ImageVulnerability.FixedVersion not empty): updating the
package, or the base image, removes it. Otherwise WARN when the image's OS release is end of
life (no fix will ever be published, so "no fixable vulnerability" means nothing), else PASS.
Vulnerabilities without a fix, or below HIGH, do not fail the control; the evidence counts
them and the snapshot keeps them all.

Unit: one result per image and namespace (Resource Kind "Image", the image as scanned:
repository@sha256:digest, or the spec reference when no digest was known). The image is what
is rebuilt to fix the finding; the namespace keeps -n filtering and exceptions per team. Where
names every workload (workloads.go: pods folded into their top-level owner) that runs the
image in that namespace, with the containers; Observed names the first vulnerabilities, worst
first, and Result.Vulnerabilities lists every one the verdict rests on.

Fields read: spec.{initContainers,containers,ephemeralContainers}[*].image of pods and
templates, status.*ContainerStatuses[*].imageID of pods (the digest the node runs), and
imageScans.

NOT_EVALUATED: the whole control when images were not scanned (no --scan-images) or the scan
failed; an image whose own scan failed (imageScans[].error), or that the scan did not cover.
*/

package workload

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-060",
			Title:    "Running images have no fixable high or critical vulnerabilities",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "An image that runs a package version with a published fix for a high or " +
				"critical vulnerability exposes the workload to a known, documented attack for no " +
				"reason but a missing rebuild. Scanned with Trivy (--scan-images), once per image digest.",
			Remediation: "Update the listed packages to their fixed versions, usually by rebuilding the " +
				"image on a current base image, push it, and roll the listed workloads to the new digest. " +
				"Scan images in CI before they are deployed, and rebuild them regularly.",
		},
		Inputs:   inputs,
		Evaluate: imageVulns,
	})
}

// imageVulnsSeverities are the severities that fail the control when a fix exists.
var imageVulnsSeverities = map[string]bool{"CRITICAL": true, "HIGH": true}

// maxVulnsShown and maxWorkloadsShown bound the evidence text; the result's Vulnerabilities
// field and the snapshot keep the full lists.
const (
	maxVulnsShown     = 5
	maxWorkloadsShown = 10
)

// imageUse is one image in one namespace: the workloads that run it.
type imageUse struct {
	ns, key   string
	workloads []imageWorkload
}

// imageWorkload is one workload running an image, with the containers that do.
type imageWorkload struct {
	res        checks.Resource
	containers []string
}

func imageVulns(s *snapshot.Snapshot) []checks.Result {
	col, attempted := s.Status(snapshot.ResImages)
	switch {
	case !attempted:
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"},
			Reason: "images were not scanned: run audit scan or audit collect with --scan-images and --trivy-server URL or --trivy-cache-dir DIR"}}
	case col.State != snapshot.Collected && col.State != snapshot.Partial:
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"},
			Reason: fmt.Sprintf("image scan %s: %s", col.State, col.Message)}}
	}
	scans := make(map[string]*snapshot.ImageScan, len(s.ImageScans))
	for i := range s.ImageScans {
		sc := &s.ImageScans[i]
		scans[snapshot.ImageRef{Ref: sc.Image, Digest: sc.Digest}.Key()] = sc
	}

	uses := imageUses(s, scans)
	out := make([]checks.Result, 0, len(uses))
	for _, u := range uses {
		out = append(out, imageVerdict(u, scans[u.key]))
	}
	return out
}

// imageUses groups the containers of every workload unit by namespace and image key, in a
// stable order. A template's image is counted only when none of the unit's pods names it
// (scaled to zero, or manifests): the pods say what runs.
func imageUses(s *snapshot.Snapshot, scans map[string]*snapshot.ImageScan) []*imageUse {
	// A template image the scan did not cover by reference (because some pod elsewhere names
	// it) maps to the digests the pods that name it run.
	podKeys := map[string][]string{}
	for i := range s.Pods {
		p := &s.Pods[i]
		containerImages(&p.Spec, &p.Status, func(_, image, imageID string) {
			k := snapshot.ImageOf(image, imageID).Key()
			if !slices.Contains(podKeys[image], k) {
				podKeys[image] = append(podKeys[image], k)
			}
		})
	}

	byKey := map[[2]string]*imageUse{}
	var order []*imageUse
	use := func(u *unit, key, container string) {
		k := [2]string{u.res.Namespace, key}
		iu := byKey[k]
		if iu == nil {
			iu = &imageUse{ns: u.res.Namespace, key: key}
			byKey[k] = iu
			order = append(order, iu)
		}
		if n := len(iu.workloads); n == 0 || iu.workloads[n-1].res != u.res {
			iu.workloads = append(iu.workloads, imageWorkload{res: u.res})
		}
		w := &iu.workloads[len(iu.workloads)-1]
		if !slices.Contains(w.containers, container) {
			w.containers = append(w.containers, container)
		}
	}
	us := units(s)
	for i := range us {
		u := &us[i]
		podImages := map[string]bool{}
		for _, p := range u.pods {
			containerImages(&p.Spec, &p.Status, func(name, image, imageID string) {
				podImages[image] = true
				use(u, snapshot.ImageOf(image, imageID).Key(), name)
			})
		}
		if u.template == nil {
			continue
		}
		containerImages(&u.template.Spec, nil, func(name, image, _ string) {
			if podImages[image] {
				return
			}
			key := snapshot.ImageOf(image, "").Key()
			if _, scanned := scans[key]; scanned || len(podKeys[image]) == 0 {
				use(u, key, name)
				return
			}
			for _, k := range podKeys[image] {
				use(u, k, name)
			}
		})
	}
	return order
}

// imageVerdict judges one image in one namespace.
func imageVerdict(u *imageUse, sc *snapshot.ImageScan) checks.Result {
	image := u.key
	if sc != nil {
		image = sc.Image
	}
	r := checks.Result{
		Resource: checks.Resource{Kind: "Image", Namespace: u.ns, Name: image},
		Evidence: checks.Evidence{
			Expected: "no HIGH or CRITICAL vulnerability with a fixed version",
			Where:    "run by " + describeWorkloads(u.workloads),
		},
	}
	switch {
	case sc == nil:
		r.Status, r.Reason = checks.NotEvaluated, "the image scan did not cover this image (the snapshot changed after the scan?): scan again with --scan-images"
		return r
	case sc.Error != "":
		r.Status, r.Reason = checks.NotEvaluated, "the image could not be scanned: "+sc.Error
		return r
	}

	var fixable []snapshot.ImageVulnerability
	crit, high, others := 0, 0, 0
	for _, v := range sc.Vulnerabilities {
		if v.FixedVersion == "" || !imageVulnsSeverities[v.Severity] {
			others++
			continue
		}
		fixable = append(fixable, v)
		if v.Severity == "CRITICAL" {
			crit++
		} else {
			high++
		}
	}
	sortImageVulns(fixable)

	var b strings.Builder
	switch {
	case len(fixable) > 0:
		r.Status = checks.Fail
		r.Vulnerabilities = &fixable
		fmt.Fprintf(&b, "%d fixable vulnerabilities (%d CRITICAL, %d HIGH)", len(fixable), crit, high)
		if sc.OS != nil {
			fmt.Fprintf(&b, " in %s %s", sc.OS.Family, sc.OS.Name)
		}
		b.WriteString(": ")
		for i, v := range fixable {
			if i == maxVulnsShown {
				fmt.Fprintf(&b, "; +%d more (see vulnerabilities)", len(fixable)-maxVulnsShown)
				break
			}
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s %s %s → %s (%s)", v.ID, v.Package, v.InstalledVersion, v.FixedVersion, v.Severity)
		}
	case sc.OS != nil && sc.OS.EOSL:
		r.Status = checks.Warn
		fmt.Fprintf(&b, "%s %s is end of life: it gets no security fixes, so none can be found missing", sc.OS.Family, sc.OS.Name)
	default:
		r.Status = checks.Pass
		b.WriteString("no fixable HIGH or CRITICAL vulnerability")
		if sc.OS != nil {
			fmt.Fprintf(&b, " in %s %s", sc.OS.Family, sc.OS.Name)
		}
	}
	if others > 0 {
		fmt.Fprintf(&b, " | %d other vulnerabilities without a fix or below HIGH", others)
	}
	if sc.Note != "" {
		b.WriteString(" | ")
		b.WriteString(sc.Note)
	}
	r.Evidence.Observed = b.String()
	return r
}

// describeWorkloads names the workloads and their containers: "Deployment/api (app, proxy),
// CronJob/backup (job)", the first maxWorkloadsShown of them.
func describeWorkloads(ws []imageWorkload) string {
	var b strings.Builder
	for i, w := range ws {
		if i == maxWorkloadsShown {
			b.WriteString(", +")
			b.WriteString(strconv.Itoa(len(ws) - maxWorkloadsShown))
			b.WriteString(" more workloads")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(w.res.Kind)
		b.WriteString("/")
		b.WriteString(w.res.Name)
		b.WriteString(" (")
		b.WriteString(strings.Join(w.containers, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// containerImages calls f with the name, spec image and (when st is not nil) status imageID
// of every container of spec: init, regular and ephemeral.
func containerImages(spec *corev1.PodSpec, st *corev1.PodStatus, f func(name, image, imageID string)) {
	id := func(ss []corev1.ContainerStatus, name string) string {
		for i := range ss {
			if ss[i].Name == name {
				return ss[i].ImageID
			}
		}
		return ""
	}
	var inits, ctrs, ephs []corev1.ContainerStatus
	if st != nil {
		inits, ctrs, ephs = st.InitContainerStatuses, st.ContainerStatuses, st.EphemeralContainerStatuses
	}
	for _, c := range spec.InitContainers {
		f(c.Name, c.Image, id(inits, c.Name))
	}
	for _, c := range spec.Containers {
		f(c.Name, c.Image, id(ctrs, c.Name))
	}
	for _, c := range spec.EphemeralContainers {
		f(c.Name, c.Image, id(ephs, c.Name))
	}
}

// sortImageVulns orders vulnerabilities worst first, then by id and package.
func sortImageVulns(vs []snapshot.ImageVulnerability) {
	rank := map[string]int{"CRITICAL": 4, "HIGH": 3, "MEDIUM": 2, "LOW": 1}
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if rank[a.Severity] != rank[b.Severity] {
			return rank[a.Severity] > rank[b.Severity]
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Package < b.Package
	})
}
