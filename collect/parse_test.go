package collect

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// A secrets Table page as the API server sends it (abridged from a real v1.37 answer).
const secretTable = `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"continue":"tok"},
"columnDefinitions":[{"name":"Name","type":"string"},{"name":"Type","type":"string"},{"name":"Data","type":"string"},{"name":"Age","type":"string"}],
"rows":[{"cells":["db","Opaque",1,"5m"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
"metadata":{"name":"db","namespace":"legacy","uid":"u1","managedFields":[{"manager":"kubectl"}],
"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"stringData\":{\"password\":\"hunter2\"}}","team":"x"}}}}]}`

func TestParseSecretTable(t *testing.T) {
	got, cont, err := parseSecretTable([]byte(secretTable))
	if err != nil {
		t.Fatal(err)
	}
	if cont != "tok" || len(got) != 1 {
		t.Fatalf("continue %q, %d rows", cont, len(got))
	}
	s := got[0]
	if s.Name != "db" || s.Namespace != "legacy" || s.Type != corev1.SecretTypeOpaque {
		t.Errorf("got %s/%s type %q", s.Namespace, s.Name, s.Type)
	}
	if s.UID != "u1" || len(s.Annotations) != 0 || len(s.ManagedFields) != 0 {
		t.Errorf("metadata not reduced to the allowlist: uid %q, annotations %v, managedFields %d", s.UID, s.Annotations, len(s.ManagedFields))
	}
}

func TestParseSecretTableRefusesNonTable(t *testing.T) {
	// A server that ignores the Table request answers with a SecretList, values included:
	// the collector must refuse it rather than fall back.
	_, _, err := parseSecretTable([]byte(`{"kind":"SecretList","apiVersion":"v1","items":[{"data":{"p":"aHVudGVyMg=="}}]}`))
	if err == nil || !strings.Contains(err.Error(), "not a Table") {
		t.Fatalf("err = %v, want a refusal", err)
	}
}

func TestParseConfigz(t *testing.T) {
	cfg, err := parseConfigz([]byte(`{"kubeletconfig":{"authentication":{"anonymous":{"enabled":false}},"authorization":{"mode":"Webhook"},"readOnlyPort":10255}}`))
	if err != nil {
		t.Fatal(err)
	}
	if *cfg.Authentication.Anonymous.Enabled || cfg.Authorization.Mode != "Webhook" || cfg.ReadOnlyPort != 10255 {
		t.Errorf("decoded %+v", cfg)
	}
	for _, bad := range []string{``, `{}`, `{"kubeletconfig":null}`, `{"kubeletconfig":{"readOnlyPort":"x"}}`, `[1]`} {
		if _, err := parseConfigz([]byte(bad)); err == nil {
			t.Errorf("parseConfigz(%q) accepted", bad)
		}
	}
}

// FuzzParseConfigz: configz comes from a kubelet, through the API server: never trusted.
func FuzzParseConfigz(f *testing.F) {
	f.Add([]byte(`{"kubeletconfig":{"authentication":{"anonymous":{"enabled":true}}}}`))
	f.Add([]byte(`{"kubeletconfig":{}}`))
	f.Add([]byte(`{"kind":"Status","message":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseConfigz(data)
		if err == nil && cfg == nil {
			t.Fatal("nil configuration without an error")
		}
		statusMessage(data)
	})
}

func TestDetectProvider(t *testing.T) {
	node := func(labels map[string]string, providerID string) []corev1.Node {
		return []corev1.Node{{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.NodeSpec{ProviderID: providerID}}}
	}
	kubeadmPod := []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system",
		Annotations: map[string]string{"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": "10.0.0.1:6443"}}}}
	for _, tc := range []struct {
		name    string
		version string
		nodes   []corev1.Node
		pods    []corev1.Pod
		want    snapshot.Provider
	}{
		{"eks version", "v1.32.3-eks-bcf3d70", nil, nil, snapshot.ProviderEKS},
		{"gke version", "v1.33.1-gke.1000", nil, nil, snapshot.ProviderGKE},
		{"k3s version", "v1.33.1+k3s1", nil, nil, snapshot.ProviderK3s},
		{"aks labels", "v1.33.1", node(map[string]string{"kubernetes.azure.com/cluster": "c"}, ""), nil, snapshot.ProviderAKS},
		{"eks labels", "v1.33.1", node(map[string]string{"eks.amazonaws.com/nodegroup": "ng"}, "aws:///x"), nil, snapshot.ProviderEKS},
		{"gke labels", "v1.33.1", node(map[string]string{"cloud.google.com/gke-nodepool": "p"}, ""), nil, snapshot.ProviderGKE},
		{"kubeadm", "v1.37.2", nil, kubeadmPod, snapshot.ProviderKubeadm},
		{"kubeadm annotation outside kube-system", "v1.37.2", nil, []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "x",
			Annotations: kubeadmPod[0].Annotations}}}, snapshot.ProviderUnknown},
		{"unknown", "v1.37.2", node(map[string]string{"kubernetes.io/os": "linux"}, ""), nil, snapshot.ProviderUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := detectProvider(tc.version, tc.nodes, nil, tc.pods); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSummarizeKubelets(t *testing.T) {
	k := func(state snapshot.State) snapshot.Kubelet {
		return snapshot.Kubelet{Node: "n-" + string(state), Collection: snapshot.Collection{State: state, Message: "m"}}
	}
	for _, tc := range []struct {
		name string
		ks   []snapshot.Kubelet
		want snapshot.State
	}{
		{"none", nil, snapshot.Collected},
		{"all", []snapshot.Kubelet{k(snapshot.Collected), k(snapshot.Collected)}, snapshot.Collected},
		{"some", []snapshot.Kubelet{k(snapshot.Collected), k(snapshot.Failed)}, snapshot.Partial},
		{"forbidden", []snapshot.Kubelet{k(snapshot.Forbidden), k(snapshot.Failed)}, snapshot.Forbidden},
		{"failed", []snapshot.Kubelet{k(snapshot.Failed)}, snapshot.Failed},
	} {
		if got := summarizeKubelets(tc.ks).State; got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestControlPlaneFromPods(t *testing.T) {
	pods := []corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-apiserver-a", Annotations: map[string]string{mirrorAnnotation: "x"}},
			Spec: corev1.PodSpec{NodeName: "a", Containers: []corev1.Container{{Name: "c", Command: []string{"/usr/local/bin/kube-apiserver", "--profiling=false"},
				Args: []string{"--profiling=true"}, Env: []corev1.EnvVar{{Name: "S", ValueFrom: &corev1.EnvVarSource{}}}}}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "etcd-a", Labels: map[string]string{"component": "etcd"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Command: []string{"/bin/sh"}}}}},
		// A pod outside kube-system that calls itself kube-apiserver is not the control plane.
		{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kube-apiserver-fake"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "kube-apiserver"}}}},
	}
	got := ControlPlane(pods)
	if len(got) != 2 || got[0].Name != "etcd" || got[1].Name != "kube-apiserver" {
		t.Fatalf("got %+v", got)
	}
	api := got[1]
	if v, _ := api.Flag("profiling"); v != "true" || !api.Mirror || api.Node != "a" {
		t.Errorf("kube-apiserver: profiling %q (args come after command, last wins), mirror %v, node %q", v, api.Mirror, api.Node)
	}
	if len(api.Env) != 1 || api.Env[0].ValueFrom != nil {
		t.Errorf("env %+v: references must be kept by name only", api.Env)
	}
}
