// Package e2e holds kubeposture's end-to-end tests on a whole cluster: the real API server,
// etcd, controller manager and scheduler, and hollow nodes running the kubelet's own code
// (internal/testcluster). The example estate is applied as a user applies it
// (internal/estate.Apply), the controllers and kubelets make it run, and the tests scan it as
// users do: the audit binary with a kubeconfig, the shipped service account with the
// with-node-proxy overlay, and audit serve in the cluster's shape.
//
// The hollow nodes run in network namespaces: the tests need root and iproute2 (CI has both).
package e2e
