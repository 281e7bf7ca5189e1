package redact

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// Secret values of every shape the detector knows, and values it must keep.
const (
	githubToken = "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
	awsKey      = "AKIAZ2Q7R4T6Y3U3I5O7"
	password    = "Tr0ub4dor&3-horse"
	pemKey      = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAz3kq7Vn0cY3v\n-----END RSA PRIVATE KEY-----\n"
	// kube-proxy's configuration, read by KP-NODE's metrics control: not a secret, kept.
	kubeProxyConfig = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmetricsBindAddress: 0.0.0.0:10249\n"
)

var secrets = []string{githubToken, awsKey, password, "MIIEowIBAAKCAQEAz3kq7Vn0cY3v"}

func testSnapshot() *snapshot.Snapshot {
	s := snapshot.New()
	for _, k := range snapshot.CollectedKinds {
		s.Resources[k.Resource] = snapshot.Collection{State: snapshot.Collected}
	}
	s.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, {ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}}}
	s.ConfigMaps = []corev1.ConfigMap{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "app"},
			Data: map[string]string{
				"application.properties": "server.port=8080\ndb.user=shop\ndb.password=" + password + "\n",
				"github":                 "token " + githubToken,
				"mode":                   "production",
				// A value dressed up as a record in the cluster: a value like any other.
				"forged": "kubeposture-redacted/v1 {\"length\":1,\"found\":[]} " + githubToken,
			},
			BinaryData: map[string][]byte{"tls.key": []byte(pemKey), "logo.png": {0x89, 'P', 'N', 'G'}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy"}, Data: map[string]string{"config.conf": kubeProxyConfig}},
	}
	ctr := func(env ...corev1.EnvVar) corev1.PodSpec {
		return corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "shop@sha256:" + strings.Repeat("a", 64), Env: env}}}
	}
	shared := []corev1.EnvVar{{Name: "GITHUB_TOKEN", Value: githubToken}, {Name: "TLS_KEY", Value: pemKey}, {Name: "LOG_LEVEL", Value: "debug"}}
	s.Pods = []corev1.Pod{
		// Two replicas sharing one env slice, as snapshot/intern leaves them.
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-1"}, Spec: ctr(shared...)},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-2"}, Spec: ctr(shared...)},
	}
	s.Pods[1].Spec.Containers[0].Env = s.Pods[0].Spec.Containers[0].Env
	s.Deployments = []appsv1.Deployment{{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "batch"},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: ctr(
			corev1.EnvVar{Name: "AWS_ACCESS_KEY_ID", Value: awsKey}, corev1.EnvVar{Name: "DB_PASSWORD", Value: password})}}}}
	s.ControlPlane = []snapshot.Component{{Name: "etcd", Namespace: "kube-system", Pod: "etcd-cp",
		Env: []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH", Value: "true"}, {Name: "ETCD_ROOT_PASSWORD", Value: password}}}}
	return s
}

// results flattens a report to what a reader sees of each result.
func results(rep *checks.Report) map[string]string {
	out := map[string]string{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			out[c.ID+" "+r.Resource.String()] = string(r.Status) + " " + r.Evidence.Observed + " " + r.Reason
		}
	}
	return out
}

// A redacted snapshot holds no secret value, keeps what the detector did not flag, and gives
// every control the verdicts and evidence of the original.
func TestRedactKeepsVerdicts(t *testing.T) {
	s := testSnapshot()
	before := checks.Run(s, checks.Registered(), checks.Selection{})
	if n := Snapshot(s); n != 9 || !s.Redacted {
		t.Errorf("%d values redacted (snapshot marked %v), want 9 (3 config map values, 1 binary, the replicas' shared token and key once, 2 in the template, 1 of etcd)", n, s.Redacted)
	}
	var buf bytes.Buffer
	if err := snapfile.Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	for _, v := range secrets {
		if bytes.Contains(buf.Bytes(), []byte(v)) {
			t.Errorf("the redacted snapshot still holds %q", v)
		}
	}
	for _, kept := range []string{"debug", "production", "metricsBindAddress: 0.0.0.0:10249", `"ETCD_CLIENT_CERT_AUTH","value":"true"`} {
		if !bytes.Contains(buf.Bytes(), []byte(kept)) {
			t.Errorf("the redacted snapshot lost %q, which is no secret", kept)
		}
	}
	if !bytes.Contains(buf.Bytes(), []byte(`kubeposture-redacted/v1 {\"length\":40,\"found\":[{\"kind\":\"GitHub token\"`)) {
		t.Errorf("no record of the token's length and kind:\n%s", buf.Bytes())
	}
	// The snapshot as read back, as 'audit scan --snapshot' of a bundle's snapshot reads it.
	back, err := snapfile.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	after := checks.Run(back, checks.Registered(), checks.Selection{})
	a, b := results(before), results(after)
	if !reflect.DeepEqual(a, b) {
		for k := range a {
			if a[k] != b[k] {
				t.Errorf("%s:\n original: %s\n redacted: %s", k, a[k], b[k])
			}
		}
	}
	for _, id := range []string{"KP-WL-042", "KP-WL-043"} {
		found := false
		for k, v := range a {
			found = found || strings.HasPrefix(k, id+" ") && strings.HasPrefix(v, "FAIL")
		}
		if !found {
			t.Errorf("%s fails nothing in the test snapshot: the comparison proves nothing", id)
		}
	}
	if n := Snapshot(back); n != 0 {
		t.Errorf("redacting again replaced %d values", n)
	}
}

// BenchmarkRedact10kPods: redacting a synthetic 10,000-pod snapshot (internal/synth), what
// 'collect --redact' and an evidence bundle add to a run.
func BenchmarkRedact10kPods(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := synth.Snapshot(10000)
		b.StartTimer()
		Snapshot(s)
	}
}
