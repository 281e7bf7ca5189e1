package snapshot

import (
	"sort"
	"strings"
)

// Flag returns the effective value of a single-value flag: the last occurrence wins, as in
// pflag. set is false when the flag does not appear at all, so that the caller can apply the
// binary's default rather than guess.
func (c *Component) Flag(name string) (value string, set bool) {
	for i := len(c.Flags) - 1; i >= 0; i-- {
		if c.Flags[i].Name == name {
			if c.Flags[i].Bare {
				return "true", true
			}
			return c.Flags[i].Value, true
		}
	}
	return "", false
}

// Source names where the component was read, for evidence: its pod, or the static pod
// manifest on its node.
func (c *Component) Source() string {
	if c.Manifest == "" {
		return "pod " + c.Namespace + "/" + c.Pod
	}
	return c.Name + " manifest " + c.Manifest + " on node " + c.Node
}

// Component returns the first instance of the named component (Components), or nil.
func (s *Snapshot) Component(name string) *Component {
	if cs := s.Components(name); len(cs) > 0 {
		return cs[0]
	}
	return nil
}

// Components returns every instance of the named component, one per control-plane node,
// ordered by pod name. An instance is read from its mirror pod in kube-system when the
// collector saw one: that is what runs. A node whose node report holds the component's static
// pod manifest and whose mirror pod was not seen (kube-system pods forbidden, no API access, a
// kubelet that did not post the mirror) gets the instance that manifest declares, named as its
// mirror pod would be. When both are there the mirror pod wins, with the manifest as its
// Static. The instances are shared by the readers of a run (Derived): they must not be changed.
func (s *Snapshot) Components(name string) []*Component {
	all := s.Derived(componentsKey{}, func() any { return s.components() }).([]Component)
	var out []*Component
	for i := range all {
		if all[i].Name == name {
			out = append(out, &all[i])
		}
	}
	return out
}

type componentsKey struct{}

// components merges the mirror pods' components with the node reports' static pods (see
// Components), matching them by component name and node. Mirror pods recorded as not
// collected (forbidden, failed) are no evidence and are left out.
func (s *Snapshot) components() []Component {
	type key struct{ name, node string }
	var out []Component
	if col, ok := s.Resources[ResControlPlane]; !ok || col.State == Collected || col.State == Partial {
		out = append(make([]Component, 0, len(s.ControlPlane)+4), s.ControlPlane...)
	}
	mirrors := make(map[key]int, len(out))
	for i, c := range out {
		mirrors[key{c.Name, c.Node}] = i
	}
	added := false
	for i := range s.NodeReports {
		r := &s.NodeReports[i]
		for j := range r.StaticPods {
			m := &r.StaticPods[j]
			if k, ok := mirrors[key{m.Name, r.Node}]; ok {
				if out[k].Static == nil {
					out[k].Static = m
				}
				continue
			}
			c := *m
			c.Node, c.Mirror = r.Node, false
			c.Namespace, c.Pod = mirrorPod(m.Namespace, m.Pod, r.Node)
			if c.Manifest == "" { // a report of an agent that did not record the path
				c.Manifest = "(path not recorded by the node agent)"
			}
			out = append(out, c)
			added = true
		}
	}
	if added {
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].Name != out[j].Name {
				return out[i].Name < out[j].Name
			}
			return out[i].Pod < out[j].Pod
		})
	}
	return out
}

// mirrorPod returns the namespace and name of the mirror pod the kubelet of node creates for
// a static pod manifest declaring namespace and name: the name with the node's name appended,
// lower-cased, and "default" for no namespace (k8s.io/kubernetes pkg/kubelet/config/common.go,
// applyDefaults and generatePodName).
func mirrorPod(namespace, name, node string) (string, string) {
	if namespace == "" {
		namespace = "default"
	}
	return namespace, name + "-" + strings.ToLower(node)
}
