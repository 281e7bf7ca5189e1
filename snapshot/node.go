package snapshot

import (
	"time"

	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// NodeReportAPIVersion and NodeReportKind identify a node report document, written by
// `audit node` on a node and merged into a snapshot by `audit scan --node-reports`. The
// version changes when a reader of an older document could misread a newer one.
const (
	NodeReportAPIVersion = "kubeposture.io/v1alpha1"
	NodeReportKind       = "NodeReport"
)

// ResNodeReports records the outcome of merging node reports: collected with the number of
// reports, or absent when none was given (the file controls are then NOT_EVALUATED).
const ResNodeReports Resource = "nodereports"

// NoNodeReports is the engine's reason for a control whose input ResNodeReports is missing
// (the file controls, which judge file modes and owners): node reports are merged, not
// collected from the API, so the reason says how to get them.
const NoNodeReports = "no node report merged: file modes and owners are only visible on the node (run 'audit node' there and scan with --node-reports)"

// NodeReport is what the node agent saw on one node's filesystem and process table.
type NodeReport struct {
	APIVersion  string    `json:"apiVersion"`
	Kind        string    `json:"kind"`
	Node        string    `json:"node"`
	CollectedAt time.Time `json:"collectedAt"`
	ToolVersion string    `json:"toolVersion"`
	// Root is the directory the node's filesystem was read under ("/" on the node itself).
	Root string `json:"root"`
	OS   NodeOS `json:"os"`
	// ControlPlane is true when the static pod directory holds a kube-apiserver manifest.
	ControlPlane bool `json:"controlPlane"`
	// ProcessTable is true when the agent read the node's process table (the host's /proc,
	// holding at least one process): a nil Kubelet then means that no kubelet runs on the node.
	// False when it could not, and in reports of agents that did not record it.
	ProcessTable bool `json:"processTable,omitempty"`
	// Kubelet is nil when no kubelet process was found.
	Kubelet *NodeKubelet `json:"kubelet,omitempty"`
	// KubeProxy is the kube-proxy process found on the node (nil when it runs in a pod, as
	// kubeadm's DaemonSet does, or not at all).
	KubeProxy *NodeKubeProxy `json:"kubeProxy,omitempty"`
	// StaticPods are the static pod manifests' containers, as components with their manifest's
	// path (Env only of the variables read as flags, etcd's ETCD_*: any other may hold a
	// credential). Snapshot.Components judges the control plane from them where its mirror
	// pods were not seen.
	StaticPods []Component `json:"staticPods,omitempty"`
	// Files lists every file the CIS benchmark names, found or not, with mode and owner.
	Files []NodeFile `json:"files,omitempty"`
	// Encryption summarises the API server's EncryptionConfiguration (provider types only,
	// never keys); nil when there is none or not a control-plane node.
	Encryption *EncryptionSummary `json:"encryption,omitempty"`
	// AuditPolicy summarises the API server's audit policy file; nil when there is none.
	AuditPolicy *AuditPolicySummary `json:"auditPolicy,omitempty"`
	// PodSecurity is the PodSecurity plugin's configuration from the API server's
	// --admission-control-config-file; nil when the flag is not set.
	PodSecurity *PodSecurityConfig `json:"podSecurity,omitempty"`
	// Certificates are the CA files the control-plane static pods name for the checks that
	// compare them (etcd's --trusted-ca-file and the API server's --client-ca-file), by the
	// public identity of the certificates they hold: never a key.
	Certificates []CertificateFile `json:"certificates,omitempty"`
	// Errors lists what could not be read, and why.
	Errors []string `json:"errors,omitempty"`
}

// NodeOS is the node's operating system.
type NodeOS struct {
	Kernel string `json:"kernel,omitempty"`
	// ID, VersionID and PrettyName are os-release's ID, VERSION_ID and PRETTY_NAME.
	ID         string `json:"id,omitempty"`
	VersionID  string `json:"versionId,omitempty"`
	PrettyName string `json:"prettyName,omitempty"`
	// CgroupVersion is 2 for the unified hierarchy, 1 for the legacy one, 0 when unknown.
	CgroupVersion int `json:"cgroupVersion,omitempty"`
}

// NodeKubelet is the kubelet process found on the node and its configuration.
type NodeKubelet struct {
	PID int `json:"pid"`
	// Command is the process's command line; Flags are parsed from it as pflag does.
	Command []string `json:"command"`
	Flags   []Flag   `json:"flags,omitempty"`
	// ConfigFile is the --config path ("" for a flag-only kubelet); ConfigDropIns the
	// --config-dir files merged over it, in order.
	ConfigFile    string   `json:"configFile,omitempty"`
	ConfigDropIns []string `json:"configDropIns,omitempty"`
	// File is the configuration as read from the file and drop-ins, before defaults and flags.
	File *kubeletv1beta1.KubeletConfiguration `json:"file,omitempty"`
	// Effective is flags over the file over the defaults for how the kubelet was started.
	Effective *kubeletv1beta1.KubeletConfiguration `json:"effective,omitempty"`
	// Sources says where each effective field the checks read came from, by its configz
	// path: "flag --read-only-port=0", "config file /var/lib/kubelet/config.yaml",
	// "default (config file)" or "default (flag-only kubelet)".
	Sources map[string]string `json:"sources,omitempty"`
}

// Flag returns the last value of a kubelet flag, as pflag keeps it.
func (k *NodeKubelet) Flag(name string) (Flag, bool) {
	for i := len(k.Flags) - 1; i >= 0; i-- {
		if k.Flags[i].Name == name {
			return k.Flags[i], true
		}
	}
	return Flag{}, false
}

// NodeKubeProxy is a kube-proxy process and the settings of it the checks read.
type NodeKubeProxy struct {
	PID     int      `json:"pid"`
	Command []string `json:"command"`
	Flags   []Flag   `json:"flags,omitempty"`
	// ConfigFile is its --config; MetricsBindAddress and BindAddress come from that file
	// when it is given (the flags are then ignored), else from the flags.
	ConfigFile         string `json:"configFile,omitempty"`
	MetricsBindAddress string `json:"metricsBindAddress,omitempty"`
	BindAddress        string `json:"bindAddress,omitempty"`
	// Error says why the addresses are unknown (the config file could not be read).
	Error string `json:"error,omitempty"`
}

// NodeFile is one file or directory the agent looked at.
type NodeFile struct {
	// Path is the path on the node (not under Root).
	Path string `json:"path"`
	// Role says what the file is; the file controls select files by it.
	Role   FileRole `json:"role"`
	Exists bool     `json:"exists"`
	IsDir  bool     `json:"isDir,omitempty"`
	// Mode holds the permission bits (with setuid, setgid and sticky).
	Mode  uint32 `json:"mode"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	User  string `json:"user,omitempty"`
	Group string `json:"group,omitempty"`
	// Error says why the file could not be examined (other than not existing).
	Error string `json:"error,omitempty"`
}

// FileRole says what a file the node agent records is: the agent names each file it looks at
// with one, and the file controls (checks/node) select the files they judge by it. The values
// are written in node reports and snapshots: they do not change.
type FileRole string

const (
	RoleAPIServerManifest           FileRole = "kube-apiserver manifest"
	RoleControllerManagerManifest   FileRole = "kube-controller-manager manifest"
	RoleSchedulerManifest           FileRole = "kube-scheduler manifest"
	RoleEtcdManifest                FileRole = "etcd manifest"
	RoleAdminKubeconfig             FileRole = "admin kubeconfig"
	RoleSchedulerKubeconfig         FileRole = "scheduler kubeconfig"
	RoleControllerManagerKubeconfig FileRole = "controller-manager kubeconfig"
	RoleEtcdDataDir                 FileRole = "etcd data directory"
	RolePKI                         FileRole = "pki"
	RoleCNI                         FileRole = "cni"
	RoleKubeletServiceFile          FileRole = "kubelet service file"
	RoleKubeProxyKubeconfig         FileRole = "kube-proxy kubeconfig"
	RoleKubeletConfig               FileRole = "kubelet config"
	RoleKubeletKubeconfig           FileRole = "kubelet kubeconfig"
	RoleKubeletClientCA             FileRole = "kubelet client CA"
	// The API server's encryption configuration and audit policy: recorded, and judged by no
	// file control (CIS 1.12 sets no bound on them).
	RoleEncryptionConfig FileRole = "encryption configuration"
	RoleAuditPolicy      FileRole = "audit policy"
)

// FileRoles lists every role the node agent records.
var FileRoles = []FileRole{
	RoleAPIServerManifest, RoleControllerManagerManifest, RoleSchedulerManifest, RoleEtcdManifest,
	RoleAdminKubeconfig, RoleSchedulerKubeconfig, RoleControllerManagerKubeconfig, RoleEtcdDataDir,
	RolePKI, RoleCNI, RoleKubeletServiceFile, RoleKubeProxyKubeconfig, RoleKubeletConfig,
	RoleKubeletKubeconfig, RoleKubeletClientCA, RoleEncryptionConfig, RoleAuditPolicy,
}

// CertificateFile is a PEM file of certificates on the node, as the fingerprints, subjects and
// issuers of the certificates in it: enough to tell whether two CA files trust the same CA,
// with nothing secret.
type CertificateFile struct {
	// Path is the path on the node, as the static pod's flag names it.
	Path         string        `json:"path"`
	Certificates []Certificate `json:"certificates,omitempty"`
	// Error says why the file's certificates are unknown (not read, or none in it).
	Error string `json:"error,omitempty"`
}

// Certificate is the public identity of one certificate.
type Certificate struct {
	// SHA256 is the hex SHA-256 of its DER encoding: its fingerprint.
	SHA256 string `json:"sha256"`
	// Subject and Issuer are the distinguished names, as crypto/x509's pkix.Name String.
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
}

// CertificateFile returns the report's record of the file at path, or nil.
func (r *NodeReport) CertificateFile(path string) *CertificateFile {
	for i := range r.Certificates {
		if r.Certificates[i].Path == path {
			return &r.Certificates[i]
		}
	}
	return nil
}

// EncryptionSummary is the shape of an EncryptionConfiguration, without any key material.
type EncryptionSummary struct {
	Path      string               `json:"path"`
	Resources []EncryptedResources `json:"resources,omitempty"`
}

// EncryptedResources is one resources[] entry: the resources and its providers in order.
type EncryptedResources struct {
	Resources []string `json:"resources"`
	Providers []string `json:"providers"`
}

// AuditPolicySummary is the shape of an audit policy file.
type AuditPolicySummary struct {
	Path   string   `json:"path"`
	Levels []string `json:"levels,omitempty"`
}

// NodeReport returns the merged report of a node, or nil.
func (s *Snapshot) NodeReport(node string) *NodeReport {
	for i := range s.NodeReports {
		if s.NodeReports[i].Node == node {
			return &s.NodeReports[i]
		}
	}
	return nil
}

// MergeNodeReports adds node reports to s, one per node (a later report of the same node
// replaces an earlier one), and records the outcome under ResNodeReports. With no report at
// all (an empty standard input) nothing is recorded: no node report was merged.
func (s *Snapshot) MergeNodeReports(reports []NodeReport) {
	if len(reports) == 0 && len(s.NodeReports) == 0 {
		return
	}
	index := make(map[string]int, len(s.NodeReports))
	for i, r := range s.NodeReports {
		index[r.Node] = i
	}
	for _, r := range reports {
		if i, ok := index[r.Node]; ok {
			s.NodeReports[i] = r
			continue
		}
		index[r.Node] = len(s.NodeReports)
		s.NodeReports = append(s.NodeReports, r)
	}
	if s.Resources == nil {
		s.Resources = map[Resource]Collection{}
	}
	s.Resources[ResNodeReports] = Collection{State: Collected, Count: len(s.NodeReports)}
}
