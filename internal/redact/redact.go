// Package redact takes out of a snapshot the values that look like secrets: each config map
// value (data and binaryData) and literal env value (of pods, of every workload's pod
// template, of the control-plane components read from them) that the detector of KP-WL-042
// and KP-WL-043 flags is replaced by a record of its shape, its length and what kind of secret
// was found (checks/workload.RedactValue), never the value. The snapshot is marked redacted,
// and the checks read a record in it as the findings it records, so a redacted snapshot gives
// the verdicts and evidence of the original.
//
// Values the detector does not flag stay as they are: other controls read them (kube-proxy's
// configuration, etcd's environment), and which of them is secret is not known. A redacted
// snapshot is still as sensitive as read access to the cluster's config maps and workloads,
// less the credentials the detector recognises.
package redact

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks/workload"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Snapshot redacts s in place, marks it redacted, and returns how many values it replaced.
// A snapshot marked already is left as it is.
func Snapshot(s *snapshot.Snapshot) int {
	if s.Redacted {
		return 0
	}
	s.Redacted = true
	r := redactor{seen: map[*corev1.EnvVar]bool{}}
	for i := range s.ConfigMaps {
		cm := &s.ConfigMaps[i]
		for k, v := range cm.Data {
			if rec, ok := workload.RedactValue(k, v); ok {
				cm.Data[k] = rec
				r.n++
			}
		}
		for k, v := range cm.BinaryData {
			if rec, ok := workload.RedactBinary(k, v); ok {
				cm.BinaryData[k] = rec
				r.n++
			}
		}
	}
	for i := range s.Pods {
		r.spec(&s.Pods[i].Spec)
	}
	for i := range s.Deployments {
		r.spec(&s.Deployments[i].Spec.Template.Spec)
	}
	for i := range s.StatefulSets {
		r.spec(&s.StatefulSets[i].Spec.Template.Spec)
	}
	for i := range s.DaemonSets {
		r.spec(&s.DaemonSets[i].Spec.Template.Spec)
	}
	for i := range s.ReplicaSets {
		r.spec(&s.ReplicaSets[i].Spec.Template.Spec)
	}
	for i := range s.Jobs {
		r.spec(&s.Jobs[i].Spec.Template.Spec)
	}
	for i := range s.CronJobs {
		r.spec(&s.CronJobs[i].Spec.JobTemplate.Spec.Template.Spec)
	}
	for i := range s.ControlPlane {
		r.env(s.ControlPlane[i].Env)
	}
	return r.n
}

// redactor counts the values replaced and remembers the env lists done: replicas share their
// env lists (snapshot/intern), and a list done holds records, which must not be redacted again
// as values.
type redactor struct {
	n    int
	seen map[*corev1.EnvVar]bool
}

func (r *redactor) spec(p *corev1.PodSpec) {
	for i := range p.InitContainers {
		r.env(p.InitContainers[i].Env)
	}
	for i := range p.Containers {
		r.env(p.Containers[i].Env)
	}
	for i := range p.EphemeralContainers {
		r.env(p.EphemeralContainers[i].Env)
	}
}

// env redacts the literal values of a list of environment variables.
func (r *redactor) env(vars []corev1.EnvVar) {
	if len(vars) == 0 || r.seen[&vars[0]] {
		return
	}
	r.seen[&vars[0]] = true
	for i := range vars {
		if vars[i].Value == "" {
			continue
		}
		if rec, ok := workload.RedactValue(vars[i].Name, vars[i].Value); ok {
			vars[i].Value = rec
			r.n++
		}
	}
}
