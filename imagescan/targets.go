package imagescan

import (
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Target is one distinct image to scan.
type Target struct {
	snapshot.ImageRef
	// Note says why the scan may not match what runs, empty when the digest is known.
	Note string
	// Containers counts the containers (of pods and of templates without pods) that run it.
	Containers int
}

// noDigest is the note of an image scanned by its spec reference.
const noDigest = "no digest known (no running container reports one): scanned the reference as the registry resolves it now, which may differ from what the nodes run"

// Targets lists the distinct images of s, keyed by digest (snapshot.ImageOf): the images the
// pods run, from their container statuses, and the images of workload templates that no pod
// spec names (a workload scaled to zero, or manifests read with -f), by reference. However
// many pods run a digest, it is one target. Sorted by key, for a stable order.
func Targets(s *snapshot.Snapshot) []Target {
	byKey := map[string]*Target{}
	specs := map[string]bool{} // spec images of pods, to skip the same in templates
	add := func(ref snapshot.ImageRef) {
		if ref.Ref == "" {
			return
		}
		t, ok := byKey[ref.Key()]
		if !ok {
			t = &Target{ImageRef: ref}
			if ref.Digest == "" {
				t.Note = noDigest
			}
			byKey[ref.Key()] = t
		}
		t.Containers++
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		forEachContainer(&p.Spec, &p.Status, func(image, imageID string) {
			specs[image] = true
			add(snapshot.ImageOf(image, imageID))
		})
	}
	for _, t := range Templates(s) {
		forEachContainer(&t.Spec, nil, func(image, _ string) {
			if !specs[image] {
				add(snapshot.ImageOf(image, ""))
			}
		})
	}
	out := make([]Target, 0, len(byKey))
	for _, t := range byKey {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// Templates returns the pod templates of the workload controllers of s.
func Templates(s *snapshot.Snapshot) []*corev1.PodTemplateSpec {
	var out []*corev1.PodTemplateSpec
	for i := range s.Deployments {
		out = append(out, &s.Deployments[i].Spec.Template)
	}
	for i := range s.StatefulSets {
		out = append(out, &s.StatefulSets[i].Spec.Template)
	}
	for i := range s.DaemonSets {
		out = append(out, &s.DaemonSets[i].Spec.Template)
	}
	for i := range s.ReplicaSets {
		out = append(out, &s.ReplicaSets[i].Spec.Template)
	}
	for i := range s.Jobs {
		out = append(out, &s.Jobs[i].Spec.Template)
	}
	for i := range s.CronJobs {
		out = append(out, &s.CronJobs[i].Spec.JobTemplate.Spec.Template)
	}
	return out
}

// forEachContainer calls f with the spec image of every container of spec (init, regular,
// ephemeral) and, when st is not nil, the imageID its status reports ("" when none).
func forEachContainer(spec *corev1.PodSpec, st *corev1.PodStatus, f func(image, imageID string)) {
	ids := func(ss []corev1.ContainerStatus) map[string]string {
		m := make(map[string]string, len(ss))
		for _, s := range ss {
			m[s.Name] = s.ImageID
		}
		return m
	}
	var initIDs, ctrIDs, ephIDs map[string]string
	if st != nil {
		initIDs, ctrIDs, ephIDs = ids(st.InitContainerStatuses), ids(st.ContainerStatuses), ids(st.EphemeralContainerStatuses)
	}
	for _, c := range spec.InitContainers {
		f(c.Image, initIDs[c.Name])
	}
	for _, c := range spec.Containers {
		f(c.Image, ctrIDs[c.Name])
	}
	for _, c := range spec.EphemeralContainers {
		f(c.Image, ephIDs[c.Name])
	}
}
