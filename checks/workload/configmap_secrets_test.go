package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func configMap(ns, name string, data map[string]string, binary map[string][]byte) corev1.ConfigMap {
	return corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: data, BinaryData: binary}
}

func TestConfigMapSecrets(t *testing.T) {
	tests := []struct {
		name string
		cms  []corev1.ConfigMap
		want []want
	}{
		{
			name: "system config maps pass: CA bundles, cluster-info's detached signature, settings",
			cms: []corev1.ConfigMap{
				configMap("kube-system", "kube-root-ca.crt", map[string]string{"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n"}, nil),
				configMap("kube-public", "cluster-info", map[string]string{
					"jws-kubeconfig-abcdef": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..c2lnbmF0dXJlLWJ5dGVz",
					"kubeconfig":            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTg==\n"}, nil),
				configMap("shop", "app", map[string]string{"password-policy": "strict", "LOG_LEVEL": "debug",
					"config.yaml": "db:\n  password: ${DB_PASSWORD}\n"}, map[string][]byte{"logo.png": []byte("\x89PNG")}),
			},
			want: []want{{res: res("Cluster", "", ""), status: checks.Pass, observed: []string{"no secret-looking value"}}},
		},
		{
			name: "one result per config map, every key listed, sorted; a format makes it FAIL",
			cms: []corev1.ConfigMap{
				configMap("shop", "leaky", map[string]string{
					"tls.key":     fakePEM,
					"DB_PASSWORD": "hunter2!x",
					"app.ini":     "[db]\nuser = app\npassword = hunter2!x\n",
				}, map[string][]byte{"signing.key": []byte(fakePEM)}),
				configMap("shop", "clean", map[string]string{"MODE": "prod"}, nil),
			},
			want: []want{{res: res("ConfigMap", "shop", "leaky"), status: checks.Fail, where: "ConfigMap/shop/leaky data, binaryData",
				observed: []string{
					`data["DB_PASSWORD"]: password by key name (redacted, 9 chars); ` +
						`data["app.ini"] line 3 "password": password by key name (redacted, 9 chars); ` +
						`data["tls.key"]: private key (PEM) ("-----BEGIN RSA PRIVATE KEY-----"); ` +
						`binaryData["signing.key"]: private key (PEM) ("-----BEGIN RSA PRIVATE KEY-----")`}}},
		},
		{
			name: "name rules only: WARN",
			cms:  []corev1.ConfigMap{configMap("shop", "weak", map[string]string{"api_key": "abcd1234efgh"}, nil)},
			want: []want{{res: res("ConfigMap", "shop", "weak"), status: checks.Warn, observed: []string{`data["api_key"]: password by key name`}}},
		},
		{
			name: "binaryData: no name or token rules, private keys only",
			cms: []corev1.ConfigMap{configMap("shop", "bin", nil, map[string][]byte{
				"password": []byte("hunter2!x"), "token": []byte(fakeGitHub)})},
			want: []want{{res: res("Cluster", "", ""), status: checks.Pass}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := snapshot.New()
			s.Resources[snapshot.ResConfigMaps] = snapshot.Collection{State: snapshot.Collected}
			s.ConfigMaps = tt.cms
			got := configMapSecrets(s)
			expect(t, got, tt.want)
			// Deterministic despite map iteration: run again, same evidence.
			for i := 0; i < 5; i++ {
				again := configMapSecrets(s)
				for k := range got {
					if again[k].Evidence != got[k].Evidence {
						t.Fatalf("evidence differs between runs:\n%q\n%q", got[k].Evidence.Observed, again[k].Evidence.Observed)
					}
				}
			}
		})
	}
}

func TestConfigMapSecretsListCap(t *testing.T) {
	data := map[string]string{}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
		data[k+"_password"] = "hunter2!x"
	}
	s := snapshot.New()
	s.ConfigMaps = []corev1.ConfigMap{configMap("shop", "many", data, nil)}
	got := configMapSecrets(s)
	expect(t, got, []want{{res: res("ConfigMap", "shop", "many"), status: checks.Warn,
		observed: []string{`data["j_password"]`, "; +2 more"}}})
}
