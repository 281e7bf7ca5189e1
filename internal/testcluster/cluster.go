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
	// Dir holds the cluster's files (keys, logs, etcd data). Empty: a new temporary directory,
	// removed by Stop.
	Dir string
	// Log receives build progress; nil discards it.
	Log io.Writer
}

// Cluster is a running etcd and kube-apiserver on loopback.
type Cluster struct {
	// Admin is a configuration for a member of system:masters.
	Admin *rest.Config
	// APIServerArgs are the flags the API server runs with, in order: a test can record them
	// in a kube-system pod to audit the real configuration.
	APIServerArgs []string
	// Version is the server's Kubernetes version.
	Version string
	Dir     string

	ca       *ca
	host     string
	procs    []*process
	ownDir   bool
	stopOnce sync.Once
}

// Start builds the binaries if needed, then starts etcd and the API server on free loopback
// ports and waits until the server is ready.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bins, err := Build(opts.Log)
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
	if err := c.start(ctx, bins, opts.APIServerFlags); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, bins *Binaries, extra []string) error {
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	c.host = fmt.Sprintf("https://127.0.0.1:%d", ports[2])

	if c.ca, err = newCA(); err != nil {
		return fmt.Errorf("testcluster: CA: %w", err)
	}
	p := func(name string) string { return filepath.Join(c.Dir, name) }
	serving, servingKey, err := c.ca.issue("kube-apiserver", nil, []net.IP{net.ParseIP("127.0.0.1")}, []string{"localhost"}, true)
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
		if err := writeFile(p(f.name), f.data); err != nil {
			return err
		}
	}
	if err := writeServiceAccountKeys(p("sa.pub"), p("sa.key")); err != nil {
		return fmt.Errorf("testcluster: service-account keys: %w", err)
	}

	etcd := exec.Command(bins.Etcd, "--data-dir", p("etcd"), "--listen-client-url", etcdClient, "--listen-peer-url", etcdPeer)
	if err := c.spawn(etcd, p("etcd.log")); err != nil {
		return err
	}
	if err := waitHTTP(ctx, etcdClient+"/health", nil, 60*time.Second, p("etcd.log"), c.procs[0].exited); err != nil {
		return err
	}

	c.APIServerArgs = mergeFlags([]string{
		"--etcd-servers=" + etcdClient,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(ports[2]),
		"--cert-dir=" + p("certs"),
		"--tls-cert-file=" + p("apiserver.crt"),
		"--tls-private-key-file=" + p("apiserver.key"),
		"--client-ca-file=" + p("ca.crt"),
		"--token-auth-file=" + p("tokens.csv"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p("sa.pub"),
		"--service-account-signing-key-file=" + p("sa.key"),
		"--authorization-mode=Node,RBAC",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--allow-privileged=true", // as kubeadm and most distributions run it
		"--anonymous-auth=false",
		"--profiling=false",
		"--enable-admission-plugins=NodeRestriction",
		// The test machine has no cloud and no other members: keep the server lean.
		"--endpoint-reconciler-type=none",
	}, extra)
	api := exec.Command(bins.APIServer, c.APIServerArgs...)
	if err := c.spawn(api, p("apiserver.log")); err != nil {
		return err
	}

	c.Admin = &rest.Config{
		Host:            c.host,
		BearerToken:     adminToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.ca.certPEM},
		QPS:             200,
		Burst:           400,
	}
	if err := c.waitReady(ctx, p("apiserver.log")); err != nil {
		return err
	}
	return nil
}

// spawn starts a process in its own process group, with output to a log file.
func (c *Cluster) spawn(cmd *exec.Cmd, logPath string) error {
	logf, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("testcluster: %w", err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("testcluster: start %s: %w", filepath.Base(cmd.Path), err)
	}
	pr := &process{cmd: cmd, exited: make(chan struct{})}
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
	exited chan struct{}
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

// Stop ends the API server and etcd (SIGTERM, then SIGKILL after 10 s) and removes the
// cluster's directory if Start created it. It is safe to call more than once.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		// Reverse order: the API server before its etcd.
		for i := len(c.procs) - 1; i >= 0; i-- {
			stopProcess(c.procs[i])
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
