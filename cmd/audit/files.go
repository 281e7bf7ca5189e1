package main

import (
	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/snapshot"
)

// fileFlags name control-plane files the API does not serve, read on the machine running
// audit (copies taken from a control-plane node).
type fileFlags struct {
	opts collect.FileOptions
}

func (f *fileFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.opts.EncryptionConfig, "encryption-config", "", "a copy of the API server's EncryptionConfiguration (--encryption-provider-config), to judge encryption at rest (only provider types and key names are kept)")
	fl.StringVar(&f.opts.AuditPolicy, "audit-policy", "", "a copy of the API server's audit policy (--audit-policy-file), to judge what it records")
	fl.StringVar(&f.opts.AuthorizationConfig, "authorization-config", "", "a copy of the API server's AuthorizationConfiguration (--authorization-config), to judge its authorizer chain")
	fl.StringVar(&f.opts.AuthenticationConfig, "authentication-config", "", "a copy of the API server's AuthenticationConfiguration (--authentication-config), to judge anonymous authentication")
	fl.StringVar(&f.opts.AdmissionConfig, "admission-config", "", "a copy of the API server's AdmissionConfiguration (--admission-control-config-file), to judge the PodSecurity plugin's cluster-wide defaults and exemptions")
}

// apply reads the files into snap.
func (f *fileFlags) apply(snap *snapshot.Snapshot) error {
	return collect.AddFiles(snap, f.opts)
}
