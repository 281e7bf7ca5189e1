// Package deploy holds the manifests that run kubeposture in a cluster: a Kustomize base
// (base/: namespace, service account, read-only ClusterRole and its binding, a CronJob
// running `audit scan`) and overlays (overlays/: with-node-proxy, with-node-agent,
// with-metrics, with-image-scan, with-secret-metadata). It has no code: its tests render every kustomization with krusty (the
// library behind `kubectl kustomize`), scan the output with kubeposture's own checks, and
// verify on a real API server that the ClusterRole lets the collector read everything it
// needs and nothing more. README.md ("Run it in your cluster") explains their use.
package deploy
