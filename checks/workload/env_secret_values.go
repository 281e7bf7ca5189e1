/*
KP-WL-043: plain environment values hold no secrets.

Source: NSA/CISA Kubernetes Hardening Guide, "Secrets" (kubescape C-0012, "Applications
credentials in configuration files": the pod specifications' half; KP-WL-042 judges the config
maps). A literal env value is worse than a secretKeyRef: it is stored in the workload's own
spec, readable by everyone who may read Deployments or pods, and kept in every ReplicaSet of the
Deployment's history. CIS 5.4.1 is about Secrets consumed through the environment
(secretKeyRef, envFrom.secretRef: KP-WL-003), not literal values, and is not claimed here.

Unit: each top-level workload (see workloads.go), template and pods, folded.

Fields read, in containers, initContainers and ephemeralContainers: env[*].name and
env[*].value. env[*].valueFrom is a reference, not a value, and is not read; envFrom names
objects and holds no value. The detection rules, placeholders and redaction are in
secret_values.go.

Allowed values: no finding. FAIL when a value has a credential format, WARN when only a name or
entropy rule matched; the evidence names the container, the variable, the kind of secret and a
redacted preview, never the value. The snapshot itself keeps the env values, as the cluster
stores them.
*/

package workload

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-043",
			Title:    "Environment variables hold no literal secret values",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "A password, token or key written as a literal env value is part of the workload's " +
				"spec: anyone who can read the Deployment or its pods reads the credential, and every " +
				"old ReplicaSet keeps a copy.",
			Remediation: "Put the value in a Secret and mount it as a file (or, failing that, reference it with " +
				"env[].valueFrom.secretKeyRef); rotate the credential, since it has been readable in the spec.",
			References: checks.References{NSA: []string{"C-0012"}},
		},
		Inputs:   inputs,
		Evaluate: envSecretValues,
	})
}

const envSecretsExpected = "no secret in env[].value; secrets from Secret objects, mounted as files"

func envSecretValues(s *snapshot.Snapshot) []checks.Result {
	j := &envSecretJudge{}
	return evaluateGraded(s, j.grade, "no secret-looking env value", envSecretsExpected)
}

// envSecretJudge scans pod specs. Replicas share their template's env, so the verdict on the
// last spec is kept and reused when the next spec's env is the same (compared as strings, far
// cheaper than a scan): a Deployment's template and its pods cost one scan.
type envSecretJudge struct {
	sc         svScanner
	b          strings.Builder
	last       *corev1.PodSpec
	lastStatus checks.Status
	lastMsg    string
}

// grade is a grade (see workloads.go): FAIL when a value has a credential format, WARN when
// only name or entropy rules matched.
func (j *envSecretJudge) grade(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
	if j.last != nil && sameEnv(j.last, spec) {
		return j.lastStatus, j.lastMsg
	}
	j.sc.found = j.sc.found[:0]
	for i := range spec.InitContainers {
		j.container("initContainer", &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		j.container("container", &spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		j.container("ephemeralContainer", (*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	st, msg := checks.Pass, ""
	if len(j.sc.found) > 0 {
		st = checks.Warn
		j.b.Reset()
		for i := range j.sc.found {
			if j.sc.found[i].certain {
				st = checks.Fail
			}
			if i == svMaxListed {
				j.b.WriteString("; +" + strconv.Itoa(len(j.sc.found)-svMaxListed) + " more")
				break
			}
			if i > 0 {
				j.b.WriteString("; ")
			}
			svWrite(&j.b, &j.sc.found[i])
		}
		msg = j.b.String()
	}
	j.last, j.lastStatus, j.lastMsg = spec, st, msg
	return st, msg
}

func (j *envSecretJudge) container(kind string, c *corev1.Container) {
	for k := range c.Env {
		e := &c.Env[k]
		if e.Value == "" {
			continue
		}
		start := len(j.sc.found)
		j.sc.value(e.Name, e.Value)
		if len(j.sc.found) > start {
			scope := kind + ` "` + c.Name + `" env`
			svScope(j.sc.found[start:], scope, e.Name)
		}
	}
}

// sameEnv reports whether two specs have the same containers' names and env names and values,
// all that the judge reads.
func sameEnv(a, b *corev1.PodSpec) bool {
	return sameContainersEnv(a.InitContainers, b.InitContainers) && sameContainersEnv(a.Containers, b.Containers) &&
		sameEphemeralEnv(a.EphemeralContainers, b.EphemeralContainers)
}

func sameContainersEnv(a, b []corev1.Container) bool {
	return sameEnvOf(a, b, func(c *corev1.Container) *corev1.Container { return c })
}

func sameEphemeralEnv(a, b []corev1.EphemeralContainer) bool {
	return sameEnvOf(a, b, func(e *corev1.EphemeralContainer) *corev1.Container {
		return (*corev1.Container)(&e.EphemeralContainerCommon)
	})
}

// sameEnvOf compares the names and env of two lists of containers of either kind.
func sameEnvOf[T any](a, b []T, container func(*T) *corev1.Container) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		ca, cb := container(&a[i]), container(&b[i])
		if ca.Name != cb.Name || !sameEnvVars(ca.Env, cb.Env) {
			return false
		}
	}
	return true
}

func sameEnvVars(a, b []corev1.EnvVar) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}
