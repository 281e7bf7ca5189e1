package collect

import (
	"path"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// controlPlaneNames are the components read from kube-system static pods.
var controlPlaneNames = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"}

// mirrorAnnotation marks the API server's mirror of a kubelet static pod (kubeadm and most
// self-managed installers run the control plane that way).
const mirrorAnnotation = "kubernetes.io/config.mirror"

// ControlPlane finds the control-plane components among pods: containers in kube-system
// whose program (first word of command), container name, or pod "component" label (set by
// kubeadm) names a component. Exported for the node agent and manifests readers to come.
func ControlPlane(pods []corev1.Pod) []snapshot.Component {
	var out []snapshot.Component
	for i := range pods {
		p := &pods[i]
		if p.Namespace != "kube-system" {
			continue
		}
		_, mirror := p.Annotations[mirrorAnnotation]
		for _, ctr := range p.Spec.Containers {
			name := componentName(p, &ctr)
			if name == "" {
				continue
			}
			out = append(out, snapshot.Component{
				Name:      name,
				Namespace: p.Namespace,
				Pod:       p.Name,
				Node:      p.Spec.NodeName,
				Image:     ctr.Image,
				Mirror:    mirror,
				Command:   ctr.Command,
				Args:      ctr.Args,
				Flags:     componentflags.Parse(ctr.Command, ctr.Args, componentflags.BoolFlags(name)),
				Env:       literalEnv(ctr.Env),
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Pod < out[j].Pod
	})
	return out
}

func componentName(p *corev1.Pod, c *corev1.Container) string {
	candidates := []string{c.Name, p.Labels["component"]}
	if len(c.Command) > 0 {
		candidates = append([]string{path.Base(c.Command[0])}, candidates...)
	}
	for _, cand := range candidates {
		for _, n := range controlPlaneNames {
			if cand == n {
				return n
			}
		}
	}
	return ""
}

// literalEnv keeps variables with literal values; references to secrets and config maps are
// kept by name only.
func literalEnv(env []corev1.EnvVar) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, e := range env {
		if e.ValueFrom != nil {
			out = append(out, corev1.EnvVar{Name: e.Name})
			continue
		}
		out = append(out, e)
	}
	return out
}

// detectProvider names the platform from what any reader of nodes and the version can see:
// the version string (k3s, EKS and GKE stamp theirs), node labels and provider ids, and the
// kubeadm static pods' annotations.
func detectProvider(version string, nodes []corev1.Node, comps []snapshot.Component, pods []corev1.Pod) snapshot.Provider {
	switch {
	case strings.Contains(version, "+k3s"):
		return snapshot.ProviderK3s
	case strings.Contains(version, "-eks-"):
		return snapshot.ProviderEKS
	case strings.Contains(version, "-gke."):
		return snapshot.ProviderGKE
	}
	for _, n := range nodes {
		switch {
		case hasLabelPrefix(n.Labels, "eks.amazonaws.com/"):
			return snapshot.ProviderEKS
		case hasLabelPrefix(n.Labels, "cloud.google.com/gke-"):
			return snapshot.ProviderGKE
		case hasLabelPrefix(n.Labels, "kubernetes.azure.com/"):
			return snapshot.ProviderAKS
		case strings.HasPrefix(n.Spec.ProviderID, "k3s://"):
			return snapshot.ProviderK3s
		}
	}
	for _, p := range pods {
		if p.Namespace != "kube-system" {
			continue
		}
		for k := range p.Annotations {
			if strings.HasPrefix(k, "kubeadm.kubernetes.io/") {
				return snapshot.ProviderKubeadm
			}
		}
	}
	return snapshot.ProviderUnknown
}

func hasLabelPrefix(labels map[string]string, prefix string) bool {
	for k := range labels {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
