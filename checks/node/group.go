package node

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
)

// group folds the per-node results of one control into one result per group of nodes whose
// verdict rests on the same evidence (status, observed and expected value, where it was
// read, reason), so that a 500-node pool gives one line, not 500. A group of one node keeps
// its Node resource; a larger group becomes a NodeGroup named after its first node, and its
// Evidence.Where lists every node. A small group that differs from the largest one (one node,
// or at most a fifth of the nodes, of at least three) is called out as an outlier in its
// Observed value, with what the others report.
//
// Grouping is done here rather than in the engine: the engine knows nothing of nodes, and
// only the node layer has many identical resources whose evidence differs by name alone.
func group(results []checks.Result) []checks.Result {
	type grp struct {
		key   string
		first checks.Result
		nodes []string
	}
	var groups []*grp
	byKey := map[string]*grp{}
	total := 0
	for _, r := range results {
		if r.Resource.Kind != "Node" {
			groups = append(groups, &grp{first: r})
			continue
		}
		total++
		tmpl := strings.Replace(r.Evidence.Where, "node "+r.Resource.Name, "node {}", 1)
		key := strings.Join([]string{string(r.Status), r.Evidence.Observed, r.Evidence.Expected, tmpl, r.Reason}, "\x00")
		g := byKey[key]
		if g == nil {
			g = &grp{key: key, first: r}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.nodes = append(g.nodes, r.Resource.Name)
	}
	var largest *grp
	for _, g := range groups {
		if g.nodes != nil && (largest == nil || len(g.nodes) > len(largest.nodes)) {
			largest = g
		}
	}
	out := make([]checks.Result, 0, len(groups))
	for _, g := range groups {
		r := g.first
		if len(g.nodes) > 1 {
			sort.Strings(g.nodes)
			r.Resource = checks.Resource{Kind: "NodeGroup", Name: fmt.Sprintf("%s and %d more", g.nodes[0], len(g.nodes)-1)}
			r.Evidence.Where = strings.Replace(r.Evidence.Where, "node "+g.first.Resource.Name,
				fmt.Sprintf("%d nodes: %s", len(g.nodes), strings.Join(g.nodes, ", ")), 1)
		}
		if g.nodes != nil && g != largest && total >= 3 && (len(g.nodes) == 1 || len(g.nodes)*5 <= total) &&
			len(g.nodes) < len(largest.nodes) {
			r.Evidence.Observed = strings.TrimSpace(fmt.Sprintf("%s (outlier: %d of %d nodes; the other %d of the largest group report %s %s)",
				r.Evidence.Observed, len(g.nodes), total, len(largest.nodes), largest.first.Status, describe(largest.first)))
		}
		out = append(out, r)
	}
	return out
}

func describe(r checks.Result) string {
	if r.Evidence.Observed != "" {
		return r.Evidence.Observed
	}
	return "(" + r.Reason + ")"
}
