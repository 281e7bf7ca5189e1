package proxytest

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/node"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Environment of the stand-in kubelet process (this test binary, re-executed inside the
// network namespace).
const (
	envServe = "KP_STANDIN_KUBELET_ADDR" // address to serve on
	envPorts = "KP_STANDIN_KUBELET_PORTS"
)

var cluster *testcluster.Cluster

func TestMain(m *testing.M) {
	if addr := os.Getenv(envServe); addr != "" {
		os.Exit(serveStandIn(addr, strings.Split(os.Getenv(envPorts), ",")))
	}
	// No --kubelet-certificate-authority (testcluster does not set it): the API server then
	// does not verify the kubelet's serving certificate, as with kubelets whose certificates
	// are self-signed, so the stand-ins can serve with one.
	os.Exit(testcluster.RunTests(m, &cluster, testcluster.Options{}, nil))
}

// configz answers, as real kubelets serve them: kubeadm's config file with the kubelet's
// defaults applied, and a flag-only kubelet's legacy defaults.
var configz = map[string]string{
	"10250": `{"kubeletconfig":{"enableServer":true,"staticPodPath":"/etc/kubernetes/manifests","syncFrequency":"1m0s",
		"address":"0.0.0.0","port":10250,"rotateCertificates":true,"serverTLSBootstrap":true,
		"authentication":{"x509":{"clientCAFile":"/etc/kubernetes/pki/ca.crt"},"webhook":{"enabled":true,"cacheTTL":"2m0s"},"anonymous":{"enabled":false}},
		"authorization":{"mode":"Webhook","webhook":{"cacheAuthorizedTTL":"5m0s","cacheUnauthorizedTTL":"30s"}},
		"eventRecordQPS":50,"eventBurst":100,"streamingConnectionIdleTimeout":"4h0m0s","makeIPTablesUtilChains":true,
		"podPidsLimit":4096,"seccompDefault":true,"protectKernelDefaults":true,
		"tlsCipherSuites":["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256","TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}}`,
	"10251": `{"kubeletconfig":{"enableServer":true,"syncFrequency":"1m0s","address":"0.0.0.0","port":10251,"readOnlyPort":10255,
		"authentication":{"x509":{},"webhook":{"enabled":false,"cacheTTL":"2m0s"},"anonymous":{"enabled":true}},
		"authorization":{"mode":"AlwaysAllow","webhook":{"cacheAuthorizedTTL":"5m0s","cacheUnauthorizedTTL":"30s"}},
		"eventRecordQPS":50,"streamingConnectionIdleTimeout":"4h0m0s","makeIPTablesUtilChains":true,"podPidsLimit":-1,"seccompDefault":false}}`,
}

// serveStandIn serves configz over HTTPS (self-signed, like a kubelet without
// serverTLSBootstrap) on addr at each port, and prints "ready" once it listens.
func serveStandIn(addr string, ports []string) int {
	cert, err := selfSigned(addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	errs := make(chan error, len(ports))
	for _, port := range ports {
		ln, err := tls.Listen("tcp", net.JoinHostPort(addr, port), &tls.Config{Certificates: []tls.Certificate{cert}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		body := configz[port]
		mux := http.NewServeMux()
		mux.HandleFunc("/configz", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		})
		go func() { errs <- http.Serve(ln, mux) }()
	}
	fmt.Println("ready")
	fmt.Fprintln(os.Stderr, <-errs)
	return 1
}

func selfSigned(ip string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stand-in-kubelet"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP(ip)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// netns makes a network namespace joined to the host by a veth pair on a random /30 of
// 198.51.100.0/24 (TEST-NET-2, not the host's network), and returns the namespace's name and
// address. Cleanup deletes both.
func netns(t *testing.T) (name, addr string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the proxy test makes a network namespace: run it as root")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	name, v0, v1 := "kp-"+id, "kpa"+id, "kpb"+id
	base := 4 * (int(b[0]) % 64)
	host := fmt.Sprintf("198.51.100.%d", base+1)
	addr = fmt.Sprintf("198.51.100.%d", base+2)
	run(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "delete", name).Run() })
	run(t, "ip", "link", "add", v0, "type", "veth", "peer", "name", v1)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "delete", v0).Run() })
	run(t, "ip", "link", "set", v1, "netns", name)
	run(t, "ip", "addr", "add", host+"/30", "dev", v0)
	run(t, "ip", "link", "set", v0, "up")
	run(t, "ip", "netns", "exec", name, "ip", "addr", "add", addr+"/30", "dev", v1)
	run(t, "ip", "netns", "exec", name, "ip", "link", "set", v1, "up")
	run(t, "ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
	return name, addr
}

// startStandIn runs this test binary in the namespace as the stand-in kubelets.
func startStandIn(t *testing.T, ns, addr string, ports ...string) {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envServe+"="+addr, envPorts+"="+strings.Join(ports, ","))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("the stand-in kubelet did not start")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the stand-in kubelet did not start in 30s")
	}
}

// createNode registers a Node whose kubelet endpoint is addr:port (status subresource).
func createNode(t *testing.T, name, addr string, port int32) {
	t.Helper()
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.CoreV1().Nodes().Delete(context.Background(), name, metav1.DeleteOptions{}) })
	n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: addr}}
	n.Status.DaemonEndpoints.KubeletEndpoint.Port = port
	n.Status.NodeInfo.KubeletVersion = "v1.37.2"
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
		LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}}
	if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestConfigzThroughAPIServerProxy: the agentless path, end to end. Two stand-in kubelets
// (kubeadm-configured, flag-only) answer configz through the real API server's node proxy; a
// third node's endpoint has nothing listening.
func TestConfigzThroughAPIServerProxy(t *testing.T) {
	ns, addr := netns(t)
	startStandIn(t, ns, addr, "10250", "10251")
	createNode(t, "kubeadm-1", addr, 10250)
	createNode(t, "legacy-1", addr, 10251)
	createNode(t, "gone-1", addr, 10252)

	snap, err := collect.Collect(context.Background(), cluster.Admin, collect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byNode := map[string]snapshot.Kubelet{}
	for _, k := range snap.Kubelets {
		byNode[k.Node] = k
	}
	for _, n := range []string{"kubeadm-1", "legacy-1"} {
		if k := byNode[n]; k.Collection.State != snapshot.Collected || k.Config == nil {
			t.Fatalf("%s: configz %+v, want collected through the proxy", n, k.Collection)
		}
	}
	if k := byNode["gone-1"]; k.Collection.State == snapshot.Collected || k.Collection.Message == "" {
		t.Errorf("gone-1: %+v, want a failure with the API server's message", k.Collection)
	}

	sel := checks.Selection{Layers: []checks.Layer{checks.Node}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(snap, selected, sel)
	got := perNode(rep)
	const (
		pass = checks.Pass
		fail = checks.Fail
		warn = checks.Warn
		ne   = checks.NotEvaluated
	)
	// id: kubeadm-1, legacy-1. gone-1 is NOT_EVALUATED for every kubelet control.
	want := map[string][2]checks.Status{
		"KP-NODE-001": {pass, fail}, "KP-NODE-002": {pass, fail}, "KP-NODE-003": {pass, fail},
		"KP-NODE-004": {pass, fail}, "KP-NODE-005": {pass, pass}, "KP-NODE-006": {pass, pass},
		"KP-NODE-007": {ne, ne}, // --hostname-override is a flag: configz cannot show it
		"KP-NODE-008": {pass, pass}, "KP-NODE-009": {pass, fail}, "KP-NODE-010": {pass, fail},
		"KP-NODE-011": {pass, fail}, "KP-NODE-012": {pass, warn}, "KP-NODE-013": {pass, fail},
		"KP-NODE-014": {pass, fail}, "KP-NODE-015": {pass, fail},
	}
	for id, w := range want {
		for i, n := range []string{"kubeadm-1", "legacy-1"} {
			key := id + " Node/" + n
			if got[key] != w[i] {
				t.Errorf("%s: %s, want %s", key, got[key], w[i])
			}
		}
		if got[id+" Node/gone-1"] != ne {
			t.Errorf("%s Node/gone-1: %s, want NOT_EVALUATED", id, got[id+" Node/gone-1"])
		}
	}
	// The Node objects' own controls: the same version, Ready, supported: one result for the
	// three nodes.
	for _, c := range rep.Controls {
		switch c.ID {
		case "KP-NODE-016", "KP-NODE-017", "KP-NODE-018":
			if len(c.Results) != 1 || c.Results[0].Status != pass || c.Results[0].Resource.Name != "gone-1 and 2 more" {
				t.Errorf("%s: %+v, want one PASS for the three nodes", c.ID, c.Results)
			}
		case "KP-NODE-005":
			// kubeadm-1 and legacy-1 agree: one group, gone-1 apart.
			if len(c.Results) != 2 {
				t.Errorf("%s: %d results, want 2 (the two read nodes grouped, gone-1)", c.ID, len(c.Results))
			}
		}
	}
}

// perNode flattens a report into "control Node/name" -> status, expanding node groups by the
// node list in their evidence ("... (N nodes: a, b, c) ...").
func perNode(rep *checks.Report) map[string]checks.Status {
	got := map[string]checks.Status{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			if r.Resource.Kind != "NodeGroup" {
				got[c.ID+" "+r.Resource.String()] = r.Status
				continue
			}
			_, list, _ := strings.Cut(r.Evidence.Where, " nodes: ")
			list, _, _ = strings.Cut(list, ")")
			list, _, _ = strings.Cut(list, ";")
			for _, n := range strings.Split(list, ", ") {
				got[c.ID+" Node/"+n] = r.Status
			}
		}
	}
	return got
}
