package checks

// The MITRE ATT&CK view: techniques of the ATT&CK Containers matrix, and the one reviewed table
// saying which control mitigates or detects each and why. Register fills a control's
// References.MITRE from the table, so a technique id is written nowhere else; docs/crosswalk.md
// renders the table (checks/builtin, TestCrosswalkDoc) and TestEveryReferenceClaimed holds the
// table and the registry to each other.
//
// Source: MITRE ATT&CK, Containers matrix (attack.mitre.org/matrices/enterprise/containers/),
// ATT&CK v18 (October 2025), technique ids and names as MITRE gives them. Reviewed 2026-12-07.

// mitreItems are the techniques of the Containers matrix that the table uses, by id.
var mitreItems = []Item{
	{MITRE, "T1068", "Exploitation for Privilege Escalation", false},
	{MITRE, "T1078", "Valid Accounts", false},
	{MITRE, "T1078.001", "Valid Accounts: Default Accounts", false},
	{MITRE, "T1190", "Exploit Public-Facing Application", false},
	{MITRE, "T1204.003", "User Execution: Malicious Image", false},
	{MITRE, "T1496", "Resource Hijacking", false},
	{MITRE, "T1498", "Network Denial of Service", false},
	{MITRE, "T1499", "Endpoint Denial of Service", false},
	{MITRE, "T1525", "Implant Internal Image", false},
	{MITRE, "T1552.007", "Unsecured Credentials: Container API", false},
	{MITRE, "T1609", "Container Administration Command", false},
	{MITRE, "T1610", "Deploy Container", false},
	{MITRE, "T1611", "Escape to Host", false},
	{MITRE, "T1612", "Build Image on Host", false},
	{MITRE, "T1613", "Container and Resource Discovery", false},
}

// MITREMapping is one line of the table: control Control mitigates or detects Technique, for
// the reason Why.
type MITREMapping struct {
	Technique string
	Control   string
	Why       string
}

// MITREMappings is the reviewed table, by technique.
var MITREMappings = []MITREMapping{
	{"T1068", "KP-CP-061", "an end-of-life Kubernetes release keeps every privilege escalation fixed since in the API server and the kubelet"},
	{"T1068", "KP-NODE-061", "a container runtime shipping a runc with a known escape (CVE-2019-5736, CVE-2024-21626) turns code execution in a container into root on the node"},
	{"T1068", "KP-NODE-062", "a kernel in the range of a container-escape CVE (Dirty Pipe, the fsconfig heap overflow) lets a process in a container gain the node's root"},

	{"T1078", "KP-CP-006", "static tokens never expire nor rotate: a leaked one stays a valid account"},
	{"T1078", "KP-CP-060", "JWT authenticators without https issuers, audiences or safe claim prefixes accept tokens not meant for the cluster, or names that pass for system: users"},
	{"T1078", "KP-RBAC-007", "a client certificate in system:masters is a valid account no RBAC change can revoke"},
	{"T1078", "KP-RBAC-030", "people who log in with client certificates keep access until the certificate expires: no revocation, no identity provider's MFA"},
	{"T1078.001", "KP-RBAC-005", "the default service account of a namespace is an account every pod gets unless told otherwise"},
	{"T1078.001", "KP-WL-040", "a workload on the default service account uses the account any other pod of the namespace has"},

	{"T1190", "KP-NET-050", "a web application firewall at the cloud's edge blocks known exploit payloads before they reach a public service"},
	{"T1190", "KP-WL-060", "a public application on an image with fixable critical vulnerabilities is the exploitable application"},

	{"T1204.003", "KP-WL-021", "images only from allowed registries keep a look-alike malicious image from being run"},
	{"T1525", "KP-WL-020", "a tag can be moved to an implanted image; a digest cannot"},

	{"T1496", "KP-NODE-060", "runtime detection sees miners start (the rules of Falco, Tetragon and Tracee ship for it)"},
	{"T1496", "KP-WL-030", "a CPU limit caps what a hijacked container can mine"},

	{"T1498", "KP-NET-050", "the cloud's DDoS protection (AWS Shield Advanced, Cloud Armor, Application Gateway WAF) absorbs floods before the cluster's load balancers"},
	{"T1499", "KP-NET-050", "a WAF's rate-based rules stop application-layer floods at the edge"},
	{"T1499", "KP-NODE-013", "a pod's process limit stops a fork bomb from exhausting the node"},

	{"T1552.007", "KP-CP-001", "anonymous requests to the API server are a way to read it without credentials"},
	{"T1552.007", "KP-RBAC-002", "whoever reads secrets through the API collects every credential they hold"},
	{"T1552.007", "KP-RBAC-006", "a token mounted into a pod that does not need it is a credential for the API, there for the taking"},
	{"T1552.007", "KP-RBAC-016", "a pod whose token reads every secret hands the cluster's credentials to whoever runs code in it"},

	{"T1609", "KP-NODE-001", "an anonymous kubelet API runs commands in any container of the node (exec, run)"},
	{"T1609", "KP-NODE-002", "a kubelet that authorizes everything runs commands in its containers for any client"},
	{"T1609", "KP-NODE-060", "runtime detection sees a shell or command started in a container"},
	{"T1609", "KP-RBAC-010", "nodes/proxy reaches the kubelet API, and with it exec in every pod of the node, past the API server's audit"},

	{"T1610", "KP-CP-051", "without the PodSecurity admission plugin nothing stops a privileged pod from being deployed"},
	{"T1610", "KP-NODE-060", "runtime detection sees containers started outside the expected workloads"},
	{"T1610", "KP-RBAC-004", "who can create pods can deploy a container of their choosing"},
	{"T1610", "KP-WL-005", "a namespace that enforces a Pod Security Standard refuses the privileged container an attacker deploys"},

	{"T1611", "KP-NODE-060", "runtime detection sees the escape itself (a namespace change, a host mount, a runtime socket opened)"},
	{"T1611", "KP-NODE-061", "a runc with a known escape lets a container overwrite the host's runc or reach its filesystem"},
	{"T1611", "KP-NODE-062", "a kernel in the range of a container-escape CVE lets a container write the host's files"},
	{"T1611", "KP-WL-008", "a privileged container has every device and capability of the node: the plainest way out"},
	{"T1611", "KP-WL-009", "sharing the host's process namespace lets a container reach the node's processes"},
	{"T1611", "KP-WL-012", "privilege escalation inside a container is the first step of most escapes"},
	{"T1611", "KP-WL-015", "added capabilities (SYS_ADMIN, SYS_PTRACE) are what escapes use"},
	{"T1611", "KP-WL-017", "a hostPath volume is a door to the node's filesystem"},
	{"T1611", "KP-WL-019", "the runtime's default seccomp profile blocks the system calls behind most kernel escapes"},
	{"T1611", "KP-WL-025", "the node's root filesystem or its runtime socket in a container is the node itself"},
	{"T1611", "KP-WL-050", "an AppArmor profile denies the mounts and file writes container escapes rely on"},

	{"T1612", "KP-WL-025", "a container runtime socket in a pod builds and runs images on the node, past every registry control"},

	{"T1613", "KP-CP-048", "anonymous requests that reach more than version and health list the cluster's resources"},
	{"T1613", "KP-NET-011", "a workload that cannot reach the API server cannot enumerate the cluster from a compromised pod"},
	{"T1613", "KP-RBAC-014", "anonymous and all-authenticated subjects with more than discovery enumerate the cluster"},
}

// mitreOf returns the techniques the table maps control id to, in table order.
func mitreOf(id string) []string {
	var out []string
	for _, m := range MITREMappings {
		if m.Control == id {
			out = append(out, m.Technique)
		}
	}
	return out
}
