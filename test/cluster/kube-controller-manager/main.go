// Command kube-controller-manager is the upstream Kubernetes controller manager, built from
// k8s.io/kubernetes for kubeposture's whole-cluster tests: its controllers turn Deployments,
// StatefulSets, DaemonSets and CronJobs into the objects a real cluster has, set their owner
// references, create service accounts and sign certificates.
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones, as upstream's main imports it

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics, as upstream registers them
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
