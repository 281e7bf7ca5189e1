package node

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
)

// group folds the per-node results of one control into one result per group of nodes with the
// same verdict on the same value (status, observed and expected value, reason), so that a
// 500-node pool gives one line, not 500. A group of one node keeps its Node resource; a larger
// group becomes a NodeGroup named after its first node, and its Evidence.Where lists every
// node. Where the nodes of a group read the value from different places (one kubelet's config
// file sets what another's defaults give), Where names each place with its nodes: where a value
// came from is evidence, but not a difference between nodes. Among the nodes the control judged
// (not NOT_APPLICABLE: a node it is not about is no part of the pool), a small group that
// differs from the largest one (one node, or at most a fifth of the nodes, of at least three) is
// called out as an outlier in its Observed value, with what the others report.
//
// Grouping is done here rather than in the engine: the engine knows nothing of nodes, and
// only the node layer has many identical resources whose evidence differs by name alone.
func group(results []checks.Result) []checks.Result {
	// place is a Where less its node: what comes before and after "node NAME" (all of it in
	// before when it names no node), sliced from the first result's, so that comparing results'
	// places allocates nothing.
	type place struct {
		before, after string
		named         bool
		nodes         []string
	}
	type grp struct {
		first  checks.Result
		nodes  []string
		places []*place
	}
	type key struct{ status, observed, expected, reason string }
	var groups []*grp
	byKey := map[key]*grp{}
	total := 0 // the nodes the control judged
	for _, r := range results {
		if r.Resource.Kind != "Node" {
			groups = append(groups, &grp{first: r})
			continue
		}
		if r.Status != checks.NotApplicable {
			total++
		}
		key := key{string(r.Status), r.Evidence.Observed, r.Evidence.Expected, r.Reason}
		g := byKey[key]
		if g == nil {
			g = &grp{first: r}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.nodes = append(g.nodes, r.Resource.Name)
		p := place{before: r.Evidence.Where}
		if j := strings.Index(r.Evidence.Where, "node "+r.Resource.Name); j >= 0 {
			p = place{before: r.Evidence.Where[:j], after: r.Evidence.Where[j+len("node ")+len(r.Resource.Name):], named: true}
		}
		i := 0
		for i < len(g.places) && (g.places[i].before != p.before || g.places[i].after != p.after || g.places[i].named != p.named) {
			i++
		}
		if i == len(g.places) {
			g.places = append(g.places, &p)
		}
		g.places[i].nodes = append(g.places[i].nodes, r.Resource.Name)
	}
	var largest *grp
	for _, g := range groups {
		if g.nodes != nil && g.first.Status != checks.NotApplicable && (largest == nil || len(g.nodes) > len(largest.nodes)) {
			largest = g
		}
	}
	out := make([]checks.Result, 0, len(groups))
	for _, g := range groups {
		r := g.first
		if len(g.nodes) > 1 {
			sort.Strings(g.nodes)
			r.Resource = checks.Resource{Kind: "NodeGroup", Name: fmt.Sprintf("%s and %d more", g.nodes[0], len(g.nodes)-1)}
			for _, p := range g.places {
				sort.Strings(p.nodes)
			}
			sort.SliceStable(g.places, func(i, j int) bool { return g.places[i].nodes[0] < g.places[j].nodes[0] })
			wheres := make([]string, len(g.places))
			for i, p := range g.places {
				wheres[i] = p.before
				if p.named {
					wheres[i] += nodeList(p.nodes) + p.after
				}
			}
			r.Evidence.Where = strings.Join(wheres, "; ")
		}
		if g.nodes != nil && largest != nil && g != largest && g.first.Status != checks.NotApplicable && total >= 3 &&
			(len(g.nodes) == 1 || len(g.nodes)*5 <= total) && len(g.nodes) < len(largest.nodes) {
			r.Evidence.Observed = strings.TrimSpace(fmt.Sprintf("%s (outlier: %d of %d nodes; the other %d of the largest group report %s %s)",
				r.Evidence.Observed, len(g.nodes), total, len(largest.nodes), largest.first.Status, describe(largest.first)))
		}
		out = append(out, r)
	}
	return out
}

// nodeList names nodes in a Where: "node a" for one, "3 nodes: a, b, c" for more.
func nodeList(nodes []string) string {
	if len(nodes) == 1 {
		return "node " + nodes[0]
	}
	return fmt.Sprintf("%d nodes: %s", len(nodes), strings.Join(nodes, ", "))
}

func describe(r checks.Result) string {
	if r.Evidence.Observed != "" {
		return r.Evidence.Observed
	}
	return "(" + r.Reason + ")"
}
