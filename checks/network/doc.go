// Package network holds the checks of the network layer: network policies, and how Services
// and Ingresses expose workloads outside the cluster.
//
// One control per file, each with a doc comment giving the rule, its source, the fields it
// reads and the values it allows, and registering itself with checks.Register in init. The
// checks share indexes of the snapshot (view.go) built once per run through checks.Memo, so
// that they stay linear in the number of objects.
package network
