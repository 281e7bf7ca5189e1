package workload

import (
	"encoding/binary"
	"hash/maphash"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// pssCache evaluates the Pod Security Standards once per distinct input rather than once per
// object: a Deployment's replicas share a spec, so 300 pods cost two evaluations (the
// template, and the pods, to which admission added a service-account volume) instead of 301.
//
// The key is a 128-bit keyed hash (hash/maphash, seeded at random per process, so that no
// snapshot can be crafted to collide) of everything the evaluator reads: the pod spec (in its
// protobuf encoding, which is deterministic: map keys are sorted) and the annotations the
// AppArmor and seccomp checks read. Fields that no check of k8s.io/pod-security-admission
// reads are blanked first, so that the replicas of a workload, which differ in them, share a
// key, and so that the encoding stays cheap (quantities are costly to encode):
//
//   - spec: nodeName, hostname, subdomain, nodeSelector, affinity, tolerations,
//     topologySpreadConstraints, overhead (scheduling, set per pod or by admission);
//   - containers[*]: image, command, args, env, envFrom, resources, resizePolicy,
//     volumeMounts, volumeDevices;
//   - the name and the contents of a volume of a type the restricted level allows (configMap,
//     secret, projected, emptyDir...): the checks read only which type a volume is, and its
//     name to report a volume of a forbidden type. That is what gives the replicas one key:
//     each has its own service-account volume, kube-api-access-x7k2p.
//
// Everything else is kept, fields added to PodSpec in later releases included: an unknown
// field can only make two keys differ, never make two different inputs share one. The checks
// read (v0.37): spec.hostNetwork, hostPID, hostIPC, hostUsers, os, securityContext, volumes
// (type, and name), and of each container its name, ports, securityContext, probes and
// lifecycle. TestPSSCacheReviewedChecks fails when the library's set of checks changes, so
// that this list is reviewed again; TestPSSCacheMatchesEvaluator compares cached and direct
// verdicts.
type pssCache struct {
	lv       api.LevelVersion
	verdicts map[pssKey]string
	// Scratch space reused from key to key.
	buf        []byte
	containers []corev1.Container
	inits      []corev1.Container
	ephemeral  []corev1.EphemeralContainer
	volumes    []corev1.Volume
	// keys are the run's keys of the snapshot's pod specs, when the cache was made for one
	// (newRunPSSCache); nil otherwise.
	keys *specIndex
	// evaluations counts calls of the evaluator, for tests.
	evaluations int
}

func newPSSCache(lv api.LevelVersion) *pssCache {
	return &pssCache{lv: lv, verdicts: map[pssKey]string{}}
}

// newRunPSSCache is newPSSCache for the controls of a run: the keys of the snapshot's pod
// specs are computed once and shared (podSpecs). Outside a run (a control called alone) there
// is no one to share them with, and each is computed when judged.
func newRunPSSCache(s *snapshot.Snapshot, lv api.LevelVersion) *pssCache {
	c := newPSSCache(lv)
	if s.SharingDerived() {
		c.keys = podSpecs(s)
	}
	return c
}

// specEntry is what the run knows of one pod spec of the snapshot: the spec and the metadata
// it was keyed with, its key, and the verdicts shared by every spec with that key.
type specEntry struct {
	spec *corev1.PodSpec
	meta *metav1.ObjectMeta
	key  pssKey
	ok   bool // false: the spec could not be keyed; v is its own
	v    *specVerdicts
}

// specVerdicts is the run's one evaluation of a pod spec, read by every control that judges
// pod specs field by field: the Pod Security levels at the latest version (KP-WL-001, 002)
// and each rule of podRules (items, in podRules' order).
type specVerdicts struct {
	baseline, restricted string // the forbidden reasons; "" when allowed
	items                [len(podRules)]itemVerdict
}

// evaluateSpec evaluates spec with every check of the run's shared evaluation.
func evaluateSpec(meta *metav1.ObjectMeta, spec *corev1.PodSpec) *specVerdicts {
	v := &specVerdicts{
		baseline:   evaluateLevel(api.LevelBaseline, meta, spec),
		restricted: evaluateLevel(api.LevelRestricted, meta, spec),
	}
	for i, r := range podRules {
		st, msg := r.judge(meta, spec)
		v.items[i] = itemVerdict{status: st, msg: msg}
	}
	return v
}

// specIndex is the run's index of the snapshot's pod specs (podSpecs): by address, and in
// the order of the workload units (each unit's template, then its pods), so that a control
// walking the units reads each object's entry in turn rather than looking it up.
type specIndex struct {
	bySpec map[*corev1.PodSpec]specEntry
	flat   []specEntry
	// start[i] is where unit i's entries begin in flat; start[len(units)] is len(flat).
	start []int
}

// lookup returns the run's entry of spec, when spec is the snapshot's and was keyed with meta.
func (x *specIndex) lookup(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (specEntry, bool) {
	if x == nil {
		return specEntry{}, false
	}
	e, found := x.bySpec[spec]
	return e, found && e.meta == meta
}

// verdicts returns the shared evaluation of spec: from the run's index when spec is the
// snapshot's and was keyed with meta, else evaluated afresh.
func (x *specIndex) verdicts(meta *metav1.ObjectMeta, spec *corev1.PodSpec) *specVerdicts {
	if e, ok := x.lookup(meta, spec); ok {
		return e.v
	}
	return evaluateSpec(meta, spec)
}

// specCursor reads, for the units in order, each object's verdicts from the index's flat list;
// an object out of turn (not the entry expected) is looked up instead.
type specCursor struct {
	x   *specIndex
	es  []specEntry
	pos int
}

// unit moves the cursor to unit i's entries.
func (c *specCursor) unit(i int) { c.es, c.pos = c.x.flat[c.x.start[i]:c.x.start[i+1]], 0 }

func (c *specCursor) verdicts(meta *metav1.ObjectMeta, spec *corev1.PodSpec) *specVerdicts {
	if c.pos < len(c.es) {
		e := &c.es[c.pos]
		c.pos++
		if e.spec == spec && e.meta == meta {
			return e.v
		}
	}
	return c.x.verdicts(meta, spec)
}

// evaluateVerdicts judges every unit of s with read, a reading of the shared evaluation.
func evaluateVerdicts(s *snapshot.Snapshot, read func(*specVerdicts) (checks.Status, string), ok, expected string) []checks.Result {
	us := units(s)
	c := specCursor{x: podSpecs(s)}
	g := func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		return read(c.verdicts(meta, spec))
	}
	texts := unitTexts{}
	out := make([]checks.Result, 0, len(us))
	for i := range us {
		c.unit(i)
		out = append(out, us[i].gradedWith(texts, g, ok, expected))
	}
	return out
}

// podSpecs keys and evaluates, once per run, every pod spec of the snapshot's workload units
// (templates and pods): the workload controls judge the same objects, and specs that share a
// key (a Deployment's replicas) are evaluated once. It is indexed by the spec's address in
// the snapshot, which nothing else can have while the snapshot lives; an address not in it (a
// spec that is not the snapshot's) is keyed afresh.
func podSpecs(s *snapshot.Snapshot) *specIndex {
	return checks.Memo(s, podSpecsKey{}, func() *specIndex {
		us := units(s)
		n := 0
		for i := range us {
			n += len(us[i].pods) + 1
		}
		x := &specIndex{bySpec: make(map[*corev1.PodSpec]specEntry, n), flat: make([]specEntry, 0, n), start: make([]int, 0, len(us)+1)}
		byKey := map[pssKey]*specVerdicts{}
		c := newPSSCache(api.LevelVersion{}) // for its scratch space
		add := func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) {
			k, ok := c.key(meta, spec)
			e := specEntry{spec: spec, meta: meta, key: k, ok: ok}
			switch {
			case !ok:
				e.v = evaluateSpec(meta, spec)
			case byKey[k] != nil:
				e.v = byKey[k]
			default:
				e.v = evaluateSpec(meta, spec)
				byKey[k] = e.v
			}
			x.bySpec[spec] = e
			x.flat = append(x.flat, e)
		}
		for i := range us {
			x.start = append(x.start, len(x.flat))
			if t := us[i].template; t != nil {
				add(&t.ObjectMeta, &t.Spec)
			}
			for _, p := range us[i].pods {
				add(&p.ObjectMeta, &p.Spec)
			}
		}
		x.start = append(x.start, len(x.flat))
		return x
	})
}

type podSpecsKey struct{}

// judge is a judge (see workloads.go) with the cache in front of the evaluator.
func (c *pssCache) judge(meta *metav1.ObjectMeta, spec *corev1.PodSpec) string {
	var key pssKey
	var ok bool
	if e, found := c.keys.lookup(meta, spec); found {
		key, ok = e.key, e.ok
	} else {
		key, ok = c.key(meta, spec)
	}
	if !ok {
		return c.evaluate(meta, spec)
	}
	if v, seen := c.verdicts[key]; seen {
		return v
	}
	v := c.evaluate(meta, spec)
	c.verdicts[key] = v
	return v
}

// evaluate runs the evaluator: "" when allowed, else the reasons.
func (c *pssCache) evaluate(meta *metav1.ObjectMeta, spec *corev1.PodSpec) string {
	c.evaluations++
	return evaluateLV(c.lv, meta, spec)
}

// evaluateLevel is evaluateLV at the latest version of level.
func evaluateLevel(level api.Level, meta *metav1.ObjectMeta, spec *corev1.PodSpec) string {
	return evaluateLV(api.LevelVersion{Level: level, Version: api.LatestVersion()}, meta, spec)
}

// evaluateLV runs the Pod Security evaluator at lv: "" when allowed, else the reasons.
func evaluateLV(lv api.LevelVersion, meta *metav1.ObjectMeta, spec *corev1.PodSpec) string {
	agg := policy.AggregateCheckResults(pssEvaluator.EvaluatePod(lv, meta, spec))
	if agg.Allowed {
		return ""
	}
	return forbidden(&agg)
}

// pssAnnotation reports whether the evaluator reads annotation k (AppArmor, and seccomp at
// policy versions before 1.19).
func pssAnnotation(k string) bool {
	return strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) ||
		k == corev1.SeccompPodAnnotationKey ||
		strings.HasPrefix(k, corev1.SeccompContainerAnnotationKeyPrefix)
}

// key digests what the evaluator reads of an object. ok is false if the spec cannot be
// encoded (then the object is evaluated without the cache).
func (c *pssCache) key(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (key pssKey, ok bool) {
	n := *spec // a shallow copy: the slices below are replaced, never written through
	n.NodeName, n.Hostname, n.Subdomain = "", "", ""
	n.NodeSelector, n.Affinity, n.Tolerations, n.TopologySpreadConstraints, n.Overhead = nil, nil, nil, nil, nil
	c.containers = unread(c.containers[:0], spec.Containers)
	n.Containers = c.containers
	c.inits = unread(c.inits[:0], spec.InitContainers)
	n.InitContainers = c.inits
	c.ephemeral = c.ephemeral[:0]
	for _, e := range spec.EphemeralContainers {
		blankUnread((*corev1.Container)(&e.EphemeralContainerCommon))
		c.ephemeral = append(c.ephemeral, e)
	}
	n.EphemeralContainers = c.ephemeral
	c.volumes = c.volumes[:0]
	for _, v := range spec.Volumes {
		if t := allowedVolumeType(&v.VolumeSource); t != nil {
			v = corev1.Volume{VolumeSource: *t}
		}
		c.volumes = append(c.volumes, v)
	}
	n.Volumes = c.volumes

	size := n.Size()
	c.buf = slices.Grow(c.buf[:0], 8+size)[:8+size]
	// The spec's length first, so that the annotations that follow cannot be mistaken for
	// the end of a longer spec.
	binary.LittleEndian.PutUint64(c.buf, uint64(size))
	if _, err := n.MarshalToSizedBuffer(c.buf[8:]); err != nil {
		return key, false
	}
	var keys []string
	for k := range meta.Annotations {
		if pssAnnotation(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys { // length-prefixed: no pair of annotations reads as another
		v := meta.Annotations[k]
		c.buf = binary.AppendUvarint(c.buf, uint64(len(k)))
		c.buf = append(c.buf, k...)
		c.buf = binary.AppendUvarint(c.buf, uint64(len(v)))
		c.buf = append(c.buf, v...)
	}
	return pssKey{maphash.Bytes(pssSeeds[0], c.buf), maphash.Bytes(pssSeeds[1], c.buf)}, true
}

// pssKey is two 64-bit hashes of a key's bytes, under independent random seeds.
type pssKey [2]uint64

var pssSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// unread appends copies of the containers of src to dst, without the fields no check reads.
func unread(dst, src []corev1.Container) []corev1.Container {
	for _, ctr := range src {
		blankUnread(&ctr)
		dst = append(dst, ctr)
	}
	return dst
}

func blankUnread(c *corev1.Container) {
	c.Image, c.Command, c.Args, c.Env, c.EnvFrom = "", nil, nil, nil, nil
	c.Resources, c.ResizePolicy, c.VolumeMounts, c.VolumeDevices = corev1.ResourceRequirements{}, nil, nil, nil
}

// Empty sources of the volume types restrictedVolumes allows: a volume of such a type is
// keyed by its type alone.
var (
	anyConfigMap   = corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}}
	anyCSI         = corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{}}
	anyDownwardAPI = corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{}}
	anyEmptyDir    = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
	anyEphemeral   = corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}
	anyImage       = corev1.VolumeSource{Image: &corev1.ImageVolumeSource{}}
	anyPVC         = corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{}}
	anyProjected   = corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{}}
	anySecret      = corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{}}
)

// allowedVolumeType returns the empty source of v's type when that type is one the
// restricted level allows and v sets no other type, else nil (v is then keyed whole).
func allowedVolumeType(v *corev1.VolumeSource) *corev1.VolumeSource {
	var t *corev1.VolumeSource
	set := 0
	for _, c := range []struct {
		set bool
		any *corev1.VolumeSource
	}{
		{v.ConfigMap != nil, &anyConfigMap}, {v.CSI != nil, &anyCSI}, {v.DownwardAPI != nil, &anyDownwardAPI},
		{v.EmptyDir != nil, &anyEmptyDir}, {v.Ephemeral != nil, &anyEphemeral}, {v.Image != nil, &anyImage},
		{v.PersistentVolumeClaim != nil, &anyPVC}, {v.Projected != nil, &anyProjected}, {v.Secret != nil, &anySecret},
	} {
		if c.set {
			t = c.any
			set++
		}
	}
	if set != 1 {
		return nil
	}
	// A source with a second, forbidden type set as well (the API server would refuse it,
	// a snapshot need not) is keyed whole: the checks would report it.
	only := *v
	only.ConfigMap, only.CSI, only.DownwardAPI, only.EmptyDir, only.Ephemeral = nil, nil, nil, nil, nil
	only.Image, only.PersistentVolumeClaim, only.Projected, only.Secret = nil, nil, nil, nil
	if only != (corev1.VolumeSource{}) {
		return nil
	}
	return t
}
