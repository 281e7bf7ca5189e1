/*
KP-WL-003: secrets are not exposed as environment variables.

Source: CIS Kubernetes Benchmark 1.12, 5.4.1 "Prefer using Secrets as files over Secrets as
environment variables" (manual in CIS; the state of the cluster answers it). Environment
variables leak into logs, crash dumps, child processes and `kubectl describe`-style tooling,
and a mounted secret is updated in place when rotated while an env var is not.

Unit: each top-level workload (see workloads.go), template and pods.

Fields read, in containers, initContainers and ephemeralContainers:

	env[*].valueFrom.secretKeyRef: undefined
	envFrom[*].secretRef: undefined

Evidence names the container, the variable and the secret (and key), never a value: the
snapshot holds none.
*/

package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-003",
			Title:    "Secrets are not exposed as environment variables",
			Layer:    checks.Workload,
			Severity: checks.Medium,
			Description: "Secrets passed as environment variables end up in process listings, crash " +
				"reports and application logs, and are not refreshed when the secret is rotated. " +
				"Mounting them as files keeps them out of the environment.",
			Remediation: "Replace env[].valueFrom.secretKeyRef and envFrom[].secretRef with a secret " +
				"volume (spec.volumes[].secret, or a projected volume) mounted read-only into the " +
				"container, and have the application read the file.",
			References: checks.References{CIS: []string{"5.4.1"}},
		},
		Inputs:   inputs,
		Evaluate: secretsEnv,
	})
}

func secretsEnv(s *snapshot.Snapshot) []checks.Result {
	return evaluateUnits(s, secretsInEnv, "no secret in env or envFrom",
		"no env[].valueFrom.secretKeyRef and no envFrom[].secretRef; secrets mounted as files")
}

// secretsInEnv lists the secret references in the environment of every container of spec.
func secretsInEnv(_ *metav1.ObjectMeta, spec *corev1.PodSpec) string {
	var b strings.Builder
	for i := range spec.InitContainers {
		containerSecrets(&b, "initContainer", &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		containerSecrets(&b, "container", &spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		containerSecrets(&b, "ephemeralContainer", (*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	return b.String()
}

func containerSecrets(b *strings.Builder, kind string, c *corev1.Container) {
	start := func() {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(kind)
		b.WriteString(` "`)
		b.WriteString(c.Name)
		b.WriteString(`" `)
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		start()
		b.WriteString("env ")
		b.WriteString(e.Name)
		b.WriteString(` from secret "`)
		b.WriteString(ref.Name)
		b.WriteString(`" key "`)
		b.WriteString(ref.Key)
		b.WriteString(`"`)
	}
	for _, e := range c.EnvFrom {
		if e.SecretRef == nil {
			continue
		}
		start()
		b.WriteString(`envFrom secret "`)
		b.WriteString(e.SecretRef.Name)
		b.WriteString(`"`)
		if e.Prefix != "" {
			b.WriteString(` (prefix "`)
			b.WriteString(e.Prefix)
			b.WriteString(`")`)
		}
	}
}
