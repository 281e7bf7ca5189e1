/*
KP-NODE-060: every node runs a runtime threat-detection agent whose pod is ready.

Source: the talk's "watch for attacks at runtime" layer (issue 19); no CIS 1.12 item covers it.
The agents and how they are deployed, each from its project's or vendor's documentation
(reviewed 2026-12-07; see runtimeAgents): Falco (falco.org/docs/setup/kubernetes: the Helm chart
runs falcosecurity/falco as a DaemonSet), Tetragon (tetragon.io/docs/installation/kubernetes:
quay.io/cilium/tetragon DaemonSet), Tracee (aquasecurity.github.io/tracee, docs "Kubernetes":
aquasec/tracee DaemonSet), and commercial agents shipped as DaemonSets: Sysdig Secure
(docs.sysdig.com, "Agent Install: Kubernetes": sysdig/agent), CrowdStrike Falcon sensor
(falcon-operator docs: falcon-sensor), Microsoft Defender for Containers (learn.microsoft.com,
"Defender sensor": mcr.microsoft.com/azuredefender/...), Prisma Cloud Defender (docs
"Deploy Defender on Kubernetes": twistlock/defender), Aqua Enforcer (aquasec/enforcer), NeuVector
Enforcer (neuvector/enforcer).

Decision: an agent is recognised by its DaemonSet's container image, never by a name a user
picks. A node is covered when a recognised DaemonSet would place a pod on it, as the DaemonSet
controller decides: the template's nodeSelector and required node affinity match the node
(k8s.io/component-helpers nodeaffinity), and its tolerations, with those the DaemonSet
controller adds to every daemon pod (k8s.io/kubernetes pkg/controller/daemon/util
AddOrUpdateDaemonPodTolerations), tolerate the node's NoSchedule and NoExecute taints (so a
control-plane node is covered only when the chart tolerates node-role.kubernetes.io/control-
plane). Whether the agent is up on that node: the DaemonSet's pod there is running, when the
pods were collected (the collector keeps no pod conditions, so readiness is not per pod), and
the DaemonSet's status counts every scheduled pod ready (numberReady below
desiredNumberScheduled: some pod, which is not known, is not ready, and each node of the
DaemonSet is a WARN saying so).
An agent whose version, read from its image tag, is older than the first release still
supported on the review date (runtimeAgents' minimum) is end of life: WARN. A tag that is no
version (a digest, latest) says nothing: no verdict on the version. Nothing covering a node is
a WARN, not a FAIL: detection is defence in depth and the choice of tool is the operator's.

Reads: Nodes (labels, taints), DaemonSets (template, status), Pods when collected.

	PASS  a recognised agent's pod is ready on the node, at a supported version
	WARN  no recognised agent would run on the node; its pod there is not ready; an
	      end-of-life version
*/

package node

import (
	"fmt"
	"slices"
	"strings"

	"github.com/distribution/reference"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/version"
	schedulinghelpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// runtimeAgent is a recognised runtime-detection agent: images whose repository path ends in
// one of Images, and the first version still supported on the review date ("" when the
// vendor's support window cannot be read from an image tag).
type runtimeAgent struct {
	Name   string
	Images []string
	// Minimum is the oldest release the project still supported on 2026-12-07; older tags are
	// end of life. Source: each project's release policy (Falco: falco.org/docs/release-cycle,
	// only the latest release is maintained, so the floor is deliberately conservative; Tetragon
	// and Tracee: their GitHub releases pages).
	Minimum string
	Docs    string
}

var runtimeAgents = []runtimeAgent{
	{Name: "Falco", Images: []string{"falcosecurity/falco", "falcosecurity/falco-no-driver", "falcosecurity/falco-distroless"}, Minimum: "0.39.0", Docs: "https://falco.org/docs/setup/kubernetes/"},
	{Name: "Tetragon", Images: []string{"cilium/tetragon"}, Minimum: "1.2.0", Docs: "https://tetragon.io/docs/installation/kubernetes/"},
	{Name: "Tracee", Images: []string{"aquasec/tracee"}, Minimum: "0.22.0", Docs: "https://aquasecurity.github.io/tracee/latest/docs/install/kubernetes/"},
	{Name: "Sysdig Secure agent", Images: []string{"sysdig/agent", "sysdig/agent-slim", "sysdig/agent-kmodule"}, Docs: "https://docs.sysdig.com/en/docs/installation/sysdig-secure/install-agent-components/kubernetes/"},
	{Name: "CrowdStrike Falcon sensor", Images: []string{"falcon-sensor"}, Docs: "https://github.com/CrowdStrike/falcon-operator"},
	{Name: "Microsoft Defender for Containers", Images: []string{"azuredefender/stable/pod-collector", "azuredefender/stable/low-level-collector", "azuredefender/stable/security-publisher"}, Docs: "https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-introduction"},
	{Name: "Prisma Cloud Defender", Images: []string{"twistlock/defender"}, Docs: "https://docs.prismacloud.io/en/compute-edition/32/admin-guide/install/deploy-defender/orchestrator/orchestrator"},
	{Name: "Aqua Enforcer", Images: []string{"aquasec/enforcer"}, Docs: "https://docs.aquasec.com/"},
	{Name: "NeuVector Enforcer", Images: []string{"neuvector/enforcer"}, Docs: "https://open-docs.neuvector.com/deploying/kubernetes"},
}

// agentOf returns the recognised agent a container image runs, and its tag.
func agentOf(image string) (*runtimeAgent, string) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return nil, ""
	}
	path := reference.Path(named)
	tag := ""
	if t, ok := named.(reference.Tagged); ok {
		tag = t.Tag()
	}
	for i := range runtimeAgents {
		for _, img := range runtimeAgents[i].Images {
			if path == img || strings.HasSuffix(path, "/"+img) {
				return &runtimeAgents[i], tag
			}
		}
	}
	return nil, ""
}

// daemonTolerations are the tolerations the DaemonSet controller adds to every daemon pod
// (k8s.io/kubernetes pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations); the
// network-unavailable one only to hostNetwork pods.
func daemonTolerations(spec *corev1.PodSpec) []corev1.Toleration {
	out := []corev1.Toleration{
		{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
		{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
		{Key: corev1.TaintNodeDiskPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
		{Key: corev1.TaintNodeMemoryPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
		{Key: corev1.TaintNodePIDPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
		{Key: corev1.TaintNodeUnschedulable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	}
	if spec.HostNetwork {
		out = append(out, corev1.Toleration{Key: corev1.TaintNodeNetworkUnavailable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule})
	}
	return append(out, spec.Tolerations...)
}

// schedules reports whether the DaemonSet controller would place ds's pod on n.
func schedules(ds *appsv1.DaemonSet, n *corev1.Node) bool {
	pod := &corev1.Pod{Spec: ds.Spec.Template.Spec}
	if ok, err := nodeaffinity.GetRequiredNodeAffinity(pod).Match(n); err != nil || !ok {
		return false
	}
	_, untolerated := schedulinghelpers.FindMatchingUntoleratedTaint(klog.Background(), n.Spec.Taints, daemonTolerations(&pod.Spec),
		func(t *corev1.Taint) bool {
			return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
		}, false)
	return !untolerated
}

// detector is one DaemonSet running a recognised agent.
type detector struct {
	ds    *appsv1.DaemonSet
	agent *runtimeAgent
	tag   string
}

func (d detector) String() string {
	return fmt.Sprintf("%s (DaemonSet %s/%s)", d.agent.Name, d.ds.Namespace, d.ds.Name)
}

// eol says why d's version is end of life, or "".
func (d detector) eol() string {
	if d.agent.Minimum == "" || d.tag == "" {
		return ""
	}
	v, err := version.ParseSemantic(strings.TrimPrefix(d.tag, "v"))
	if err != nil {
		return ""
	}
	if v.LessThan(version.MustParseSemantic(d.agent.Minimum)) {
		return fmt.Sprintf("%s %s is end of life (older than %s, the oldest release supported on 2026-12-07)", d.agent.Name, d.tag, d.agent.Minimum)
	}
	return ""
}

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-060",
			Title:    "Every node runs a runtime threat-detection agent",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "Hardening narrows what an attacker can do; runtime detection (Falco, Tetragon, Tracee or a " +
				"commercial agent) is what notices a shell in a container, an escape or a miner while it happens. A " +
				"node its DaemonSet does not reach, or where its pod is not ready, is unwatched.",
			Remediation: "Run a runtime-detection agent as a DaemonSet (e.g. the falcosecurity/falco Helm chart) whose " +
				"tolerations cover every node, the control-plane ones included (tolerate node-role.kubernetes.io/control-plane:NoSchedule), " +
				"keep it at a supported release, and alert on its pods not being ready.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNodes, snapshot.ResDaemonSets},
		Evaluate: runtimeDetection,
	})
}

func runtimeDetection(snap *snapshot.Snapshot) []checks.Result {
	var detectors []detector
	for i := range snap.DaemonSets {
		ds := &snap.DaemonSets[i]
		for _, c := range ds.Spec.Template.Spec.Containers {
			if a, tag := agentOf(c.Image); a != nil {
				detectors = append(detectors, detector{ds: ds, agent: a, tag: tag})
				break
			}
		}
	}
	podsSeen := snap.Resources[snapshot.ResPods].State == snapshot.Collected
	// The detectors' pods by node, indexed once: a walk of every pod per node would be
	// nodes × pods on a large cluster.
	agentPods := map[string][]*corev1.Pod{}
	if podsSeen && len(detectors) > 0 {
		for i := range snap.Pods {
			p := &snap.Pods[i]
			if p.Spec.NodeName != "" && slices.ContainsFunc(p.OwnerReferences, func(o metav1.OwnerReference) bool { return o.Kind == "DaemonSet" }) {
				agentPods[p.Spec.NodeName] = append(agentPods[p.Spec.NodeName], p)
			}
		}
	}
	const expected = "a recognised runtime-detection agent's DaemonSet pod, ready, at a supported release"
	return eachNode(snap, func(n *corev1.Node) checks.Result {
		ev := checks.Evidence{Where: fmt.Sprintf("recognised runtime-detection DaemonSets (node %s)", n.Name), Expected: expected}
		var covering []detector
		for _, d := range detectors {
			if schedules(d.ds, n) {
				covering = append(covering, d)
			}
		}
		if len(covering) == 0 {
			ev.Observed = "no recognised runtime-detection agent runs on the node"
			if len(detectors) > 0 {
				var names []string
				for _, d := range detectors {
					names = append(names, d.String())
				}
				ev.Observed += " (" + strings.Join(names, ", ") + " do not tolerate its taints or select it)"
			}
			return checks.Result{Status: checks.Warn, Evidence: ev}
		}
		var problems []string
		for _, d := range covering {
			ready, why := agentReady(agentPods[n.Name], podsSeen, d)
			if ready {
				if eol := d.eol(); eol != "" {
					problems = append(problems, eol)
					continue
				}
				ev.Observed = d.String() + " runs on the node"
				return checks.Result{Status: checks.Pass, Evidence: ev}
			}
			problems = append(problems, d.String()+": "+why)
		}
		ev.Observed = strings.Join(problems, "; ")
		return checks.Result{Status: checks.Warn, Evidence: ev}
	})
}

// agentReady reports whether d's pod on node is up: its pod there running when the pods were
// collected (the collector keeps no pod conditions, so running is what a pod shows), and the
// DaemonSet's status counting every scheduled pod ready (a pod that is not is then on an unknown
// node, and every node of the DaemonSet is in doubt).
func agentReady(onNode []*corev1.Pod, podsSeen bool, d detector) (bool, string) {
	if podsSeen {
		running := false
		for _, p := range onNode {
			if p.Namespace != d.ds.Namespace || !ownedBy(p, d.ds) {
				continue
			}
			if p.Status.Phase != corev1.PodRunning {
				return false, "its pod " + p.Name + " is " + string(p.Status.Phase)
			}
			running = true
		}
		if !running {
			return false, "no pod of it runs on the node"
		}
	}
	st := d.ds.Status
	if st.NumberReady < st.DesiredNumberScheduled {
		which := "pods not collected, so which node is not known"
		if podsSeen {
			which = "its pod here runs; the snapshot keeps no pod readiness, so which is not ready is not known"
		}
		return false, fmt.Sprintf("%d of %d pods ready (DaemonSet status; %s)", st.NumberReady, st.DesiredNumberScheduled, which)
	}
	return true, ""
}

func ownedBy(p *corev1.Pod, ds *appsv1.DaemonSet) bool {
	for _, o := range p.OwnerReferences {
		if o.Kind == "DaemonSet" && (o.UID == ds.UID || (ds.UID == "" && o.Name == ds.Name)) {
			return true
		}
	}
	return false
}
