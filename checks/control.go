// Package checks is kubeposture's check engine: the control catalog, the registry of
// checks, and Run, which evaluates checks over a snapshot into a Report.
//
// A check is a pure function of a snapshot. It never calls the API: what the collector could
// not see is in the snapshot's Resources, and the engine turns a missing input into
// NOT_EVALUATED for the whole control, so that no check passes on data it never had.
//
// Checks live in the layer packages (checks/controlplane, checks/node, checks/workload,
// checks/network, checks/rbac), one file per control, each registering itself in an init
// function.
package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Layer is the part of the cluster a control is about.
type Layer string

const (
	ControlPlane Layer = "control-plane"
	Node         Layer = "node"
	Workload     Layer = "workload"
	Network      Layer = "network"
)

// Layers lists the layers in report order.
var Layers = []Layer{ControlPlane, Node, Workload, Network}

// Severity is how bad a failure of the control is.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists severities from the most to the least severe.
var Severities = []Severity{Critical, High, Medium, Low, Info}

// Rank orders severities: critical is 4, info 0, unknown -1.
func (s Severity) Rank() int {
	for i, v := range Severities {
		if v == s {
			return len(Severities) - 1 - i
		}
	}
	return -1
}

// ParseSeverity accepts a severity name, case-insensitively.
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(s))
	if v.Rank() < 0 {
		return "", fmt.Errorf("unknown severity %q (want one of %s)", s, joinSeverities())
	}
	return v, nil
}

func joinSeverities() string {
	var names []string
	for _, s := range Severities {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

// References ties a control to the frameworks it implements.
type References struct {
	// CIS lists CIS Kubernetes Benchmark 1.12 control ids (e.g. "1.2.1").
	CIS []string `json:"cis,omitempty"`
	// PSS lists Pod Security Standards check ids as k8s.io/pod-security-admission names them
	// (e.g. "privileged"); PSSLevel is the level they belong to.
	PSS      []string `json:"pss,omitempty"`
	PSSLevel string   `json:"pssLevel,omitempty"`
	// NSA lists NSA/CISA Kubernetes Hardening Guide areas by their kubescape ids (e.g. "C-0057").
	NSA []string `json:"nsa,omitempty"`
	// MITRE lists techniques of the MITRE ATT&CK Containers matrix the control mitigates or
	// detects (e.g. "T1611"). Register fills it from MITREMappings, the one reviewed table.
	MITRE []string `json:"mitre,omitempty"`
}

// Items returns the ids r names in framework f: CIS recommendations, NSA/CISA areas, or for a
// Pod Security Standards level the checks of a control of that level (pss-restricted
// includes the baseline level, as in admission); nil when r is not in f.
func (r *References) Items(f Framework) []string {
	if !r.In(f) {
		return nil
	}
	switch f {
	case CIS:
		return r.CIS
	case NSA:
		return r.NSA
	case MITRE:
		return r.MITRE
	case PSSBaseline, PSSRestricted:
		return r.PSS
	}
	return nil
}

// Names reports whether r names item id of the CIS Benchmark, the NSA/CISA guide or the MITRE
// ATT&CK Containers matrix, the frameworks whose items --control selects by ("5.2.5",
// "C-0041", "T1611").
func (r *References) Names(id string) bool {
	return slices.Contains(r.CIS, id) || slices.Contains(r.NSA, id) || slices.Contains(r.MITRE, id)
}

// Within reports whether every item r names is one of outer's: a result can only decide items
// its control claims.
func (r *References) Within(outer *References) bool {
	subset := func(a, b []string) bool {
		for _, v := range a {
			if !slices.Contains(b, v) {
				return false
			}
		}
		return true
	}
	return subset(r.CIS, outer.CIS) && subset(r.NSA, outer.NSA) && subset(r.PSS, outer.PSS) && subset(r.MITRE, outer.MITRE) &&
		(r.PSSLevel == "" || r.PSSLevel == outer.PSSLevel)
}

// Control is one auditable rule: what it asks, why, and how to fix a failure.
type Control struct {
	// ID is kubeposture's own stable id, e.g. "KP-CP-001". It never changes meaning.
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Layer       Layer      `json:"layer"`
	Severity    Severity   `json:"severity"`
	Description string     `json:"description"`
	Remediation string     `json:"remediation"`
	References  References `json:"references"`
}

// Check pairs a control with the function that evaluates it.
type Check struct {
	Control
	// Inputs lists the snapshot resources the check reads. If any was not collected, the
	// engine reports the control NOT_EVALUATED with the reason and does not call Evaluate.
	Inputs []snapshot.Resource
	// AnyInputs lists resources the check reads in place of one another, node by node or
	// object by object (the kubelet checks read a node's configz, or else its node report): any
	// one suffices, so the engine gates on none of them, and one that was not collected is
	// reported as having left the control NOT_EVALUATED when the control has such a result.
	AnyInputs []snapshot.Resource
	// Reads lists resources the check reads when they were collected, without needing them:
	// the engine gates on none of them, but a collection for this check reads them
	// (checks.Reads).
	Reads []snapshot.Resource
	// Evaluate returns one result per resource it judged. It must not modify the snapshot.
	Evaluate func(s *snapshot.Snapshot) []Result
	// EvaluateParams is Evaluate for a check that also needs what the user gave (an
	// allow-list): still a pure function, of the snapshot and the run's Params. A check sets
	// exactly one of Evaluate and EvaluateParams.
	EvaluateParams func(s *snapshot.Snapshot, p Params) []Result
}

var (
	mu       sync.Mutex
	registry = map[string]Check{}
)

// Register adds a check to the catalog. It is called from init functions, so an invalid or
// duplicate check is a programming error and panics at start-up, where tests catch it. The
// control's MITRE ATT&CK techniques come from MITREMappings, never from the caller.
func Register(c Check) {
	if len(c.References.MITRE) > 0 {
		panic(fmt.Sprintf("checks.Register: control %s sets References.MITRE: map it in MITREMappings (checks/mitre.go)", c.ID))
	}
	c.References.MITRE = mitreOf(c.ID)
	if err := c.validate(); err != nil {
		panic(fmt.Sprintf("checks.Register: %v", err))
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[c.ID]; dup {
		panic(fmt.Sprintf("checks.Register: duplicate control id %q", c.ID))
	}
	registry[c.ID] = c
}

func (c Check) validate() error {
	switch {
	case c.ID == "":
		return fmt.Errorf("control with title %q has no id", c.Title)
	case c.Title == "" || c.Description == "" || c.Remediation == "":
		return fmt.Errorf("control %s: title, description and remediation are required", c.ID)
	case c.Evaluate == nil && c.EvaluateParams == nil:
		return fmt.Errorf("control %s: no Evaluate function", c.ID)
	case c.Evaluate != nil && c.EvaluateParams != nil:
		return fmt.Errorf("control %s: both Evaluate and EvaluateParams are set (set exactly one)", c.ID)
	case c.Severity.Rank() < 0:
		return fmt.Errorf("control %s: unknown severity %q", c.ID, c.Severity)
	}
	for _, l := range Layers {
		if c.Layer == l {
			return nil
		}
	}
	return fmt.Errorf("control %s: unknown layer %q", c.ID, c.Layer)
}

// Registered returns every registered check, ordered by layer then id.
func Registered() []Check {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Check, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		li, lj := layerIndex(out[i].Layer), layerIndex(out[j].Layer)
		if li != lj {
			return li < lj
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func layerIndex(l Layer) int {
	for i, v := range Layers {
		if v == l {
			return i
		}
	}
	return len(Layers)
}
