package e2e

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/metrics"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestServeInClusterShape runs audit serve as a Deployment would run it in the cluster (a
// Deployment cannot run it on the hollow nodes: their runtime is fake): the shipped service
// account with the with-node-proxy overlay, in-cluster configuration, a pod's network. Its
// first scan is served: /readyz, the report with the node layer read through the kubelets,
// and the metrics.
func TestServeInClusterShape(t *testing.T) {
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	cmd, addr := podCommand(t, scannerToken(t, cs), "serve", "--listen", net.JoinHostPort("0.0.0.0", "8080"), "--interval", "1h")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	base := "http://" + net.JoinHostPort(addr, "8080")
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, []byte) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, []byte(err.Error())
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, body := get("/readyz")
		if code == http.StatusOK {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("audit serve exited: %v: %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit serve not ready after 2m: %d %s; stderr: %s", code, body, stderr.String())
		}
		time.Sleep(500 * time.Millisecond)
	}

	code, body := get("/report.json")
	if code != http.StatusOK {
		t.Fatalf("/report.json: %d %s", code, body)
	}
	rep := decodeReport(t, body)
	got := verdicts(rep)
	want := wantVerdicts()
	nodeLayer := func(m map[string]checks.Status) map[string]checks.Status {
		out := map[string]checks.Status{}
		for k, st := range m {
			if strings.HasPrefix(k, "KP-NODE-") {
				out[k] = st
			}
		}
		return out
	}
	// The node layer is the admin's, read by the service account through nodes/proxy.
	diffVerdicts(t, nodeLayer(got), nodeLayer(want), wrongVerdicts)

	code, body = get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not exposition text: %v", err)
	}
	for _, name := range metrics.Names {
		if families[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	// The kubelet configurations were collected, one per node.
	for _, m := range families[metrics.ObjectsCollected].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "resource" && l.GetValue() == string(snapshot.ResKubeletConfigs) && int(m.GetGauge().GetValue()) != len(cluster.Nodes) {
				t.Errorf("%s{resource=%q} = %v, want %d", metrics.ObjectsCollected, l.GetValue(), m.GetGauge().GetValue(), len(cluster.Nodes))
			}
		}
	}
}
