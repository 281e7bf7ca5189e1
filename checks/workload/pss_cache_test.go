package workload

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"sigs.k8s.io/randfill"

	"github.com/kubeposture/kubeposture/internal/synth"
)

// object is one input of the evaluator.
type object struct {
	name string
	meta metav1.ObjectMeta
	spec corev1.PodSpec
}

// corpus returns objects that share keys in the cache (replicas, and variants that differ
// only in fields no check reads) and objects that must not (variants that differ in a field
// a check reads), over hand-written, synthetic and random specs.
func corpus(t *testing.T) []object {
	var out []object
	add := func(name string, meta metav1.ObjectMeta, spec corev1.PodSpec) {
		out = append(out, object{name: name, meta: meta, spec: spec})
	}
	s := synth.Snapshot(300)
	for i := range s.Deployments {
		add("template "+s.Deployments[i].Name, s.Deployments[i].Spec.Template.ObjectMeta, s.Deployments[i].Spec.Template.Spec)
	}
	for i := range s.Pods {
		add("pod "+s.Pods[i].Name, s.Pods[i].ObjectMeta, s.Pods[i].Spec)
	}

	// Variants of every base: unread fields changed (same verdict expected, a cache hit),
	// then read fields changed (the verdict may change: the cache must not hide it).
	f := randfill.NewWithSeed(9).NilChance(0.3).NumElements(0, 2).MaxDepth(6)
	bases := []corev1.PodSpec{restrictedSpec(), with(func(s *corev1.PodSpec) { s.HostNetwork = true })}
	for i := 0; i < 150; i++ {
		var spec corev1.PodSpec
		f.Fill(&spec)
		bases = append(bases, spec)
	}
	for i, base := range bases {
		// Every base has a service-account volume, as admitted pods do.
		base.Volumes = append(base.Volumes, corev1.Volume{Name: "kube-api-access-base",
			VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{DefaultMode: ptr(int32(420))}}})
		name := fmt.Sprintf("base %d", i)
		meta := metav1.ObjectMeta{Annotations: map[string]string{"team": "a"}}
		add(name, meta, base)
		unread := []func(*corev1.PodSpec){
			func(s *corev1.PodSpec) { s.NodeName, s.Hostname, s.Subdomain = "node-7", "web-0", "web" },
			func(s *corev1.PodSpec) {
				s.Tolerations = append(s.Tolerations, corev1.Toleration{Key: "k", Operator: corev1.TolerationOpExists})
			},
			func(s *corev1.PodSpec) {
				v := &s.Volumes[len(s.Volumes)-1]
				v.Name = fmt.Sprintf("kube-api-access-%05d", i)
				v.Projected.Sources = []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}
			},
			func(s *corev1.PodSpec) {
				for j := range s.Containers {
					s.Containers[j].Image = "other:2"
					s.Containers[j].Env = append(s.Containers[j].Env, corev1.EnvVar{Name: "X", Value: "y"})
					s.Containers[j].VolumeMounts = append(s.Containers[j].VolumeMounts, corev1.VolumeMount{Name: "v", MountPath: "/v"})
				}
			},
		}
		read := []func(*corev1.PodSpec){
			func(s *corev1.PodSpec) { s.HostPID = !s.HostPID },
			func(s *corev1.PodSpec) {
				s.Volumes = append(s.Volumes, corev1.Volume{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}})
			},
			func(s *corev1.PodSpec) {
				// The same allowed type with a forbidden one set too: keyed whole.
				s.Volumes = append(s.Volumes, corev1.Volume{Name: "both", VolumeSource: corev1.VolumeSource{
					Secret: &corev1.SecretVolumeSource{}, HostPath: &corev1.HostPathVolumeSource{Path: "/etc"}}})
			},
			func(s *corev1.PodSpec) {
				for j := range s.Containers {
					if s.Containers[j].SecurityContext == nil {
						s.Containers[j].SecurityContext = &corev1.SecurityContext{}
					}
					s.Containers[j].SecurityContext.Privileged = ptr(true)
				}
			},
			func(s *corev1.PodSpec) {
				s.Containers = append(s.Containers, corev1.Container{Name: "probe", Image: "x",
					ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Host: "10.0.0.1"}}}})
			},
			func(s *corev1.PodSpec) { s.OS = &corev1.PodOS{Name: corev1.Windows} },
		}
		for j, m := range unread {
			spec := *base.DeepCopy()
			m(&spec)
			add(fmt.Sprintf("%s unread %d", name, j), meta, spec)
		}
		for j, m := range read {
			spec := *base.DeepCopy()
			m(&spec)
			add(fmt.Sprintf("%s read %d", name, j), meta, spec)
		}
		// The annotations the AppArmor check reads, and one it does not.
		for j, a := range []map[string]string{
			{"team": "b"},
			{corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix + "app": "unconfined"},
			{corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix + "app": "runtime/default"},
			{corev1.SeccompPodAnnotationKey: "unconfined"},
		} {
			add(fmt.Sprintf("%s annotations %d", name, j), metav1.ObjectMeta{Annotations: a}, *base.DeepCopy())
		}
	}
	return out
}

// TestPSSCacheMatchesEvaluator proves the cache returns, for every object, what the
// evaluator returns for that object, at both levels, while evaluating far fewer objects.
func TestPSSCacheMatchesEvaluator(t *testing.T) {
	objs := corpus(t)
	for _, level := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
		lv := api.LevelVersion{Level: level, Version: api.LatestVersion()}
		cached, direct := newPSSCache(lv), newPSSCache(lv)
		differ := 0
		for i := range objs {
			o := &objs[i]
			before := cached.evaluations
			got := cached.judge(&o.meta, &o.spec)
			// A variant in fields no check reads is answered from the cache.
			if (strings.Contains(o.name, " unread ") || strings.HasSuffix(o.name, " annotations 0")) && cached.evaluations != before {
				t.Errorf("%s, %s: evaluated again, want a cache hit", level, o.name)
			}
			want := direct.evaluate(&o.meta, &o.spec)
			if got != want {
				t.Errorf("%s, %s: cached verdict %q, evaluator %q", level, o.name, got, want)
			}
			if strings.Contains(o.name, " read ") && want != direct.evaluate(&objs[i-1].meta, &objs[i-1].spec) {
				differ++
			}
		}
		// The corpus must exercise inputs whose verdict differs, or equal verdicts prove nothing.
		if differ == 0 {
			t.Errorf("%s: no variant changed the verdict: the corpus proves nothing", level)
		}
		t.Logf("%s: %d objects, %d evaluations", level, len(objs), cached.evaluations)
	}
}

// TestPSSCacheSharesReplicas: a workload's replicas, which differ in node, service-account
// volume name and hostname, cost one evaluation.
func TestPSSCacheSharesReplicas(t *testing.T) {
	s := synth.Snapshot(50)
	c := newPSSCache(api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()})
	for i := range s.Pods[:5] {
		c.judge(&s.Pods[i].ObjectMeta, &s.Pods[i].Spec)
	}
	if c.evaluations != 1 {
		t.Errorf("5 replicas cost %d evaluations, want 1", c.evaluations)
	}
}

// The run's shared keys give the verdicts keys computed afresh give, for the snapshot's own
// specs; a spec that is not the snapshot's, or the same spec with other metadata, is keyed
// afresh rather than answered from them.
func TestPSSCacheRunKeys(t *testing.T) {
	s := synth.Snapshot(200)
	s.Pods[7].Spec.HostNetwork = true // one replica unlike its siblings
	done := s.ShareDerived()
	defer done()
	lv := api.LevelVersion{Level: api.LevelBaseline, Version: api.LatestVersion()}
	run, fresh := newRunPSSCache(s, lv), newPSSCache(lv)
	if len(run.keys.bySpec) < len(s.Pods) {
		t.Fatalf("%d shared keys for %d pods", len(run.keys.bySpec), len(s.Pods))
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if got, want := run.judge(&p.ObjectMeta, &p.Spec), fresh.judge(&p.ObjectMeta, &p.Spec); got != want {
			t.Errorf("pod %s: %q with the run's keys, %q without", p.Name, got, want)
		}
	}
	if run.evaluations != fresh.evaluations {
		t.Errorf("%d evaluations with the run's keys, %d without", run.evaluations, fresh.evaluations)
	}
	// Pod 5 is allowed (pods 0-4 are a privileged workload's). A copy of its spec (another
	// address) that differs is judged on its own content.
	p := &s.Pods[5]
	if v := run.judge(&p.ObjectMeta, &p.Spec); v != "" {
		t.Fatalf("pod 5: %q, want it allowed", v)
	}
	spec := p.Spec
	spec.HostPID = true
	if got := run.judge(&p.ObjectMeta, &spec); got == "" {
		t.Error("a copy with hostPID was answered from the original's key")
	}
	// The snapshot's spec with other metadata (an AppArmor annotation) is keyed afresh.
	meta := *p.ObjectMeta.DeepCopy()
	meta.Annotations = map[string]string{corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix + "app": "unconfined"}
	if got := run.judge(&meta, &p.Spec); got == "" {
		t.Error("other metadata with the snapshot's spec was answered from the snapshot's key")
	}
}

// reviewedChecks are the upstream checks and versions the key's list of unread fields was
// checked against (k8s.io/pod-security-admission v0.37). A change here means reading the
// new checks and updating pssCache's list before this list.
var reviewedChecks = []string{
	"allowPrivilegeEscalation restricted v1.8 v1.25",
	"appArmorProfile baseline v1.0",
	"capabilities_baseline baseline v1.0",
	"capabilities_restricted restricted v1.22 v1.25",
	"hostNamespaces baseline v1.0",
	"hostPathVolumes baseline v1.0",
	"hostPorts baseline v1.0",
	"hostProbesAndHostLifecycle baseline v1.34",
	"privileged baseline v1.0",
	"procMount baseline v1.0 v1.35",
	"procMount_restricted restricted v1.35",
	"restrictedVolumes restricted v1.0",
	"runAsNonRoot restricted v1.0 v1.35",
	"runAsUser restricted v1.23 v1.35",
	"seLinuxOptions baseline v1.0 v1.31",
	"seccompProfile_baseline baseline v1.0 v1.19",
	"seccompProfile_restricted restricted v1.19 v1.25",
	"sysctls baseline v1.0 v1.27 v1.29 v1.32 v1.37",
	"windowsHostProcess baseline v1.0",
}

func TestPSSCacheReviewedChecks(t *testing.T) {
	var got []string
	for _, c := range pssChecks {
		line := string(c.ID) + " " + string(c.Level)
		for _, v := range c.Versions {
			line += " " + v.MinimumVersion.String()
		}
		got = append(got, line)
	}
	slices.Sort(got)
	if !slices.Equal(got, reviewedChecks) {
		t.Errorf("k8s.io/pod-security-admission's checks changed: review the fields pssCache blanks "+
			"(pss_cache.go) against them, then update reviewedChecks.\ngot  %q\nwant %q", got, reviewedChecks)
	}
}

// TestPSSKeySeesEveryField: the key is the spec's protobuf encoding, which leaves out a field
// without a protobuf tag. Every field reachable from PodSpec must have one, or two specs that
// differ in it would share a key.
func TestPSSKeySeesEveryField(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		if typ.PkgPath() == "k8s.io/apimachinery/pkg/api/resource" || typ.PkgPath() == "k8s.io/apimachinery/pkg/util/intstr" {
			return // custom protobuf encoding of the whole value
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Tag.Get("protobuf") == "" && !f.Anonymous {
				t.Errorf("%s.%s (%s) has no protobuf tag: the cache key would not see it", path, f.Name, typ)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeFor[corev1.PodSpec](), "spec")
	if len(seen) < 50 {
		t.Fatalf("walked only %d types: the walk is broken", len(seen))
	}
}
