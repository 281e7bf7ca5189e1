// Command kube-scheduler is the upstream Kubernetes scheduler, built from k8s.io/kubernetes for
// kubeposture's whole-cluster tests: it binds the controllers' pods to the hollow nodes.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics, as upstream registers them
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	os.Exit(cli.Run(app.NewSchedulerCommand()))
}
