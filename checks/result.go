package checks

import "github.com/kubeposture/kubeposture/snapshot"

// Status is the verdict on one resource for one control.
type Status string

const (
	Pass Status = "PASS"
	Fail Status = "FAIL"
	// Warn: not a clear failure, but worth a look (a weak choice, an exposure that may be
	// intended).
	Warn Status = "WARN"
	// NotEvaluated: the check could not see its input (forbidden, not collected, managed
	// control plane). It has not passed.
	NotEvaluated Status = "NOT_EVALUATED"
	// NotApplicable: the control does not apply to this cluster or resource.
	NotApplicable Status = "NOT_APPLICABLE"
	// Manual: the verdict needs a person; the result says what to look at.
	Manual Status = "MANUAL"
	// Excepted: the check failed or warned, and an unexpired exception accepts that risk
	// (Result.Exception says who, why, until when, and the original verdict). A control
	// whose only non-passing results are excepted is EXCEPTED: not FAIL, and not PASS
	// either, so that accepted risks neither fail the run nor raise the score.
	Excepted Status = "EXCEPTED"
)

// Statuses lists statuses in report order, worst first.
var Statuses = []Status{Fail, Warn, NotEvaluated, Manual, Excepted, Pass, NotApplicable}

// Resource identifies what a result is about: a cluster object, a control-plane component,
// or a node.
type Resource struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// String renders the resource as kind/namespace/name or kind/name.
func (r Resource) String() string {
	if r.Namespace != "" {
		return r.Kind + "/" + r.Namespace + "/" + r.Name
	}
	if r.Name == "" {
		return r.Kind
	}
	return r.Kind + "/" + r.Name
}

// Evidence is what the verdict rests on, for an auditor to verify by hand.
type Evidence struct {
	// Observed is the value found, as it appears in the cluster ("--anonymous-auth absent
	// (default true)", "containers \"app\" must not set securityContext.privileged=true").
	Observed string `json:"observed,omitempty"`
	// Expected is the value the control requires.
	Expected string `json:"expected,omitempty"`
	// Where names the place it was read: an object and field path, or a component and flag.
	Where string `json:"where,omitempty"`
}

// Result is one control's verdict on one resource.
type Result struct {
	ControlID string   `json:"controlId"`
	Status    Status   `json:"status"`
	Resource  Resource `json:"resource"`
	// References names the framework items this verdict decides when they are fewer than its
	// control's: a control whose results decide different items (by what each found) says so
	// on each result. nil, the common case, means every item the control references, and is
	// left out of the JSON report: a 100,000-pod scan does not repeat its controls' references
	// on every result. Read it through Decides. A pointer, so that Result stays comparable.
	References *References `json:"references,omitempty"`
	Evidence   Evidence    `json:"evidence"`
	// Reason explains a NOT_EVALUATED, NOT_APPLICABLE or MANUAL verdict.
	Reason string `json:"reason,omitempty"`
	// Exception is set on an EXCEPTED result (see ApplyExceptions).
	Exception *AppliedException `json:"exception,omitempty"`
	// Vulnerabilities lists, on a result of an image vulnerability control, every
	// vulnerability the verdict rests on (Evidence.Observed names the first few only). A
	// pointer, so that Result stays comparable with ==.
	Vulnerabilities *[]snapshot.ImageVulnerability `json:"vulnerabilities,omitempty"`
}

// Decides returns the framework items r decides, r being a result of control c: its own
// References when set, else c's.
func (r *Result) Decides(c *Control) *References {
	if r.References != nil {
		return r.References
	}
	return &c.References
}
