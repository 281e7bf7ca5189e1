package checks

import "github.com/kubeposture/kubeposture/snapshot"

// Memo returns the value that build derives from snap, building it once per snapshot however
// many controls of a Run ask, concurrently or not: the controls of a layer share an expensive
// index (the NetworkPolicy engine, the RBAC evaluator) instead of each building its own. key
// must be a value of an unexported type of the caller's package. The value must be read-only
// once built, since controls run concurrently. The memo lasts for the run (see
// snapshot.ShareDerived); a check called outside Run, as in its table test, builds afresh.
func Memo[T any](snap *snapshot.Snapshot, key any, build func() T) T {
	return snap.Derived(key, func() any { return build() }).(T)
}
