// Package builtin registers every control kubeposture ships: import it for its side effect.
package builtin

import (
	// Each layer registers its checks in init functions.
	_ "github.com/kubeposture/kubeposture/checks/controlplane"
	_ "github.com/kubeposture/kubeposture/checks/network"
	_ "github.com/kubeposture/kubeposture/checks/node"
	_ "github.com/kubeposture/kubeposture/checks/rbac"
	_ "github.com/kubeposture/kubeposture/checks/workload"
)
