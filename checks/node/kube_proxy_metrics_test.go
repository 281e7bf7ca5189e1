package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// kubeProxyPod is kubeadm's kube-proxy pod: --config from the kube-proxy ConfigMap.
func kubeProxyPod(node string, args ...string) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy-" + node},
		Spec: corev1.PodSpec{NodeName: node,
			Containers: []corev1.Container{{Name: "kube-proxy", Command: []string{"/usr/local/bin/kube-proxy"}, Args: args,
				VolumeMounts: []corev1.VolumeMount{{Name: "kube-proxy", MountPath: "/var/lib/kube-proxy"}}}},
			Volumes: []corev1.Volume{{Name: "kube-proxy", VolumeSource: corev1.VolumeSource{
				ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-proxy"}}}}}},
	}
}

func proxySnap(conf string, pods ...corev1.Pod) *snapshot.Snapshot {
	s := snapshot.New()
	s.Pods = pods
	if conf != "" {
		s.ConfigMaps = []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy"},
			Data: map[string]string{"config.conf": conf}}}
	}
	return s
}

func TestKubeProxyMetrics(t *testing.T) {
	withConfig := []string{"--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"}
	for _, tc := range []struct {
		name string
		snap *snapshot.Snapshot
		want checks.Status
	}{
		// kubeadm writes metricsBindAddress: "" and bindAddress 0.0.0.0: the default, 127.0.0.1:10249.
		{"kubeadm default", proxySnap("bindAddress: 0.0.0.0\nmetricsBindAddress: \"\"\n", kubeProxyPod("w1", withConfig...)), checks.Pass},
		{"all interfaces", proxySnap("metricsBindAddress: 0.0.0.0:10249\n", kubeProxyPod("w1", withConfig...)), checks.Fail},
		{"ipv6 loopback", proxySnap("metricsBindAddress: \"[::1]:10249\"\n", kubeProxyPod("w1", withConfig...)), checks.Pass},
		// The flag is ignored when --config is given.
		{"flag ignored with config", proxySnap("metricsBindAddress: 0.0.0.0:10249\n",
			kubeProxyPod("w1", append(withConfig, "--metrics-bind-address=127.0.0.1:10249")...)), checks.Fail},
		{"flags only, default", proxySnap("", kubeProxyPod("w1")), checks.Pass},
		{"flags only, node address", proxySnap("", kubeProxyPod("w1", "--metrics-bind-address=10.0.0.5:10249")), checks.Fail},
		{"config map missing", proxySnap("", kubeProxyPod("w1", withConfig...)), checks.NotEvaluated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := kubeProxyMetrics(tc.snap)
			if len(rs) != 1 || rs[0].Status != tc.want || rs[0].Resource != (checks.Resource{Kind: "Node", Name: "w1"}) {
				t.Fatalf("got %+v, want %s", rs, tc.want)
			}
		})
	}
	if rs := kubeProxyMetrics(proxySnap("")); len(rs) != 0 {
		t.Errorf("no kube-proxy pod: %+v, want no result", rs)
	}
}

// A kube-proxy process seen by the node agent is judged where no kube-proxy pod runs.
func TestKubeProxyMetricsProcess(t *testing.T) {
	snap := withReports(proxySnap("", kubeProxyPod("w1")),
		snapshot.NodeReport{Node: "w1", KubeProxy: &snapshot.NodeKubeProxy{MetricsBindAddress: "0.0.0.0:10249"}}, // the pod wins
		snapshot.NodeReport{Node: "w2", KubeProxy: &snapshot.NodeKubeProxy{MetricsBindAddress: "0.0.0.0:10249"}},
		snapshot.NodeReport{Node: "w3", KubeProxy: &snapshot.NodeKubeProxy{ConfigFile: "/etc/kp.yaml", Error: "unreadable"}},
		snapshot.NodeReport{Node: "w4"})
	got := map[string]checks.Status{}
	for _, r := range kubeProxyMetrics(snap) {
		got[r.Resource.String()] = r.Status
	}
	want := map[string]checks.Status{"Node/w1": checks.Pass, "Node/w2": checks.Fail, "Node/w3": checks.NotEvaluated}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s, want %s", k, got[k], w)
		}
	}
}
