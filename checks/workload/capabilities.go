/*
KP-WL-014 and KP-WL-015: containers do not have the NET_RAW capability (CIS 5.2.8), and are
assigned no capability at all (CIS 5.2.9).

Source: CIS Kubernetes Benchmark 1.12 (manual in CIS), 5.2.8 "Minimize the admission of
containers with the NET_RAW capability": "Containers run with a default set of capabilities as
assigned by the Container Runtime ... With Docker as the container runtime the NET_RAW
capability is enabled which may be misused by malicious containers. Ideally, all containers
should drop this capability"; and 5.2.9 "Minimize the admission of containers with capabilities
assigned": "Do not generally permit containers with capabilities ... In many cases applications
running in containers do not require any capabilities to operate", the remediation asking,
where a namespace's applications need none, for a policy "which forbids the admission of
containers which do not drop all capabilities".

What a container's capabilities field makes of its capability set is what the container
runtimes do with it (containerd pkg/cri WithCapabilities, CRI-O setupCapabilities, alike): the
runtime's default set, or every capability when add holds "ALL"; then none when drop holds
"ALL"; then the other names of add are added and those of drop removed. Names are compared as
the runtimes do, without case and without a CAP_ prefix. A privileged container has every
capability whatever the field says.

Decisions: 5.2.8 fails a container that has NET_RAW or may have it: one that adds it, or drops
neither NET_RAW nor ALL. The default set of containerd and Docker includes NET_RAW (CRI-O's has
not since 1.18): the spec, not the node's runtime, is what admission can restrict, and CIS asks
that NET_RAW be dropped. 5.2.9 passes a container only with no capability left: ALL dropped and
nothing added back. NET_BIND_SERVICE added back fails here, though the Pod Security restricted
level (KP-WL-002) allows it: it is a capability assigned. kube-bench leaves both manual;
kubescape's C-0199 and C-0201 check the namespace's Pod Security label instead of the pods.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: securityContext.capabilities.add and .drop, securityContext.privileged, of
containers, initContainers and ephemeralContainers; spec.os.name (Windows containers have no
Linux capabilities, and the API rejects the field for them: they pass, with a note).

	5.2.8 PASS  every container drops NET_RAW or ALL, and adds neither NET_RAW nor ALL back
	5.2.8 FAIL  a privileged container, one adding NET_RAW, or one dropping neither NET_RAW nor ALL
	5.2.9 PASS  every container drops ALL and adds nothing back, and none is privileged
	5.2.9 FAIL  a privileged container, one not dropping ALL, or one adding a capability back
*/

package workload

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var netRawCapability = podRule{
	ID:       "KP-WL-014",
	Title:    "Containers do not have the NET_RAW capability",
	Severity: checks.Low,
	Description: "NET_RAW, in the default set of containerd and Docker, lets a process craft raw " +
		"packets: ARP and DNS spoofing of its neighbours on the node's network, and traffic that " +
		"bypasses the port rules of NetworkPolicies.",
	Remediation: "Add capabilities.drop: [\"ALL\"] (or at least \"NET_RAW\") to the securityContext " +
		"of every container of the pod template, and do not add NET_RAW back.",
	References: checks.References{CIS: []string{"5.2.8"}},
	OK:         "no container has NET_RAW",
	Expected:   "every container drops NET_RAW or ALL (capabilities.drop) and does not add it back; none privileged",
	judge:      windowsNote(netRaw, "a Windows pod: no Linux capabilities"),
}

var assignedCapabilities = podRule{
	ID:       "KP-WL-015",
	Title:    "Containers are assigned no capabilities",
	Severity: checks.Low,
	Description: "Each capability is a piece of root's power; the runtime's default set grants " +
		"some a typical application never uses (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW...), and " +
		"added ones (NET_ADMIN, SYS_ADMIN) widen what a compromised container can do to its node.",
	Remediation: "Set capabilities.drop: [\"ALL\"] on every container of the pod template and add " +
		"back none; where an application needs one (binding a port below 1024), record why.",
	References: checks.References{CIS: []string{"5.2.9"}},
	OK:         "every container drops ALL capabilities and adds none",
	Expected:   "every container: capabilities.drop contains ALL, capabilities.add empty, not privileged",
	judge:      windowsNote(assignedCaps, "a Windows pod: no Linux capabilities"),
}

// capEffect is a container's capabilities field, normalised as the runtimes read it.
type capEffect struct {
	privileged      bool
	addAll, dropAll bool
	add, drop       []string // without ALL, upper case, without CAP_
}

func capabilitiesOf(c *corev1.Container) capEffect {
	var e capEffect
	sc := c.SecurityContext
	if sc == nil {
		return e
	}
	e.privileged = sc.Privileged != nil && *sc.Privileged
	if sc.Capabilities == nil {
		return e
	}
	norm := func(list []corev1.Capability, all *bool) []string {
		var out []string
		for _, c := range list {
			n := strings.ToUpper(string(c))
			switch {
			case n == "ALL":
				*all = true
			default:
				out = append(out, strings.TrimPrefix(n, "CAP_"))
			}
		}
		return out
	}
	e.add = norm(sc.Capabilities.Add, &e.addAll)
	e.drop = norm(sc.Capabilities.Drop, &e.dropAll)
	return e
}

// has reports whether the container has capability name, inDefault saying whether the
// runtime's default set holds it.
func (e *capEffect) has(name string, inDefault bool) bool {
	if e.privileged {
		return true
	}
	in := (inDefault || e.addAll) && !e.dropAll
	if slices.Contains(e.add, name) {
		in = true
	}
	if slices.Contains(e.drop, name) {
		in = false
	}
	return in
}

// added returns the capabilities the container adds back after dropping ALL (the adds that no
// drop removes again).
func (e *capEffect) added() []string {
	var out []string
	for _, a := range e.add {
		if !slices.Contains(e.drop, a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// netRaw grades CIS 5.2.8 on one pod spec.
func netRaw(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
	var f containerFindings
	eachContainer(spec, func(kind string, c *corev1.Container) {
		e := capabilitiesOf(c)
		if !e.has("NET_RAW", true) {
			return
		}
		switch {
		case e.privileged:
			f.add(checks.Fail, kind, c, "is privileged: every capability, NET_RAW included")
		case slices.Contains(e.add, "NET_RAW"):
			f.add(checks.Fail, kind, c, "adds NET_RAW")
		case e.addAll:
			f.add(checks.Fail, kind, c, "adds ALL capabilities, NET_RAW included")
		default:
			f.add(checks.Fail, kind, c, "drops neither NET_RAW nor ALL: keeps the runtime's default NET_RAW")
		}
	})
	return f.grade()
}

// assignedCaps grades CIS 5.2.9 on one pod spec.
func assignedCaps(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
	var f containerFindings
	eachContainer(spec, func(kind string, c *corev1.Container) {
		e := capabilitiesOf(c)
		switch {
		case e.privileged:
			f.add(checks.Fail, kind, c, "is privileged: every capability")
		case !e.dropAll && e.addAll:
			f.add(checks.Fail, kind, c, "adds ALL capabilities")
		case !e.dropAll:
			msg := "does not drop ALL: keeps the runtime's default capabilities"
			if a := e.added(); len(a) > 0 {
				msg += " and adds " + strings.Join(a, ", ")
			}
			f.add(checks.Fail, kind, c, msg)
		default:
			if a := e.added(); len(a) > 0 {
				f.add(checks.Fail, kind, c, "drops ALL but adds "+strings.Join(a, ", "))
			}
		}
	})
	return f.grade()
}
