package report

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
)

// frameworkItem is one item of a framework (a CIS recommendation, a Pod Security Standards
// check, an NSA/CISA guide area) with the controls of the report that claim it, in report
// order.
type frameworkItem struct {
	ID       string
	Controls []*checks.ControlReport
}

// frameworkRefs returns the ids control c claims in framework f: "1.2.1" (CIS), "privileged"
// (PSS, for the level's controls, the restricted level including the baseline one), "C-0005"
// (NSA), "T1611" (MITRE ATT&CK).
func frameworkRefs(c *checks.Control, f checks.Framework) []string {
	if !c.In(f) {
		return nil
	}
	switch f {
	case checks.CIS:
		return c.References.CIS
	case checks.NSA:
		return c.References.NSA
	case checks.MITRE:
		return c.References.MITRE
	case checks.PSSBaseline, checks.PSSRestricted:
		return c.References.PSS
	}
	return nil
}

// frameworkItems lists the items of framework f that the controls keep selects claim (every
// control when keep is nil), in the framework's order: CIS by section number (1.1.2 before
// 1.1.10), the others by id.
func frameworkItems(controls []checks.ControlReport, f checks.Framework, keep func(*checks.Control) bool) []frameworkItem {
	byID := map[string]int{}
	var items []frameworkItem
	for i := range controls {
		c := &controls[i]
		if keep != nil && !keep(&c.Control) {
			continue
		}
		for _, id := range frameworkRefs(&c.Control, f) {
			j, ok := byID[id]
			if !ok {
				j = len(items)
				byID[id] = j
				items = append(items, frameworkItem{ID: id})
			}
			if n := len(items[j].Controls); n == 0 || items[j].Controls[n-1] != c {
				items[j].Controls = append(items[j].Controls, c)
			}
		}
	}
	cmp := strings.Compare
	if f == checks.CIS {
		cmp = compareSectionNumbers
	}
	slices.SortStableFunc(items, func(a, b frameworkItem) int { return cmp(a.ID, b.ID) })
	return items
}

// compareSectionNumbers orders dotted section numbers numerically, part by part ("1.2.9"
// before "1.2.10", "2" before "2.1"); a part that is not a number sorts after the numbers, by
// its text.
func compareSectionNumbers(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		switch {
		case ea == nil && eb == nil:
			if na != nb {
				return na - nb
			}
		case ea == nil:
			return -1
		case eb == nil:
			return 1
		default:
			if c := strings.Compare(pa[i], pb[i]); c != 0 {
				return c
			}
		}
	}
	return len(pa) - len(pb)
}

// frameworkTitle names a framework for people.
func frameworkTitle(f checks.Framework) string {
	switch f {
	case checks.CIS:
		return "CIS Kubernetes Benchmark 1.12"
	case checks.PSSBaseline:
		return "Pod Security Standards, baseline level"
	case checks.PSSRestricted:
		return "Pod Security Standards, restricted level (which includes the baseline level)"
	case checks.NSA:
		return "NSA/CISA Kubernetes Hardening Guide (areas by their kubescape ids)"
	case checks.MITRE:
		return "MITRE ATT&CK Containers matrix (techniques the controls mitigate or detect)"
	}
	return string(f)
}

// selectedFrameworks are the frameworks the report's selection asked for, in report order:
// every framework when it named none or "all".
func selectedFrameworks(sel checks.Selection) []checks.Framework {
	if len(sel.Frameworks) == 0 || slices.Contains(sel.Frameworks, checks.All) {
		return checks.Frameworks
	}
	var out []checks.Framework
	for _, f := range checks.Frameworks {
		if slices.Contains(sel.Frameworks, f) {
			out = append(out, f)
		}
	}
	return out
}
