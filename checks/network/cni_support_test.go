package network

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// daemonSet builds DaemonSet ns/name whose containers run images; a container's args follow
// its image after a space ("image --flag=v").
func daemonSet(nsName string, images ...string) appsv1.DaemonSet {
	ns, name, _ := strings.Cut(nsName, "/")
	ds := appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	for i, img := range images {
		f := strings.Fields(img)
		ds.Spec.Template.Spec.Containers = append(ds.Spec.Template.Spec.Containers,
			corev1.Container{Name: "c" + string(rune('0'+i)), Image: f[0], Args: f[1:]})
	}
	return ds
}

// The manifests' own DaemonSets, as their installers write them.
var (
	flannelDS = daemonSet("kube-flannel/kube-flannel-ds", "ghcr.io/flannel-io/flannel:v0.26.1")
	calicoDS  = daemonSet("kube-system/calico-node", "docker.io/calico/node:v3.29.1")
	awsNode   = func(agent ...string) appsv1.DaemonSet {
		images := []string{"602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.0"}
		if len(agent) > 0 {
			images = append(images, "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.5 --enable-ipv6=false "+agent[0])
		}
		return daemonSet("kube-system/aws-node", images...)
	}
)

// TestCNISupport holds KP-NET-019 to CIS 5.3.1 for each row of the plugin table, and to what
// it cannot know.
func TestCNISupport(t *testing.T) {
	tests := []struct {
		name      string
		ds        []appsv1.DaemonSet
		groups    []string
		provider  snapshot.Provider
		want      checks.Status
		observed  string
		reasonHas string
	}{
		{"flannel alone", []appsv1.DaemonSet{flannelDS}, nil, "", checks.Fail,
			"flannel (DaemonSet kube-flannel/kube-flannel-ds) does not enforce NetworkPolicy: flannel is focused on networking", ""},
		{"flannel in kube-system, older manifest", []appsv1.DaemonSet{daemonSet("kube-system/kube-flannel-ds-amd64", "quay.io/coreos/flannel:v0.11.0-amd64")}, nil, "", checks.Fail,
			"flannel (DaemonSet kube-system/kube-flannel-ds-amd64)", ""},
		{"flannel and Calico", []appsv1.DaemonSet{flannelDS, calicoDS}, nil, "", checks.Pass,
			"Calico (DaemonSet kube-system/calico-node): Calico enforces Kubernetes network policy", ""},
		{"Calico through the operator", []appsv1.DaemonSet{daemonSet("calico-system/calico-node", "quay.io/calico/node:v3.29.1")}, nil, "", checks.Pass, "Calico", ""},
		{"Calico on AKS", []appsv1.DaemonSet{daemonSet("calico-system/calico-node", "mcr.microsoft.com/oss/calico/node:v3.26.3")}, nil, "", checks.Pass, "Calico", ""},
		{"Canal", []appsv1.DaemonSet{daemonSet("kube-system/canal", "docker.io/calico/node:v3.29.1", "docker.io/flannel/flannel:v0.26.1")}, nil, "", checks.Pass,
			"Canal (Calico policy, flannel networking) (DaemonSet kube-system/canal)", ""},
		{"Cilium", []appsv1.DaemonSet{daemonSet("kube-system/cilium", "quay.io/cilium/cilium:v1.16.5@sha256:758ca0793f5995bb938a2fa219dcce63dc0b3fa7fc4ce5cc851125281fb7361d")}, []string{"cilium.io"}, "", checks.Pass, "Cilium", ""},
		{"GKE Dataplane V2", []appsv1.DaemonSet{daemonSet("kube-system/anetd", "gke.gcr.io/cilium/cilium:v1.14.8-gke.1")}, nil, "", checks.Pass, "GKE Dataplane V2 (DaemonSet kube-system/anetd)", ""},
		{"Antrea", []appsv1.DaemonSet{daemonSet("kube-system/antrea-agent", "antrea/antrea-agent-ubuntu:v2.2.0", "antrea/antrea-agent-ubuntu:v2.2.0")}, nil, "", checks.Pass, "Antrea", ""},
		{"Weave Net with weave-npc", []appsv1.DaemonSet{daemonSet("kube-system/weave-net", "weaveworks/weave-kube:2.8.1", "weaveworks/weave-npc:2.8.1")}, nil, "", checks.Pass, "Weave Net", ""},
		{"Weave Net without weave-npc", []appsv1.DaemonSet{daemonSet("kube-system/weave-net", "weaveworks/weave-kube:2.8.1")}, nil, "", checks.Fail,
			"weave-npc container) is not in the DaemonSet", ""},
		{"kube-router", []appsv1.DaemonSet{daemonSet("kube-system/kube-router", "docker.io/cloudnativelabs/kube-router:v2.4.1 --run-router=true")}, nil, "", checks.Pass, "kube-router", ""},
		{"kube-router without its firewall", []appsv1.DaemonSet{daemonSet("kube-system/kube-router", "docker.io/cloudnativelabs/kube-router:v2.4.1 --run-firewall=false --run-service-proxy=true")}, nil, "", checks.Fail,
			"--run-firewall=false", ""},
		{"AWS VPC CNI without its agent", []appsv1.DaemonSet{awsNode()}, nil, "", checks.Fail, "aws-network-policy-agent container) is not in the DaemonSet", ""},
		{"AWS VPC CNI, agent off by default", []appsv1.DaemonSet{awsNode("--enable-cloudwatch-logs=false")}, []string{"networking.k8s.aws"}, "", checks.Fail,
			"runs without --enable-network-policy=true (default false)", ""},
		{"AWS VPC CNI, agent off", []appsv1.DaemonSet{awsNode("--enable-network-policy=false")}, nil, "", checks.Fail, "--enable-network-policy", ""},
		{"AWS VPC CNI, agent on", []appsv1.DaemonSet{awsNode("--enable-network-policy=true")}, []string{"networking.k8s.aws"}, snapshot.ProviderEKS, checks.Pass,
			"AWS VPC CNI (DaemonSet kube-system/aws-node): the VPC CNI enforces network policies", ""},
		{"AWS VPC CNI with Calico", []appsv1.DaemonSet{awsNode(), daemonSet("calico-system/calico-node", "quay.io/calico/node:v3.29.1")}, nil, "", checks.Pass,
			"Calico (DaemonSet calico-system/calico-node): Calico enforces Kubernetes network policy (https://docs.tigera.io/calico/latest/network-policy/get-started/kubernetes-policy/kubernetes-network-policy); AWS VPC CNI (DaemonSet kube-system/aws-node) does not enforce", ""},
		{"Azure NPM", []appsv1.DaemonSet{daemonSet("kube-system/azure-cns", "mcr.microsoft.com/containernetworking/azure-cns:v1.6.13"), daemonSet("kube-system/azure-npm", "mcr.microsoft.com/containernetworking/azure-npm:v1.5.45")}, nil, "", checks.Pass, "Azure Network Policy Manager", ""},
		{"Azure CNI without an engine", []appsv1.DaemonSet{daemonSet("kube-system/azure-cns", "mcr.microsoft.com/containernetworking/azure-cns:v1.6.13")}, nil, "", checks.Fail, "network policies will not be enforced", ""},
		{"nothing recognised", []appsv1.DaemonSet{daemonSet("kube-system/kube-proxy", "registry.k8s.io/kube-proxy:v1.37.2")}, nil, "", checks.Manual,
			"no known network plugin's DaemonSet", "not recognised"},
		{"a plugin's image in an application namespace", []appsv1.DaemonSet{daemonSet("lab/cilium", "quay.io/cilium/cilium:v1.16.5")}, nil, "", checks.Manual, "no known network plugin's DaemonSet", ""},
		{"an image that only looks like one", []appsv1.DaemonSet{daemonSet("kube-system/node", "example.com/notcalico/node:1")}, nil, "", checks.Manual, "no known", ""},
		{"a plugin's API without its agent", nil, []string{"apps", "cilium.io"}, "", checks.Manual,
			"API served: Cilium (cilium.io)", "confirm that it runs"},
		{"flannel and Calico's API without its agent", []appsv1.DaemonSet{flannelDS}, []string{"crd.projectcalico.org"}, "", checks.Manual,
			"flannel (DaemonSet kube-flannel/kube-flannel-ds) does not enforce NetworkPolicy", "Calico (crd.projectcalico.org) is served without its agent"},
		{"k3s", nil, nil, snapshot.ProviderK3s, checks.Manual, "no known", "--disable-network-policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected(snapshot.ResDaemonSets, snapshot.ResAPIGroups)
			s.DaemonSets, s.APIGroups, s.Cluster.Provider = tt.ds, tt.groups, tt.provider
			rs := cniSupport(s)
			if len(rs) != 1 {
				t.Fatalf("%d results, want 1", len(rs))
			}
			r := rs[0]
			check(t, r, tt.want, tt.observed)
			if !strings.Contains(r.Reason, tt.reasonHas) || (tt.want == checks.Manual) != (r.Reason != "") {
				t.Errorf("reason %q, want one containing %q (MANUAL results only)", r.Reason, tt.reasonHas)
			}
		})
	}
}

// TestCNIPluginTable: every row names its namespaces, a way to recognise its agent and its
// source, and a row that always enforces has nothing to say why not.
func TestCNIPluginTable(t *testing.T) {
	for _, p := range cniPlugins {
		if p.name == "" || len(p.namespaces) == 0 || len(p.daemonSets)+len(p.images) == 0 ||
			!strings.HasPrefix(p.source, "https://") || p.says == "" || (p.never && p.enforces != nil) {
			t.Errorf("incomplete row %+v", p)
		}
	}
}
