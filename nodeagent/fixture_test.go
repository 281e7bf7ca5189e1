package nodeagent_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// entry is one file of a fixture node tree: its content, mode and owner (the tests run as
// root, so that chown works; a tree is built in t.TempDir()).
type entry struct {
	path     string
	data     string
	mode     os.FileMode
	uid, gid int
	dir      bool
}

func file(p string, mode os.FileMode, data string) entry {
	return entry{path: p, data: data, mode: mode}
}
func dir(p string, mode os.FileMode) entry { return entry{path: p, mode: mode, dir: true} }
func owned(e entry, uid, gid int) entry    { e.uid, e.gid = uid, gid; return e }

// cmdline is a /proc/PID/cmdline: NUL-terminated words.
func cmdline(words ...string) string { return strings.Join(words, "\x00") + "\x00" }

func buildTree(t testing.TB, entries ...entry) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the fixture trees set file owners: run the tests as root")
	}
	root := t.TempDir()
	for _, e := range entries {
		p := filepath.Join(root, e.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if e.dir {
			if err := os.MkdirAll(p, e.mode); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(p, []byte(e.data), e.mode); err != nil {
			t.Fatal(err)
		}
		// WriteFile and MkdirAll apply the umask: set the exact mode.
		if err := os.Chmod(p, e.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(p, e.uid, e.gid); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// base is what every fixture node has: an OS, users, and a process that is not the kubelet.
func base(host string) []entry {
	return []entry{
		file("/etc/hostname", 0o644, host+"\n"),
		file("/etc/os-release", 0o644, "NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\n"),
		file("/etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/bash\netcd:x:998:998::/var/lib/etcd:/usr/sbin/nologin\n"),
		file("/etc/group", 0o644, "root:x:0:\netcd:x:998:\n"),
		file("/proc/sys/kernel/osrelease", 0o444, "6.8.0-45-generic\n"),
		file("/sys/fs/cgroup/cgroup.controllers", 0o444, "cpuset cpu io memory pids\n"),
		file("/proc/1/cmdline", 0o444, cmdline("/sbin/init", "splash")),
		file("/proc/812/cmdline", 0o444, cmdline("/usr/bin/containerd")),
	}
}

// kubeadmKubeletConfig is the config file kubeadm v1.37 writes to /var/lib/kubelet/config.yaml
// (zero durations included: the kubelet defaults them, streamingConnectionIdleTimeout to 4h).
const kubeadmKubeletConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
kind: KubeletConfiguration
rotateCertificates: true
runtimeRequestTimeout: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
`

const kubeadmDropIn = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`

var kubeadmKubelet = cmdline("/usr/bin/kubelet",
	"--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf", "--kubeconfig=/etc/kubernetes/kubelet.conf",
	"--config=/var/lib/kubelet/config.yaml", "--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock",
	"--node-ip=10.0.0.11", "--pod-infra-container-image=registry.k8s.io/pause:3.10")

// kubeadmWorker is a node as kubeadm join leaves it: the kubelet's files, with kubeadm's own
// modes (config.yaml and the systemd drop-in 0644, which CIS 4.1.1 and 4.1.9 fail).
func kubeadmWorker(host string) []entry {
	return append(base(host),
		file("/proc/1234/cmdline", 0o444, kubeadmKubelet),
		file("/var/lib/kubelet/config.yaml", 0o644, kubeadmKubeletConfig),
		file("/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", 0o644, kubeadmDropIn),
		file("/etc/kubernetes/kubelet.conf", 0o600, "apiVersion: v1\nkind: Config\n"),
		file("/etc/kubernetes/pki/ca.crt", 0o644, "-----BEGIN CERTIFICATE-----\n"),
	)
}

func staticPod(name string, args ...string) string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: kube-system\nspec:\n  containers:\n  - name: " + name + "\n    image: registry.k8s.io/" + name + ":v1.37.2\n    command:\n    - " + name + "\n")
	for _, a := range args {
		b.WriteString("    - " + a + "\n")
	}
	return b.String()
}

// kubeadmControlPlane is a kubeadm init node: static pods (0600), kubeconfigs (0600), PKI,
// etcd data owned by root (kubeadm's etcd runs as root: CIS 1.1.12 fails), a CNI config
// written 0644 by the network plugin (CIS 1.1.9 fails).
func kubeadmControlPlane(host string) []entry {
	return append(kubeadmWorker(host),
		dir("/etc/kubernetes/manifests", 0o755),
		file("/etc/kubernetes/manifests/kube-apiserver.yaml", 0o600, staticPod("kube-apiserver",
			"--authorization-mode=Node,RBAC", "--client-ca-file=/etc/kubernetes/pki/ca.crt",
			"--encryption-provider-config=/etc/kubernetes/enc/enc.yaml", "--audit-policy-file=/etc/kubernetes/audit/policy.yaml",
			"--admission-control-config-file=/etc/kubernetes/admission/admission.yaml")),
		file("/etc/kubernetes/manifests/kube-controller-manager.yaml", 0o600, staticPod("kube-controller-manager", "--bind-address=127.0.0.1")),
		file("/etc/kubernetes/manifests/kube-scheduler.yaml", 0o600, staticPod("kube-scheduler", "--bind-address=127.0.0.1")),
		file("/etc/kubernetes/manifests/etcd.yaml", 0o600, staticPod("etcd", "--data-dir=/var/lib/etcd", "--client-cert-auth=true")),
		file("/etc/kubernetes/admin.conf", 0o600, "apiVersion: v1\nkind: Config\n"),
		file("/etc/kubernetes/super-admin.conf", 0o600, "apiVersion: v1\nkind: Config\n"),
		file("/etc/kubernetes/scheduler.conf", 0o600, "apiVersion: v1\nkind: Config\n"),
		file("/etc/kubernetes/controller-manager.conf", 0o600, "apiVersion: v1\nkind: Config\n"),
		file("/etc/kubernetes/pki/ca.key", 0o600, "key"),
		file("/etc/kubernetes/pki/apiserver.crt", 0o644, "crt"),
		file("/etc/kubernetes/pki/apiserver.key", 0o600, "key"),
		file("/etc/kubernetes/pki/etcd/ca.crt", 0o644, "crt"),
		file("/etc/kubernetes/pki/etcd/ca.key", 0o600, "key"),
		dir("/var/lib/etcd", 0o700),
		file("/etc/cni/net.d/10-calico.conflist", 0o644, "{}"),
		file("/etc/kubernetes/enc/enc.yaml", 0o600, "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n      - name: key1\n        secret: c2VjcmV0LWtleS1tYXRlcmlhbC1uZXZlci1jb3BpZWQ=\n  - identity: {}\n"),
		file("/etc/kubernetes/audit/policy.yaml", 0o600, "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n"),
		// The PodSecurity entry names its file relative to the admission configuration.
		file("/etc/kubernetes/admission/admission.yaml", 0o600, "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: pss.yaml\n"),
		file("/etc/kubernetes/admission/pss.yaml", 0o600, "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\nexemptions:\n  namespaces: [kube-system]\n"),
	)
}

// flagOnly is a kubelet started without --config: the legacy defaults apply (anonymous auth
// on, AlwaysAllow, read-only port 10255), and a --hostname-override.
func flagOnly(host string) []entry {
	return append(base(host),
		file("/proc/2001/cmdline", 0o444, cmdline("/usr/local/bin/kubelet", "--kubeconfig", "/etc/kubernetes/kubelet.conf",
			"--hostname-override", "node-x", "--v=2")),
		file("/etc/kubernetes/kubelet.conf", 0o644, "apiVersion: v1\nkind: Config\n"),
		// kube-proxy as a process, with its kubeconfig world-readable (CIS 4.1.3 fails).
		file("/proc/2002/cmdline", 0o444, cmdline("/usr/local/bin/kube-proxy", "--kubeconfig=/var/lib/kube-proxy/kubeconfig")),
		file("/var/lib/kube-proxy/kubeconfig", 0o644, "apiVersion: v1\nkind: Config\n"),
	)
}

// hardened is a worker configured as the benchmark asks, with a flag overriding the file
// (the file's readOnlyPort 10255 is beaten by --read-only-port=0) and a --config-dir drop-in
// that turns seccompDefault on; files more restrictive than required (0400, 0444 for the CA).
func hardened(host string) []entry {
	return append(base(host),
		file("/proc/3001/cmdline", 0o444, cmdline("/usr/bin/kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf",
			"--config=/var/lib/kubelet/config.yaml", "--config-dir=/etc/kubernetes/kubelet.conf.d", "--read-only-port=0",
			"--protect-kernel-defaults")),
		file("/var/lib/kubelet/config.yaml", 0o600, `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}
authorization: {mode: Webhook}
readOnlyPort: 10255
rotateCertificates: true
serverTLSBootstrap: true
podPidsLimit: 4096
eventRecordQPS: 20
seccompDefault: false
tlsCipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
`),
		file("/etc/kubernetes/kubelet.conf.d/50-seccomp.conf", 0o600, "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nseccompDefault: true\n"),
		file("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", 0o600, kubeadmDropIn),
		file("/etc/kubernetes/kubelet.conf", 0o400, "apiVersion: v1\nkind: Config\n"),
		file("/etc/kubernetes/pki/ca.crt", 0o444, "crt"),
	)
}

// testCA is a certificate authority for fixture trees: its certificate in PEM, and the key it
// signs with, which stays in memory (a fixture's .key files hold placeholder text).
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

// newCA issues a CA named cn, self-signed, or signed by parent when it is not nil.
func newCA(t testing.TB, cn string, parent *testCA) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}
