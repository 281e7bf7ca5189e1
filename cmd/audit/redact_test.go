package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubeposture/kubeposture/checks"
)

// Values the secret detector flags, built so that no complete token appears in the source.
var (
	redactToken    = "ghp_" + strings.Repeat("Q7w2", 9)
	redactPassword = "Tr0ub4dor&3-" + "horse"
	redactPEMBody  = "MIIEowIBAAKCAQEAz3" + "kq7Vn0cY3v"
)

// findingsList is verdictList with the evidence observed, of the two secret controls, whose
// evidence a record must reproduce.
func findingsList(t *testing.T, reportJSON string) string {
	t.Helper()
	var rep checks.Report
	if err := json.Unmarshal([]byte(reportJSON), &rep); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
	var b bytes.Buffer
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			b.WriteString(c.ID + " " + r.Resource.String() + " " + string(r.Status))
			if c.ID == "KP-WL-042" || c.ID == "KP-WL-043" {
				b.WriteString(" " + r.Evidence.Observed)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// TestLiveRedaction: a cluster with secrets in a config map and in env values. 'collect
// --redact' and the evidence bundle (by default) hold none of them and give the live scan's
// verdicts and evidence; --evidence-unredacted keeps them.
func TestLiveRedaction(t *testing.T) {
	dir, kubeconfig := startEstate(t)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const ns = "default"
	pemKey := []byte("-----BEGIN RSA PRIVATE KEY-----\n" + redactPEMBody + "\n-----END RSA PRIVATE KEY-----\n")
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "app-config"},
		Data: map[string]string{
			"application.properties": "server.port=8080\ndb.password=" + redactPassword + "\n",
			"github":                 redactToken,
			"mode":                   "production",
		},
		BinaryData: map[string][]byte{"tls.key": pemKey},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	one := int32(1)
	labels := map[string]string{"app": "leaky"}
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "leaky"},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "app", Image: "registry.example.com/leaky:1.0",
				Env: []corev1.EnvVar{{Name: "GITHUB_TOKEN", Value: redactToken}, {Name: "DB_PASSWORD", Value: redactPassword}, {Name: "LOG_LEVEL", Value: "debug"}},
			}}}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// binaryData is base64 in JSON.
	secrets := []string{redactToken[4:], redactPassword, base64.StdEncoding.EncodeToString(pemKey)}

	live, errOut, code := runCLI(t, "scan", "--kubeconfig", kubeconfig, "--output", "json", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("live scan: exit %d: %s", code, errOut)
	}
	want := findingsList(t, live)
	for _, s := range []string{`KP-WL-042 ConfigMap/default/app-config FAIL`, `KP-WL-043 Deployment/default/leaky FAIL`} {
		if !strings.Contains(want, s) {
			t.Fatalf("the live scan lacks %q: the comparison would prove nothing\n%s", s, want)
		}
	}

	// rescan scans a snapshot file offline and checks that it holds (or not) the values.
	rescan := func(what, snap string, holds bool) {
		t.Helper()
		b, err := os.ReadFile(snap)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) != holds {
				t.Errorf("%s: holds %q: %v, want %v", what, s, !holds, holds)
			}
		}
		if !bytes.Contains(b, []byte(`"LOG_LEVEL","value":"debug"`)) || !bytes.Contains(b, []byte(`"mode":"production"`)) {
			t.Errorf("%s lost values that are no secret", what)
		}
		out, errOut, code := runCLI(t, "scan", "--snapshot", snap, "--output", "json", "--fail-on", "none")
		if code != 0 {
			t.Fatalf("%s: offline scan: exit %d: %s", what, code, errOut)
		}
		if got := findingsList(t, out); got != want {
			t.Errorf("%s: the offline scan differs from the live scan:\nlive:\n%s\noffline:\n%s", what, want, got)
		}
	}

	redacted := filepath.Join(dir, "redacted.json")
	if _, errOut, code := runCLI(t, "collect", "--kubeconfig", kubeconfig, "--redact", "-o", redacted); code != 0 {
		t.Fatalf("collect --redact: exit %d: %s", code, errOut)
	}
	rescan("collect --redact", redacted, false)

	for _, tc := range []struct {
		name  string
		args  []string
		holds bool
	}{
		{"bundle", nil, false},
		{"unredacted", []string{"--evidence-unredacted"}, true},
	} {
		bundle := filepath.Join(dir, tc.name)
		args := append([]string{"scan", "--kubeconfig", kubeconfig, "--evidence", bundle, "--fail-on", "none", "--output", "json"}, tc.args...)
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("scan %v: exit %d: %s", tc.args, code, errOut)
		}
		if got := findingsList(t, out); got != want {
			t.Errorf("scan --evidence %v reports what the live scan does not:\n%s", tc.args, got)
		}
		rescan("the evidence bundle's snapshot "+tc.name, filepath.Join(bundle, "snapshot.json"), tc.holds)
	}

	if _, errOut, code := runCLI(t, "scan", "--snapshot", redacted, "--evidence-unredacted"); code != 2 || !strings.Contains(errOut, "--evidence") {
		t.Errorf("--evidence-unredacted without --evidence: exit %d, %q", code, errOut)
	}
}
