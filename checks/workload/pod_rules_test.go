package workload

import (
	"math/rand/v2"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
)

// ruleCase is one pod spec and the grade a rule must give it.
type ruleCase struct {
	name string
	spec corev1.PodSpec
	want checks.Status
	// says is a piece of the message (the evidence); "" when the grade has none.
	says string
}

func csc(f func(*corev1.SecurityContext)) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) { f(s.Containers[0].SecurityContext) }
}

func psc(f func(*corev1.PodSecurityContext)) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		if s.SecurityContext == nil {
			s.SecurityContext = &corev1.PodSecurityContext{}
		}
		f(s.SecurityContext)
	}
}

// both applies fs in order.
func both(fs ...func(*corev1.PodSpec)) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		for _, f := range fs {
			f(s)
		}
	}
}

var windowsPod = func(s *corev1.PodSpec) { s.OS = &corev1.PodOS{Name: corev1.Windows} }

func withInit(f func(*corev1.Container)) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		c := corev1.Container{Name: "init", Image: "init:1", SecurityContext: restrictedSC()}
		f(&c)
		s.InitContainers = append(s.InitContainers, c)
	}
}

// TestPodRules holds each rule to the cases its recommendation's text decides, and to the
// decisions its doc comment records where the text leaves room.
func TestPodRules(t *testing.T) {
	cases := map[*podRule][]ruleCase{
		&privilegedContainers: {
			{"restricted", restrictedSpec(), checks.Pass, ""},
			{"privileged false", with(csc(func(c *corev1.SecurityContext) { c.Privileged = ptr(false) })), checks.Pass, ""},
			{"privileged", with(csc(func(c *corev1.SecurityContext) { c.Privileged = ptr(true) })), checks.Fail, `container "app" must not set securityContext.privileged=true`},
			{"privileged init container", with(withInit(func(c *corev1.Container) { c.SecurityContext.Privileged = ptr(true) })), checks.Fail, `"init"`},
		},
		&hostPIDRule: {
			{"unset", restrictedSpec(), checks.Pass, ""},
			{"hostPID", with(func(s *corev1.PodSpec) { s.HostPID = true }), checks.Fail, "spec.hostPID=true"},
			{"hostIPC is not hostPID", with(func(s *corev1.PodSpec) { s.HostIPC = true }), checks.Pass, ""},
		},
		&hostIPCRule: {
			{"hostIPC", with(func(s *corev1.PodSpec) { s.HostIPC = true }), checks.Fail, "spec.hostIPC=true"},
			{"hostNetwork is not hostIPC", with(func(s *corev1.PodSpec) { s.HostNetwork = true }), checks.Pass, ""},
		},
		&hostNetworkRule: {
			{"hostNetwork", with(func(s *corev1.PodSpec) { s.HostNetwork = true }), checks.Fail, "spec.hostNetwork=true"},
			{"hostPID is not hostNetwork", with(func(s *corev1.PodSpec) { s.HostPID = true }), checks.Pass, ""},
		},
		&hostPIDOrIPC: {
			{"neither", with(func(s *corev1.PodSpec) { s.HostNetwork = true }), checks.Pass, ""},
			{"hostIPC", with(func(s *corev1.PodSpec) { s.HostIPC = true }), checks.Fail, "spec.hostIPC=true"},
			{"both", with(func(s *corev1.PodSpec) { s.HostIPC, s.HostPID = true, true }), checks.Fail, "spec.hostPID=true and spec.hostIPC=true"},
		},
		&privilegeEscalation: {
			{"false", restrictedSpec(), checks.Pass, ""},
			{"unset allows escalation", with(csc(func(c *corev1.SecurityContext) { c.AllowPrivilegeEscalation = nil })), checks.Fail, "allowPrivilegeEscalation=false"},
			{"true", with(csc(func(c *corev1.SecurityContext) { c.AllowPrivilegeEscalation = ptr(true) })), checks.Fail, `"app"`},
			{"init container unset", with(withInit(func(c *corev1.Container) { c.SecurityContext.AllowPrivilegeEscalation = nil })), checks.Fail, `"init"`},
			{"windows pod", with(both(windowsPod, csc(func(c *corev1.SecurityContext) { c.AllowPrivilegeEscalation = nil }))), checks.Pass, "Windows"},
		},
		&rootContainers: {
			{"runAsNonRoot on the container", restrictedSpec(), checks.Pass, ""},
			{"runAsNonRoot on the pod", with(both(csc(func(c *corev1.SecurityContext) { c.RunAsNonRoot = nil }),
				psc(func(p *corev1.PodSecurityContext) { p.RunAsNonRoot = ptr(true) }))), checks.Pass, ""},
			{"runAsUser > 0 without runAsNonRoot (restricted fails it)", with(csc(func(c *corev1.SecurityContext) {
				c.RunAsNonRoot, c.RunAsUser = ptr(false), ptr(int64(1000))
			})), checks.Pass, ""},
			{"pod runAsUser > 0", with(both(csc(func(c *corev1.SecurityContext) { c.RunAsNonRoot = nil }),
				psc(func(p *corev1.PodSecurityContext) { p.RunAsUser = ptr(int64(1000)) }))), checks.Pass, ""},
			{"neither: the image decides", with(csc(func(c *corev1.SecurityContext) { c.RunAsNonRoot = nil })), checks.Fail, "may run as root"},
			{"runAsUser 0 with runAsNonRoot", with(csc(func(c *corev1.SecurityContext) { c.RunAsUser = ptr(int64(0)) })), checks.Fail, "runs as UID 0"},
			{"the container's 0 wins over the pod's 1000", with(both(psc(func(p *corev1.PodSecurityContext) { p.RunAsUser = ptr(int64(1000)) }),
				csc(func(c *corev1.SecurityContext) { c.RunAsNonRoot, c.RunAsUser = nil, ptr(int64(0)) }))), checks.Fail, "runs as UID 0"},
			{"the container's runAsNonRoot=false wins over the pod's true", with(both(psc(func(p *corev1.PodSecurityContext) { p.RunAsNonRoot = ptr(true) }),
				csc(func(c *corev1.SecurityContext) { c.RunAsNonRoot = ptr(false) }))), checks.Fail, "may run as root"},
			{"user namespace: still UID 0 inside", with(both(func(s *corev1.PodSpec) { s.HostUsers = ptr(false) },
				csc(func(c *corev1.SecurityContext) { c.RunAsNonRoot = nil }))), checks.Fail, "hostUsers=false"},
			{"init container as root", with(withInit(func(c *corev1.Container) { c.SecurityContext.RunAsNonRoot = nil })), checks.Fail, `initContainer "init"`},
			{"windows pod", with(windowsPod), checks.Manual, "runAsUserName"},
		},
		&nonRootUserAndGroup: {
			{"user and group", with(csc(func(c *corev1.SecurityContext) { c.RunAsGroup = ptr(int64(1000)) })), checks.Pass, ""},
			{"pod-level group", with(psc(func(p *corev1.PodSecurityContext) { p.RunAsGroup = ptr(int64(1000)) })), checks.Pass, ""},
			{"runAsNonRoot satisfies the user even beside runAsUser 0", with(csc(func(c *corev1.SecurityContext) {
				c.RunAsUser, c.RunAsGroup = ptr(int64(0)), ptr(int64(1))
			})), checks.Pass, ""},
			{"no group", restrictedSpec(), checks.Fail, "no runAsGroup"},
			{"group 0", with(csc(func(c *corev1.SecurityContext) { c.RunAsGroup = ptr(int64(0)) })), checks.Fail, "group 0"},
			{"no user", with(csc(func(c *corev1.SecurityContext) { c.RunAsNonRoot, c.RunAsGroup = nil, ptr(int64(5)) })), checks.Fail, "no non-root user"},
			{"windows pod", with(windowsPod), checks.Manual, "Windows"},
		},
		&netRawCapability: {
			{"drop ALL", restrictedSpec(), checks.Pass, ""},
			{"drop NET_RAW", with(csc(func(c *corev1.SecurityContext) { c.Capabilities.Drop = []corev1.Capability{"NET_RAW"} })), checks.Pass, ""},
			{"drop spelt as the runtimes read it", with(csc(func(c *corev1.SecurityContext) { c.Capabilities.Drop = []corev1.Capability{"cap_net_raw"} })), checks.Pass, ""},
			{"drop all in lower case", with(csc(func(c *corev1.SecurityContext) { c.Capabilities.Drop = []corev1.Capability{"all"} })), checks.Pass, ""},
			{"no capabilities field: the runtime's default", with(csc(func(c *corev1.SecurityContext) { c.Capabilities = nil })), checks.Fail, "drops neither NET_RAW nor ALL"},
			{"added back", with(csc(func(c *corev1.SecurityContext) { c.Capabilities.Add = []corev1.Capability{"NET_RAW"} })), checks.Fail, "adds NET_RAW"},
			{"added and dropped by name: dropped last", with(csc(func(c *corev1.SecurityContext) {
				c.Capabilities.Add, c.Capabilities.Drop = []corev1.Capability{"NET_RAW"}, []corev1.Capability{"NET_RAW"}
			})), checks.Pass, ""},
			{"add ALL", with(csc(func(c *corev1.SecurityContext) {
				c.Capabilities.Add, c.Capabilities.Drop = []corev1.Capability{"ALL"}, nil
			})), checks.Fail, "adds ALL"},
			{"add ALL then drop ALL", with(csc(func(c *corev1.SecurityContext) { c.Capabilities.Add = []corev1.Capability{"ALL"} })), checks.Pass, ""},
			{"privileged whatever it drops", with(csc(func(c *corev1.SecurityContext) { c.Privileged, c.AllowPrivilegeEscalation = ptr(true), nil })), checks.Fail, "privileged"},
			{"windows pod", with(both(windowsPod, csc(func(c *corev1.SecurityContext) { c.Capabilities = nil }))), checks.Pass, "Windows"},
		},
		&assignedCapabilities: {
			{"drop ALL", restrictedSpec(), checks.Pass, ""},
			{"NET_BIND_SERVICE added back (restricted allows it)", with(csc(func(c *corev1.SecurityContext) {
				c.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"}
			})), checks.Fail, "adds NET_BIND_SERVICE"},
			{"added then dropped by name", with(csc(func(c *corev1.SecurityContext) {
				c.Capabilities.Add, c.Capabilities.Drop = []corev1.Capability{"CHOWN"}, []corev1.Capability{"ALL", "chown"}
			})), checks.Pass, ""},
			{"the runtime's defaults", with(csc(func(c *corev1.SecurityContext) { c.Capabilities = nil })), checks.Fail, "does not drop ALL"},
			{"drop NET_RAW only", with(csc(func(c *corev1.SecurityContext) { c.Capabilities.Drop = []corev1.Capability{"NET_RAW"} })), checks.Fail, "does not drop ALL"},
			{"privileged", with(csc(func(c *corev1.SecurityContext) { c.Privileged, c.AllowPrivilegeEscalation = ptr(true), nil })), checks.Fail, "privileged"},
		},
		&windowsHostProcess: {
			{"unset", with(windowsPod), checks.Pass, ""},
			{"pod level", with(both(windowsPod, psc(func(p *corev1.PodSecurityContext) {
				p.WindowsOptions = &corev1.WindowsSecurityContextOptions{HostProcess: ptr(true)}
			}))), checks.Fail, "hostProcess"},
		},
		&hostPathVolumes: {
			{"no host path", with(func(s *corev1.PodSpec) {
				s.Volumes = []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
			}), checks.Pass, ""},
			{"read-only /etc/localtime is still a host path", with(func(s *corev1.PodSpec) {
				s.Volumes = []corev1.Volume{{Name: "tz", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc/localtime"}}}}
			}), checks.Fail, `"tz"`},
		},
		&hostPortsRule: {
			{"hostPort 0 is none", with(func(s *corev1.PodSpec) {
				s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 0}}
			}), checks.Pass, ""},
			{"hostPort", with(func(s *corev1.PodSpec) {
				s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 8080}}
			}), checks.Fail, "8080"},
		},
		&seccompRuntimeDefault: {
			{"container RuntimeDefault", restrictedSpec(), checks.Pass, ""},
			{"pod RuntimeDefault", with(both(csc(func(c *corev1.SecurityContext) { c.SeccompProfile = nil }),
				psc(func(p *corev1.PodSecurityContext) {
					p.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
				}))), checks.Pass, ""},
			{"none", with(csc(func(c *corev1.SecurityContext) { c.SeccompProfile = nil })), checks.Fail, "no seccomp profile"},
			{"the container's Unconfined wins over the pod's", with(both(psc(func(p *corev1.PodSecurityContext) {
				p.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
			}), csc(func(c *corev1.SecurityContext) {
				c.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
			}))), checks.Fail, "Unconfined"},
			{"Localhost is not the runtime's default", with(csc(func(c *corev1.SecurityContext) {
				c.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr("p.json")}
			})), checks.Warn, "Localhost"},
			{"windows pod", with(both(windowsPod, csc(func(c *corev1.SecurityContext) { c.SeccompProfile = nil }))), checks.Pass, "Windows"},
		},
	}
	for _, r := range podRules {
		if len(cases[r]) == 0 {
			t.Errorf("%s has no cases", r.ID)
		}
	}
	for r, cs := range cases {
		for _, tc := range cs {
			t.Run(r.ID+"/"+tc.name, func(t *testing.T) {
				spec := tc.spec
				st, msg := r.judge(&metav1.ObjectMeta{}, &spec)
				if st != tc.want {
					t.Errorf("%s, want %s (%q)", st, tc.want, msg)
				}
				if tc.says == "" && msg != "" || !strings.Contains(msg, tc.says) {
					t.Errorf("message %q, want one saying %q", msg, tc.says)
				}
			})
		}
	}
}

// TestPodRulesThroughUnits: each rule is a control of its own, with one verdict per workload
// unit, from the run's shared evaluation; `--control 5.2.5` gives hostNetwork verdicts only.
func TestPodRulesThroughUnits(t *testing.T) {
	s := collected()
	addDeployment(s, "a", "web", with(func(s *corev1.PodSpec) { s.HostNetwork = true }),
		with(func(s *corev1.PodSpec) { s.HostNetwork = true }), with(func(s *corev1.PodSpec) { s.HostNetwork, s.HostPID = true, true }))
	s.Pods = append(s.Pods, pod("a", "bare", nil, restrictedSpec()))
	sel := checks.Selection{Controls: []string{"5.2.5", "5.2.3"}}
	cs, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(s, cs, sel)
	got := map[string]string{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			got[c.ID+" "+r.Resource.String()] = string(r.Status) + ": " + r.Evidence.Observed
		}
	}
	want := map[string]string{
		"KP-WL-011 Deployment/a/web": "FAIL: template and 2 of 2 pods: sets spec.hostNetwork=true",
		"KP-WL-011 Pod/a/bare":       "PASS: hostNetwork unset or false",
		"KP-WL-009 Deployment/a/web": "FAIL: 1 of 2 pods (web-7d9f-b): sets spec.hostPID=true | template and 1 of 2 pods: hostPID unset or false",
		"KP-WL-009 Pod/a/bare":       "PASS: hostPID unset or false",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("results %v, want exactly %v", got, want)
	}
}

// TestSharedEvaluationFollowsKeys: every rule reads only what the Pod Security key keeps, so
// that specs sharing a key (a workload's replicas) may share the verdicts: over the cache's
// corpus and the differential test's generator, specs with one key get one set of verdicts.
func TestSharedEvaluationFollowsKeys(t *testing.T) {
	type obj struct {
		name string
		meta metav1.ObjectMeta
		spec corev1.PodSpec
	}
	var objs []obj
	for _, o := range corpus(t) {
		objs = append(objs, obj{o.name, o.meta, o.spec})
	}
	g := &podGen{r: rand.New(rand.NewPCG(7, 11))}
	for i := 0; i < 400; i++ {
		c := g.generate(i)
		objs = append(objs, obj{c.name, metav1.ObjectMeta{Annotations: c.annotations}, c.spec})
		// A replica of it: the fields no check reads differ.
		r := *c.spec.DeepCopy()
		r.NodeName = "node-x"
		for j := range r.Containers {
			r.Containers[j].Image = "other:9"
			r.Containers[j].Env = append(r.Containers[j].Env, corev1.EnvVar{Name: "REPLICA", Value: "1"})
		}
		objs = append(objs, obj{c.name + " replica", metav1.ObjectMeta{Annotations: c.annotations}, r})
	}
	c := newPSSCache(api.LevelVersion{})
	byKey := map[pssKey]*specVerdicts{}
	shared, differ := 0, 0
	for i := range objs {
		o := &objs[i]
		k, ok := c.key(&o.meta, &o.spec)
		if !ok {
			t.Fatalf("%s: not keyed", o.name)
		}
		v := evaluateSpec(&o.meta, &o.spec)
		if first, seen := byKey[k]; seen {
			shared++
			if *first != *v {
				t.Errorf("%s: verdicts %+v, another spec with its key %+v", o.name, *v, *first)
			}
			continue
		}
		byKey[k] = v
		if i > 0 && *v != *evaluateSpec(&objs[i-1].meta, &objs[i-1].spec) {
			differ++
		}
	}
	if shared == 0 || differ == 0 {
		t.Errorf("%d specs shared a key, %d differed from the one before: the corpus proves nothing", shared, differ)
	}
}

// TestSharedEvaluationOnce: a run evaluates each distinct pod spec once for every workload
// control, the Pod Security levels included, and answers them as a direct evaluation does.
func TestSharedEvaluationOnce(t *testing.T) {
	s := synth.Snapshot(300)
	done := s.ShareDerived()
	defer done()
	index := podSpecs(s)
	distinct := map[*specVerdicts]bool{}
	for i := range s.Pods {
		p := &s.Pods[i]
		v := index.verdicts(&p.ObjectMeta, &p.Spec)
		distinct[v] = true
		if want := evaluateSpec(&p.ObjectMeta, &p.Spec); *v != *want {
			t.Errorf("pod %s: shared %+v, direct %+v", p.Name, *v, *want)
		}
	}
	if len(distinct) >= len(s.Pods)/2 {
		t.Errorf("%d evaluations for %d pods: replicas are not shared", len(distinct), len(s.Pods))
	}
	if podSpecs(s) != index {
		t.Error("a second control of the run evaluated again")
	}
	// The index lists each unit's template, then its pods, as the units do.
	us := units(s)
	for i := range us {
		es := index.flat[index.start[i]:index.start[i+1]]
		var want []*corev1.PodSpec
		if t := us[i].template; t != nil {
			want = append(want, &t.Spec)
		}
		for _, p := range us[i].pods {
			want = append(want, &p.Spec)
		}
		if len(es) != len(want) {
			t.Fatalf("unit %s: %d entries, %d objects", us[i].res, len(es), len(want))
		}
		for j := range es {
			if es[j].spec != want[j] {
				t.Fatalf("unit %s: entry %d is not its object", us[i].res, j)
			}
		}
	}
}

// TestSpecCursor: the cursor answers each object of a unit from its entry in turn, and an
// object out of turn (or not the snapshot's) from a lookup, never from another's entry.
func TestSpecCursor(t *testing.T) {
	s := collected()
	addDeployment(s, "a", "web", restrictedSpec(), restrictedSpec(), with(func(s *corev1.PodSpec) { s.HostPID = true }))
	done := s.ShareDerived()
	defer done()
	c := specCursor{x: podSpecs(s)}
	u := units(s)[0]
	hostPID := 1 // the index of hostPIDRule in podRules
	if podRules[hostPID] != &hostPIDRule {
		t.Fatal("podRules changed order: fix the test")
	}
	c.unit(0)
	// Out of turn: the second pod first.
	if v := c.verdicts(&u.pods[1].ObjectMeta, &u.pods[1].Spec); v.items[hostPID].status != checks.Fail {
		t.Errorf("the hostPID pod, asked out of turn, got %+v", v.items[hostPID])
	}
	c.unit(0)
	for _, o := range []struct {
		meta *metav1.ObjectMeta
		spec *corev1.PodSpec
		want checks.Status
	}{{&u.template.ObjectMeta, &u.template.Spec, checks.Pass}, {&u.pods[0].ObjectMeta, &u.pods[0].Spec, checks.Pass},
		{&u.pods[1].ObjectMeta, &u.pods[1].Spec, checks.Fail}} {
		if got := c.verdicts(o.meta, o.spec).items[hostPID].status; got != o.want {
			t.Errorf("in turn: %s, want %s", got, o.want)
		}
	}
	other := with(func(s *corev1.PodSpec) { s.HostPID = true })
	c.unit(0)
	if got := c.verdicts(&u.template.ObjectMeta, &other).items[hostPID].status; got != checks.Fail {
		t.Errorf("a spec that is not the snapshot's, in the template's turn: %s, want its own FAIL", got)
	}
}
