package snapshot

import "strings"

// ImageScan is the vulnerability scan of one distinct image the cluster runs, as `audit
// collect --scan-images` or `audit scan --scan-images` recorded it (package imagescan, with
// Trivy). An image is scanned once however many containers run it: it is keyed by its digest
// (Digest), or by its reference (Image) when no digest was known (see ImageOf).
//
// Added in kubeposture.io/v1alpha1 as an optional field: a snapshot without it was not
// scanned, and Resources[ResImages] is absent, which checks report as NOT_EVALUATED.
type ImageScan struct {
	// Image is the reference that was pulled and scanned: repository@sha256:digest when the
	// digest was known, else the image as the pod spec names it (a tag, resolved at scan
	// time, which may not be what the nodes run).
	Image string `json:"image"`
	// Digest is the sha256 digest the nodes run (from pod status imageID), empty when unknown.
	Digest string `json:"digest,omitempty"`
	// Note says why the scan is less than exact ("no digest known: ..."), empty otherwise.
	Note string `json:"note,omitempty"`
	// OS is the distribution Trivy detected, nil when none was.
	OS *ImageOS `json:"os,omitempty"`
	// Vulnerabilities are every vulnerability found, in OS and language packages, whatever
	// its severity or fix status; checks choose which matter.
	Vulnerabilities []ImageVulnerability `json:"vulnerabilities,omitempty"`
	// Error is why this image could not be scanned (pull denied, timeout); the image's
	// vulnerabilities are unknown, not none.
	Error string `json:"error,omitempty"`
}

// ImageOS is an image's operating system as the scanner detected it.
type ImageOS struct {
	Family string `json:"family"`
	Name   string `json:"name,omitempty"`
	// EOSL is true when the distribution version no longer receives security updates, so
	// that the absence of a fixed version means nothing.
	EOSL bool `json:"eosl,omitempty"`
}

// ImageVulnerability is one vulnerability of one package of an image.
type ImageVulnerability struct {
	// ID is the CVE (or GHSA, distribution advisory) identifier.
	ID               string `json:"id"`
	Package          string `json:"package"`
	InstalledVersion string `json:"installedVersion"`
	// FixedVersion is the first version with the fix, empty when no fix is published.
	FixedVersion string `json:"fixedVersion,omitempty"`
	// Severity is CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN.
	Severity string `json:"severity"`
	Title    string `json:"title,omitempty"`
	// PrimaryURL is the advisory's page.
	PrimaryURL string `json:"primaryURL,omitempty"`
	// Target is where the package was found: the OS ("alpine 3.19.1") or a language
	// package file ("usr/local/bin/app", "app/package-lock.json").
	Target string `json:"target,omitempty"`
}

// ImageRef is what a container runs, as far as the snapshot tells.
type ImageRef struct {
	// Ref is the reference to pull: repository@sha256:digest when known, else the spec's image.
	Ref string
	// Digest is "sha256:..." when known, else empty.
	Digest string
}

// Key is what an image is scanned and looked up by: its digest, or its reference when the
// digest is unknown.
func (r ImageRef) Key() string {
	if r.Digest != "" {
		return r.Digest
	}
	return r.Ref
}

// ImageOf returns the image a container runs, from its spec image and its status imageID
// (empty when the container has no status, as in a template or a pending pod). Runtimes write
// imageID as "repo@sha256:…" (containerd, CRI-O), "docker-pullable://repo@sha256:…" (Docker)
// or a bare "sha256:…" image id for an image that was never pulled from a registry (loaded
// locally): the last has no repository to pull from, so the spec image is used then.
func ImageOf(specImage, imageID string) ImageRef {
	id := strings.TrimPrefix(strings.TrimPrefix(imageID, "docker-pullable://"), "docker://")
	if i := strings.LastIndex(id, "@sha256:"); i > 0 {
		return ImageRef{Ref: id, Digest: id[i+1:]}
	}
	if i := strings.LastIndex(specImage, "@sha256:"); i > 0 {
		return ImageRef{Ref: specImage, Digest: specImage[i+1:]}
	}
	return ImageRef{Ref: specImage}
}
