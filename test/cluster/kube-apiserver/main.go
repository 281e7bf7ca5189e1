// Command kube-apiserver is the upstream Kubernetes API server, built from k8s.io/kubernetes
// for kubeposture's integration tests. It is the real server, not a fake: the tests' RBAC,
// paging and discovery behave as they do in a cluster.
//
// Build it with the version stamped in, so that /version reports the real release:
//
//	go build -ldflags "$(go run ./ldflags)" ./kube-apiserver
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
