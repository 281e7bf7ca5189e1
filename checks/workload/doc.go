// Package workload holds the checks of the workload layer: Pod Security Standards and the
// way pods consume secrets.
//
// The unit of judgement is the top-level workload, not the pod: a Deployment with 300
// replicas is one result, not 300. workloads.go builds that index (pods folded into their
// Deployment, StatefulSet, DaemonSet or CronJob by controller owner UID) once per run, shared
// by the checks through checks.Memo, and every check judges each unit's pod template and each
// of its running pods, because a mutating webhook can make the admitted pods differ from the
// template, and the pods are what admission actually judged.
//
// Each control lives in its own file with a doc comment giving the rule, its source, the
// fields it reads and the values it allows, and registers itself in init. The controls that
// judge a pod spec field by field for one framework item (a CIS 5.2 recommendation, an
// NSA/CISA area) are rows of one table, podRules (pod_rules.go), each row in its own file with
// that doc comment; they, and the Pod Security levels, read one evaluation of each distinct
// pod spec per run (podSpecs in pss_cache.go).
package workload
