package checks

import (
	"fmt"
	"strings"
)

// Framework is a standard a control can be selected and scored by.
type Framework string

const (
	CIS           Framework = "cis-1.12"
	PSSBaseline   Framework = "pss-baseline"
	PSSRestricted Framework = "pss-restricted"
	NSA           Framework = "nsa"
	// All selects every control, whatever its references.
	All Framework = "all"
)

// Frameworks lists the frameworks in report order (All excluded).
var Frameworks = []Framework{CIS, PSSBaseline, PSSRestricted, NSA}

// ParseFramework accepts a framework name as given on the command line.
func ParseFramework(s string) (Framework, error) {
	f := Framework(strings.ToLower(strings.TrimSpace(s)))
	if f == All {
		return f, nil
	}
	for _, v := range Frameworks {
		if f == v {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown framework %q (want one of %s, %s)", s, joinNames(Frameworks), All)
}

// In reports whether the control belongs to framework f. The restricted Pod Security level
// includes the baseline one, as in k8s.io/pod-security-admission.
func (c *Control) In(f Framework) bool {
	return c.References.In(f)
}

// In reports whether r names an item of framework f (see Control.In).
func (r *References) In(f Framework) bool {
	switch f {
	case All:
		return true
	case CIS:
		return len(r.CIS) > 0
	case NSA:
		return len(r.NSA) > 0
	case PSSBaseline:
		return r.PSSLevel == "baseline"
	case PSSRestricted:
		return r.PSSLevel == "baseline" || r.PSSLevel == "restricted"
	}
	return false
}

// Frameworks returns the frameworks the control belongs to.
func (c *Control) Frameworks() []Framework {
	var out []Framework
	for _, f := range Frameworks {
		if c.In(f) {
			out = append(out, f)
		}
	}
	return out
}
