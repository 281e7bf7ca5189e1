package network

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubeposture/kubeposture/snapshot"
)

// The service meshes' API groups: a mesh is installed when its group is served.
const (
	istioSecurityGroup = "security.istio.io"
	linkerdPolicyGroup = "policy.linkerd.io"
)

// Istio's and Linkerd's proxy container names, as their injectors add them (a regular
// container, or a native sidecar: an init container restarted always).
var proxyContainers = []string{"istio-proxy", "linkerd-proxy"}

// mesh is which mesh a namespace is meant to be in, from the labels and annotations the
// meshes' injectors read.
type mesh string

const (
	noMesh       mesh = ""
	istioSidecar mesh = "istio"
	istioAmbient mesh = "istio-ambient"
	linkerd      mesh = "linkerd"
)

// namespaceMesh is the mesh ns is meant to be in: Istio's injector takes the namespace label
// istio-injection=enabled or istio.io/rev (a revision; istio-injection=disabled wins), its
// ambient mode istio.io/dataplane-mode=ambient; Linkerd's injector the annotation
// linkerd.io/inject=enabled.
func namespaceMesh(ns *corev1.Namespace) mesh {
	l := ns.Labels
	switch {
	case l["istio.io/dataplane-mode"] == "ambient":
		return istioAmbient
	case l["istio-injection"] == "enabled", l["istio-injection"] != "disabled" && l["istio.io/rev"] != "":
		return istioSidecar
	case ns.Annotations["linkerd.io/inject"] == "enabled":
		return linkerd
	}
	return noMesh
}

// meshedNamespaces maps each namespace meant to be meshed to its mesh.
func meshedNamespaces(s *snapshot.Snapshot) map[string]mesh {
	out := map[string]mesh{}
	for i := range s.Namespaces {
		if m := namespaceMesh(&s.Namespaces[i]); m != noMesh {
			out[s.Namespaces[i].Name] = m
		}
	}
	return out
}

// hasProxy reports whether spec runs a mesh proxy, as a container or as a native sidecar.
func hasProxy(spec *corev1.PodSpec) bool {
	for _, c := range spec.Containers {
		if slices.Contains(proxyContainers, c.Name) {
			return true
		}
	}
	for _, c := range spec.InitContainers {
		if slices.Contains(proxyContainers, c.Name) && c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			return true
		}
	}
	return false
}

// istioRootNamespace is the namespace whose PeerAuthentication without selector is the
// mesh-wide policy: meshConfig.rootNamespace, from the "mesh" key of the ConfigMap istio in
// istio-system (where istioctl and the Helm chart write it), or istio-system, its default.
func istioRootNamespace(s *snapshot.Snapshot) string {
	const def = "istio-system"
	for i := range s.ConfigMaps {
		cm := &s.ConfigMaps[i]
		if cm.Namespace != def || cm.Name != "istio" {
			continue
		}
		var mc struct {
			RootNamespace string `json:"rootNamespace"`
		}
		if yaml.Unmarshal([]byte(cm.Data["mesh"]), &mc) == nil && mc.RootNamespace != "" {
			return mc.RootNamespace
		}
	}
	return def
}

// linkerdDefaultPolicy is the cluster's default inbound policy: proxy.defaultInboundPolicy of
// the values in the ConfigMap linkerd-config (namespace linkerd), or all-unauthenticated,
// Linkerd's default.
func linkerdDefaultPolicy(s *snapshot.Snapshot) string {
	for i := range s.ConfigMaps {
		cm := &s.ConfigMaps[i]
		if cm.Namespace != "linkerd" || cm.Name != "linkerd-config" {
			continue
		}
		var v struct {
			Proxy struct {
				DefaultInboundPolicy string `json:"defaultInboundPolicy"`
			} `json:"proxy"`
		}
		if yaml.Unmarshal([]byte(cm.Data["values"]), &v) == nil && v.Proxy.DefaultInboundPolicy != "" {
			return v.Proxy.DefaultInboundPolicy
		}
	}
	return "all-unauthenticated"
}
