// Package proxytest holds the integration test of the agentless node path: the real
// kube-apiserver (internal/testcluster) proxies /api/v1/nodes/NAME/proxy/configz to stand-in
// kubelets that the test serves in a network namespace of its own (the API server refuses to
// proxy to loopback addresses), and the node controls judge what came through.
package proxytest
