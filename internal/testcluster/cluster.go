package testcluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Options configure a cluster.
type Options struct {
	// APIServerFlags are added to the defaults; a flag given here replaces the default of the
	// same name (e.g. "--authorization-mode=AlwaysAllow" for an insecure server). Appending
	// would not do: list flags such as --authorization-mode accumulate across repeats.
	APIServerFlags []string
	// Controllers starts kube-controller-manager and kube-scheduler with kubeadm's flags
	// (ControllerManagerFlags and SchedulerFlags replace or add to them as APIServerFlags do):
	// workloads get their ReplicaSets, pods, Jobs and owner references, namespaces their
	// service accounts, and certificate requests are signed by the cluster's CA.
	Controllers            bool
	ControllerManagerFlags []string
	SchedulerFlags         []string
	// Nodes starts that many hollow nodes (the kubelet's own code with a fake container
	// runtime, test/cluster/hollow-node), each in a network namespace of its own: the first
	// is kubeadm's control-plane node, cp-1, whose static pods are the control plane's
	// manifests; the others take the worker profiles in turn (hardened-1, weak-1, legacy-1,
	// hardened-2, ...; see Profile). Start returns once every node is Ready and its kubelet
	// answers through the API server's node proxy. Nodes need Controllers (the controller
	// manager signs the kubelets' serving certificates), root and iproute2.
	Nodes int
	// Dir holds the cluster's files (keys, logs, etcd data). Empty: a new temporary directory,
	// removed by Stop.
	Dir string
	// Log receives build progress; nil discards it.
	Log io.Writer
}

// Cluster is a running etcd and kube-apiserver, and the controllers and nodes it was asked
// for.
type Cluster struct {
	// Admin is a configuration for a member of system:masters.
	Admin *rest.Config
	// APIServerArgs are the flags the API server runs with, in order: a test can record them
	// in a kube-system pod to audit the real configuration.
	APIServerArgs []string
	// ControllerManagerArgs and SchedulerArgs are the flags of the controller manager and the
	// scheduler when Controllers was set.
	ControllerManagerArgs []string
	SchedulerArgs         []string
	// Nodes are the hollow nodes, the control-plane node first.
	Nodes []Node
	// Version is the server's Kubernetes version.
	Version string
	Dir     string

	ca         *ca
	host       string
	etcdClient string
	etcdPeer   string
	net        *network
	netMu      sync.Mutex
	procs      []*process
	ownDir     bool
	stopOnce   sync.Once
}

// Start builds the binaries if needed, then starts etcd and the API server on free ports and
// waits until the server is ready; then the controllers and nodes asked for.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Nodes > 0 && !opts.Controllers {
		return nil, fmt.Errorf("testcluster: hollow nodes need Controllers: the controller manager signs their serving certificates")
	}
	names := []string{compAPIServer, compEtcd}
	if opts.Controllers {
		names = append(names, compControllerManager, compScheduler)
	}
	if opts.Nodes > 0 {
		names = append(names, compHollowNode)
	}
	bins, err := build(opts.Log, names...)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: opts.Dir, Version: bins.Version}
	if c.Dir == "" {
		c.Dir, err = os.MkdirTemp("", "kubeposture-cluster-")
		if err != nil {
			return nil, fmt.Errorf("testcluster: %w", err)
		}
		c.ownDir = true
	}
	if err := c.start(ctx, bins, opts); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, bins *Binaries, opts Options) error {
	ports, err := freePorts(5)
	if err != nil {
		return err
	}
	c.etcdClient = fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	c.etcdPeer = fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	// Without nodes the API server listens on loopback only; with nodes, on the bridge that
	// joins their namespaces (an address of this host too, so the tests reach it as well).
	addr := net.ParseIP("127.0.0.1")
	if opts.Nodes > 0 {
		// The API server, the nodes, and a few hosts for Netns.
		if c.net, err = newNetwork(1 + opts.Nodes + 4); err != nil {
			return err
		}
		addr = c.net.host
	}
	c.host = "https://" + net.JoinHostPort(addr.String(), strconv.Itoa(ports[2]))

	if c.ca, err = newCA(); err != nil {
		return fmt.Errorf("testcluster: CA: %w", err)
	}
	serving, servingKey, err := c.ca.issue("kube-apiserver", nil, uniqueIPs(net.ParseIP("127.0.0.1"), addr), []string{"localhost"}, true)
	if err != nil {
		return fmt.Errorf("testcluster: serving certificate: %w", err)
	}
	adminToken := randomToken()
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"ca.crt", c.ca.certPEM},
		{"apiserver.crt", serving},
		{"apiserver.key", servingKey},
		// Static tokens: name,uid,"group1,group2" as the token authenticator reads them.
		{"tokens.csv", []byte(adminToken + `,admin,admin-uid,"system:masters"` + "\n")},
	} {
		if err := writeFile(c.path(f.name), f.data); err != nil {
			return err
		}
	}
	if err := writeServiceAccountKeys(c.path("sa.pub"), c.path("sa.key")); err != nil {
		return fmt.Errorf("testcluster: service-account keys: %w", err)
	}

	etcd := exec.Command(bins.Etcd, "--data-dir", c.path("etcd"), "--listen-client-url", c.etcdClient, "--listen-peer-url", c.etcdPeer)
	if err := c.spawn(etcd, c.path("etcd.log"), false); err != nil {
		return err
	}
	if err := waitHTTP(ctx, c.etcdClient+"/health", nil, 60*time.Second, c.path("etcd.log"), c.procs[0].exited); err != nil {
		return err
	}

	defaults := []string{
		"--etcd-servers=" + c.etcdClient,
		"--bind-address=" + addr.String(),
		"--advertise-address=" + addr.String(),
		"--secure-port=" + strconv.Itoa(ports[2]),
		"--cert-dir=" + c.path("certs"),
		"--tls-cert-file=" + c.path("apiserver.crt"),
		"--tls-private-key-file=" + c.path("apiserver.key"),
		"--client-ca-file=" + c.path("ca.crt"),
		"--token-auth-file=" + c.path("tokens.csv"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + c.path("sa.pub"),
		"--service-account-signing-key-file=" + c.path("sa.key"),
		"--authorization-mode=Node,RBAC",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--allow-privileged=true", // as kubeadm and most distributions run it
		"--anonymous-auth=false",
		"--profiling=false",
		"--enable-admission-plugins=NodeRestriction",
		// The test machine has no cloud and no other members: keep the server lean.
		"--endpoint-reconciler-type=none",
	}
	if opts.Nodes > 0 {
		kubeletClient, err := c.kubeletClientFlags()
		if err != nil {
			return err
		}
		defaults = append(defaults, kubeletClient...)
	}
	c.APIServerArgs = mergeFlags(defaults, opts.APIServerFlags)
	api := exec.Command(bins.APIServer, c.APIServerArgs...)
	if err := c.spawn(api, c.path("apiserver.log"), false); err != nil {
		return err
	}

	c.Admin = &rest.Config{
		Host:            c.host,
		BearerToken:     adminToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.ca.certPEM},
		QPS:             200,
		Burst:           400,
	}
	if err := c.waitReady(ctx, c.path("apiserver.log")); err != nil {
		return err
	}
	if opts.Controllers {
		if err := c.startControllers(ctx, bins, opts, ports[3], ports[4]); err != nil {
			return err
		}
	}
	if opts.Nodes > 0 {
		if err := c.startNodes(ctx, bins, opts.Nodes); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) path(name string) string { return filepath.Join(c.Dir, name) }

func uniqueIPs(ips ...net.IP) []net.IP {
	var out []net.IP
	for _, ip := range ips {
		if !slices.ContainsFunc(out, ip.Equal) {
			out = append(out, ip)
		}
	}
	return out
}

// spawn starts a process in its own process group, with output to a log file. Nodes are
// stopped before the other processes.
func (c *Cluster) spawn(cmd *exec.Cmd, logPath string, node bool) error {
	logf, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("testcluster: %w", err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid, cmd.SysProcAttr.Pdeathsig = true, syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("testcluster: start %s: %w", filepath.Base(cmd.Path), err)
	}
	pr := &process{cmd: cmd, log: logPath, exited: make(chan struct{}), node: node}
	c.procs = append(c.procs, pr)
	go func() {
		cmd.Wait()
		logf.Close()
		close(pr.exited)
	}()
	return nil
}

// process is a started server; exited is closed once it has been reaped.
type process struct {
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
	node   bool
}

// waitReady polls /readyz until the server has finished its post-start hooks (RBAC
// bootstrap roles among them: tests depend on them).
func (c *Cluster) waitReady(ctx context.Context, logPath string) error {
	rt, err := rest.TransportFor(c.Admin)
	if err != nil {
		return fmt.Errorf("testcluster: %w", err)
	}
	return waitHTTP(ctx, c.host+"/readyz", &http.Client{Transport: rt, Timeout: 5 * time.Second}, 120*time.Second, logPath, c.procs[len(c.procs)-1].exited)
}

// waitHTTP polls url until it answers 200, the process exits, or timeout passes.
func waitHTTP(ctx context.Context, url string, client *http.Client, timeout time.Duration, logPath string, exited <-chan struct{}) error {
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		select {
		case <-exited:
			return fmt.Errorf("testcluster: the server exited before %s was ready; log tail:\n%s", url, tail(logPath, 40))
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(body))
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("testcluster: %s not ready after %s (last: %s); log tail:\n%s", url, timeout, last, tail(logPath, 40))
}

func tail(path string, lines int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	ls := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}

// UserConfig returns a configuration that authenticates as user, member of groups, with a
// client certificate the cluster's CA signed (the API server's x509 authenticator). The user
// has no permissions until a test binds a role to it.
func (c *Cluster) UserConfig(user string, groups ...string) (*rest.Config, error) {
	cert, key, err := c.ca.issue(user, groups, nil, nil, false)
	if err != nil {
		return nil, fmt.Errorf("testcluster: client certificate for %s: %w", user, err)
	}
	return &rest.Config{
		Host: c.host,
		TLSClientConfig: rest.TLSClientConfig{
			CAData: c.ca.certPEM, CertData: cert, KeyData: key,
		},
		QPS:   200,
		Burst: 400,
	}, nil
}

// Client returns a clientset for the admin.
func (c *Cluster) Client() (*kubernetes.Clientset, error) {
	return kubernetes.NewForConfig(c.Admin)
}

// WriteKubeconfig writes a kubeconfig for the admin to path, with context name "kubeposture-test".
func (c *Cluster) WriteKubeconfig(path string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kubeposture-test"] = &clientcmdapi.Cluster{Server: c.host, CertificateAuthorityData: c.ca.certPEM}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: c.Admin.BearerToken}
	cfg.Contexts["kubeposture-test"] = &clientcmdapi.Context{Cluster: "kubeposture-test", AuthInfo: "admin"}
	cfg.CurrentContext = "kubeposture-test"
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("testcluster: write kubeconfig: %w", err)
	}
	return nil
}

// Stop ends the cluster's processes (SIGTERM, then SIGKILL after 10 s): the nodes together
// first, then the others in the reverse order of their start (the API server before its
// etcd); then it removes the nodes' network, and the cluster's directory if Start created it.
// It is safe to call more than once.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		var wg sync.WaitGroup
		for _, p := range c.procs {
			if p.node {
				wg.Add(1)
				go func() { defer wg.Done(); stopProcess(p) }()
			}
		}
		wg.Wait()
		for i := len(c.procs) - 1; i >= 0; i-- {
			if !c.procs[i].node {
				stopProcess(c.procs[i])
			}
		}
		if c.net != nil {
			c.net.delete()
		}
		if c.ownDir {
			os.RemoveAll(c.Dir)
		}
	})
}

func stopProcess(p *process) {
	pgid := -p.cmd.Process.Pid
	syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		syscall.Kill(pgid, syscall.SIGKILL)
		<-p.exited
	}
}

// mergeFlags returns defaults with each flag that extra names replaced by extra's, then the
// rest of extra, in order.
func mergeFlags(defaults, extra []string) []string {
	named := map[string]bool{}
	for _, f := range extra {
		named[flagName(f)] = true
	}
	var out []string
	for _, f := range defaults {
		if !named[flagName(f)] {
			out = append(out, f)
		}
	}
	return append(out, extra...)
}

func flagName(f string) string {
	name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
	return name
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("testcluster: find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}
