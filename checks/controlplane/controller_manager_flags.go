package controlplane

import "github.com/kubeposture/kubeposture/checks"

// controllerManagerFlags are the controls on kube-controller-manager's flags (CIS 1.3), in
// CIS order.
var controllerManagerFlags = flagTable{Component: controllerManager, Rules: []flagRule{
	{
		// CIS marks 1.3.1 manual ("set as appropriate"): the argument must be set, its value is
		// the operators' choice.
		ID: "KP-CP-050", CIS: "1.3.1", Title: "Terminated pods are garbage-collected at a threshold that suits the cluster", Severity: checks.Low,
		Rule: positiveInt{Flag: "terminated-pod-gc-threshold",
			Off: "0 or less disables the terminated-pod collector: pkg/controller/podgc/gc_controller.go deletes terminated pods only when the threshold is above 0"},
		Default: "12500", Source: "k8s.io/kubernetes pkg/controller/podgc/config/v1alpha1/defaults.go, bound to --terminated-pod-gc-threshold in cmd/kube-controller-manager/app/options/podgccontroller.go (Int32Var; 0 or less disables the collector)",
		Allowed:     "Set to a positive integer (read as pflag's Int32Var): PASS, whatever the value, which CIS leaves to the operators. Absent FAILs: CIS 1.3.1's audit verifies that the argument is set, and its rationale says the default of 12,500 may be too high for the cluster (kube-bench's test is the flag being set). 0 or less FAILs (the collector of terminated pods is off). A value that is not a 32-bit integer FAILs (the controller manager would not start).",
		Description: "Terminated pods kept without bound fill etcd and slow every list of pods; the default keeps 12,500.",
		Remediation: fix("Set --terminated-pod-gc-threshold to a value that suits the cluster's churn", manifestKCM),
	},
	{
		ID: "KP-CP-029", CIS: "1.3.2", Title: "Controller manager profiling is disabled", Severity: checks.Medium,
		Rule:    isBool{Flag: "profiling", Want: false},
		Default: "true", Source: "k8s.io/component-base config/v1alpha1/defaults.go (RecommendedDebuggingConfiguration: EnableProfiling true)",
		Allowed:     "False, in any spelling strconv.ParseBool reads. Absent is the default (true). A value that is not a boolean FAILs.",
		Description: "Profiling serves /debug/pprof on the controller manager, which reveals program internals.",
		Remediation: fix("Set --profiling=false", manifestKCM),
	},
	{
		ID: "KP-CP-030", CIS: "1.3.3", Title: "Controller manager runs each controller with its own credentials", Severity: checks.High,
		Rule:    isBool{Flag: "use-service-account-credentials", Want: true},
		Default: "false", Source: "k8s.io/cloud-provider options/kubecloudshared.go (UseServiceAccountCredentials: zero value false)",
		Allowed:     "True, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.",
		Description: "Without it every controller acts with the controller manager's own, broad identity, so one compromised controller has them all.",
		Remediation: fix("Set --use-service-account-credentials=true", manifestKCM),
	},
	{
		ID: "KP-CP-031", CIS: "1.3.4", Title: "Controller manager signs service-account tokens with a dedicated key", Severity: checks.Medium,
		Rule:    flagsSet{Flags: []string{"service-account-private-key-file"}},
		Default: "", Source: "k8s.io/kubernetes cmd/kube-controller-manager/app/options (SAController.ServiceAccountKeyFile unset: the token controller does not sign tokens)",
		Allowed:     "Set to a non-empty path.",
		Description: "The private key must be set so that service-account tokens can be signed and the key rotated on its own.",
		Remediation: fix("Set --service-account-private-key-file", manifestKCM),
	},
	{
		ID: "KP-CP-032", CIS: "1.3.5", Title: "Controller manager gives pods the cluster's root CA", Severity: checks.Medium,
		Rule:    flagsSet{Flags: []string{"root-ca-file"}},
		Default: "", Source: "k8s.io/kubernetes cmd/kube-controller-manager/app/options (SAController.RootCAFile unset)",
		Allowed:     "Set to a non-empty path.",
		Description: "Without the root CA, pods cannot verify the API server's certificate and may skip verification.",
		Remediation: fix("Set --root-ca-file", manifestKCM),
	},
	{
		ID: "KP-CP-033", CIS: "1.3.6", Title: "Controller manager leaves RotateKubeletServerCertificate on", Severity: checks.Low,
		Rule:    featureGate{Name: "RotateKubeletServerCertificate", On: true},
		Default: "true", Source: "k8s.io/kubernetes pkg/features/kube_features.go (RotateKubeletServerCertificate: beta, default true since 1.12)",
		Allowed:     "RotateKubeletServerCertificate absent (default true) or true (strconv.ParseBool). False FAILs; an unreadable value FAILs. The gate does nothing without the kubelet's serverTLSBootstrap, which the node checks judge.",
		Description: "Kubelet serving certificates that are never rotated stay valid long after a node is compromised.",
		Remediation: fix("Remove RotateKubeletServerCertificate=false from --feature-gates", manifestKCM),
	},
	{
		ID: "KP-CP-034", CIS: "1.3.7", Title: "Controller manager listens on loopback only", Severity: checks.Medium,
		Rule:    loopback{Flag: "bind-address"},
		Default: "0.0.0.0", Source: "k8s.io/apiserver pkg/server/options/serving.go (NewSecureServingOptions), which kube-controller-manager uses for its secure port; kubeadm sets 127.0.0.1 explicitly, so absent is every interface, not loopback",
		Allowed:     "127.0.0.1 or ::1, parsed as an IP and compared exactly (127.0.0.10 FAILs). Absent (0.0.0.0) FAILs.",
		Description: "Listening on every interface exposes the kube-controller-manager health, metrics and (with profiling) debug endpoints to the network.",
		Remediation: fix("Set --bind-address=127.0.0.1", manifestKCM),
	},
}}
