package testcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"
)

// Profile is how a hollow node's kubelet is configured.
type Profile string

const (
	// ControlPlane is kubeadm's control-plane node: kubeadm's KubeletConfiguration (its
	// componentconfigs defaults), the control plane's manifests in its staticPodPath, and
	// kubeadm's control-plane label and NoSchedule taint.
	ControlPlane Profile = "control-plane"
	// Hardened sets in its config file what CIS section 4.2 asks of a kubelet, and
	// bootstraps its serving certificate (serverTLSBootstrap; Start approves the requests).
	Hardened Profile = "hardened"
	// Weak has a config file that turns the kubelet's protections off, and a flag that
	// overrides the file (--streaming-connection-idle-timeout=0, which a file cannot say: the
	// kubelet defaults a zero duration there).
	Weak Profile = "weak"
	// Legacy is a kubelet started with flags only: the kubelet's legacy defaults apply
	// (anonymous requests, AlwaysAllow, the read-only port).
	Legacy Profile = "legacy"
)

// workerProfiles are taken in turn by the nodes after the control-plane node.
var workerProfiles = []Profile{Hardened, Weak, Legacy}

// Node is a hollow node of the cluster.
type Node struct {
	Name    string
	Profile Profile
	// Address is the node's InternalIP, in its network namespace NetNS.
	Address string
	NetNS   string
	// Args are the kubelet's flags; ConfigFile is its --config, "" for Legacy.
	Args       []string
	ConfigFile string
	Dir        string
}

// nodeSpecs names n nodes: cp-1, then hardened-1, weak-1, legacy-1, hardened-2, ...
func nodeSpecs(n int) []Node {
	out := make([]Node, 0, n)
	count := map[Profile]int{}
	for i := 0; i < n; i++ {
		p := ControlPlane
		if i > 0 {
			p = workerProfiles[(i-1)%len(workerProfiles)]
		}
		count[p]++
		name := fmt.Sprintf("%s-%d", p, count[p])
		if p == ControlPlane {
			name = fmt.Sprintf("cp-%d", count[p])
		}
		out = append(out, Node{Name: name, Profile: p})
	}
	return out
}

// startNodes starts n hollow nodes and waits until the cluster has them as a real one would:
// every node Ready, the control-plane node marked as kubeadm marks it, its mirror pods
// created, and every kubelet answering through the API server's node proxy (the serving
// certificates of bootstrapping kubelets approved, as an administrator approves them).
func (c *Cluster) startNodes(ctx context.Context, bins *Binaries, n int) error {
	cs, err := c.Client()
	if err != nil {
		return err
	}
	if err := c.grantNodeAccess(ctx, cs); err != nil {
		return err
	}
	for _, node := range nodeSpecs(n) {
		ns, ip, err := c.net.add()
		if err != nil {
			return err
		}
		node.NetNS, node.Address = ns, ip.String()
		node.Dir = c.path(filepath.Join("nodes", node.Name))
		if err := c.configureNode(&node); err != nil {
			return err
		}
		c.Nodes = append(c.Nodes, node)
		// In the node's namespace, with a host name of its own (a UTS namespace) and, through
		// ip netns exec, a mount namespace of its own.
		args := append([]string{"netns", "exec", ns, bins.HollowNode, "--hollow-hostname=" + node.Name, "--hollow-cgroup2"}, node.Args...)
		cmd := exec.Command("ip", args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUTS}
		if err := c.spawn(cmd, filepath.Join(node.Dir, "kubelet.log"), true); err != nil {
			return err
		}
	}
	return c.waitNodes(ctx, cs)
}

// grantNodeAccess creates what kubeadm grants for kubelets: the API server's client may use
// the kubelet API (system:kubelet-api-admin), and nodes may renew their own client
// certificates, approved by the controller manager (kubeadm's
// kubeadm:node-autoapprove-certificate-rotation).
func (c *Cluster) grantNodeAccess(ctx context.Context, cs kubernetes.Interface) error {
	for _, b := range []*rbacv1.ClusterRoleBinding{
		{
			ObjectMeta: metav1.ObjectMeta{Name: kubeletClientUser},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "system:kubelet-api-admin"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: kubeletClientUser}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "kubeadm:node-autoapprove-certificate-rotation"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "system:nodes"}},
		},
	} {
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("testcluster: cluster role binding %s: %w", b.Name, err)
		}
	}
	return nil
}

// configureNode writes a node's kubeconfig (a client certificate for system:node:NAME), its
// config file and, on the control-plane node, the control plane's static pod manifests, and
// sets its kubelet flags. The flags every node has are the ones kubeadm's kubelet unit and
// its kubeadm-flags.env give, with the node's own directories.
func (c *Cluster) configureNode(n *Node) error {
	for _, d := range []string{n.Dir, filepath.Join(n.Dir, "pki"), filepath.Join(n.Dir, "root")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("testcluster: %w", err)
		}
	}
	kubeconfig := filepath.Join(n.Dir, "kubelet.conf")
	if err := c.ca.writeKubeconfig(kubeconfig, c.host, "system:node:"+n.Name, "system:nodes"); err != nil {
		return err
	}
	runtime := "unix://" + filepath.Join(n.Dir, "cri.sock")
	n.Args = []string{
		"--kubeconfig=" + kubeconfig,
		"--node-ip=" + n.Address,
		"--root-dir=" + filepath.Join(n.Dir, "root"),
		"--cert-dir=" + filepath.Join(n.Dir, "pki"),
	}
	if n.Profile == Legacy {
		n.Args = append(n.Args, "--container-runtime-endpoint="+runtime)
		return nil
	}
	cfg := c.kubeletConfig(n.Profile, runtime)
	if n.Profile == ControlPlane {
		cfg.StaticPodPath = filepath.Join(n.Dir, "manifests")
		if err := c.writeStaticPods(cfg.StaticPodPath); err != nil {
			return err
		}
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("testcluster: kubelet config of %s: %w", n.Name, err)
	}
	n.ConfigFile = filepath.Join(n.Dir, "config.yaml")
	if err := writeFile(n.ConfigFile, data); err != nil {
		return err
	}
	n.Args = append(n.Args, "--config="+n.ConfigFile)
	if n.Profile == Weak {
		n.Args = append(n.Args, "--streaming-connection-idle-timeout=0")
	}
	return nil
}

// strongCiphers are the suites CIS 4.2.12 allows.
var strongCiphers = []string{
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
}

// kubeletConfig is the config file of a profile, as its author would write it: fields left
// out take the kubelet's defaults for a config file (kubelet.config.k8s.io/v1beta1).
func (c *Cluster) kubeletConfig(p Profile, runtime string) *kubeletv1beta1.KubeletConfiguration {
	cfg := &kubeletv1beta1.KubeletConfiguration{
		TypeMeta:                 metav1.TypeMeta{APIVersion: kubeletv1beta1.SchemeGroupVersion.String(), Kind: "KubeletConfiguration"},
		ContainerRuntimeEndpoint: runtime,
	}
	switch p {
	case ControlPlane, Hardened:
		// kubeadm's defaults (cmd/kubeadm/app/componentconfigs/kubelet.go).
		cfg.Authentication.X509.ClientCAFile = c.path("ca.crt")
		cfg.Authentication.Anonymous.Enabled = ptr.To(false)
		cfg.Authentication.Webhook.Enabled = ptr.To(true)
		cfg.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeWebhook
		cfg.ClusterDNS = []string{"10.96.0.10"}
		cfg.ClusterDomain = "cluster.local"
		cfg.HealthzBindAddress = "127.0.0.1"
		cfg.HealthzPort = ptr.To[int32](10248)
		cfg.RotateCertificates = true
		cfg.CgroupDriver = "systemd"
		if p == ControlPlane {
			break
		}
		// And what CIS 4.2 asks beyond them.
		cfg.ServerTLSBootstrap = true
		cfg.StreamingConnectionIdleTimeout = metav1.Duration{Duration: 5 * time.Minute}
		cfg.TLSCipherSuites = strongCiphers
		cfg.PodPidsLimit = ptr.To[int64](4096)
		cfg.SeccompDefault = ptr.To(true)
		cfg.ProtectKernelDefaults = true
	case Weak:
		cfg.Authentication.Anonymous.Enabled = ptr.To(true)
		cfg.Authentication.Webhook.Enabled = ptr.To(false)
		cfg.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeAlwaysAllow
		cfg.ReadOnlyPort = 10255
		cfg.MakeIPTablesUtilChains = ptr.To(false)
		cfg.EventRecordQPS = ptr.To[int32](0)
		cfg.TLSCipherSuites = []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"}
		cfg.SeccompDefault = ptr.To(false)
	}
	return cfg
}

// waitNodes waits until every node is Ready; then marks the control-plane node, approves the
// kubelets' serving certificate requests, and waits until every kubelet answers through the
// node proxy and the control plane's mirror pods exist.
func (c *Cluster) waitNodes(ctx context.Context, cs kubernetes.Interface) error {
	timeout := 3*time.Minute + time.Duration(len(c.Nodes))*5*time.Second
	deadline := time.Now().Add(timeout)
	ready := map[string]bool{}
	marked := false
	answering := map[string]bool{}
	mirrors := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, p := range c.procs {
			select {
			case <-p.exited:
				return fmt.Errorf("testcluster: %s exited; log tail:\n%s", strings.Join(p.cmd.Args, " "), tail(p.log, 40))
			default:
			}
		}
		nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err == nil {
			for _, n := range nodes.Items {
				ready[n.Name] = nodeReady(&n)
			}
		}
		allReady := true
		for _, n := range c.Nodes {
			allReady = allReady && ready[n.Name]
		}
		if allReady && !marked {
			if err := c.markControlPlane(ctx, cs); err != nil {
				return err
			}
			marked = true
		}
		if marked {
			if err := c.approveServingCertificates(ctx, cs); err != nil {
				return err
			}
			for _, n := range c.Nodes {
				if !answering[n.Name] {
					answering[n.Name] = cs.CoreV1().RESTClient().Get().AbsPath("/api/v1/nodes", n.Name, "proxy", "healthz").Do(ctx).Error() == nil
				}
			}
			if pods, err := cs.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{}); err == nil {
				mirrors = 0
				for _, p := range pods.Items {
					if _, ok := p.Annotations[corev1.MirrorPodAnnotationKey]; ok && p.Spec.NodeName == c.Nodes[0].Name {
						mirrors++
					}
				}
			}
			all := true
			for _, n := range c.Nodes {
				all = all && answering[n.Name]
			}
			if all && mirrors == len(staticPodNames) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			var waiting []string
			for _, n := range c.Nodes {
				switch {
				case !ready[n.Name]:
					waiting = append(waiting, n.Name+" not Ready")
				case !answering[n.Name]:
					waiting = append(waiting, n.Name+" not answering through the node proxy")
				}
			}
			if mirrors != len(staticPodNames) {
				waiting = append(waiting, fmt.Sprintf("%d of %d mirror pods", mirrors, len(staticPodNames)))
			}
			return fmt.Errorf("testcluster: nodes not ready after %s: %s (logs in %s)", timeout, strings.Join(waiting, "; "), c.path("nodes"))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func nodeReady(n *corev1.Node) bool {
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}

// markControlPlane labels and taints the control-plane node as kubeadm's mark-control-plane
// phase does, through the API once the kubelet has registered it.
func (c *Cluster) markControlPlane(ctx context.Context, cs kubernetes.Interface) error {
	patch := `{"metadata":{"labels":{"node-role.kubernetes.io/control-plane":"","node.kubernetes.io/exclude-from-external-load-balancers":""}},` +
		`"spec":{"taints":[{"key":"node-role.kubernetes.io/control-plane","effect":"NoSchedule"}]}}`
	for _, n := range c.Nodes {
		if n.Profile != ControlPlane {
			continue
		}
		if _, err := cs.CoreV1().Nodes().Patch(ctx, n.Name, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			return fmt.Errorf("testcluster: mark %s as control plane: %w", n.Name, err)
		}
	}
	return nil
}

// approveServingCertificates approves the pending kubelet-serving requests of this cluster's
// nodes, as `kubectl certificate approve` does; the controller manager then signs them.
func (c *Cluster) approveServingCertificates(ctx context.Context, cs kubernetes.Interface) error {
	csrs, err := cs.CertificatesV1().CertificateSigningRequests().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil // retried on the next round
	}
	for _, csr := range csrs.Items {
		if csr.Spec.SignerName != certificatesv1.KubeletServingSignerName || len(csr.Status.Conditions) > 0 {
			continue
		}
		if !slices.ContainsFunc(c.Nodes, func(n Node) bool { return csr.Spec.Username == "system:node:"+n.Name }) {
			continue
		}
		csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
			Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue,
			Reason: "KubepostureTestcluster", Message: "approved by the test cluster, as an administrator approves kubelet serving certificates",
		})
		if _, err := cs.CertificatesV1().CertificateSigningRequests().UpdateApproval(ctx, csr.Name, &csr, metav1.UpdateOptions{}); err != nil && !apierrors.IsConflict(err) {
			return fmt.Errorf("testcluster: approve %s: %w", csr.Name, err)
		}
	}
	return nil
}

// Netns creates a network namespace on the nodes' network, for a process that must reach the
// cluster, and be reached, as a pod on a node would (the API server at its address, the
// kubelets at theirs). It returns the namespace's name and address; Stop removes it. Only a
// cluster with nodes has that network.
func (c *Cluster) Netns() (name, addr string, err error) {
	if c.net == nil {
		return "", "", fmt.Errorf("testcluster: Netns needs a cluster with nodes")
	}
	c.netMu.Lock()
	defer c.netMu.Unlock()
	ns, ip, err := c.net.add()
	if err != nil {
		return "", "", err
	}
	return ns, ip.String(), nil
}
