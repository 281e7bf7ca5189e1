package collect

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// derive fills in what is computed from the lists: the control-plane components, the
// cluster's identity and its provider. When the plan read no pods, kube-system's were listed
// for this (systemPods) and are dropped once used.
func (c *collector) derive(ctx context.Context) {
	s := c.snap
	pods, col := s.Pods, s.Resources[snapshot.ResPods]
	if !c.opts.Plan.reads(snapshot.ResPods) {
		pods, col = c.systemPods, snapshot.Collection{State: snapshot.Collected}
		if c.systemPods == nil && c.systemErr != nil {
			col = outcome(c.systemErr)
		}
		c.systemPods = nil
	}
	if col.State == snapshot.Collected {
		s.ControlPlane = ControlPlane(pods)
		s.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Collected, Count: len(s.ControlPlane)}
	} else {
		s.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: col.State,
			Message: fmt.Sprintf("read from kube-system pods, which were not collected: %s", col.Message)}
	}
	s.Cluster.UID = c.clusterUID(ctx)
	s.Cluster.Provider = detectProvider(s.Cluster.Version, s.Nodes, s.ControlPlane, pods)
}

// clusterUID is the kube-system namespace's UID, from the namespace list or, when that was
// forbidden, a single GET (often allowed where LIST is not).
func (c *collector) clusterUID(ctx context.Context) string {
	for _, ns := range c.snap.Namespaces {
		if ns.Name == "kube-system" {
			return string(ns.UID)
		}
	}
	ns, err := c.cs.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{})
	if err != nil {
		return ""
	}
	return string(ns.UID)
}
