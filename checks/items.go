package checks

// Item is one item of a framework: a CIS Kubernetes Benchmark recommendation, or an area of the
// NSA/CISA Kubernetes Hardening Guide by the id kubescape gives it.
type Item struct {
	Framework Framework
	ID        string
	// Title is the item's own wording: the recommendation's title, the area's name.
	Title string
	// Automated is CIS's own assessment status (CIS only): false for a recommendation CIS marks
	// Manual.
	Automated bool
}

// Items lists the items of framework f in the framework's order: every recommendation of the
// CIS Kubernetes Benchmark 1.12 (with its title as CIS words it), and the areas of the
// NSA/CISA Kubernetes Hardening Guide as kubescape ids them. A control's References name them;
// docs/crosswalk.md lists, item by item, the control that decides it and exactly how. The Pod
// Security Standards are not listed here: their checks are k8s.io/pod-security-admission's.
func Items(f Framework) []Item {
	switch f {
	case CIS:
		return cisItems
	case NSA:
		return nsaItems
	}
	return nil
}

// LookupItem returns item id of framework f.
func LookupItem(f Framework, id string) (Item, bool) {
	for _, it := range Items(f) {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// cisItems are the recommendations of the CIS Kubernetes Benchmark v1.12.0 (for Kubernetes
// 1.32 to 1.34), in the benchmark's order.
var cisItems = []Item{
	{CIS, "1.1.1", "Ensure that the API server pod specification file permissions are set to 600 or more restrictive", true},
	{CIS, "1.1.2", "Ensure that the API server pod specification file ownership is set to root:root", true},
	{CIS, "1.1.3", "Ensure that the controller manager pod specification file permissions are set to 600 or more restrictive", true},
	{CIS, "1.1.4", "Ensure that the controller manager pod specification file ownership is set to root:root", true},
	{CIS, "1.1.5", "Ensure that the scheduler pod specification file permissions are set to 600 or more restrictive", true},
	{CIS, "1.1.6", "Ensure that the scheduler pod specification file ownership is set to root:root", true},
	{CIS, "1.1.7", "Ensure that the etcd pod specification file permissions are set to 600 or more restrictive", true},
	{CIS, "1.1.8", "Ensure that the etcd pod specification file ownership is set to root:root", true},
	{CIS, "1.1.9", "Ensure that the Container Network Interface file permissions are set to 600 or more restrictive", false},
	{CIS, "1.1.10", "Ensure that the Container Network Interface file ownership is set to root:root", false},
	{CIS, "1.1.11", "Ensure that the etcd data directory permissions are set to 700 or more restrictive", true},
	{CIS, "1.1.12", "Ensure that the etcd data directory ownership is set to etcd:etcd", true},
	{CIS, "1.1.13", "Ensure that the default administrative credential file permissions are set to 600", true},
	{CIS, "1.1.14", "Ensure that the default administrative credential file ownership is set to root:root", true},
	{CIS, "1.1.15", "Ensure that the scheduler.conf file permissions are set to 600 or more restrictive", true},
	{CIS, "1.1.16", "Ensure that the scheduler.conf file ownership is set to root:root", true},
	{CIS, "1.1.17", "Ensure that the controller-manager.conf file permissions are set to 600 or more restrictive", true},
	{CIS, "1.1.18", "Ensure that the controller-manager.conf file ownership is set to root:root", true},
	{CIS, "1.1.19", "Ensure that the Kubernetes PKI directory and file ownership is set to root:root", true},
	{CIS, "1.1.20", "Ensure that the Kubernetes PKI certificate file permissions are set to 644 or more restrictive", false},
	{CIS, "1.1.21", "Ensure that the Kubernetes PKI key file permissions are set to 600", false},
	{CIS, "1.2.1", "Ensure that the --anonymous-auth argument is set to false", false},
	{CIS, "1.2.2", "Ensure that the --token-auth-file parameter is not set", true},
	{CIS, "1.2.3", "Ensure that the --DenyServiceExternalIPs is set", false},
	{CIS, "1.2.4", "Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate", true},
	{CIS, "1.2.5", "Ensure that the --kubelet-certificate-authority argument is set as appropriate", true},
	{CIS, "1.2.6", "Ensure that the --authorization-mode argument is not set to AlwaysAllow", true},
	{CIS, "1.2.7", "Ensure that the --authorization-mode argument includes Node", true},
	{CIS, "1.2.8", "Ensure that the --authorization-mode argument includes RBAC", true},
	{CIS, "1.2.9", "Ensure that the admission control plugin EventRateLimit is set", false},
	{CIS, "1.2.10", "Ensure that the admission control plugin AlwaysAdmit is not set", true},
	{CIS, "1.2.11", "Ensure that the admission control plugin AlwaysPullImages is set", false},
	{CIS, "1.2.12", "Ensure that the admission control plugin ServiceAccount is set", true},
	{CIS, "1.2.13", "Ensure that the admission control plugin NamespaceLifecycle is set", true},
	{CIS, "1.2.14", "Ensure that the admission control plugin NodeRestriction is set", true},
	{CIS, "1.2.15", "Ensure that the --profiling argument is set to false", true},
	{CIS, "1.2.16", "Ensure that the --audit-log-path argument is set", true},
	{CIS, "1.2.17", "Ensure that the --audit-log-maxage argument is set to 30 or as appropriate", true},
	{CIS, "1.2.18", "Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate", true},
	{CIS, "1.2.19", "Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate", true},
	{CIS, "1.2.20", "Ensure that the --request-timeout argument is set as appropriate", false},
	{CIS, "1.2.21", "Ensure that the --service-account-lookup argument is set to true", true},
	{CIS, "1.2.22", "Ensure that the --service-account-key-file argument is set as appropriate", true},
	{CIS, "1.2.23", "Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate", true},
	{CIS, "1.2.24", "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate", true},
	{CIS, "1.2.25", "Ensure that the --client-ca-file argument is set as appropriate", true},
	{CIS, "1.2.26", "Ensure that the --etcd-cafile argument is set as appropriate", true},
	{CIS, "1.2.27", "Ensure that the --encryption-provider-config argument is set as appropriate", false},
	{CIS, "1.2.28", "Ensure that encryption providers are appropriately configured", false},
	{CIS, "1.2.29", "Ensure that the API Server only makes use of Strong Cryptographic Ciphers", false},
	{CIS, "1.2.30", "Ensure that the --service-account-extend-token-expiration parameter is set to false", true},
	{CIS, "1.3.1", "Ensure that the --terminated-pod-gc-threshold argument is set as appropriate", false},
	{CIS, "1.3.2", "Ensure that the --profiling argument is set to false", true},
	{CIS, "1.3.3", "Ensure that the --use-service-account-credentials argument is set to true", true},
	{CIS, "1.3.4", "Ensure that the --service-account-private-key-file argument is set as appropriate", true},
	{CIS, "1.3.5", "Ensure that the --root-ca-file argument is set as appropriate", true},
	{CIS, "1.3.6", "Ensure that the RotateKubeletServerCertificate argument is set to true", true},
	{CIS, "1.3.7", "Ensure that the --bind-address argument is set to 127.0.0.1", true},
	{CIS, "1.4.1", "Ensure that the --profiling argument is set to false", true},
	{CIS, "1.4.2", "Ensure that the --bind-address argument is set to 127.0.0.1", true},
	{CIS, "2.1", "Ensure that the --cert-file and --key-file arguments are set as appropriate", true},
	{CIS, "2.2", "Ensure that the --client-cert-auth argument is set to true", true},
	{CIS, "2.3", "Ensure that the --auto-tls argument is not set to true", true},
	{CIS, "2.4", "Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate", true},
	{CIS, "2.5", "Ensure that the --peer-client-cert-auth argument is set to true", true},
	{CIS, "2.6", "Ensure that the --peer-auto-tls argument is not set to true", true},
	{CIS, "2.7", "Ensure that a unique Certificate Authority is used for etcd", false},
	{CIS, "3.1.1", "Client certificate authentication should not be used for users", false},
	{CIS, "3.1.2", "Service account token authentication should not be used for users", false},
	{CIS, "3.1.3", "Bootstrap token authentication should not be used for users", false},
	{CIS, "3.2.1", "Ensure that a minimal audit policy is created", false},
	{CIS, "3.2.2", "Ensure that the audit policy covers key security concerns", false},
	{CIS, "4.1.1", "Ensure that the kubelet service file permissions are set to 600 or more restrictive", true},
	{CIS, "4.1.2", "Ensure that the kubelet service file ownership is set to root:root", true},
	{CIS, "4.1.3", "If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive", false},
	{CIS, "4.1.4", "If proxy kubeconfig file exists ensure ownership is set to root:root", false},
	{CIS, "4.1.5", "Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive", true},
	{CIS, "4.1.6", "Ensure that the --kubeconfig kubelet.conf file ownership is set to root:root", true},
	{CIS, "4.1.7", "Ensure that the certificate authorities file permissions are set to 644 or more restrictive", false},
	{CIS, "4.1.8", "Ensure that the client certificate authorities file ownership is set to root:root", false},
	{CIS, "4.1.9", "If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive", true},
	{CIS, "4.1.10", "If the kubelet config.yaml configuration file is being used validate file ownership is set to root:root", true},
	{CIS, "4.2.1", "Ensure that the --anonymous-auth argument is set to false", true},
	{CIS, "4.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow", true},
	{CIS, "4.2.3", "Ensure that the --client-ca-file argument is set as appropriate", true},
	{CIS, "4.2.4", "Verify that if defined, the --read-only-port argument is set to 0", false},
	{CIS, "4.2.5", "Ensure that the --streaming-connection-idle-timeout argument is not set to 0", false},
	{CIS, "4.2.6", "Ensure that the --make-iptables-util-chains argument is set to true", true},
	{CIS, "4.2.7", "Ensure that the --hostname-override argument is not set", false},
	{CIS, "4.2.8", "Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture", false},
	{CIS, "4.2.9", "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate", false},
	{CIS, "4.2.10", "Ensure that the --rotate-certificates argument is not set to false", true},
	{CIS, "4.2.11", "Verify that the RotateKubeletServerCertificate argument is set to true", false},
	{CIS, "4.2.12", "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers", false},
	{CIS, "4.2.13", "Ensure that a limit is set on pod PIDs", false},
	{CIS, "4.2.14", "Ensure that the --seccomp-default parameter is set to true", false},
	{CIS, "4.3.1", "Ensure that the kube-proxy metrics service is bound to localhost", true},
	{CIS, "5.1.1", "Ensure that the cluster-admin role is only used where required", false},
	{CIS, "5.1.2", "Minimize access to secrets", false},
	{CIS, "5.1.3", "Minimize wildcard use in Roles and ClusterRoles", false},
	{CIS, "5.1.4", "Minimize access to create pods", false},
	{CIS, "5.1.5", "Ensure that default service accounts are not actively used", false},
	{CIS, "5.1.6", "Ensure that Service Account Tokens are only mounted where necessary", false},
	{CIS, "5.1.7", "Avoid use of system:masters group", false},
	{CIS, "5.1.8", "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster", false},
	{CIS, "5.1.9", "Minimize access to create persistent volumes", false},
	{CIS, "5.1.10", "Minimize access to the proxy sub-resource of nodes", false},
	{CIS, "5.1.11", "Minimize access to the approval sub-resource of certificatesigningrequests objects", false},
	{CIS, "5.1.12", "Minimize access to webhook configuration objects", false},
	{CIS, "5.1.13", "Minimize access to the service account token creation", false},
	{CIS, "5.2.1", "Ensure that the cluster has at least one active policy control mechanism in place", false},
	{CIS, "5.2.2", "Minimize the admission of privileged containers", false},
	{CIS, "5.2.3", "Minimize the admission of containers wishing to share the host process ID namespace", false},
	{CIS, "5.2.4", "Minimize the admission of containers wishing to share the host IPC namespace", false},
	{CIS, "5.2.5", "Minimize the admission of containers wishing to share the host network namespace", false},
	{CIS, "5.2.6", "Minimize the admission of containers with allowPrivilegeEscalation", false},
	{CIS, "5.2.7", "Minimize the admission of root containers", false},
	{CIS, "5.2.8", "Minimize the admission of containers with the NET_RAW capability", false},
	{CIS, "5.2.9", "Minimize the admission of containers with capabilities assigned", false},
	{CIS, "5.2.10", "Minimize the admission of Windows HostProcess containers", false},
	{CIS, "5.2.11", "Minimize the admission of HostPath volumes", false},
	{CIS, "5.2.12", "Minimize the admission of containers which use HostPorts", false},
	{CIS, "5.3.1", "Ensure that the CNI in use supports NetworkPolicies", false},
	{CIS, "5.3.2", "Ensure that all Namespaces have NetworkPolicies defined", false},
	{CIS, "5.4.1", "Prefer using Secrets as files over Secrets as environment variables", false},
	{CIS, "5.4.2", "Consider external secret storage", false},
	{CIS, "5.5.1", "Configure Image Provenance using ImagePolicyWebhook admission controller", false},
	{CIS, "5.6.1", "Create administrative boundaries between resources using namespaces", false},
	{CIS, "5.6.2", "Ensure that the seccomp profile is set to docker/default in your Pod definitions", false},
	{CIS, "5.6.3", "Apply SecurityContext to your Pods and Containers", false},
	{CIS, "5.6.4", "The default namespace should not be used", false},
}

// nsaItems are the areas of the NSA/CISA Kubernetes Hardening Guide (v1.2) that kubescape's
// NSA framework checks, by kubescape's control id and name, in id order.
var nsaItems = []Item{
	{NSA, "C-0002", "Prevent containers from allowing command execution", false},
	{NSA, "C-0005", "API server insecure port is enabled", false},
	{NSA, "C-0012", "Applications credentials in configuration files", false},
	{NSA, "C-0013", "Non-root containers", false},
	{NSA, "C-0016", "Allow privilege escalation", false},
	{NSA, "C-0017", "Immutable container filesystem", false},
	{NSA, "C-0030", "Ingress and Egress blocked", false},
	{NSA, "C-0034", "Automatic mapping of service account", false},
	{NSA, "C-0035", "Administrative Roles", false},
	{NSA, "C-0038", "Host PID/IPC privileges", false},
	{NSA, "C-0041", "HostNetwork access", false},
	{NSA, "C-0044", "Container hostPort", false},
	{NSA, "C-0046", "Insecure capabilities", false},
	{NSA, "C-0054", "Cluster internal networking", false},
	{NSA, "C-0055", "Linux hardening", false},
	{NSA, "C-0057", "Privileged container", false},
	{NSA, "C-0058", "CVE-2021-25741 - Using symlink for arbitrary host file system access.", false},
	{NSA, "C-0059", "CVE-2021-25742-nginx-ingress-snippet-annotation-vulnerability", false},
	{NSA, "C-0066", "Secret/etcd encryption enabled", false},
	{NSA, "C-0067", "Audit logs enabled", false},
	{NSA, "C-0068", "PSP enabled", false},
	{NSA, "C-0069", "Disable anonymous access to Kubelet service", false},
	{NSA, "C-0070", "Enforce Kubelet client TLS authentication", false},
	{NSA, "C-0270", "Ensure CPU limits are set", false},
	{NSA, "C-0271", "Ensure memory limits are set", false},
	{NSA, "C-0292", "Nginx Ingress Controller End of Life", false},
}
