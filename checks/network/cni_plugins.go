package network

import (
	"strconv"
	"strings"

	"github.com/distribution/reference"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/internal/componentflags"
)

// cniPlugin is one network plugin as its installers deploy it, and whether it enforces
// Kubernetes NetworkPolicy, as its own documentation says (source). Each row was reviewed
// against its source; a plugin not in the table is not recognised, and KP-NET-019 says so
// rather than guess.
type cniPlugin struct {
	name string
	// namespaces are where its installers put its agent DaemonSet: kube-system and its own.
	namespaces []string
	// daemonSets are the agent DaemonSet's names; images the agent containers' repositories,
	// matched as whole trailing path elements of the normalised repository ("calico/node"
	// matches docker.io/calico/node and mcr.microsoft.com/oss/calico/node). A DaemonSet in one
	// of the namespaces is the plugin's when its name or one of its containers' images is.
	daemonSets, images []string
	// apiGroups are the API groups its CRDs install.
	apiGroups []string
	// enforces says whether the plugin, as this DaemonSet runs it, enforces NetworkPolicy, and
	// why not when it does not. nil: it always does.
	enforces func(ds *appsv1.DaemonSet) (bool, string)
	// never is true for a plugin that enforces no NetworkPolicy at all.
	never bool
	// source is the plugin's own documentation of its NetworkPolicy support; says what it says.
	source, says string
}

// cniPlugins is the reviewed table. Order matters: a DaemonSet is the first row's that
// matches it (Canal's DaemonSet runs Calico's and flannel's images).
var cniPlugins = []cniPlugin{
	{
		name: "Canal (Calico policy, flannel networking)", namespaces: []string{"kube-system"},
		daemonSets: []string{"canal"},
		source:     "https://docs.tigera.io/calico/latest/getting-started/kubernetes/flannel/install-for-flannel",
		says:       "Calico enforces network policy on a flannel-networked cluster (Canal)",
	},
	{
		name: "Calico", namespaces: []string{"kube-system", "calico-system"},
		daemonSets: []string{"calico-node"}, images: []string{"calico/node", "tigera/cnx-node"},
		apiGroups: []string{"crd.projectcalico.org", "projectcalico.org", "operator.tigera.io"},
		source:    "https://docs.tigera.io/calico/latest/network-policy/get-started/kubernetes-policy/kubernetes-network-policy",
		says:      "Calico enforces Kubernetes network policy",
	},
	{
		name: "GKE Dataplane V2", namespaces: []string{"kube-system"},
		daemonSets: []string{"anetd"},
		source:     "https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2",
		says:       "Kubernetes NetworkPolicy is always on in clusters with GKE Dataplane V2 (its controller is the anetd DaemonSet)",
	},
	{
		name: "Cilium", namespaces: []string{"kube-system", "cilium"},
		daemonSets: []string{"cilium"}, images: []string{"cilium/cilium"},
		apiGroups: []string{"cilium.io"},
		source:    "https://docs.cilium.io/en/stable/network/kubernetes/policy/",
		says:      "Cilium applies the standard NetworkPolicy resource (L3 and L4, ingress and egress)",
	},
	{
		name: "Antrea", namespaces: []string{"kube-system"},
		daemonSets: []string{"antrea-agent"}, images: []string{"antrea-ubuntu", "antrea-agent-ubuntu", "antrea-agent-ubi"},
		apiGroups: []string{"crd.antrea.io"},
		source:    "https://github.com/antrea-io/antrea/blob/main/docs/design/architecture.md",
		says:      "Antrea implements Kubernetes Network Policies with Open vSwitch",
	},
	{
		name: "Weave Net", namespaces: []string{"kube-system"},
		daemonSets: []string{"weave-net"}, images: []string{"weave-kube", "weave-npc"},
		enforces: func(ds *appsv1.DaemonSet) (bool, string) {
			if containerWithImage(ds, "weave-npc") == nil {
				return false, "its Network Policy Controller (weave-npc container) is not in the DaemonSet"
			}
			return true, ""
		},
		source: "https://github.com/weaveworks/weave/blob/master/site/kubernetes/kube-addon.md",
		says:   "the Weave Net addon's Network Policy Controller (weave-npc) configures iptables to allow or block traffic as NetworkPolicies direct",
	},
	{
		name: "kube-router", namespaces: []string{"kube-system"},
		daemonSets: []string{"kube-router"}, images: []string{"kube-router"},
		enforces: func(ds *appsv1.DaemonSet) (bool, string) {
			c := containerWithImage(ds, "kube-router")
			if c == nil || boolFlag(c, "run-firewall", true) {
				return true, ""
			}
			return false, "it runs with --run-firewall=false (its Network Policy Controller off)"
		},
		source: "https://github.com/cloudnativelabs/kube-router/blob/master/docs/user-guide.md",
		says:   "--run-firewall enables Network Policy (default true)",
	},
	{
		name: "AWS VPC CNI", namespaces: []string{"kube-system"},
		daemonSets: []string{"aws-node"}, images: []string{"amazon-k8s-cni"},
		apiGroups: []string{"networking.k8s.aws"},
		enforces: func(ds *appsv1.DaemonSet) (bool, string) {
			c := containerWithImage(ds, "aws-network-policy-agent")
			switch {
			case c == nil:
				return false, "its network policy agent (aws-network-policy-agent container) is not in the DaemonSet"
			case !boolFlag(c, "enable-network-policy", false):
				return false, "its network policy agent (container " + c.Name + ") runs without --enable-network-policy=true (default false)"
			}
			return true, ""
		},
		source: "https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html",
		says: "the VPC CNI enforces network policies through its network policy agent, enabled with " +
			"--enable-network-policy=true (github.com/aws/aws-network-policy-agent: default false)",
	},
	{
		name: "Azure Network Policy Manager", namespaces: []string{"kube-system"},
		daemonSets: []string{"azure-npm", "azure-npm-win"}, images: []string{"azure-npm"},
		source: "https://learn.microsoft.com/azure/aks/use-network-policies",
		says:   "Azure Network Policy Manager is one of the AKS network policy engines that enforce Kubernetes network policies",
	},
	{
		name: "flannel", namespaces: []string{"kube-flannel", "kube-system"},
		daemonSets: []string{"kube-flannel-ds"}, images: []string{"flannel/flannel", "flannel-io/flannel", "coreos/flannel", "mirrored-flannelcni-flannel"},
		never:  true,
		source: "https://github.com/flannel-io/flannel/blob/master/README.md",
		says:   "flannel is focused on networking; for network policy, other projects such as Calico can be used",
	},
	{
		name: "Azure CNI without a network policy engine", namespaces: []string{"kube-system"},
		daemonSets: []string{"azure-cns"}, images: []string{"azure-cns"},
		never:  true,
		source: "https://learn.microsoft.com/javascript/api/@azure/arm-containerservice/knownnetworkpolicy",
		says:   "AKS network policy none: network policies will not be enforced (the default); Azure NPM, Calico or Cilium enforce them",
	},
}

// matches reports whether DaemonSet ds is the plugin's agent.
func (p *cniPlugin) matches(ds *appsv1.DaemonSet) bool {
	if !contains(p.namespaces, ds.Namespace) {
		return false
	}
	if contains(p.daemonSets, ds.Name) {
		return true
	}
	for _, img := range p.images {
		if containerWithImage(ds, img) != nil {
			return true
		}
	}
	return false
}

// containerWithImage returns the DaemonSet's first container whose image repository ends with
// the path elements repo, or nil.
func containerWithImage(ds *appsv1.DaemonSet, repo string) *corev1.Container {
	cs := ds.Spec.Template.Spec.Containers
	for i := range cs {
		if imageIs(cs[i].Image, repo) {
			return &cs[i]
		}
	}
	return nil
}

// imageIs reports whether image's repository, as the container runtimes normalise it
// (github.com/distribution/reference), ends with the whole path elements repo.
func imageIs(image, repo string) bool {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return false
	}
	path := reference.Path(named)
	return path == repo || strings.HasSuffix(path, "/"+repo)
}

// boolFlag returns the value of boolean flag name on container c's command line (pflag's
// reading: last occurrence wins, a bare flag is true), or def when it is not given or not a
// boolean.
func boolFlag(c *corev1.Container, name string, def bool) bool {
	v := def
	for _, f := range componentflags.Parse(c.Command, c.Args, func(n string) bool { return n == name }) {
		if f.Name != name {
			continue
		}
		if f.Bare {
			v = true
		} else if b, err := strconv.ParseBool(f.Value); err == nil {
			v = b
		}
	}
	return v
}
