package controlplane

import "github.com/kubeposture/kubeposture/checks"

// etcdFlags are the controls that are one rule on etcd's flags (CIS 2.1 to 2.6), in CIS
// order. etcd reads an ETCD_* environment variable for a flag not on its command line, and a
// configuration file (--config-file or ETCD_CONFIG_FILE) replaces both (NOT_EVALUATED): see
// componentflags.Lookup and configFileOverrides. CIS 2.7 compares etcd's CA with the API
// servers' and is etcd_unique_ca.go.
var etcdFlags = flagTable{Component: etcd, Rules: []flagRule{
	{
		ID: "KP-CP-037", CIS: "2.1", Title: "etcd serves clients over TLS", Severity: checks.High,
		Rule:    flagsSet{Flags: []string{"cert-file", "key-file"}},
		Default: "", Source: "go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: both default to \"\", plain HTTP)",
		Allowed:     "Both set to a non-empty path.",
		Description: "Without a serving certificate etcd talks to clients in plain text, secrets included.",
		Remediation: fix("Set --cert-file and --key-file", manifestEtcd),
	},
	{
		ID: "KP-CP-038", CIS: "2.2", Title: "etcd requires client certificates", Severity: checks.High,
		Rule:    isBool{Flag: "client-cert-auth", Want: true},
		Default: "false", Source: "go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: zero value false)",
		Allowed:     "True, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.",
		Description: "Without client certificate authentication any client that reaches etcd reads and writes the whole cluster state.",
		Remediation: fix("Set --client-cert-auth=true", manifestEtcd),
	},
	{
		ID: "KP-CP-039", CIS: "2.3", Title: "etcd does not use self-signed client certificates", Severity: checks.High,
		Rule:    isBool{Flag: "auto-tls", Want: false},
		Default: "false", Source: "go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: zero value false)",
		Allowed:     "False, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.",
		Description: "With auto-tls etcd generates a self-signed certificate that clients cannot verify.",
		Remediation: fix("Remove --auto-tls or set it to false", manifestEtcd),
	},
	{
		ID: "KP-CP-040", CIS: "2.4", Title: "etcd members talk to each other over TLS", Severity: checks.High,
		Rule:    flagsSet{Flags: []string{"peer-cert-file", "peer-key-file"}},
		Default: "", Source: "go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: both default to \"\", plain HTTP)",
		Allowed:     "Both set to a non-empty path.",
		Description: "Without peer certificates etcd replicates the cluster's data between members in plain text.",
		Remediation: fix("Set --peer-cert-file and --peer-key-file", manifestEtcd),
	},
	{
		ID: "KP-CP-041", CIS: "2.5", Title: "etcd members require peer certificates", Severity: checks.High,
		Rule:    isBool{Flag: "peer-client-cert-auth", Want: true},
		Default: "false", Source: "go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: zero value false)",
		Allowed:     "True, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.",
		Description: "Without peer client certificate authentication anything that reaches the peer port can join or read the cluster.",
		Remediation: fix("Set --peer-client-cert-auth=true", manifestEtcd),
	},
	{
		ID: "KP-CP-042", CIS: "2.6", Title: "etcd members do not use self-signed peer certificates", Severity: checks.High,
		Rule:    isBool{Flag: "peer-auto-tls", Want: false},
		Default: "false", Source: "go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: zero value false)",
		Allowed:     "False, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.",
		Description: "With peer-auto-tls etcd members use self-signed certificates that do not authenticate each other.",
		Remediation: fix("Remove --peer-auto-tls or set it to false", manifestEtcd),
	},
}}
