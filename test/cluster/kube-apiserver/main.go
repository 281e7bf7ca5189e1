// Command kube-apiserver is the upstream Kubernetes API server, built from k8s.io/kubernetes
// for kubeposture's integration tests. It is the real server, not a fake: the tests' RBAC,
// paging and discovery behave as they do in a cluster.
//
// internal/testcluster builds it with the release stamped in through -ldflags (-X
// k8s.io/component-base/version.gitVersion=...), so that /version reports v1.37.2 and not
// v0.0.0-master.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
