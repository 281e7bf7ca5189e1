package builtin_test

import (
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// claims is the crosswalk (docs/crosswalk.md): one row per framework item a control
// references. To add a claim, add a row: the framework and item, the control, what exactly it
// tests, and at least one case it passes and one it fails, taken from the item's own audit text
// (a flag the audit greps for, a field its command reads). The builders below make the
// snapshots; base() holds every input collected and empty. Then run
// `go test ./checks/builtin -run TestCrosswalkDoc -update`.
var claims = []claim{
	// CIS 1.1: control-plane node files, from the node agent's report of a control-plane node.
	fileClaim("1.1.1", "KP-NODE-020", snapshot.RoleAPIServerManifest, "/etc/kubernetes/manifests/kube-apiserver.yaml", 0o600, 0o644),
	ownerClaim("1.1.2", "KP-NODE-021", snapshot.RoleAPIServerManifest, "/etc/kubernetes/manifests/kube-apiserver.yaml"),
	fileClaim("1.1.3", "KP-NODE-022", snapshot.RoleControllerManagerManifest, "/etc/kubernetes/manifests/kube-controller-manager.yaml", 0o600, 0o644),
	ownerClaim("1.1.4", "KP-NODE-023", snapshot.RoleControllerManagerManifest, "/etc/kubernetes/manifests/kube-controller-manager.yaml"),
	fileClaim("1.1.5", "KP-NODE-024", snapshot.RoleSchedulerManifest, "/etc/kubernetes/manifests/kube-scheduler.yaml", 0o600, 0o644),
	ownerClaim("1.1.6", "KP-NODE-025", snapshot.RoleSchedulerManifest, "/etc/kubernetes/manifests/kube-scheduler.yaml"),
	fileClaim("1.1.7", "KP-NODE-026", snapshot.RoleEtcdManifest, "/etc/kubernetes/manifests/etcd.yaml", 0o600, 0o644),
	ownerClaim("1.1.8", "KP-NODE-027", snapshot.RoleEtcdManifest, "/etc/kubernetes/manifests/etcd.yaml"),
	fileClaim("1.1.9", "KP-NODE-028", snapshot.RoleCNI, "/etc/cni/net.d/10-calico.conflist", 0o600, 0o644),
	ownerClaim("1.1.10", "KP-NODE-029", snapshot.RoleCNI, "/etc/cni/net.d/10-calico.conflist"),
	fileClaim("1.1.11", "KP-NODE-030", snapshot.RoleEtcdDataDir, "/var/lib/etcd", 0o700, 0o755),
	{framework: checks.CIS, item: "1.1.12", control: "KP-NODE-031",
		tests: "owner of the etcd data directory (/var/lib/etcd), as the node agent lstat()s it",
		cases: cases(
			nodeFile(snapshot.RoleEtcdDataDir, "/var/lib/etcd", 0o700, "etcd", "etcd").passes(),
			nodeFile(snapshot.RoleEtcdDataDir, "/var/lib/etcd", 0o700, "root", "root").fails())},
	fileClaim("1.1.13", "KP-NODE-032", snapshot.RoleAdminKubeconfig, "/etc/kubernetes/admin.conf", 0o600, 0o640),
	ownerClaim("1.1.14", "KP-NODE-033", snapshot.RoleAdminKubeconfig, "/etc/kubernetes/admin.conf"),
	fileClaim("1.1.15", "KP-NODE-034", snapshot.RoleSchedulerKubeconfig, "/etc/kubernetes/scheduler.conf", 0o600, 0o644),
	ownerClaim("1.1.16", "KP-NODE-035", snapshot.RoleSchedulerKubeconfig, "/etc/kubernetes/scheduler.conf"),
	fileClaim("1.1.17", "KP-NODE-036", snapshot.RoleControllerManagerKubeconfig, "/etc/kubernetes/controller-manager.conf", 0o600, 0o644),
	ownerClaim("1.1.18", "KP-NODE-037", snapshot.RoleControllerManagerKubeconfig, "/etc/kubernetes/controller-manager.conf"),
	ownerClaim("1.1.19", "KP-NODE-038", snapshot.RolePKI, "/etc/kubernetes/pki/ca.crt"),
	fileClaim("1.1.20", "KP-NODE-039", snapshot.RolePKI, "/etc/kubernetes/pki/apiserver.crt", 0o644, 0o666),
	fileClaim("1.1.21", "KP-NODE-040", snapshot.RolePKI, "/etc/kubernetes/pki/apiserver.key", 0o600, 0o644),

	// CIS 1.2: the kube-apiserver's flags, from its mirror pod.
	flagClaim("1.2.1", "KP-CP-001", "kube-apiserver --anonymous-auth (absent: true, the default)",
		apiserver("--anonymous-auth=false").passes(), apiserver("--anonymous-auth=true").fails(), apiserver().as("kube-apiserver without --anonymous-auth").fails()),
	flagClaim("1.2.2", "KP-CP-006", "kube-apiserver --token-auth-file absent",
		apiserver().as("kube-apiserver without --token-auth-file").passes(), apiserver("--token-auth-file=/etc/kubernetes/tokens.csv").fails()),
	flagClaim("1.2.3", "KP-CP-007", "the kube-apiserver's effective admission plugins (defaults, --enable-, --disable-admission-plugins, --admission-control) include DenyServiceExternalIPs",
		apiserver("--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs").passes(), apiserver("--enable-admission-plugins=NodeRestriction").fails()),
	flagClaim("1.2.4", "KP-CP-008", "kube-apiserver --kubelet-client-certificate and --kubelet-client-key both set",
		apiserver("--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt", "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key").passes(),
		apiserver("--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt").fails()),
	flagClaim("1.2.5", "KP-CP-009", "kube-apiserver --kubelet-certificate-authority set",
		apiserver("--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt").passes(), apiserver().as("kube-apiserver without --kubelet-certificate-authority").fails()),
	flagClaim("1.2.6", "KP-CP-002", "kube-apiserver --authorization-mode tokens (absent: AlwaysAllow): no AlwaysAllow",
		apiserver("--authorization-mode=Node,RBAC").passes(), apiserver("--authorization-mode=RBAC,AlwaysAllow").fails(), apiserver().as("kube-apiserver without --authorization-mode").fails()),
	flagClaim("1.2.7", "KP-CP-003", "kube-apiserver --authorization-mode includes the token Node",
		apiserver("--authorization-mode=Node,RBAC").passes(), apiserver("--authorization-mode=RBAC").fails()),
	flagClaim("1.2.8", "KP-CP-004", "kube-apiserver --authorization-mode includes the token RBAC",
		apiserver("--authorization-mode=Node,RBAC").passes(), apiserver("--authorization-mode=Node").fails()),
	flagClaim("1.2.9", "KP-CP-010", "the kube-apiserver's effective admission plugins include EventRateLimit",
		apiserver("--enable-admission-plugins=EventRateLimit").passes(), apiserver().as("kube-apiserver with the default plugins").fails()),
	flagClaim("1.2.10", "KP-CP-011", "the kube-apiserver's effective admission plugins exclude AlwaysAdmit",
		apiserver().as("kube-apiserver with the default plugins").passes(), apiserver("--enable-admission-plugins=AlwaysAdmit").fails()),
	flagClaim("1.2.11", "KP-CP-012", "the kube-apiserver's effective admission plugins include AlwaysPullImages",
		apiserver("--enable-admission-plugins=AlwaysPullImages").passes(), apiserver().as("kube-apiserver with the default plugins").fails()),
	flagClaim("1.2.12", "KP-CP-013", "the kube-apiserver's effective admission plugins include ServiceAccount (on by default)",
		apiserver().as("kube-apiserver with the default plugins").passes(), apiserver("--disable-admission-plugins=ServiceAccount").fails()),
	flagClaim("1.2.13", "KP-CP-014", "the kube-apiserver's effective admission plugins include NamespaceLifecycle (on by default)",
		apiserver().as("kube-apiserver with the default plugins").passes(), apiserver("--disable-admission-plugins=NamespaceLifecycle").fails()),
	flagClaim("1.2.14", "KP-CP-015", "the kube-apiserver's effective admission plugins include NodeRestriction",
		apiserver("--enable-admission-plugins=NodeRestriction").passes(), apiserver().as("kube-apiserver with the default plugins").fails()),
	flagClaim("1.2.15", "KP-CP-005", "kube-apiserver --profiling (absent: true, the default)",
		apiserver("--profiling=false").passes(), apiserver().as("kube-apiserver without --profiling").fails()),
	flagClaim("1.2.16", "KP-CP-016", "kube-apiserver --audit-log-path set",
		apiserver("--audit-log-path=/var/log/kubernetes/audit.log").passes(), apiserver().as("kube-apiserver without --audit-log-path").fails()),
	flagClaim("1.2.17", "KP-CP-017", "kube-apiserver --audit-log-maxage, 30 or more",
		apiserver("--audit-log-path=/var/log/kubernetes/audit.log", "--audit-log-maxage=30").passes(), apiserver("--audit-log-path=/var/log/kubernetes/audit.log", "--audit-log-maxage=7").fails()),
	flagClaim("1.2.18", "KP-CP-018", "kube-apiserver --audit-log-maxbackup, 10 or more",
		apiserver("--audit-log-path=/var/log/kubernetes/audit.log", "--audit-log-maxbackup=10").passes(), apiserver("--audit-log-path=/var/log/kubernetes/audit.log", "--audit-log-maxbackup=3").fails()),
	flagClaim("1.2.19", "KP-CP-019", "kube-apiserver --audit-log-maxsize, 100 (MB) or more",
		apiserver("--audit-log-path=/var/log/kubernetes/audit.log", "--audit-log-maxsize=100").passes(), apiserver("--audit-log-path=/var/log/kubernetes/audit.log", "--audit-log-maxsize=10").fails()),
	{framework: checks.CIS, item: "1.2.20", control: "KP-CP-049",
		tests:  "kube-apiserver --request-timeout, shown with its origin for a person to judge",
		noPass: "\"as appropriate\" depends on the cluster: always MANUAL",
		cases:  cases(apiserver("--request-timeout=60s").gives(checks.Manual))},
	flagClaim("1.2.21", "KP-CP-020", "kube-apiserver --service-account-lookup (absent: true, the default)",
		apiserver().as("kube-apiserver without --service-account-lookup").passes(), apiserver("--service-account-lookup=false").fails()),
	flagClaim("1.2.22", "KP-CP-021", "kube-apiserver --service-account-key-file set",
		apiserver("--service-account-key-file=/etc/kubernetes/pki/sa.pub").passes(), apiserver().as("kube-apiserver without --service-account-key-file").fails()),
	flagClaim("1.2.23", "KP-CP-022", "kube-apiserver --etcd-certfile and --etcd-keyfile both set",
		apiserver("--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt", "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key").passes(),
		apiserver().as("kube-apiserver without --etcd-certfile and --etcd-keyfile").fails()),
	flagClaim("1.2.24", "KP-CP-023", "kube-apiserver --tls-cert-file and --tls-private-key-file both set",
		apiserver("--tls-cert-file=/etc/kubernetes/pki/apiserver.crt", "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key").passes(),
		apiserver("--tls-cert-file=/etc/kubernetes/pki/apiserver.crt").fails()),
	flagClaim("1.2.25", "KP-CP-024", "kube-apiserver --client-ca-file set",
		apiserver("--client-ca-file=/etc/kubernetes/pki/ca.crt").passes(), apiserver().as("kube-apiserver without --client-ca-file").fails()),
	flagClaim("1.2.26", "KP-CP-025", "kube-apiserver --etcd-cafile set",
		apiserver("--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt").passes(), apiserver().as("kube-apiserver without --etcd-cafile").fails()),
	flagClaim("1.2.27", "KP-CP-026", "kube-apiserver --encryption-provider-config set",
		apiserver("--encryption-provider-config=/etc/kubernetes/enc.yaml").passes(), apiserver().as("kube-apiserver without --encryption-provider-config").fails()),
	{framework: checks.CIS, item: "1.2.28", control: "KP-CP-045",
		tests: "the first provider of the EncryptionConfiguration entries that cover secrets (the file given with --encryption-config, or the node agent's summary)",
		cases: cases(encryption("secretbox").passes(), encryption("kms").as("first provider kms (apiVersion v2)").passes(),
			encryption("identity").fails(), encryption("aescbc").gives(checks.Warn))},
	flagClaim("1.2.29", "KP-CP-027", "kube-apiserver --tls-cipher-suites: every suite in CIS's list",
		apiserver("--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384").passes(),
		apiserver("--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA").fails()),
	flagClaim("1.2.30", "KP-CP-028", "kube-apiserver --service-account-extend-token-expiration (absent: true, the default)",
		apiserver("--service-account-extend-token-expiration=false").passes(), apiserver().as("kube-apiserver without --service-account-extend-token-expiration").fails()),

	// CIS 1.3, 1.4: the controller manager's and the scheduler's flags.
	flagClaim("1.3.1", "KP-CP-050", "kube-controller-manager --terminated-pod-gc-threshold set to a positive integer (the value is the operators' choice)",
		controllerManager("--terminated-pod-gc-threshold=10").passes(), controllerManager().as("kube-controller-manager without --terminated-pod-gc-threshold").fails(),
		controllerManager("--terminated-pod-gc-threshold=0").fails()),
	flagClaim("1.3.2", "KP-CP-029", "kube-controller-manager --profiling (absent: true, the default)",
		controllerManager("--profiling=false").passes(), controllerManager().as("kube-controller-manager without --profiling").fails()),
	flagClaim("1.3.3", "KP-CP-030", "kube-controller-manager --use-service-account-credentials (absent: false, the default)",
		controllerManager("--use-service-account-credentials=true").passes(), controllerManager().as("kube-controller-manager without --use-service-account-credentials").fails()),
	flagClaim("1.3.4", "KP-CP-031", "kube-controller-manager --service-account-private-key-file set",
		controllerManager("--service-account-private-key-file=/etc/kubernetes/pki/sa.key").passes(), controllerManager().as("kube-controller-manager without --service-account-private-key-file").fails()),
	flagClaim("1.3.5", "KP-CP-032", "kube-controller-manager --root-ca-file set",
		controllerManager("--root-ca-file=/etc/kubernetes/pki/ca.crt").passes(), controllerManager().as("kube-controller-manager without --root-ca-file").fails()),
	flagClaim("1.3.6", "KP-CP-033", "kube-controller-manager --feature-gates RotateKubeletServerCertificate not false (on by default)",
		controllerManager().as("kube-controller-manager without --feature-gates").passes(), controllerManager("--feature-gates=RotateKubeletServerCertificate=false").fails()),
	flagClaim("1.3.7", "KP-CP-034", "kube-controller-manager --bind-address (absent: 0.0.0.0, the default) is 127.0.0.1",
		controllerManager("--bind-address=127.0.0.1").passes(), controllerManager("--bind-address=0.0.0.0").fails()),
	flagClaim("1.4.1", "KP-CP-035", "kube-scheduler --profiling (absent: true, the default)",
		scheduler("--profiling=false").passes(), scheduler().as("kube-scheduler without --profiling").fails()),
	flagClaim("1.4.2", "KP-CP-036", "kube-scheduler --bind-address (absent: 0.0.0.0, the default) is 127.0.0.1",
		scheduler("--bind-address=127.0.0.1").passes(), scheduler("--bind-address=0.0.0.0").fails()),

	// CIS 2: etcd's flags (or ETCD_* variables).
	flagClaim("2.1", "KP-CP-037", "etcd --cert-file and --key-file both set",
		etcd("--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--key-file=/etc/kubernetes/pki/etcd/server.key").passes(), etcd().as("etcd without --cert-file and --key-file").fails()),
	flagClaim("2.2", "KP-CP-038", "etcd --client-cert-auth (absent: false, the default)",
		etcd("--client-cert-auth=true").passes(), etcd().as("etcd without --client-cert-auth").fails()),
	flagClaim("2.3", "KP-CP-039", "etcd --auto-tls absent or false",
		etcd().as("etcd without --auto-tls").passes(), etcd("--auto-tls=true").fails()),
	flagClaim("2.4", "KP-CP-040", "etcd --peer-cert-file and --peer-key-file both set",
		etcd("--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt", "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key").passes(), etcd().as("etcd without --peer-cert-file and --peer-key-file").fails()),
	flagClaim("2.5", "KP-CP-041", "etcd --peer-client-cert-auth (absent: false, the default)",
		etcd("--peer-client-cert-auth=true").passes(), etcd().as("etcd without --peer-client-cert-auth").fails()),
	flagClaim("2.6", "KP-CP-042", "etcd --peer-auto-tls absent or false",
		etcd().as("etcd without --peer-auto-tls").passes(), etcd("--peer-auto-tls=true").fails()),
	{framework: checks.CIS, item: "2.7", control: "KP-CP-043",
		tests:  "etcd --trusted-ca-file set, holding no certificate of the kube-apiserver's --client-ca-file nor its issuer (fingerprints from the control-plane node's report)",
		noPass: "without a node report recording both files' certificates, two paths are not compared: MANUAL, naming both files",
		cases: cases(
			combine("etcd --trusted-ca-file=/etc/kubernetes/pki/ca.crt, the kube-apiserver's --client-ca-file", etcd("--trusted-ca-file=/etc/kubernetes/pki/ca.crt"), apiserver("--client-ca-file=/etc/kubernetes/pki/ca.crt")).fails(),
			combine("etcd --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt, another path", etcd("--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"), apiserver("--client-ca-file=/etc/kubernetes/pki/ca.crt")).gives(checks.Manual))},

	// CIS 3.
	flagClaim("3.2.1", "KP-CP-044", "kube-apiserver --audit-policy-file set",
		apiserver("--audit-policy-file=/etc/kubernetes/audit-policy.yaml").passes(), apiserver().as("kube-apiserver without --audit-policy-file").fails()),

	// CIS 4.1: every node's kubelet files.
	fileClaim("4.1.1", "KP-NODE-041", snapshot.RoleKubeletServiceFile, "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", 0o600, 0o644),
	ownerClaim("4.1.2", "KP-NODE-042", snapshot.RoleKubeletServiceFile, "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf"),
	fileClaim("4.1.3", "KP-NODE-043", snapshot.RoleKubeProxyKubeconfig, "/var/lib/kube-proxy/kubeconfig.conf", 0o600, 0o644),
	ownerClaim("4.1.4", "KP-NODE-044", snapshot.RoleKubeProxyKubeconfig, "/var/lib/kube-proxy/kubeconfig.conf"),
	fileClaim("4.1.5", "KP-NODE-045", snapshot.RoleKubeletKubeconfig, "/etc/kubernetes/kubelet.conf", 0o600, 0o644),
	ownerClaim("4.1.6", "KP-NODE-046", snapshot.RoleKubeletKubeconfig, "/etc/kubernetes/kubelet.conf"),
	fileClaim("4.1.7", "KP-NODE-047", snapshot.RoleKubeletClientCA, "/etc/kubernetes/pki/ca.crt", 0o644, 0o666),
	ownerClaim("4.1.8", "KP-NODE-048", snapshot.RoleKubeletClientCA, "/etc/kubernetes/pki/ca.crt"),
	fileClaim("4.1.9", "KP-NODE-049", snapshot.RoleKubeletConfig, "/var/lib/kubelet/config.yaml", 0o600, 0o644),
	ownerClaim("4.1.10", "KP-NODE-050", snapshot.RoleKubeletConfig, "/var/lib/kubelet/config.yaml"),

	// CIS 4.2: the kubelet's effective configuration (configz).
	kubeletClaim("4.2.1", "KP-NODE-001", "the kubelet's effective authentication.anonymous.enabled",
		kubelet("anonymous.enabled: false", func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.Anonymous.Enabled = new(false) }).passes(),
		kubelet("anonymous.enabled: true", func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.Anonymous.Enabled = new(true) }).fails()),
	kubeletClaim("4.2.2", "KP-NODE-002", "the kubelet's effective authorization.mode is not AlwaysAllow",
		kubelet("authorization.mode: Webhook", func(c *kubeletv1beta1.KubeletConfiguration) {
			c.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeWebhook
		}).passes(),
		kubelet("authorization.mode: AlwaysAllow", func(c *kubeletv1beta1.KubeletConfiguration) {
			c.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeAlwaysAllow
		}).fails()),
	kubeletClaim("4.2.3", "KP-NODE-004", "the kubelet's effective authentication.x509.clientCAFile is set",
		kubelet("x509.clientCAFile: /etc/kubernetes/pki/ca.crt", nil).passes(),
		kubelet("no x509.clientCAFile", func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.X509.ClientCAFile = "" }).fails()),
	kubeletClaim("4.2.4", "KP-NODE-003", "the kubelet's effective readOnlyPort is 0",
		kubelet("readOnlyPort: 0", nil).passes(),
		kubelet("readOnlyPort: 10255", func(c *kubeletv1beta1.KubeletConfiguration) { c.ReadOnlyPort = 10255 }).fails()),
	kubeletClaim("4.2.5", "KP-NODE-005", "the kubelet's effective streamingConnectionIdleTimeout is not 0",
		kubelet("streamingConnectionIdleTimeout: 4h", nil).passes(),
		kubelet("streamingConnectionIdleTimeout: 0", func(c *kubeletv1beta1.KubeletConfiguration) { c.StreamingConnectionIdleTimeout = metav1.Duration{} }).fails()),
	kubeletClaim("4.2.6", "KP-NODE-006", "the kubelet's effective makeIPTablesUtilChains is true",
		kubelet("makeIPTablesUtilChains: true", nil).passes(),
		kubelet("makeIPTablesUtilChains: false", func(c *kubeletv1beta1.KubeletConfiguration) { c.MakeIPTablesUtilChains = new(false) }).fails()),
	{framework: checks.CIS, item: "4.2.7", control: "KP-NODE-007",
		tests: "the kubelet's command line (node agent) has no --hostname-override",
		cases: cases(kubeletFlags().as("kubelet without --hostname-override").passes(), kubeletFlags("--hostname-override=worker-1").fails())},
	kubeletClaim("4.2.8", "KP-NODE-008", "the kubelet's effective eventRecordQPS is 0 (unlimited) or more",
		kubelet("eventRecordQPS: 50", nil).passes(),
		kubelet("eventRecordQPS: -1", func(c *kubeletv1beta1.KubeletConfiguration) { c.EventRecordQPS = new(int32(-1)) }).fails()),
	kubeletClaim("4.2.9", "KP-NODE-009", "the kubelet's effective tlsCertFile and tlsPrivateKeyFile are set, or serverTLSBootstrap is true (a certificate the API server issues); neither is a self-signed certificate",
		kubelet("tlsCertFile and tlsPrivateKeyFile set", func(c *kubeletv1beta1.KubeletConfiguration) { c.ServerTLSBootstrap = false }).passes(),
		kubelet("no tlsCertFile, serverTLSBootstrap: true", func(c *kubeletv1beta1.KubeletConfiguration) { c.TLSCertFile, c.TLSPrivateKeyFile = "", "" }).passes(),
		kubelet("no tlsCertFile, serverTLSBootstrap: false", func(c *kubeletv1beta1.KubeletConfiguration) {
			c.TLSCertFile, c.TLSPrivateKeyFile, c.ServerTLSBootstrap = "", "", false
		}).fails()),
	kubeletClaim("4.2.10", "KP-NODE-010", "the kubelet's effective rotateCertificates is true (the default is false)",
		kubelet("rotateCertificates: true", nil).passes(),
		kubelet("rotateCertificates: false", func(c *kubeletv1beta1.KubeletConfiguration) { c.RotateCertificates = false }).fails()),
	kubeletClaim("4.2.11", "KP-NODE-011", "the kubelet's effective featureGates.RotateKubeletServerCertificate is not false and serverTLSBootstrap is true (the gate does nothing without it)",
		kubelet("serverTLSBootstrap: true, the gate on by default", nil).passes(),
		kubelet("featureGates: RotateKubeletServerCertificate: false", func(c *kubeletv1beta1.KubeletConfiguration) {
			c.FeatureGates = map[string]bool{"RotateKubeletServerCertificate": false}
		}).fails()),
	kubeletClaim("4.2.12", "KP-NODE-012", "the kubelet's effective tlsCipherSuites: every suite in CIS's list",
		kubelet("tlsCipherSuites: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", nil).passes(),
		kubelet("tlsCipherSuites: TLS_RSA_WITH_AES_128_CBC_SHA", func(c *kubeletv1beta1.KubeletConfiguration) {
			c.TLSCipherSuites = []string{"TLS_RSA_WITH_AES_128_CBC_SHA"}
		}).fails()),
	kubeletClaim("4.2.13", "KP-NODE-013", "the kubelet's effective podPidsLimit is set above 0",
		kubelet("podPidsLimit: 4096", nil).passes(),
		kubelet("podPidsLimit: -1", func(c *kubeletv1beta1.KubeletConfiguration) { c.PodPidsLimit = new(int64(-1)) }).fails()),
	kubeletClaim("4.2.14", "KP-NODE-014", "the kubelet's effective seccompDefault is true",
		kubelet("seccompDefault: true", nil).passes(),
		kubelet("seccompDefault: false", func(c *kubeletv1beta1.KubeletConfiguration) { c.SeccompDefault = new(false) }).fails()),
	{framework: checks.CIS, item: "4.3.1", control: "KP-NODE-019",
		tests: "kube-proxy --metrics-bind-address (or its --config's metricsBindAddress; absent: 127.0.0.1:10249) is on loopback",
		cases: cases(kubeProxy("--metrics-bind-address=127.0.0.1:10249").passes(), kubeProxy("--metrics-bind-address=0.0.0.0:10249").fails())},

	// CIS 5.1: RBAC, as the API server evaluates it (bootstrap roles and bindings present).
	{framework: checks.CIS, item: "5.1.1", control: "KP-RBAC-001",
		tests: "ClusterRoleBindings and RoleBindings to cluster-admin (or a role equal to it), Kubernetes' own excepted: each to be justified (WARN), FAIL when it binds everyone of a kind",
		cases: cases(rbac("only the bootstrap binding cluster-admin to system:masters").passes(),
			rbac("ClusterRoleBinding ci-admin: cluster-admin to user ci", clusterRoleBinding("ci-admin", "cluster-admin", user("ci"))).gives(checks.Warn),
			rbac("ClusterRoleBinding everyone: cluster-admin to group system:authenticated", clusterRoleBinding("everyone", "cluster-admin", group("system:authenticated"))).fails())},
	rbacClaim("5.1.2", "KP-RBAC-002", "bindings that grant get, list or watch on secrets",
		rule("get", "list", "watch").on("secrets")),
	{framework: checks.CIS, item: "5.1.3", control: "KP-RBAC-003",
		tests: "Roles and ClusterRoles (Kubernetes' own excepted) with \"*\" in a rule's verbs, resources or apiGroups",
		cases: cases(rbac("no role with a wildcard").passes(),
			rbac("ClusterRole ops with verbs [\"*\"] on pods", clusterRole("ops", rule("*").on("pods"))).gives(checks.Warn))},
	rbacClaim("5.1.4", "KP-RBAC-004", "bindings that grant create on pods", rule("create").on("pods")),
	{framework: checks.CIS, item: "5.1.5", control: "KP-RBAC-005",
		tests: "each namespace's default ServiceAccount: automountServiceAccountToken false and no binding to it (Kubernetes' own excepted)",
		cases: cases(
			defaultServiceAccount("default ServiceAccount with automountServiceAccountToken: false, no binding", new(false)).passes(),
			combine("a RoleBinding to the default ServiceAccount", defaultServiceAccount("", new(false)),
				roleBinding("app", "read", "view", rbacv1.Subject{Kind: "ServiceAccount", Name: "default", Namespace: "app"})).fails(),
			defaultServiceAccount("default ServiceAccount with automountServiceAccountToken unset", nil).gives(checks.Warn))},
	{framework: checks.CIS, item: "5.1.6", control: "KP-RBAC-006",
		tests: "pods that mount a service-account token (the pod's automountServiceAccountToken, else its account's, unset is true) whose account has no rights of its own",
		cases: cases(
			tokenPod("a pod with automountServiceAccountToken: false", new(false)).passes(),
			tokenPod("a pod mounting the token of an account with no rights", nil).gives(checks.Warn))},
	{framework: checks.CIS, item: "5.1.7", control: "KP-RBAC-007",
		tests:  "bindings to the group system:masters (Kubernetes' own excepted); membership, from client certificates and static tokens, for a person to check",
		noPass: "membership of system:masters comes from credentials the API does not list: MANUAL when no binding names it",
		cases: cases(rbac("only the bootstrap binding cluster-admin to system:masters").gives(checks.Manual),
			rbac("ClusterRoleBinding break-glass: cluster-admin to group system:masters", clusterRoleBinding("break-glass", "cluster-admin", group("system:masters"))).gives(checks.Warn))},
	rbacClaim("5.1.8", "KP-RBAC-008", "bindings that grant bind, escalate or impersonate", rule("impersonate").on("users")),
	rbacClaim("5.1.9", "KP-RBAC-009", "bindings that grant create on persistentvolumes", rule("create").on("persistentvolumes")),
	rbacClaim("5.1.10", "KP-RBAC-010", "bindings that grant access to nodes/proxy", rule("get").on("nodes/proxy")),
	rbacClaim("5.1.11", "KP-RBAC-011", "bindings that grant update on certificatesigningrequests/approval",
		rule("update").in("certificates.k8s.io").on("certificatesigningrequests/approval")),
	rbacClaim("5.1.12", "KP-RBAC-012", "bindings that grant writes to validating or mutating webhook configurations",
		rule("create", "update", "patch").in("admissionregistration.k8s.io").on("validatingwebhookconfigurations")),
	rbacClaim("5.1.13", "KP-RBAC-013", "bindings that grant create on serviceaccounts/token", rule("create").on("serviceaccounts/token")),

	// CIS 5.2: one control per recommendation, on every workload's pod template and pods.
	{framework: checks.CIS, item: "5.2.1", control: "KP-WL-028",
		tests: "each namespace holding a workload (outside kube-system, kube-public, kube-node-lease): Pod Security admission enforcing baseline or restricted there, or a validating webhook judging pod creation there",
		cases: cases(
			workloadNamespace("namespace labelled pod-security.kubernetes.io/enforce=baseline", "pod-security.kubernetes.io/enforce", "baseline").passes(),
			combine("no label, a policy engine's validating webhook on pod creation", workloadNamespace(""), podWebhook()).passes(),
			workloadNamespace("namespace with no enforce label (the default, privileged)").fails(),
			workloadNamespace("namespace labelled pod-security.kubernetes.io/warn=restricted only", "pod-security.kubernetes.io/warn", "restricted").fails())},
	podClaim("5.2.2", "KP-WL-008", "securityContext.privileged of every container, init and ephemeral container",
		"privileged unset", nil, "a container with privileged: true", func(s *corev1.PodSpec) { sc(s).Privileged = new(true) }),
	podClaim("5.2.3", "KP-WL-009", "spec.hostPID",
		"hostPID unset", nil, "hostPID: true", func(s *corev1.PodSpec) { s.HostPID = true }),
	podClaim("5.2.4", "KP-WL-010", "spec.hostIPC",
		"hostIPC unset", nil, "hostIPC: true", func(s *corev1.PodSpec) { s.HostIPC = true }),
	podClaim("5.2.5", "KP-WL-011", "spec.hostNetwork",
		"hostNetwork unset", nil, "hostNetwork: true", func(s *corev1.PodSpec) { s.HostNetwork = true }),
	podClaim("5.2.6", "KP-WL-012", "securityContext.allowPrivilegeEscalation of every container (unset allows escalation)",
		"allowPrivilegeEscalation: false", nil, "allowPrivilegeEscalation unset", func(s *corev1.PodSpec) { sc(s).AllowPrivilegeEscalation = nil }),
	{framework: checks.CIS, item: "5.2.7", control: "KP-WL-013",
		tests: "each container's effective runAsUser and runAsNonRoot (the container's, else the pod's)",
		cases: cases(
			pod("runAsNonRoot: true", nil).passes(),
			pod("runAsUser: 1000 without runAsNonRoot", func(s *corev1.PodSpec) { sc(s).RunAsNonRoot, sc(s).RunAsUser = nil, new(int64(1000)) }).passes(),
			pod("neither runAsUser nor runAsNonRoot", func(s *corev1.PodSpec) { sc(s).RunAsNonRoot = nil }).fails(),
			pod("runAsUser: 0", func(s *corev1.PodSpec) { sc(s).RunAsUser = new(int64(0)) }).fails())},
	podClaim("5.2.8", "KP-WL-014", "each container's capabilities as the runtime applies them (the default set holds NET_RAW; drop ALL or NET_RAW removes it, add puts it back), and privileged",
		"capabilities.drop: [ALL]", nil, "no capabilities.drop", func(s *corev1.PodSpec) { sc(s).Capabilities = nil }),
	{framework: checks.CIS, item: "5.2.9", control: "KP-WL-015",
		tests: "each container's capabilities: ALL dropped and none added back; not privileged",
		cases: cases(
			pod("capabilities.drop: [ALL]", nil).passes(),
			pod("drop [ALL], add [NET_BIND_SERVICE]", func(s *corev1.PodSpec) { sc(s).Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"} }).fails(),
			pod("no capabilities.drop", func(s *corev1.PodSpec) { sc(s).Capabilities = nil }).fails())},
	podClaim("5.2.10", "KP-WL-016", "windowsOptions.hostProcess of the pod and every container",
		"hostProcess unset", nil, "spec.securityContext.windowsOptions.hostProcess: true", func(s *corev1.PodSpec) {
			s.OS = &corev1.PodOS{Name: corev1.Windows}
			s.SecurityContext = &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: new(true)}}
		}),
	podClaim("5.2.11", "KP-WL-017", "spec.volumes[*].hostPath, any path",
		"an emptyDir volume", func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
		},
		"a hostPath volume of /etc/localtime", func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "tz", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc/localtime"}}}}
		}),
	podClaim("5.2.12", "KP-WL-018", "ports[*].hostPort of every container",
		"containerPort 8080, no hostPort", func(s *corev1.PodSpec) { s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}} },
		"hostPort: 8080", func(s *corev1.PodSpec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080, HostPort: 8080}}
		}),

	// CIS 5.3, 5.4, 5.6.
	{framework: checks.CIS, item: "5.3.1", control: "KP-NET-019",
		tests: "the network plugin's agent DaemonSets (by name or image) against a table of plugins, each row from the plugin's documentation of NetworkPolicy support",
		cases: cases(
			cniAgent("Calico's calico-node DaemonSet", "kube-system", "calico-node", "docker.io/calico/node:v3.29.1").passes(),
			cniAgent("flannel's DaemonSet alone", "kube-flannel", "kube-flannel-ds", "ghcr.io/flannel-io/flannel:v0.26.1").fails())},
	{framework: checks.CIS, item: "5.3.2", control: "KP-NET-017",
		tests: "each namespace: at least one NetworkPolicy (or a network plugin's policy) in it",
		cases: cases(namespaceWithPolicy("a namespace with a NetworkPolicy", true).passes(), namespaceWithPolicy("a namespace with none", false).fails())},
	podClaim("5.4.1", "KP-WL-003", "env[*].valueFrom.secretKeyRef and envFrom[*].secretRef of every container",
		"a secret mounted as a volume", func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "db", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "db"}}}}
		},
		"env DB_PASSWORD from secretKeyRef db/password", func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{
				SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}}}
		}),
	{framework: checks.CIS, item: "5.6.2", control: "KP-WL-019",
		tests: "each container's effective seccompProfile.type (the container's, else the pod's)",
		cases: cases(
			pod("seccompProfile.type: RuntimeDefault", nil).passes(),
			pod("no seccompProfile", func(s *corev1.PodSpec) { sc(s).SeccompProfile = nil }).fails(),
			pod("seccompProfile.type: Localhost", func(s *corev1.PodSpec) {
				sc(s).SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: new("profiles/app.json")}
			}).gives(checks.Warn))},

	// Pod Security Standards: a level, as k8s.io/pod-security-admission evaluates it.
	{framework: checks.PSSBaseline, item: "baseline", control: "KP-WL-001",
		tests: "every baseline check of k8s.io/pod-security-admission at the latest policy version (" +
			strings.Join(pssCheckIDs(api.LevelBaseline), ", ") + "), on every pod template and pod",
		cases: cases(pod("the restricted pod", nil).passes(), pod("hostNetwork: true", func(s *corev1.PodSpec) { s.HostNetwork = true }).fails())},
	{framework: checks.PSSRestricted, item: "restricted", control: "KP-WL-002",
		tests: "every restricted check of k8s.io/pod-security-admission at the latest policy version (" +
			strings.Join(pssCheckIDs(api.LevelRestricted), ", ") + ") and the baseline ones they do not override, on every pod template and pod",
		cases: cases(pod("runAsNonRoot, allowPrivilegeEscalation: false, drop [ALL], RuntimeDefault", nil).passes(),
			pod("runAsUser: 1000 without runAsNonRoot", func(s *corev1.PodSpec) { sc(s).RunAsNonRoot, sc(s).RunAsUser = nil, new(int64(1000)) }).fails())},

	// NSA/CISA areas, by kubescape's ids and tests.
	nsaPodClaim("C-0012", "KP-WL-043", "literal env[*].value of every container, for credential formats (FAIL) and secret-like names or entropy (WARN)",
		"env LOG_LEVEL=debug", func(s *corev1.PodSpec) { s.Containers[0].Env = []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "debug"}} },
		"env GITHUB_TOKEN with a GitHub token", func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "GITHUB_TOKEN", Value: "ghp_" + strings.Repeat("a1B2c3D4e5", 3) + "f6G7h8"}}
		}),
	{framework: checks.NSA, item: "C-0012", control: "KP-WL-042",
		tests: "every ConfigMap's data and binaryData, for credential formats (FAIL) and secret-like names or entropy (WARN)",
		cases: cases(configMap("a ConfigMap with log.level: debug", "log.level", "debug").passes(),
			configMap("a ConfigMap holding an AWS access key id", "aws_access_key_id", "AKIA"+"QWERTYUIOPASDFGH").fails())},
	nsaPodClaim("C-0013", "KP-WL-029", "each container's effective runAsUser > 0 or runAsNonRoot, and runAsGroup > 0",
		"runAsNonRoot: true, runAsGroup: 1000", func(s *corev1.PodSpec) { sc(s).RunAsGroup = new(int64(1000)) },
		"runAsNonRoot: true without runAsGroup", nil),
	nsaPodClaim("C-0016", "KP-WL-012", "securityContext.allowPrivilegeEscalation of every container is false",
		"allowPrivilegeEscalation: false", nil, "allowPrivilegeEscalation: true", func(s *corev1.PodSpec) { sc(s).AllowPrivilegeEscalation = new(true) }),
	nsaPodClaim("C-0017", "KP-WL-024", "securityContext.readOnlyRootFilesystem of every container is true",
		"readOnlyRootFilesystem: true", func(s *corev1.PodSpec) { sc(s).ReadOnlyRootFilesystem = new(true) },
		"readOnlyRootFilesystem unset", nil),
	{framework: checks.NSA, item: "C-0030", control: "KP-NET-018",
		tests: "each workload's pods: isolated for ingress and for egress by NetworkPolicies of their namespace",
		cases: cases(isolatedPod("a pod selected by a policy with policyTypes [Ingress, Egress]", networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress).passes(),
			isolatedPod("a pod selected by an Ingress policy only", networkingv1.PolicyTypeIngress).fails())},
	nsaPodClaim("C-0038", "KP-WL-027", "spec.hostPID and spec.hostIPC",
		"hostPID and hostIPC unset", nil, "hostIPC: true", func(s *corev1.PodSpec) { s.HostIPC = true }),
	nsaPodClaim("C-0041", "KP-WL-011", "spec.hostNetwork",
		"hostNetwork unset", nil, "hostNetwork: true", func(s *corev1.PodSpec) { s.HostNetwork = true }),
	nsaPodClaim("C-0044", "KP-WL-018", "ports[*].hostPort of every container",
		"no hostPort", nil, "hostPort: 8080", func(s *corev1.PodSpec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080, HostPort: 8080}}
		}),
	{framework: checks.NSA, item: "C-0035", control: "KP-RBAC-001",
		tests: "subjects bound to cluster-admin or a role granting every verb on every resource (Kubernetes' own excepted)",
		cases: cases(rbac("only the bootstrap binding cluster-admin to system:masters").passes(),
			rbac("ClusterRoleBinding everyone: cluster-admin to group system:authenticated", clusterRoleBinding("everyone", "cluster-admin", group("system:authenticated"))).fails())},
	nsaPodClaim("C-0057", "KP-WL-008", "securityContext.privileged of every container",
		"privileged unset", nil, "privileged: true", func(s *corev1.PodSpec) { sc(s).Privileged = new(true) }),
	{framework: checks.NSA, item: "C-0054", control: "KP-NET-017",
		tests: "each namespace: at least one NetworkPolicy (or a network plugin's policy) in it",
		cases: cases(namespaceWithPolicy("a namespace with a NetworkPolicy", true).passes(), namespaceWithPolicy("a namespace with none", false).fails())},
	{framework: checks.NSA, item: "C-0066", control: "KP-CP-026",
		tests: "kube-apiserver --encryption-provider-config set",
		cases: cases(apiserver("--encryption-provider-config=/etc/kubernetes/enc.yaml").passes(), apiserver().as("kube-apiserver without --encryption-provider-config").fails())},
	{framework: checks.NSA, item: "C-0067", control: "KP-CP-044",
		tests: "kube-apiserver --audit-policy-file set",
		cases: cases(apiserver("--audit-policy-file=/etc/kubernetes/audit-policy.yaml").passes(), apiserver().as("kube-apiserver without --audit-policy-file").fails())},
	{framework: checks.NSA, item: "C-0069", control: "KP-NODE-001",
		tests: "the kubelet's effective authentication.anonymous.enabled",
		cases: cases(
			kubelet("anonymous.enabled: false", func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.Anonymous.Enabled = new(false) }).passes(),
			kubelet("anonymous.enabled: true", func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.Anonymous.Enabled = new(true) }).fails())},
	{framework: checks.NSA, item: "C-0070", control: "KP-NODE-004",
		tests: "the kubelet's effective authentication.x509.clientCAFile is set",
		cases: cases(kubelet("x509.clientCAFile set", nil).passes(),
			kubelet("no x509.clientCAFile", func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.X509.ClientCAFile = "" }).fails())},
	nsaPodClaim("C-0270", "KP-WL-030", "resources.limits.cpu of every container and init container (or the pod's), on the running pods",
		"limits.cpu: 1", func(s *corev1.PodSpec) {
			s.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}
		},
		"no limits.cpu", nil),
	nsaPodClaim("C-0271", "KP-WL-031", "resources.limits.memory of every container and init container (or the pod's), on the running pods",
		"limits.memory: 256Mi", func(s *corev1.PodSpec) {
			s.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}
		},
		"no limits.memory", nil),
}

// The builders of cases.

func fileClaim(item, control string, role snapshot.FileRole, path string, ok, bad uint32) claim {
	return claim{framework: checks.CIS, item: item, control: control,
		tests: "mode of " + path + " (and the other files of its kind, as the node agent records them): no bit outside the bound",
		cases: cases(nodeFile(role, path, ok, "root", "root").passes(), nodeFile(role, path, bad, "root", "root").fails())}
}

func ownerClaim(item, control string, role snapshot.FileRole, path string) claim {
	mode := uint32(0o600)
	return claim{framework: checks.CIS, item: item, control: control,
		tests: "owner of " + path + " (and the other files of its kind): uid 0, gid 0",
		cases: cases(nodeFile(role, path, mode, "root", "root").passes(), nodeFile(role, path, mode, "kube", "kube").fails())}
}

func flagClaim(item, control, tests string, fs ...fixture) claim {
	return claim{framework: checks.CIS, item: item, control: control, tests: tests, cases: fs}
}

func kubeletClaim(item, control, tests string, fs ...fixture) claim {
	return claim{framework: checks.CIS, item: item, control: control, tests: tests, cases: fs}
}

func podClaim(item, control, tests, passDesc string, pass func(*corev1.PodSpec), failDesc string, fail func(*corev1.PodSpec)) claim {
	return claim{framework: checks.CIS, item: item, control: control, tests: tests,
		cases: cases(pod(passDesc, pass).passes(), pod(failDesc, fail).fails())}
}

func nsaPodClaim(item, control, tests, passDesc string, pass func(*corev1.PodSpec), failDesc string, fail func(*corev1.PodSpec)) claim {
	c := podClaim(item, control, tests, passDesc, pass, failDesc, fail)
	c.framework = checks.NSA
	return c
}

// rbacClaim is a "minimize access" claim: no binding grants r (PASS), a ClusterRoleBinding of a
// role granting it to system:authenticated (FAIL: everyone of a kind).
func rbacClaim(item, control, tests string, r policyRule) claim {
	return claim{framework: checks.CIS, item: item, control: control,
		tests: tests + " (Kubernetes' own excepted): each to be justified (WARN), FAIL when it binds everyone of a kind",
		cases: cases(rbac("no binding grants it").passes(),
			rbac("a ClusterRoleBinding granting "+r.String()+" to system:authenticated",
				clusterRole("grant", r), clusterRoleBinding("grant", "grant", group("system:authenticated"))).fails())}
}

func combine(desc string, fs ...fixture) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		for _, f := range fs {
			f.build(s)
		}
	})
}

func component(name string, args ...string) fixture {
	desc := name
	if len(args) > 0 {
		desc += " " + strings.Join(args, " ")
	}
	return build(desc, func(s *snapshot.Snapshot) {
		s.ControlPlane = append(s.ControlPlane, snapshot.Component{Name: name, Namespace: "kube-system", Pod: name + "-cp-1",
			Node: "cp-1", Mirror: true, Command: append([]string{name}, args...),
			Flags: componentflags.Parse([]string{name}, args, componentflags.BoolFlags(name))})
	})
}

func apiserver(args ...string) fixture         { return component("kube-apiserver", args...) }
func controllerManager(args ...string) fixture { return component("kube-controller-manager", args...) }
func scheduler(args ...string) fixture         { return component("kube-scheduler", args...) }
func etcd(args ...string) fixture              { return component("etcd", args...) }

// encryption is a kube-apiserver given an encryption configuration whose one entry, for
// secrets, starts with provider typ.
func encryption(typ string) fixture {
	p := snapshot.EncryptionProvider{Type: typ}
	if typ == "kms" {
		p.KMSVersion = "v2"
	}
	return combine("first provider for secrets: "+typ, apiserver("--encryption-provider-config=/etc/kubernetes/enc.yaml"),
		build("", func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResEncryptionConfig] = snapshot.Collection{State: snapshot.Collected}
			s.Files = &snapshot.ControlPlaneFiles{Encryption: &snapshot.EncryptionConfig{Path: "/etc/kubernetes/enc.yaml",
				Resources: []snapshot.EncryptionResources{{Resources: []string{"secrets"}, Providers: []snapshot.EncryptionProvider{p, {Type: "identity"}}}}}}
		}))
}

// nodeFile is a control-plane node whose agent recorded one file of role.
func nodeFile(role snapshot.FileRole, path string, mode uint32, user, group string) fixture {
	ids := map[string]int{"root": 0, "etcd": 990, "kube": 1000}
	desc := path + " " + strings.TrimPrefix(formatMode(mode), "0") + " " + user + ":" + group
	return build(desc, func(s *snapshot.Snapshot) {
		s.Nodes = append(s.Nodes, corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "cp-1"}})
		s.NodeReports = append(s.NodeReports, snapshot.NodeReport{Node: "cp-1", Root: "/", ControlPlane: true,
			Kubelet: &snapshot.NodeKubelet{},
			Files: []snapshot.NodeFile{{Path: path, Role: role, Exists: true, IsDir: role == snapshot.RoleEtcdDataDir,
				Mode: mode, UID: ids[user], GID: ids[group], User: user, Group: group}}})
	})
}

func formatMode(m uint32) string {
	const digits = "01234567"
	return string([]byte{'0', digits[m>>9&7], digits[m>>6&7], digits[m>>3&7], digits[m&7]})
}

// secureKubelet is a kubelet configuration (as configz reports it) that every kubelet control
// passes; a case changes the one field it is about.
func secureKubelet() *kubeletv1beta1.KubeletConfiguration {
	c := &kubeletv1beta1.KubeletConfiguration{
		ReadOnlyPort:                   0,
		StreamingConnectionIdleTimeout: metav1.Duration{Duration: 4 * 3600e9},
		MakeIPTablesUtilChains:         new(true),
		EventRecordQPS:                 new(int32(50)),
		TLSCertFile:                    "/var/lib/kubelet/pki/kubelet.crt",
		TLSPrivateKeyFile:              "/var/lib/kubelet/pki/kubelet.key",
		RotateCertificates:             true,
		ServerTLSBootstrap:             true,
		TLSCipherSuites:                []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
		PodPidsLimit:                   new(int64(4096)),
		SeccompDefault:                 new(true),
	}
	c.Authentication.Anonymous.Enabled = new(false)
	c.Authentication.Webhook.Enabled = new(true)
	c.Authentication.X509.ClientCAFile = "/etc/kubernetes/pki/ca.crt"
	c.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeWebhook
	return c
}

func kubelet(desc string, mutate func(*kubeletv1beta1.KubeletConfiguration)) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		c := secureKubelet()
		if mutate != nil {
			mutate(c)
		}
		s.Nodes = append(s.Nodes, corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1"}})
		s.Kubelets = append(s.Kubelets, snapshot.Kubelet{Node: "worker-1", Collection: snapshot.Collection{State: snapshot.Collected}, Config: c})
	})
}

// kubeletFlags is a node whose agent read the kubelet's command line.
func kubeletFlags(args ...string) fixture {
	return build("kubelet "+strings.Join(args, " "), func(s *snapshot.Snapshot) {
		s.Nodes = append(s.Nodes, corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1"}})
		s.NodeReports = append(s.NodeReports, snapshot.NodeReport{Node: "worker-1", Root: "/", Kubelet: &snapshot.NodeKubelet{
			Command: append([]string{"kubelet"}, args...), Flags: componentflags.Parse([]string{"kubelet"}, args, func(string) bool { return false }),
			Effective: secureKubelet()}})
	})
}

// kubeProxy is kube-proxy running in a pod of its DaemonSet.
func kubeProxy(args ...string) fixture {
	return build("kube-proxy "+strings.Join(args, " "), func(s *snapshot.Snapshot) {
		s.Pods = append(s.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy-x2f9"},
			Spec: corev1.PodSpec{NodeName: "worker-1", Containers: []corev1.Container{{Name: "kube-proxy",
				Command: append([]string{"/usr/local/bin/kube-proxy"}, args...)}}}})
	})
}

// policyRule builds an RBAC rule.
type policyRule struct{ rbacv1.PolicyRule }

func rule(verbs ...string) policyRule {
	return policyRule{rbacv1.PolicyRule{Verbs: verbs, APIGroups: []string{""}}}
}
func (r policyRule) in(group string) policyRule { r.APIGroups = []string{group}; return r }
func (r policyRule) on(resources ...string) policyRule {
	r.Resources = resources
	return r
}
func (r policyRule) String() string {
	return strings.Join(r.Verbs, ", ") + " on " + strings.Join(r.Resources, ", ")
}

func user(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "User", Name: name, APIGroup: rbacv1.GroupName}
}
func group(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "Group", Name: name, APIGroup: rbacv1.GroupName}
}

// rbac is the bootstrap RBAC of a cluster (cluster-admin bound to system:masters) and the
// given objects.
func rbac(desc string, more ...func(*snapshot.Snapshot)) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		s.ClusterRoles = append(s.ClusterRoles, rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-admin", Labels: map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}},
			Rules:      []rbacv1.PolicyRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}, {Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}}})
		s.ClusterRoleBindings = append(s.ClusterRoleBindings, rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-admin", Labels: map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects:   []rbacv1.Subject{group("system:masters")}})
		for _, m := range more {
			m(s)
		}
	})
}

func clusterRole(name string, rules ...policyRule) func(*snapshot.Snapshot) {
	return func(s *snapshot.Snapshot) {
		cr := rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}}
		for _, r := range rules {
			cr.Rules = append(cr.Rules, r.PolicyRule)
		}
		s.ClusterRoles = append(s.ClusterRoles, cr)
	}
}

func clusterRoleBinding(name, role string, subjects ...rbacv1.Subject) func(*snapshot.Snapshot) {
	return func(s *snapshot.Snapshot) {
		s.ClusterRoleBindings = append(s.ClusterRoleBindings, rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}, Subjects: subjects})
	}
}

func roleBinding(ns, name, role string, subjects ...rbacv1.Subject) fixture {
	return build("", func(s *snapshot.Snapshot) {
		s.ClusterRoles = append(s.ClusterRoles, rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: role},
			Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}}})
		s.RoleBindings = append(s.RoleBindings, rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}, Subjects: subjects})
	})
}

func defaultServiceAccount(desc string, automount *bool) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		s.Namespaces = append(s.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "app"}})
		s.ServiceAccounts = append(s.ServiceAccounts, corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "default"},
			AutomountServiceAccountToken: automount})
	})
}

// tokenPod is a pod of the account "web", which has no binding, with the pod's
// automountServiceAccountToken; a pod that mounts the token carries its projected volume.
func tokenPod(desc string, automount *bool) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		s.ServiceAccounts = append(s.ServiceAccounts, corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "web"}})
		spec := restricted()
		spec.ServiceAccountName, spec.AutomountServiceAccountToken = "web", automount
		if automount == nil || *automount {
			spec.Volumes = append(spec.Volumes, corev1.Volume{Name: "kube-api-access-x7k2p", VolumeSource: corev1.VolumeSource{
				Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}})
		}
		s.Pods = append(s.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "web"}, Spec: spec})
	})
}

// restricted is a pod spec that meets the Pod Security restricted level.
func restricted() corev1.PodSpec {
	return corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1.0",
		SecurityContext: &corev1.SecurityContext{
			RunAsNonRoot:             new(true),
			AllowPrivilegeEscalation: new(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		}}}}
}

// sc is the first container's security context.
func sc(s *corev1.PodSpec) *corev1.SecurityContext { return s.Containers[0].SecurityContext }

// pod is a bare pod app/web: the restricted spec, changed by mutate.
func pod(desc string, mutate func(*corev1.PodSpec)) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		spec := restricted()
		if mutate != nil {
			mutate(&spec)
		}
		s.Pods = append(s.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "web"}, Spec: spec})
	})
}

// workloadNamespace is the namespace app, with labels (k, v pairs), holding a pod.
func workloadNamespace(desc string, kv ...string) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		labels := map[string]string{"kubernetes.io/metadata.name": "app"}
		for i := 0; i+1 < len(kv); i += 2 {
			labels[kv[i]] = kv[i+1]
		}
		s.Namespaces = append(s.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "app", Labels: labels}})
		pod("", nil).build(s)
	})
}

// podWebhook is a policy engine's validating webhook judging every pod creation.
func podWebhook() fixture {
	return build("", func(s *snapshot.Snapshot) {
		s.ValidatingWebhookConfigurations = append(s.ValidatingWebhookConfigurations, admissionregistrationv1.ValidatingWebhookConfiguration{
			ObjectMeta: metav1.ObjectMeta{Name: "kyverno-resource-validating-webhook-cfg"},
			Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "validate.kyverno.svc", Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, Resources: []string{"pods"}}}}}}})
	})
}

func namespaceWithPolicy(desc string, policy bool) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		s.Namespaces = append(s.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "app"}})
		if policy {
			s.NetworkPolicies = append(s.NetworkPolicies, networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "allow-web"},
				Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}})
		}
	})
}

// cniAgent is a network plugin's agent DaemonSet, as its installer names it.
func cniAgent(desc, ns, name, image string) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		ds := appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
		ds.Spec.Template.Spec.Containers = []corev1.Container{{Name: name, Image: image}}
		s.DaemonSets = append(s.DaemonSets, ds)
	})
}

// isolatedPod is a pod app/web selected by one policy of the given types.
func isolatedPod(desc string, types ...networkingv1.PolicyType) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		s.Namespaces = append(s.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "app", Labels: map[string]string{"kubernetes.io/metadata.name": "app"}}})
		spec := restricted()
		s.Pods = append(s.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "web", Labels: map[string]string{"app": "web"}}, Spec: spec})
		s.NetworkPolicies = append(s.NetworkPolicies, networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "web"},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, PolicyTypes: types}})
	})
}

func configMap(desc, key, value string) fixture {
	return build(desc, func(s *snapshot.Snapshot) {
		s.ConfigMaps = append(s.ConfigMaps, corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "settings"},
			Data: map[string]string{key: value}})
	})
}
