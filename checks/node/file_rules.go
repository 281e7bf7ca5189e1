/*
The file controls (CIS 1.12 sections 1.1 and 4.1): each a permission bound or an owner over
the files the node agent records with one role, one row of fileRules.

Source: CIS Kubernetes Benchmark 1.12, the row's id; each row's Source quotes the
recommendation. Paths as kubeadm lays a node out, as the node agent (nodeagent.Collect)
records them: the row's What.

Reads: the node reports' files (mode and owner from lstat), and what the reports say runs on
the node. A section 1.1 rule (control plane node configuration files) applies to control-plane
nodes (a kube-apiserver manifest in the static pod directory); a section 4.1 rule (worker node
configuration files) to the nodes a kubelet runs on, 4.1.3 and 4.1.4 (the kube-proxy's
kubeconfig) also to those a kube-proxy process runs on. A node a rule does not apply to is
NOT_APPLICABLE, with the reason: a worker for section 1.1, a node whose process table shows no
kubelet for section 4.1 (NOT_EVALUATED when the agent could not read the process table, or the
API server shows the node Ready: its kubelet runs).

Allowed values: for a permission bound, no mode bit outside MaxMode (mode &^ MaxMode == 0: a
bitmask test, so 0444 is not "600 or more restrictive"); any other bit fails, listing the
files. For an owner, uid 0 and gid 0 for root:root, else the user and group of that name in
the node's /etc/passwd and /etc/group; any other owner fails, listing the entries.
A node without the file is NOT_APPLICABLE: there is nothing to protect (for 4.1.3 and 4.1.4
the benchmark says so: "if the proxy kubeconfig file exists"). A file the agent could not
examine is NOT_EVALUATED; without node reports the control is NOT_EVALUATED.
*/

package node

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// fileRule is one file control: a permission bound or an owner over the files of a node report
// with one role.
type fileRule struct {
	ID, CIS  string
	Severity checks.Severity
	Title    string
	// Role selects the files the agent recorded with it; FilesOnly leaves directories out, and
	// Suffix, when set, keeps the paths that end with it.
	Role      snapshot.FileRole
	FilesOnly bool
	Suffix    string
	// What names the files, in the evidence.
	What string
	// The bound, exactly one of: MaxMode, the most permissive mode allowed (a bitmask: a file
	// passes when mode &^ MaxMode == 0); Owner, the required user:group ("root:root" is uid
	// and gid 0; other names are compared with the node's /etc/passwd and /etc/group).
	MaxMode uint32
	Owner   string

	Description, Remediation string
	// Source is the recommendation as CIS 1.12 words it, and what the rule adds to it.
	Source string
}

// controlPlane tells whether the rule is about control-plane nodes only: CIS section 1.1
// (control plane node configuration files), where section 4.1 is about every node's kubelet.
func (r *fileRule) controlPlane() bool { return strings.HasPrefix(r.CIS, "1.1.") }

// selects tells whether the rule judges f.
func (r *fileRule) selects(f *snapshot.NodeFile) bool {
	return f.Role == r.Role && !(r.FilesOnly && f.IsDir) && strings.HasSuffix(f.Path, r.Suffix)
}

// expected is the rule's bound, as the evidence states it.
func (r *fileRule) expected() string {
	if r.MaxMode != 0 {
		return fmt.Sprintf("%04o or more restrictive (mode &^ %04o == 0)", r.MaxMode, r.MaxMode)
	}
	return "owned by " + r.Owner
}

// check is the row as a registered check.
func (r *fileRule) check() checks.Check {
	return checks.Check{
		Control: checks.Control{
			ID:          r.ID,
			Title:       r.Title,
			Layer:       checks.Node,
			Severity:    r.Severity,
			Description: r.Description,
			Remediation: r.Remediation,
			References:  checks.References{CIS: []string{r.CIS}},
		},
		Inputs:   []snapshot.Resource{snapshot.ResNodeReports},
		Evaluate: func(s *snapshot.Snapshot) []checks.Result { return eachNodeReport(s, r) },
	}
}

func init() {
	for i := range fileRules {
		checks.Register(fileRules[i].check())
	}
}

// fileRules are the file controls, in id order.
var fileRules = []fileRule{
	{
		ID: "KP-NODE-020", CIS: "1.1.1", Severity: checks.High,
		Title:       "API server pod specification permissions are 0600 or more restrictive",
		Role:        snapshot.RoleAPIServerManifest,
		What:        "<static pod path>/kube-apiserver.yaml",
		MaxMode:     0o600,
		Description: "A API server pod specification that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (<static pod path>/kube-apiserver.yaml).",
		Source:      "Ensure that the API server pod specification file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-021", CIS: "1.1.2", Severity: checks.High,
		Title:       "API server pod specification ownership is root:root",
		Role:        snapshot.RoleAPIServerManifest,
		What:        "<static pod path>/kube-apiserver.yaml",
		Owner:       "root:root",
		Description: "A API server pod specification owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (<static pod path>/kube-apiserver.yaml).",
		Source:      "Ensure that the API server pod specification file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-022", CIS: "1.1.3", Severity: checks.High,
		Title:       "Controller manager pod specification permissions are 0600 or more restrictive",
		Role:        snapshot.RoleControllerManagerManifest,
		What:        "<static pod path>/kube-controller-manager.yaml",
		MaxMode:     0o600,
		Description: "A controller manager pod specification that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (<static pod path>/kube-controller-manager.yaml).",
		Source:      "Ensure that the controller manager pod specification file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-023", CIS: "1.1.4", Severity: checks.High,
		Title:       "Controller manager pod specification ownership is root:root",
		Role:        snapshot.RoleControllerManagerManifest,
		What:        "<static pod path>/kube-controller-manager.yaml",
		Owner:       "root:root",
		Description: "A controller manager pod specification owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (<static pod path>/kube-controller-manager.yaml).",
		Source:      "Ensure that the controller manager pod specification file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-024", CIS: "1.1.5", Severity: checks.High,
		Title:       "Scheduler pod specification permissions are 0600 or more restrictive",
		Role:        snapshot.RoleSchedulerManifest,
		What:        "<static pod path>/kube-scheduler.yaml",
		MaxMode:     0o600,
		Description: "A scheduler pod specification that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (<static pod path>/kube-scheduler.yaml).",
		Source:      "Ensure that the scheduler pod specification file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-025", CIS: "1.1.6", Severity: checks.High,
		Title:       "Scheduler pod specification ownership is root:root",
		Role:        snapshot.RoleSchedulerManifest,
		What:        "<static pod path>/kube-scheduler.yaml",
		Owner:       "root:root",
		Description: "A scheduler pod specification owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (<static pod path>/kube-scheduler.yaml).",
		Source:      "Ensure that the scheduler pod specification file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-026", CIS: "1.1.7", Severity: checks.High,
		Title:       "Etcd pod specification permissions are 0600 or more restrictive",
		Role:        snapshot.RoleEtcdManifest,
		What:        "<static pod path>/etcd.yaml",
		MaxMode:     0o600,
		Description: "A etcd pod specification that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (<static pod path>/etcd.yaml).",
		Source:      "Ensure that the etcd pod specification file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-027", CIS: "1.1.8", Severity: checks.High,
		Title:       "Etcd pod specification ownership is root:root",
		Role:        snapshot.RoleEtcdManifest,
		What:        "<static pod path>/etcd.yaml",
		Owner:       "root:root",
		Description: "A etcd pod specification owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (<static pod path>/etcd.yaml).",
		Source:      "Ensure that the etcd pod specification file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-028", CIS: "1.1.9", Severity: checks.Medium,
		Title: "Container Network Interface files permissions are 0600 or more restrictive",
		Role:  snapshot.RoleCNI, FilesOnly: true,
		What:        "/etc/cni/net.d/* and /var/lib/cni/networks/* (every file)",
		MaxMode:     0o600,
		Description: "A Container Network Interface files that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (/etc/cni/net.d/* and /var/lib/cni/networks/*).",
		Source:      "Ensure that the Container Network Interface file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-029", CIS: "1.1.10", Severity: checks.Medium,
		Title:       "Container Network Interface files ownership is root:root",
		Role:        snapshot.RoleCNI,
		What:        "/etc/cni/net.d and /var/lib/cni/networks (every entry)",
		Owner:       "root:root",
		Description: "A Container Network Interface files owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/cni/net.d and /var/lib/cni/networks).",
		Source:      "Ensure that the Container Network Interface file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-030", CIS: "1.1.11", Severity: checks.High,
		Title:       "Etcd data directory permissions are 0700 or more restrictive",
		Role:        snapshot.RoleEtcdDataDir,
		What:        "etcd --data-dir from its manifest (default /var/lib/etcd)",
		MaxMode:     0o700,
		Description: "A etcd data directory that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 700 each file the evidence lists (etcd --data-dir from its manifest).",
		Source:      "Ensure that the etcd data directory permissions are set to 700 or more restrictive",
	},
	{
		ID: "KP-NODE-031", CIS: "1.1.12", Severity: checks.Medium,
		Title:       "Etcd data directory ownership is etcd:etcd",
		Role:        snapshot.RoleEtcdDataDir,
		What:        "etcd --data-dir from its manifest (default /var/lib/etcd)",
		Owner:       "etcd:etcd",
		Description: "A etcd data directory owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown etcd:etcd each entry the evidence lists (etcd --data-dir from its manifest).",
		Source:      "Ensure that the etcd data directory ownership is set to etcd:etcd; kubeadm's etcd runs as root and leaves the directory root:root, which fails",
	},
	{
		ID: "KP-NODE-032", CIS: "1.1.13", Severity: checks.Critical,
		Title:       "Default administrative credential files permissions are 0600 or more restrictive",
		Role:        snapshot.RoleAdminKubeconfig,
		What:        "/etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf",
		MaxMode:     0o600,
		Description: "A default administrative credential files that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (/etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf).",
		Source:      "Ensure that the default administrative credential file permissions are set to 600",
	},
	{
		ID: "KP-NODE-033", CIS: "1.1.14", Severity: checks.Critical,
		Title:       "Default administrative credential files ownership is root:root",
		Role:        snapshot.RoleAdminKubeconfig,
		What:        "/etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf",
		Owner:       "root:root",
		Description: "A default administrative credential files owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf).",
		Source:      "Ensure that the default administrative credential file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-034", CIS: "1.1.15", Severity: checks.High,
		Title:       "Scheduler.conf permissions are 0600 or more restrictive",
		Role:        snapshot.RoleSchedulerKubeconfig,
		What:        "/etc/kubernetes/scheduler.conf",
		MaxMode:     0o600,
		Description: "A scheduler.conf that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (/etc/kubernetes/scheduler.conf).",
		Source:      "Ensure that the scheduler.conf file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-035", CIS: "1.1.16", Severity: checks.High,
		Title:       "Scheduler.conf ownership is root:root",
		Role:        snapshot.RoleSchedulerKubeconfig,
		What:        "/etc/kubernetes/scheduler.conf",
		Owner:       "root:root",
		Description: "A scheduler.conf owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/kubernetes/scheduler.conf).",
		Source:      "Ensure that the scheduler.conf file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-036", CIS: "1.1.17", Severity: checks.High,
		Title:       "Controller-manager.conf permissions are 0600 or more restrictive",
		Role:        snapshot.RoleControllerManagerKubeconfig,
		What:        "/etc/kubernetes/controller-manager.conf",
		MaxMode:     0o600,
		Description: "A controller-manager.conf that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (/etc/kubernetes/controller-manager.conf).",
		Source:      "Ensure that the controller-manager.conf file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-037", CIS: "1.1.18", Severity: checks.High,
		Title:       "Controller-manager.conf ownership is root:root",
		Role:        snapshot.RoleControllerManagerKubeconfig,
		What:        "/etc/kubernetes/controller-manager.conf",
		Owner:       "root:root",
		Description: "A controller-manager.conf owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/kubernetes/controller-manager.conf).",
		Source:      "Ensure that the controller-manager.conf file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-038", CIS: "1.1.19", Severity: checks.High,
		Title:       "Kubernetes PKI directory and files ownership is root:root",
		Role:        snapshot.RolePKI,
		What:        "/etc/kubernetes/pki (recursive, every entry)",
		Owner:       "root:root",
		Description: "A Kubernetes PKI directory and files owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/kubernetes/pki).",
		Source:      "Ensure that the Kubernetes PKI directory and file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-039", CIS: "1.1.20", Severity: checks.Medium,
		Title: "Kubernetes PKI certificate files permissions are 0644 or more restrictive",
		Role:  snapshot.RolePKI, FilesOnly: true, Suffix: ".crt",
		What:        "/etc/kubernetes/pki (every .crt file below it)",
		MaxMode:     0o644,
		Description: "A Kubernetes PKI certificate files that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 644 each file the evidence lists (/etc/kubernetes/pki).",
		Source:      "Ensure that the Kubernetes PKI certificate file permissions are set to 644 or more restrictive",
	},
	{
		ID: "KP-NODE-040", CIS: "1.1.21", Severity: checks.Critical,
		Title: "Kubernetes PKI key files permissions are 0600 or more restrictive",
		Role:  snapshot.RolePKI, FilesOnly: true, Suffix: ".key",
		What:        "/etc/kubernetes/pki (every .key file below it)",
		MaxMode:     0o600,
		Description: "A Kubernetes PKI key files that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (/etc/kubernetes/pki).",
		Source:      "Ensure that the Kubernetes PKI key file permissions are set to 600",
	},
	{
		ID: "KP-NODE-041", CIS: "4.1.1", Severity: checks.Medium,
		Title:       "Kubelet service file permissions are 0600 or more restrictive",
		Role:        snapshot.RoleKubeletServiceFile,
		What:        "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf and /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
		MaxMode:     0o600,
		Description: "A kubelet service file that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (/etc/systemd/system/kubelet.service.d/10-kubeadm.conf and /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf).",
		Source:      "Ensure that the kubelet service file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-042", CIS: "4.1.2", Severity: checks.Medium,
		Title:       "Kubelet service file ownership is root:root",
		Role:        snapshot.RoleKubeletServiceFile,
		What:        "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf and /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
		Owner:       "root:root",
		Description: "A kubelet service file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/systemd/system/kubelet.service.d/10-kubeadm.conf and /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf).",
		Source:      "Ensure that the kubelet service file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-043", CIS: "4.1.3", Severity: checks.Medium,
		Title:       "Kube-proxy kubeconfig file permissions are 0600 or more restrictive",
		Role:        snapshot.RoleKubeProxyKubeconfig,
		What:        "the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf",
		MaxMode:     0o600,
		Description: "A kube-proxy kubeconfig file that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf).",
		Source:      "If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-044", CIS: "4.1.4", Severity: checks.Medium,
		Title:       "Kube-proxy kubeconfig file ownership is root:root",
		Role:        snapshot.RoleKubeProxyKubeconfig,
		What:        "the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf",
		Owner:       "root:root",
		Description: "A kube-proxy kubeconfig file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf).",
		Source:      "If proxy kubeconfig file exists ensure ownership is set to root:root",
	},
	{
		ID: "KP-NODE-045", CIS: "4.1.5", Severity: checks.High,
		Title:       "Kubelet kubeconfig file permissions are 0600 or more restrictive",
		Role:        snapshot.RoleKubeletKubeconfig,
		What:        "kubelet --kubeconfig (default /etc/kubernetes/kubelet.conf)",
		MaxMode:     0o600,
		Description: "A kubelet kubeconfig file that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (kubelet --kubeconfig).",
		Source:      "Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-046", CIS: "4.1.6", Severity: checks.High,
		Title:       "Kubelet kubeconfig file ownership is root:root",
		Role:        snapshot.RoleKubeletKubeconfig,
		What:        "kubelet --kubeconfig (default /etc/kubernetes/kubelet.conf)",
		Owner:       "root:root",
		Description: "A kubelet kubeconfig file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (kubelet --kubeconfig).",
		Source:      "Ensure that the --kubeconfig kubelet.conf file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-047", CIS: "4.1.7", Severity: checks.Medium,
		Title:       "Kubelet client certificate authorities file permissions are 0644 or more restrictive",
		Role:        snapshot.RoleKubeletClientCA,
		What:        "the kubelet's effective authentication.x509.clientCAFile (default /etc/kubernetes/pki/ca.crt)",
		MaxMode:     0o644,
		Description: "A kubelet client certificate authorities file that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 644 each file the evidence lists (the kubelet's effective authentication.x509.clientCAFile).",
		Source:      "Ensure that the certificate authorities file permissions are set to 644 or more restrictive",
	},
	{
		ID: "KP-NODE-048", CIS: "4.1.8", Severity: checks.Medium,
		Title:       "Kubelet client certificate authorities file ownership is root:root",
		Role:        snapshot.RoleKubeletClientCA,
		What:        "the kubelet's effective authentication.x509.clientCAFile (default /etc/kubernetes/pki/ca.crt)",
		Owner:       "root:root",
		Description: "A kubelet client certificate authorities file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (the kubelet's effective authentication.x509.clientCAFile).",
		Source:      "Ensure that the client certificate authorities file ownership is set to root:root",
	},
	{
		ID: "KP-NODE-049", CIS: "4.1.9", Severity: checks.High,
		Title:       "Kubelet config file permissions are 0600 or more restrictive",
		Role:        snapshot.RoleKubeletConfig,
		What:        "kubelet --config (kubeadm: /var/lib/kubelet/config.yaml)",
		MaxMode:     0o600,
		Description: "A kubelet config file that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (kubelet --config).",
		Source:      "If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive",
	},
	{
		ID: "KP-NODE-050", CIS: "4.1.10", Severity: checks.High,
		Title:       "Kubelet config file ownership is root:root",
		Role:        snapshot.RoleKubeletConfig,
		What:        "kubelet --config (kubeadm: /var/lib/kubelet/config.yaml)",
		Owner:       "root:root",
		Description: "A kubelet config file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (kubelet --config).",
		Source:      "If the kubelet config.yaml configuration file is being used validate file ownership is set to root:root",
	},
}
