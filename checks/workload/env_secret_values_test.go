package workload

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestEnvSecretValues(t *testing.T) {
	env := func(kv ...string) []corev1.EnvVar {
		var out []corev1.EnvVar
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, corev1.EnvVar{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
	}{
		{
			name: "settings, references and valueFrom pass",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers[0].Env = append(env("MODE", "prod", "DB_PASSWORD", "$(FROM_FILE)", "PASSWORD_FILE", "/run/secrets/db"),
						corev1.EnvVar{Name: "API_KEY", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{Key: "k"}}})
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Pass}},
		},
		{
			name: "a token format in a sidecar fails, naming container and variable",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers = append(s.Containers, corev1.Container{Name: "notifier", Env: env("SLACK", fakeSlack)})
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, where: "spec",
				observed: []string{`container "notifier" env SLACK: Slack token ("xoxb-"… (`}}},
		},
		{
			name: "a password by name only is a WARN",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers[0].Env = env("DB_PASSWORD", "hunter2!x")
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Warn,
				observed: []string{`container "app" env DB_PASSWORD: password by key name (redacted, 9 chars)`}}},
		},
		{
			name: "init and ephemeral containers are in scope",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.InitContainers = []corev1.Container{{Name: "migrate", Env: env("DATABASE_URL", "mysql://root:hunter2x@db/app")}}
					s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
						Name: "debug", Env: env("AWS_ACCESS_KEY_ID", fakeAWS)}}}
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{
				`initContainer "migrate" env DATABASE_URL: password in URL ("mysql://"…`,
				`ephemeralContainer "debug" env AWS_ACCESS_KEY_ID: AWS access key id ("AKIA"… (20 chars))`}}},
		},
		{
			name: "a Deployment is one result; a pod that differs is named",
			build: func(s *snapshot.Snapshot) {
				leaky := with(func(s *corev1.PodSpec) { s.Containers[0].Env = env("GITHUB_TOKEN", fakeGitHub) })
				addDeployment(s, "shop", "web", leaky, leaky, leaky)
				patched := with(func(s *corev1.PodSpec) { s.Containers[0].Env = env("DB_PASS", "hunter2!x") })
				addDeployment(s, "shop", "api", restrictedSpec(), restrictedSpec(), patched)
			},
			want: []want{
				{res: res("Deployment", "shop", "web"), status: checks.Fail, observed: []string{`template and 2 of 2 pods: container "app" env GITHUB_TOKEN: GitHub token`}},
				{res: res("Deployment", "shop", "api"), status: checks.Warn, where: "pod spec (the pods differ from spec.template.spec)",
					observed: []string{`1 of 2 pods (api-7d9f-b): container "app" env DB_PASS`}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			expect(t, envSecretValues(s), tt.want)
		})
	}
}

// TestSecretValuesNeverReported plants canary secrets in a config map and in env values (a
// template and its pods), runs the controls through the engine, and marshals the report: the
// key names must be there, the canaries nowhere.
func TestSecretValuesNeverReported(t *testing.T) {
	canaries := map[string]string{
		"password": "Canary-Pw-7f3a9c1e", // by key name
		"token":    "ghp_" + "CANARY" + strings.Repeat("x9", 15),
		"aws":      "AKIA" + "CANARY2345ABCDEF",
		"pem":      "-----BEGIN PRIVATE KEY-----\nCANARYPEMBODY0123456789\n-----END PRIVATE KEY-----",
		"url":      "https://deploy:CanaryUrlPw99@git.example.com/repo",
	}
	s := collected()
	s.Resources[snapshot.ResConfigMaps] = snapshot.Collection{State: snapshot.Collected}
	s.ConfigMaps = []corev1.ConfigMap{configMap("shop", "settings", map[string]string{
		"CANARY_DB_PASSWORD": canaries["password"], "CANARY_TOKEN_FILE": canaries["token"],
		"canary.pem": canaries["pem"], "settings.properties": "x=1\ncanary.password=" + canaries["password"] + "\n",
	}, map[string][]byte{"canary.bin": []byte(canaries["pem"])})}
	spec := with(func(p *corev1.PodSpec) {
		p.Containers[0].Env = []corev1.EnvVar{{Name: "CANARY_PASSWORD", Value: canaries["password"]},
			{Name: "CANARY_AWS", Value: canaries["aws"]}, {Name: "CANARY_REPO", Value: canaries["url"]}}
	})
	addDeployment(s, "shop", "web", spec, spec)

	sel := checks.Selection{Controls: []string{"KP-WL-042", "KP-WL-043"}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(s, selected, sel)
	out, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"CANARY_DB_PASSWORD", "CANARY_TOKEN_FILE", "canary.pem", "canary.password", "canary.bin",
		"CANARY_PASSWORD", "CANARY_AWS", "CANARY_REPO"} {
		if !bytes.Contains(out, []byte(key)) {
			t.Errorf("the report does not name the key %s", key)
		}
	}
	for what, v := range canaries {
		if bytes.Contains(out, []byte(v)) {
			t.Errorf("the report contains the %s canary", what)
		}
	}
	for _, secretPart := range []string{"Canary-Pw", "CANARY2345", "CANARYPEMBODY", "CanaryUrlPw", "CANARYx9"} {
		if bytes.Contains(out, []byte(secretPart)) {
			t.Errorf("the report contains %q, a part of a canary", secretPart)
		}
	}
	if len(rep.Controls) != 2 || rep.Controls[0].Status != checks.Fail || rep.Controls[1].Status != checks.Fail {
		t.Errorf("want both controls FAIL: %s", out)
	}
}
