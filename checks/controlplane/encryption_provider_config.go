/*
The API server must be given an EncryptionConfiguration.

Source: CIS Kubernetes Benchmark 1.2.27. k8s.io/apiserver pkg/server/options/etcd.go (EncryptionProviderConfigFilepath unset: resources are stored as written, identity).

Reads: kube-apiserver --encryption-provider-config.

Allowed values: set to a non-empty path. The flag proves only that a file is named: what it does is judged by KP-CP-045 (CIS 1.2.28) when the file is readable.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-026", "1.2.27", "API server is given an encryption configuration", checks.High,
		"Without an encryption configuration, secrets are stored in etcd in plain text.",
		fix("Write an EncryptionConfiguration whose first provider for secrets is kms v2, aesgcm, aescbc or secretbox and set --encryption-provider-config", manifestAPIServer),
		encryptionProviderConfig)
}

func encryptionProviderConfig(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "encryption-provider-config")
	})
}
