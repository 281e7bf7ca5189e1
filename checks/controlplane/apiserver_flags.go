package controlplane

import "github.com/kubeposture/kubeposture/checks"

// apiserverFlags are the controls that are one rule on kube-apiserver's flags (CIS 1.2, 3.2.1
// and 5.2.1), in CIS order. The apiserver's controls with logic of their own (anonymous and
// authorization settings that may live in files, profiling, cipher suites, encryption
// providers, the audit policy) are files of their own.
var apiserverFlags = flagTable{Component: apiserver, Rules: []flagRule{
	{
		ID: "KP-CP-006", CIS: "1.2.2", Title: "API server does not use a static token file", Severity: checks.High,
		Rule:    notSet{Flag: "token-auth-file"},
		Default: "", Source: "k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go (TokenFileAuthenticationOptions: unset by default)",
		Allowed:     "Absent, or set to an empty value (no token file is read). Any path FAILs.",
		Description: "Tokens in --token-auth-file never expire and can only be changed by restarting the API server.",
		Remediation: fix("Remove --token-auth-file and use client certificates, OIDC or service-account tokens instead", manifestAPIServer),
	},
	{
		// CIS 1.7+ asks for DenyServiceExternalIPs to be set (older versions said the opposite).
		ID: "KP-CP-007", CIS: "1.2.3", Title: "API server denies new Service externalIPs", Severity: checks.Medium,
		Rule:    admissionPlugin{Name: "DenyServiceExternalIPs", On: true},
		Default: "off", Source: "Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: DenyServiceExternalIPs is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames)",
		Allowed:     "DenyServiceExternalIPs in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.",
		Description: "Without DenyServiceExternalIPs any user who can create Services can set externalIPs and intercept traffic to those addresses (CVE-2020-8554).",
		Remediation: fix("Add DenyServiceExternalIPs to --enable-admission-plugins", manifestAPIServer),
	},
	{
		ID: "KP-CP-008", CIS: "1.2.4", Title: "API server authenticates to kubelets with a client certificate", Severity: checks.High,
		Rule:    flagsSet{Flags: []string{"kubelet-client-certificate", "kubelet-client-key"}},
		Default: "", Source: "k8s.io/kubernetes pkg/kubeapiserver/options (KubeletConfig: TLSClientConfig unset by default)",
		Allowed:     "Both set to a non-empty path. Either absent or empty FAILs.",
		Description: "Without a client certificate the API server cannot authenticate to kubelets, which must then accept unauthenticated requests.",
		Remediation: fix("Set --kubelet-client-certificate and --kubelet-client-key", manifestAPIServer),
	},
	{
		ID: "KP-CP-009", CIS: "1.2.5", Title: "API server verifies kubelets' serving certificates", Severity: checks.High,
		Rule:    flagsSet{Flags: []string{"kubelet-certificate-authority"}},
		Default: "", Source: "k8s.io/kubernetes pkg/kubeapiserver/options (KubeletConfig.TLSClientConfig.CAFile unset by default: the kubelet certificate is not verified)",
		Allowed:     "Set to a non-empty path.",
		Description: "Without a CA the API server does not verify the kubelet it talks to, so exec, logs and port-forward traffic can be intercepted.",
		Remediation: fix("Set --kubelet-certificate-authority to the CA that signs the kubelet serving certificates", manifestAPIServer),
	},
	{
		// EventRateLimit also needs a configuration file, which is not checked here.
		ID: "KP-CP-010", CIS: "1.2.9", Title: "API server limits the rate of events", Severity: checks.Low,
		Rule:    admissionPlugin{Name: "EventRateLimit", On: true},
		Default: "off", Source: "Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: EventRateLimit is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames)",
		Allowed:     "EventRateLimit in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.",
		Description: "EventRateLimit keeps a flood of events from overloading the API server and etcd.",
		Remediation: fix("Add EventRateLimit to --enable-admission-plugins and give it a configuration with --admission-control-config-file", manifestAPIServer),
	},
	{
		ID: "KP-CP-011", CIS: "1.2.10", Title: "API server does not run the AlwaysAdmit plugin", Severity: checks.High,
		Rule:    admissionPlugin{Name: "AlwaysAdmit", On: false},
		Default: "off", Source: "Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: AlwaysAdmit is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames)",
		Allowed:     "AlwaysAdmit not in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.",
		Description: "AlwaysAdmit admits every request, whatever the other plugins say.",
		Remediation: fix("Remove AlwaysAdmit from --enable-admission-plugins (or --admission-control)", manifestAPIServer),
	},
	{
		ID: "KP-CP-012", CIS: "1.2.11", Title: "API server forces image pulls", Severity: checks.Medium,
		Rule:    admissionPlugin{Name: "AlwaysPullImages", On: true},
		Default: "off", Source: "Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: AlwaysPullImages is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames)",
		Allowed:     "AlwaysPullImages in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.",
		Description: "With AlwaysPullImages every pod pulls its images with its own credentials, so a private image cached on a node cannot be used by a pod without the pull secret.",
		Remediation: fix("Add AlwaysPullImages to --enable-admission-plugins", manifestAPIServer),
	},
	{
		// Only --disable-admission-plugins or an --admission-control list without it turns it off.
		ID: "KP-CP-013", CIS: "1.2.12", Title: "API server runs the ServiceAccount admission plugin", Severity: checks.High,
		Rule:    admissionPlugin{Name: "ServiceAccount", On: true},
		Default: "on", Source: "Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: ServiceAccount is default-on in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames)",
		Allowed:     "ServiceAccount in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.",
		Description: "The ServiceAccount plugin assigns each pod a service account and enforces that it exists.",
		Remediation: fix("Remove ServiceAccount from --disable-admission-plugins (or add it to --admission-control)", manifestAPIServer),
	},
	{
		ID: "KP-CP-014", CIS: "1.2.13", Title: "API server runs the NamespaceLifecycle admission plugin", Severity: checks.High,
		Rule:    admissionPlugin{Name: "NamespaceLifecycle", On: true},
		Default: "on", Source: "Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: NamespaceLifecycle is default-on in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames)",
		Allowed:     "NamespaceLifecycle in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.",
		Description: "NamespaceLifecycle refuses objects in namespaces that do not exist or are being deleted.",
		Remediation: fix("Remove NamespaceLifecycle from --disable-admission-plugins (or add it to --admission-control)", manifestAPIServer),
	},
	{
		ID: "KP-CP-015", CIS: "1.2.14", Title: "API server runs the NodeRestriction admission plugin", Severity: checks.High,
		Rule:    admissionPlugin{Name: "NodeRestriction", On: true},
		Default: "off", Source: "Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: NodeRestriction is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames)",
		Allowed:     "NodeRestriction in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.",
		Description: "NodeRestriction limits each kubelet to its own Node and the pods bound to it; without it a compromised node can modify every node and pod.",
		Remediation: fix("Add NodeRestriction to --enable-admission-plugins", manifestAPIServer),
	},
	{
		ID: "KP-CP-016", CIS: "1.2.16", Title: "API server writes an audit log", Severity: checks.Medium,
		Rule:    flagsSet{Flags: []string{"audit-log-path"}},
		Default: "", Source: "k8s.io/apiserver pkg/server/options/audit.go (AuditLogOptions.Path unset by default: no log backend)",
		Allowed:     "Set to a non-empty path (\"-\" writes to standard out, which counts as set). An audit webhook (--audit-webhook-config-file) is not a substitute for this control.",
		Description: "Without an audit log there is no record of who did what in the cluster.",
		Remediation: fix("Set --audit-log-path (and --audit-policy-file)", manifestAPIServer),
	},
	{
		ID: "KP-CP-017", CIS: "1.2.17", Title: "API server keeps audit logs for 30 days or more", Severity: checks.Low,
		Rule:    auditRotation{Flag: "audit-log-maxage", Min: 30},
		Default: "366", Source: "k8s.io/apiserver pkg/server/options/audit.go (NewAuditOptions) in v1.37; older releases defaulted to 0, which the reference data still says",
		Allowed:     "30 or more. Absent is the default 366. Without --audit-log-path, or with \"-\" (standard out), there is no log file to rotate: NOT_APPLICABLE. A value that is not an integer FAILs.",
		Description: "Keeping too few or too short audit logs loses the evidence an investigation needs.",
		Remediation: fix("Set --audit-log-maxage=30 or more", manifestAPIServer),
	},
	{
		ID: "KP-CP-018", CIS: "1.2.18", Title: "API server keeps 10 or more audit log files", Severity: checks.Low,
		Rule:    auditRotation{Flag: "audit-log-maxbackup", Min: 10},
		Default: "100", Source: "k8s.io/apiserver pkg/server/options/audit.go (NewAuditOptions) in v1.37; older releases defaulted to 0, which the reference data still says",
		Allowed:     "10 or more. Absent is the default 100. Without --audit-log-path, or with \"-\" (standard out), there is no log file to rotate: NOT_APPLICABLE. A value that is not an integer FAILs.",
		Description: "Keeping too few or too short audit logs loses the evidence an investigation needs.",
		Remediation: fix("Set --audit-log-maxbackup=10 or more", manifestAPIServer),
	},
	{
		ID: "KP-CP-019", CIS: "1.2.19", Title: "API server rotates audit logs at 100 MB or more", Severity: checks.Low,
		Rule:    auditRotation{Flag: "audit-log-maxsize", Min: 100},
		Default: "100", Source: "k8s.io/apiserver pkg/server/options/audit.go (NewAuditOptions) in v1.37; older releases defaulted to 0, which the reference data still says",
		Allowed:     "100 or more. Absent is the default 100. Without --audit-log-path, or with \"-\" (standard out), there is no log file to rotate: NOT_APPLICABLE. A value that is not an integer FAILs.",
		Description: "Keeping too few or too short audit logs loses the evidence an investigation needs.",
		Remediation: fix("Set --audit-log-maxsize=100 or more", manifestAPIServer),
	},
	{
		// CIS marks 1.2.20 manual: "set as appropriate".
		ID: "KP-CP-049", CIS: "1.2.20", Title: "API server request timeout suits the cluster", Severity: checks.Low,
		Rule:    asAppropriate{Flag: "request-timeout", Question: "is this request timeout appropriate"},
		Default: "1m0s", Source: "k8s.io/apiserver pkg/server/config.go (NewConfig: RequestTimeout 60s), bound to --request-timeout in pkg/server/options/server_run_options.go",
		Allowed:     "None automatically: the result is MANUAL, with the effective value and where it comes from, for an operator to judge (too long holds connections open under a flood, too short breaks large lists).",
		Description: "The global request timeout bounds how long a request may hold a connection; the default (60s) suits most clusters.",
		Remediation: fix("Set --request-timeout to a value that suits the cluster (the default 60s unless large lists need more)", manifestAPIServer),
	},
	{
		ID: "KP-CP-020", CIS: "1.2.21", Title: "API server checks that service-account tokens still exist", Severity: checks.Medium,
		Rule:    isBool{Flag: "service-account-lookup", Want: true},
		Default: "true", Source: "k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go (ServiceAccounts.Lookup = true)",
		Allowed:     "True, in any spelling strconv.ParseBool reads. Absent is the default (true). A value that is not a boolean FAILs.",
		Description: "Without the lookup, a token of a deleted service account (or of a deleted secret) keeps working until it expires.",
		Remediation: fix("Remove --service-account-lookup=false (or set it to true)", manifestAPIServer),
	},
	{
		// --service-account-key-file is repeatable (one key per occurrence).
		ID: "KP-CP-021", CIS: "1.2.22", Title: "API server verifies service-account tokens with a dedicated key", Severity: checks.Medium,
		Rule:    flagsSet{Flags: []string{"service-account-key-file"}},
		Default: "", Source: "k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go (unset: the --tls-private-key-file is used, so token signing and serving share a key)",
		Allowed:     "Set to a non-empty path.",
		Description: "Without a dedicated key, service-account tokens are verified with the serving key, and rotating one rotates the other.",
		Remediation: fix("Set --service-account-key-file to the public key that matches the controller manager's --service-account-private-key-file", manifestAPIServer),
	},
	{
		ID: "KP-CP-022", CIS: "1.2.23", Title: "API server authenticates to etcd with a client certificate", Severity: checks.High,
		Rule:    flagsSet{Flags: []string{"etcd-certfile", "etcd-keyfile"}},
		Default: "", Source: "k8s.io/apiserver pkg/server/options/etcd.go (StorageConfig.Transport: unset by default)",
		Allowed:     "Both set to a non-empty path.",
		Description: "Without client certificates etcd cannot tell the API server from any other client, and holds every secret of the cluster.",
		Remediation: fix("Set --etcd-certfile and --etcd-keyfile", manifestAPIServer),
	},
	{
		ID: "KP-CP-023", CIS: "1.2.24", Title: "API server serves TLS with a configured certificate", Severity: checks.Medium,
		Rule:    flagsSet{Flags: []string{"tls-cert-file", "tls-private-key-file"}},
		Default: "", Source: "k8s.io/apiserver pkg/server/options/serving.go (unset: a self-signed certificate is generated in --cert-dir)",
		Allowed:     "Both set to a non-empty path.",
		Description: "A generated self-signed certificate cannot be verified by clients, which then learn to skip verification.",
		Remediation: fix("Set --tls-cert-file and --tls-private-key-file", manifestAPIServer),
	},
	{
		ID: "KP-CP-024", CIS: "1.2.25", Title: "API server authenticates client certificates", Severity: checks.Medium,
		Rule:    flagsSet{Flags: []string{"client-ca-file"}},
		Default: "", Source: "k8s.io/apiserver pkg/server/options/authentication.go (ClientCert.ClientCA unset: no x509 client authentication)",
		Allowed:     "Set to a non-empty path.",
		Description: "Without a client CA the API server cannot authenticate kubelets and components by certificate.",
		Remediation: fix("Set --client-ca-file", manifestAPIServer),
	},
	{
		ID: "KP-CP-025", CIS: "1.2.26", Title: "API server verifies etcd's certificate", Severity: checks.High,
		Rule:    flagsSet{Flags: []string{"etcd-cafile"}},
		Default: "", Source: "k8s.io/apiserver pkg/server/options/etcd.go (StorageConfig.Transport.TrustedCAFile unset)",
		Allowed:     "Set to a non-empty path.",
		Description: "Without a CA the API server cannot tell the real etcd from an impostor.",
		Remediation: fix("Set --etcd-cafile", manifestAPIServer),
	},
	{
		ID: "KP-CP-026", CIS: "1.2.27", Title: "API server is given an encryption configuration", Severity: checks.High,
		Rule:    flagsSet{Flags: []string{"encryption-provider-config"}},
		Default: "", Source: "k8s.io/apiserver pkg/server/options/etcd.go (EncryptionProviderConfigFilepath unset: resources are stored as written, identity)",
		Allowed:     "Set to a non-empty path. The flag proves only that a file is named: what it does is judged by KP-CP-045 (CIS 1.2.28) when the file is readable.",
		Description: "Without an encryption configuration, secrets are stored in etcd in plain text.",
		Remediation: fix("Write an EncryptionConfiguration whose first provider for secrets is kms v2, aesgcm, aescbc or secretbox and set --encryption-provider-config", manifestAPIServer),
	},
	{
		ID: "KP-CP-028", CIS: "1.2.30", Title: "API server does not extend projected token lifetimes", Severity: checks.Low,
		Rule:    isBool{Flag: "service-account-extend-token-expiration", Want: false},
		Default: "true", Source: "k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go (ServiceAccounts.ExtendExpiration = true)",
		Allowed:     "False, in any spelling strconv.ParseBool reads. Absent is the default (true). A value that is not a boolean FAILs.",
		Description: "With the extension on, projected service-account tokens are valid for a year instead of their requested lifetime, which widens the window of a stolen token.",
		Remediation: fix("Set --service-account-extend-token-expiration=false", manifestAPIServer),
	},
	{
		ID: "KP-CP-044", CIS: "3.2.1", Title: "API server is given an audit policy", Severity: checks.Medium,
		Rule:    flagsSet{Flags: []string{"audit-policy-file"}},
		Default: "", Source: "k8s.io/apiserver pkg/server/options/audit.go (PolicyFile unset: no event is audited, whatever the backends)",
		Allowed:     "Set to a non-empty path. What the policy covers is judged by KP-CP-046 (CIS 3.2.2) when the file is readable.",
		Description: "Without a policy the API server records no audit events, even with an audit log path.",
		Remediation: fix("Write an audit policy that logs at least Metadata for secrets, configmaps and tokenreviews and set --audit-policy-file", manifestAPIServer),
	},
	{
		// PodSecurity is what enforces the namespaces' pod-security.kubernetes.io labels;
		// --disable-admission-plugins or an --admission-control list without it turns it off,
		// and every label becomes decoration. It claims no CIS item: 5.2.1 asks whether each
		// namespace with user workloads has a mechanism in place (KP-WL-028), which the plugin
		// alone does not say.
		ID: "KP-CP-051", CIS: "", Title: "API server runs the PodSecurity admission plugin", Severity: checks.High,
		Rule:    admissionPlugin{Name: "PodSecurity", On: true},
		Default: "on", Source: "Kubernetes documentation, \"Pod Security Admission\"; CIS Kubernetes Benchmark 1.12 5.2.1 (\"at least one active policy control mechanism\"). Effective set as computed by componentflags.EffectiveAdmission (PodSecurity is default-on in v1.37, k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go)",
		Allowed:     "PodSecurity in the effective set, compared by exact name.",
		Description: "The PodSecurity plugin enforces the Pod Security Standards labels of each namespace; without it they are ignored.",
		Remediation: fix("Remove PodSecurity from --disable-admission-plugins (or add it to --admission-control)", manifestAPIServer),
	},
}}
