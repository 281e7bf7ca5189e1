package controlplane

import "github.com/kubeposture/kubeposture/checks"

// schedulerFlags are the controls on kube-scheduler's flags (CIS 1.4), in CIS order. With
// --config the scheduler ignores its deprecated flags, --profiling among them
// (configFileOverrides).
var schedulerFlags = flagTable{Component: scheduler, Rules: []flagRule{
	{
		ID: "KP-CP-035", CIS: "1.4.1", Title: "Scheduler profiling is disabled", Severity: checks.Medium,
		Rule:    isBool{Flag: "profiling", Want: false},
		Default: "true", Source: "k8s.io/kubernetes cmd/kube-scheduler/app/options/deprecated.go (--profiling defaults to true)",
		Allowed:     "False, in any spelling strconv.ParseBool reads. Absent is the default (true). A value that is not a boolean FAILs. With --config the flag is ignored (deprecated.go: \"ignored if a config file is specified\") and the KubeSchedulerConfiguration file decides: NOT_EVALUATED.",
		Description: "Profiling serves /debug/pprof on the scheduler, which reveals program internals.",
		Remediation: fix("Set --profiling=false (or enableProfiling: false in the --config file)", manifestScheduler),
	},
	{
		ID: "KP-CP-036", CIS: "1.4.2", Title: "Scheduler listens on loopback only", Severity: checks.Medium,
		Rule:    loopback{Flag: "bind-address"},
		Default: "0.0.0.0", Source: "k8s.io/apiserver pkg/server/options/serving.go (NewSecureServingOptions), which kube-scheduler uses for its secure port; kubeadm sets 127.0.0.1 explicitly, so absent is every interface, not loopback",
		Allowed:     "127.0.0.1 or ::1, parsed as an IP and compared exactly (127.0.0.10 FAILs). Absent (0.0.0.0) FAILs.",
		Description: "Listening on every interface exposes the kube-scheduler health, metrics and (with profiling) debug endpoints to the network.",
		Remediation: fix("Set --bind-address=127.0.0.1", manifestScheduler),
	},
}}
