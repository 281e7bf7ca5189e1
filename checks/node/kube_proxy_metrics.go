/*
kube-proxy must serve its metrics on loopback only.

Source: CIS Kubernetes Benchmark 1.12, 4.3.1. Default from k8s.io/kubernetes@v1.37.2
pkg/proxy/apis/config/v1alpha1/defaults.go: an empty metricsBindAddress becomes
127.0.0.1:10249 (or [::1]:10249 when bindAddress is not IPv4), and a port is appended to an
address without one. cmd/kube-proxy/app/options.go: --metrics-bind-address is ignored when
--config is given.

Reads: the kube-proxy pods (a container whose program is kube-proxy): their command and
args, and with --config the file's metricsBindAddress and bindAddress from the ConfigMap volume
mounted at that path (kubeadm: ConfigMap kube-system/kube-proxy, key config.conf); and, on a
node with no kube-proxy pod, the kube-proxy process the node agent found (node reports'
kubeProxy).

Allowed values: a loopback address (127.0.0.0/8 or ::1). Anything else (0.0.0.0, a node
address) fails; a config file that cannot be resolved to a collected ConfigMap is
NOT_EVALUATED.
*/

package node

import (
	"fmt"
	"net"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-019",
			Title:    "kube-proxy metrics are bound to localhost",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "kube-proxy's metrics endpoint has no authentication: bound to all interfaces, it tells " +
				"anyone who can reach the node about its services and endpoints.",
			Remediation: "Set metricsBindAddress: 127.0.0.1:10249 (or leave it empty) in the kube-proxy " +
				"configuration (kubectl -n kube-system edit configmap kube-proxy on kubeadm clusters), or " +
				"--metrics-bind-address=127.0.0.1:10249 without --config; then restart the kube-proxy pods.",
			References: checks.References{CIS: []string{"4.3.1"}},
		},
		Inputs:   []snapshot.Resource{snapshot.ResPods, snapshot.ResConfigMaps},
		Evaluate: kubeProxyMetrics,
	})
}

func kubeProxyMetrics(snap *snapshot.Snapshot) []checks.Result {
	var out []checks.Result
	onNode := map[string]bool{}
	for i := range snap.Pods {
		p := &snap.Pods[i]
		for _, c := range p.Spec.Containers {
			if len(c.Command) == 0 || path.Base(c.Command[0]) != "kube-proxy" {
				continue
			}
			r := judgeKubeProxy(snap, p, &c)
			r.Resource = checks.Resource{Kind: "Node", Name: p.Spec.NodeName}
			if p.Spec.NodeName == "" {
				r.Resource = checks.Resource{Kind: "Pod", Namespace: p.Namespace, Name: p.Name}
			}
			out = append(out, r)
			onNode[p.Spec.NodeName] = true
		}
	}
	// A kube-proxy running as a process (not in a pod) is seen by the node agent only.
	for i := range snap.NodeReports {
		rep := &snap.NodeReports[i]
		kp := rep.KubeProxy
		if kp == nil || onNode[rep.Node] {
			continue
		}
		ev := checks.Evidence{Expected: "a loopback address (127.0.0.1:10249)",
			Where: fmt.Sprintf("kube-proxy process --metrics-bind-address (node %s, node agent)", rep.Node)}
		if kp.ConfigFile != "" {
			ev.Where = fmt.Sprintf("kube-proxy process --config %s metricsBindAddress (node %s, node agent)", kp.ConfigFile, rep.Node)
		}
		r := checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: kp.Error}
		if kp.Error == "" {
			r = judgeMetricsAddress(kp.MetricsBindAddress, kp.BindAddress, ev)
		}
		r.Resource = checks.Resource{Kind: "Node", Name: rep.Node}
		out = append(out, r)
	}
	return group(out)
}

func judgeKubeProxy(snap *snapshot.Snapshot, p *corev1.Pod, c *corev1.Container) checks.Result {
	flags := componentflags.Parse(c.Command, c.Args, nil)
	last := func(name string) (string, bool) {
		for i := len(flags) - 1; i >= 0; i-- {
			if flags[i].Name == name {
				return flags[i].Value, true
			}
		}
		return "", false
	}
	ev := checks.Evidence{Expected: "a loopback address (127.0.0.1:10249)"}
	addr, bind := "", ""
	if cfgPath, ok := last("config"); ok && cfgPath != "" {
		cm, key := mountedConfigMap(p, c, cfgPath)
		ev.Where = fmt.Sprintf("kube-proxy --config %s metricsBindAddress (ConfigMap %s/%s key %s; node %s)", cfgPath, p.Namespace, cm, key, p.Spec.NodeName)
		data, found := configMapData(snap, p.Namespace, cm, key)
		if !found {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: fmt.Sprintf("the --config file %s is not from a collected ConfigMap", cfgPath)}
		}
		var doc struct {
			MetricsBindAddress string `json:"metricsBindAddress"`
			BindAddress        string `json:"bindAddress"`
		}
		if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: "the kube-proxy configuration does not parse: " + err.Error()}
		}
		addr, bind = doc.MetricsBindAddress, doc.BindAddress
	} else {
		ev.Where = fmt.Sprintf("kube-proxy --metrics-bind-address (node %s)", p.Spec.NodeName)
		addr, _ = last("metrics-bind-address")
		bind, _ = last("bind-address")
	}
	return judgeMetricsAddress(addr, bind, ev)
}

// judgeMetricsAddress applies kube-proxy's defaulting to a metricsBindAddress and passes a
// loopback one.
func judgeMetricsAddress(addr, bind string, ev checks.Evidence) checks.Result {
	host := ""
	if addr == "" {
		host = "127.0.0.1"
		if ip := net.ParseIP(bind); bind != "" && (ip == nil || ip.To4() == nil) {
			host = "::1"
		}
		ev.Observed = "not set (default " + net.JoinHostPort(host, "10249") + ")"
	} else {
		ev.Observed = addr
		host = addr
		if h, _, err := net.SplitHostPort(addr); err == nil {
			host = h
		}
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return verdict(ip != nil && ip.IsLoopback(), ev)
}

// mountedConfigMap finds the ConfigMap volume mounted over file in container c, and the key
// the file is.
func mountedConfigMap(p *corev1.Pod, c *corev1.Container, file string) (name, key string) {
	for _, m := range c.VolumeMounts {
		dir := strings.TrimSuffix(m.MountPath, "/") + "/"
		if !strings.HasPrefix(file, dir) {
			continue
		}
		for _, v := range p.Spec.Volumes {
			if v.Name == m.Name && v.ConfigMap != nil {
				return v.ConfigMap.Name, strings.TrimPrefix(file, dir)
			}
		}
	}
	return "", ""
}

func configMapData(snap *snapshot.Snapshot, ns, name, key string) (string, bool) {
	if name == "" {
		return "", false
	}
	for i := range snap.ConfigMaps {
		cm := &snap.ConfigMaps[i]
		if cm.Namespace == ns && cm.Name == name {
			v, ok := cm.Data[key]
			return v, ok
		}
	}
	return "", false
}
