package collect_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/nodeagent"
	"github.com/kubeposture/kubeposture/snapshot"
)

// The control-plane layer judged against real API servers: one started with secure flags,
// one with insecure ones. Each server really runs with the flags the checks read (the
// kube-apiserver mirror pod records its exact command line), and the weaknesses the checks
// report are first shown to be live. The controller manager, scheduler and etcd are mirror
// pods only (the harness runs none of them with these flags): their verdicts judge the
// command lines recorded, as on any cluster.

const strongSuites = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func encryptionConfig(providers string) string {
	return "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n" + providers
}

var aesgcmProvider = "  - aesgcm:\n      keys:\n      - name: key1\n        secret: " + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")) + "\n"

// controlPlaneContainers are the containers of a kubeadm control plane's static pods: the API
// server's command line, the given command lines of the others, and etcd's environment.
func controlPlaneContainers(apiserverArgs []string, others map[string][]string, etcdEnv []corev1.EnvVar) []corev1.Container {
	commands := map[string][]string{"kube-apiserver": append([]string{"kube-apiserver"}, apiserverArgs...)}
	for name, args := range others {
		commands[name] = append([]string{name}, args...)
	}
	var out []corev1.Container
	for name, command := range commands {
		ctr := corev1.Container{Name: name, Image: "registry.k8s.io/" + name + ":v1.37.2", Command: command}
		if name == "etcd" {
			ctr.Env = etcdEnv
		}
		out = append(out, ctr)
	}
	return out
}

// seedControlPlane records the control plane as kubeadm mirror pods in kube-system on node
// cp-1: the real API server's command line, and the given command lines (and etcd
// environment) for the rest.
func seedControlPlane(t *testing.T, cs kubernetes.Interface, apiserverArgs []string, others map[string][]string, etcdEnv []corev1.EnvVar) {
	t.Helper()
	ctx := context.Background()
	for _, ns := range []string{"kube-system", "ops"} {
		if ns != "kube-system" {
			if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ctr := range controlPlaneContainers(apiserverArgs, others, etcdEnv) {
		name := ctr.Name
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name + "-cp-1", Namespace: "kube-system", Labels: map[string]string{"component": name},
				Annotations: map[string]string{"kubernetes.io/config.mirror": "x", "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": "10.0.0.10:6443"}},
			Spec: corev1.PodSpec{NodeName: "cp-1", HostNetwork: true, AutomountServiceAccountToken: ptr.To(false), Containers: []corev1.Container{ctr}},
		}
		if _, err := cs.CoreV1().Pods("kube-system").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatalf("mirror pod %s: %v", name, err)
		}
	}
}

// judge collects the cluster (probe on, files given) and returns the control-plane verdicts.
func judge(t *testing.T, c *testcluster.Cluster, files collect.FileOptions) (*snapshot.Snapshot, *checks.Report) {
	t.Helper()
	snap, err := collect.Collect(context.Background(), c.Admin, collect.Options{SkipKubelet: true, ProbeAnonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := collect.AddFiles(snap, files); err != nil {
		t.Fatal(err)
	}
	sel := checks.Selection{Layers: []checks.Layer{checks.ControlPlane}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	return snap, checks.Run(snap, selected, sel)
}

func anonymousGet(t *testing.T, c *testcluster.Cluster, path string) error {
	t.Helper()
	cs := kubernetes.NewForConfigOrDie(rest.AnonymousClientConfig(c.Admin))
	_, err := cs.CoreV1().RESTClient().Get().AbsPath(path).DoRaw(context.Background())
	return err
}

func TestControlPlaneSecureServer(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"enc.yaml":   encryptionConfig(aesgcmProvider + "  - identity: {}\n"),
		"audit.yaml": "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources: [{group: \"\", resources: [secrets, configmaps]}]\n- level: Metadata\n",
		"admission.yaml": "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: EventRateLimit\n  configuration:\n" +
			"    apiVersion: eventratelimit.admission.k8s.io/v1alpha1\n    kind: Configuration\n    limits:\n    - type: Server\n      qps: 5000\n      burst: 20000\n",
	})
	clusterDir := filepath.Join(dir, "cluster")
	if err := os.Mkdir(clusterDir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	c, err := testcluster.Start(context.Background(), testcluster.Options{Dir: clusterDir, APIServerFlags: []string{
		"--enable-admission-plugins=NodeRestriction,AlwaysPullImages,DenyServiceExternalIPs,EventRateLimit",
		"--admission-control-config-file=" + p("admission.yaml"),
		"--audit-log-path=" + p("audit.log"), "--audit-policy-file=" + p("audit.yaml"),
		"--audit-log-maxage=30", "--audit-log-maxbackup=10", "--audit-log-maxsize=100",
		"--encryption-provider-config=" + p("enc.yaml"),
		"--tls-cipher-suites=" + strongSuites,
		"--service-account-extend-token-expiration=false",
		"--kubelet-client-certificate=" + filepath.Join(clusterDir, "apiserver.crt"), "--kubelet-client-key=" + filepath.Join(clusterDir, "apiserver.key"),
		"--kubelet-certificate-authority=" + filepath.Join(clusterDir, "ca.crt"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	// Live: anonymous requests are refused, and the audit log is written.
	if err := anonymousGet(t, c, "/version"); !apierrors.IsUnauthorized(err) {
		t.Fatalf("anonymous /version on the secure server: %v, want Unauthorized", err)
	}
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	others := map[string][]string{
		"kube-controller-manager": {"--bind-address=127.0.0.1", "--profiling=false", "--use-service-account-credentials=true",
			"--service-account-private-key-file=/etc/kubernetes/pki/sa.key", "--root-ca-file=/etc/kubernetes/pki/ca.crt",
			"--feature-gates=RotateKubeletServerCertificate=true", "--terminated-pod-gc-threshold=1000"},
		"kube-scheduler": {"--bind-address=127.0.0.1", "--profiling=false"},
		"etcd": {"--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--key-file=/etc/kubernetes/pki/etcd/server.key",
			"--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt", "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
			"--peer-client-cert-auth=true", "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"},
	}
	etcdEnv := []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH", Value: "true"}} // etcd reads it: the flag is absent
	seedControlPlane(t, cs, c.APIServerArgs, others, etcdEnv)
	// A secret written now is encrypted by aesgcm: the metrics must show it.
	if _, err := cs.CoreV1().Secrets("ops").Create(context.Background(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}, StringData: map[string]string{"k": "v"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(p("audit.log")); err != nil || info.Size() == 0 {
		t.Fatalf("audit log not written: %v", err)
	}
	snap, rep := judge(t, c, collect.FileOptions{EncryptionConfig: p("enc.yaml"), AuditPolicy: p("audit.yaml")})
	want := map[string]checks.Status{}
	for _, id := range []string{"001", "002", "003", "004", "005", "007", "008", "009", "010", "011", "012", "013", "014", "015",
		"016", "017", "018", "019", "020", "021", "023", "024", "026", "027", "028", "044", "045", "046"} {
		want["KP-CP-"+id+" Component/kube-system/kube-apiserver-cp-1"] = checks.Pass
	}
	for id, st := range map[string]checks.Status{
		// The harness authenticates its admin with a token file, and runs etcd over plain
		// HTTP on loopback: these three stay failures on the "secure" server.
		"006": checks.Fail, "022": checks.Fail, "025": checks.Fail,
	} {
		want["KP-CP-"+id+" Component/kube-system/kube-apiserver-cp-1"] = st
	}
	for _, id := range []string{"029", "030", "031", "032", "033", "034"} {
		want["KP-CP-"+id+" Component/kube-system/kube-controller-manager-cp-1"] = checks.Pass
	}
	want["KP-CP-035 Component/kube-system/kube-scheduler-cp-1"] = checks.Pass
	want["KP-CP-036 Component/kube-system/kube-scheduler-cp-1"] = checks.Pass
	for _, id := range []string{"037", "038", "039", "040", "041", "042"} {
		want["KP-CP-"+id+" Component/kube-system/etcd-cp-1"] = checks.Pass
	}
	// Another path than the API server's client CA, and no node report to compare the files by.
	want["KP-CP-043 Component/kube-system/etcd-cp-1"] = checks.Manual
	want["KP-CP-049 Component/kube-system/kube-apiserver-cp-1"] = checks.Manual
	// --terminated-pod-gc-threshold set to a positive threshold.
	want["KP-CP-050 Component/kube-system/kube-controller-manager-cp-1"] = checks.Pass
	want["KP-CP-051 Component/kube-system/kube-apiserver-cp-1"] = checks.Pass // PodSecurity: default-on
	want["KP-CP-047 Cluster"] = checks.Pass                                   // aesgcm writes seen in /metrics
	want["KP-CP-048 Cluster"] = checks.Pass                                   // 401 everywhere
	got := verdicts(rep)
	for k := range got {
		if !strings.HasPrefix(k, "KP-CP-") {
			delete(got, k) // the RBAC controls are asserted on the insecure server
		}
	}
	diffVerdicts(t, got, want)

	// The node report of cp-1 holds its manifests and the CA files they name, as the node agent
	// records them (fingerprints): etcd's CA is compared with the API server's real client CA.
	// A CA of etcd's own passes; the cluster's CA copied to etcd's path fails.
	clusterCA, err := os.ReadFile(filepath.Join(clusterDir, "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		etcdCA []byte
		want   checks.Status
	}{
		{"a CA of etcd's own", selfSignedCA(t, "etcd-ca"), checks.Pass},
		{"the cluster's CA at etcd's path", clusterCA, checks.Fail},
	} {
		snap.MergeNodeReports([]snapshot.NodeReport{nodeReport(t, "cp-1", controlPlaneContainers(c.APIServerArgs, others, etcdEnv),
			map[string][]byte{"/etc/kubernetes/pki/etcd/ca.crt": tc.etcdCA, filepath.Join(clusterDir, "ca.crt"): clusterCA})})
		want["KP-CP-043 Component/kube-system/etcd-cp-1"] = tc.want
		got := componentVerdicts(controlPlaneRun(snap))
		for k := range want {
			if strings.HasSuffix(k, " Cluster") {
				delete(want, k) // the observations of the API server are not the node report's
			}
		}
		t.Run(tc.name, func(t *testing.T) { diffVerdicts(t, got, want) })
	}
	aesgcm := false
	for _, s := range snap.APIServer.SecretTransformations {
		aesgcm = aesgcm || (s.Type == "to_storage" && s.Prefix == "k8s:enc:aesgcm:v1:" && s.Count > 0)
	}
	if !aesgcm {
		t.Errorf("secret transformations %+v, want aesgcm writes", snap.APIServer.SecretTransformations)
	}
}

func TestControlPlaneInsecureServer(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	writeFiles(t, dir, map[string]string{
		// identity first: aesgcm listed second only decrypts.
		"enc.yaml":   encryptionConfig("  - identity: {}\n" + aesgcmProvider),
		"audit.yaml": "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n",
	})
	clusterDir := filepath.Join(dir, "cluster")
	if err := os.Mkdir(clusterDir, 0o700); err != nil {
		t.Fatal(err)
	}
	c, err := testcluster.Start(context.Background(), testcluster.Options{Dir: clusterDir, APIServerFlags: []string{
		"--anonymous-auth=true",
		// AlwaysAllow at the end of the chain: whatever RBAC does not allow, it does.
		"--authorization-mode=Node", "--authorization-mode=RBAC,AlwaysAllow",
		"--profiling=true",
		"--enable-admission-plugins=AlwaysAdmit", "--disable-admission-plugins=NamespaceLifecycle",
		"--audit-log-path=-", "--audit-policy-file=" + p("audit.yaml"),
		"--encryption-provider-config=" + p("enc.yaml"),
		"--service-account-lookup=false",
		"--tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA," + strongSuites,
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	// Live: a user without any binding lists secrets (AlwaysAllow at the end of the chain),
	// and pprof is served. Anonymous requests are refused all the same: the apiserver turns
	// anonymous authentication off when AlwaysAllow is in the chain (ApplyAuthorization in
	// pkg/kubeapiserver/options/authentication.go), which KP-CP-001 still fails on the flag.
	nobody, err := c.UserConfig("nobody")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kubernetes.NewForConfigOrDie(nobody).CoreV1().Secrets("").List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Fatalf("a user without bindings listing secrets on the insecure server: %v (want it served)", err)
	}
	if err := anonymousGet(t, c, "/version"); !apierrors.IsUnauthorized(err) {
		t.Fatalf("anonymous /version with AlwaysAllow in the chain: %v, want Unauthorized", err)
	}
	if _, err := cs.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/").DoRaw(context.Background()); err != nil {
		t.Fatalf("/debug/pprof/: %v", err)
	}
	seedControlPlane(t, cs, c.APIServerArgs, map[string][]string{
		"kube-controller-manager": {"--profiling", "--bind-address=0.0.0.0", "--feature-gates=RotateKubeletServerCertificate=false"},
		"kube-scheduler":          nil,
		"etcd":                    {"--auto-tls=true", "--peer-auto-tls=true", "--trusted-ca-file=" + filepath.Join(clusterDir, "ca.crt")},
	}, []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH", Value: "false"}})

	// RBAC through the API: ops/robot reads every secret; mallory may create pods in ops, so
	// she can run a pod as robot; robot's pod runs there; anonymous may list pods.
	ctx := context.Background()
	mustCreate := func(what string, err error) {
		if err != nil {
			t.Fatalf("create %s: %v", what, err)
		}
	}
	_, err = cs.CoreV1().ServiceAccounts("ops").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "robot"}}, metav1.CreateOptions{})
	mustCreate("robot", err)
	for _, cr := range []*rbacv1.ClusterRole{
		{ObjectMeta: metav1.ObjectMeta{Name: "secret-reader"}, Rules: []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"secrets"}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "pod-maker"}, Rules: []rbacv1.PolicyRule{{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods"}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "pod-lister"}, Rules: []rbacv1.PolicyRule{{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"pods"}}}},
	} {
		_, err := cs.RbacV1().ClusterRoles().Create(ctx, cr, metav1.CreateOptions{})
		mustCreate(cr.Name, err)
	}
	_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "robot-secrets"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "secret-reader"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "robot", Namespace: "ops"}}}, metav1.CreateOptions{})
	mustCreate("robot-secrets", err)
	_, err = cs.RbacV1().RoleBindings("ops").Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "mallory-pods"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "pod-maker"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "mallory"}}}, metav1.CreateOptions{})
	mustCreate("mallory-pods", err)
	_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "anonymous-pods"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "pod-lister"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "system:anonymous"}}}, metav1.CreateOptions{})
	mustCreate("anonymous-pods", err)
	_, err = cs.CoreV1().Pods("ops").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "robot-0"},
		Spec: corev1.PodSpec{ServiceAccountName: "robot", Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}, metav1.CreateOptions{})
	mustCreate("pod ops/robot-0", err)
	// A secret written now goes through identity: the metrics must show a plain write.
	_, err = cs.CoreV1().Secrets("ops").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}, StringData: map[string]string{"k": "v"}}, metav1.CreateOptions{})
	mustCreate("secret", err)
	// The RBAC checks judge the objects as the server stored and defaulted them.
	_, rep := judge(t, c, collect.FileOptions{EncryptionConfig: p("enc.yaml"), AuditPolicy: p("audit.yaml")})
	api := " Component/kube-system/kube-apiserver-cp-1"
	want := map[string]checks.Status{}
	for id, st := range map[string]checks.Status{
		"001": checks.Fail, "002": checks.Fail, "003": checks.Pass, "004": checks.Pass, "005": checks.Fail,
		"006": checks.Fail, "007": checks.Fail, "008": checks.Fail, "009": checks.Fail, "010": checks.Fail,
		"011": checks.Fail, // AlwaysAdmit enabled
		"012": checks.Fail, "013": checks.Pass,
		"014": checks.Fail, // NamespaceLifecycle disabled
		"015": checks.Fail, // --enable-admission-plugins replaced the harness's NodeRestriction
		"016": checks.Pass, // "-" is a path (standard out)
		"017": checks.NotApplicable, "018": checks.NotApplicable, "019": checks.NotApplicable,
		"020": checks.Fail, "021": checks.Pass, "022": checks.Fail, "023": checks.Pass, "024": checks.Pass, "025": checks.Fail,
		"026": checks.Pass, // a file is named; what it does is 045's
		"027": checks.Fail, "028": checks.Fail, "044": checks.Pass,
		"045": checks.Fail, // identity first
		"046": checks.Fail, // None for everything
	} {
		want["KP-CP-"+id+api] = st
	}
	for id, st := range map[string]checks.Status{"029": checks.Fail, "030": checks.Fail, "031": checks.Fail, "032": checks.Fail, "033": checks.Fail, "034": checks.Fail} {
		want["KP-CP-"+id+" Component/kube-system/kube-controller-manager-cp-1"] = st
	}
	want["KP-CP-035 Component/kube-system/kube-scheduler-cp-1"] = checks.Fail // profiling defaults to true
	want["KP-CP-036 Component/kube-system/kube-scheduler-cp-1"] = checks.Fail // bind-address defaults to 0.0.0.0
	for id, st := range map[string]checks.Status{"037": checks.Fail, "038": checks.Fail, "039": checks.Fail, "040": checks.Fail, "041": checks.Fail, "042": checks.Fail,
		"043": checks.Fail, // the cluster's own CA
	} {
		want["KP-CP-"+id+" Component/kube-system/etcd-cp-1"] = st
	}
	want["KP-CP-049"+api] = checks.Manual
	// --terminated-pod-gc-threshold not set: CIS 1.3.1 asks for the argument.
	want["KP-CP-050 Component/kube-system/kube-controller-manager-cp-1"] = checks.Fail
	want["KP-CP-051 Component/kube-system/kube-apiserver-cp-1"] = checks.Pass // PodSecurity: default-on
	want["KP-CP-047 Cluster"] = checks.Fail                                   // identity writes seen in /metrics
	want["KP-CP-048 Cluster"] = checks.Pass                                   // anonymous is switched off by AlwaysAllow: 401 everywhere
	for k, v := range map[string]checks.Status{
		"KP-RBAC-001 Cluster": checks.Pass, "KP-RBAC-003 Cluster": checks.Pass, "KP-RBAC-007 Cluster": checks.Manual,
		"KP-RBAC-008 Cluster": checks.Pass, "KP-RBAC-009 Cluster": checks.Pass, "KP-RBAC-010 Cluster": checks.Pass,
		"KP-RBAC-011 Cluster": checks.Pass, "KP-RBAC-012 Cluster": checks.Pass, "KP-RBAC-013 Cluster": checks.Pass,
		"KP-RBAC-002 ClusterRoleBinding/robot-secrets":   checks.Warn,
		"KP-RBAC-004 RoleBinding/ops/mallory-pods":       checks.Warn,
		"KP-RBAC-005 ServiceAccount/kube-system/default": checks.Warn,
		"KP-RBAC-005 ServiceAccount/ops/default":         checks.Warn,
		"KP-RBAC-006 Cluster":                            checks.Pass, // robot's token is needed
		"KP-RBAC-014 ClusterRoleBinding/anonymous-pods":  checks.Fail,
		"KP-RBAC-015 User/mallory":                       checks.Fail,
		"KP-RBAC-016 Pod/ops/robot-0":                    checks.Fail,
		"KP-RBAC-017 Cluster":                            checks.Pass,
	} {
		want[k] = v
	}
	diffVerdicts(t, verdicts(rep), want)

	find := func(id, resource string) checks.Result {
		for _, cr := range rep.Controls {
			for _, r := range cr.Results {
				if cr.ID == id && r.Resource.String() == resource {
					return r
				}
			}
		}
		t.Fatalf("no result of %s on %s", id, resource)
		return checks.Result{}
	}
	chain := find("KP-RBAC-015", "User/mallory").Evidence.Observed
	for _, step := range []string{"User mallory can create pods in ops (RoleBinding/ops/mallory-pods -> ClusterRole/pod-maker)",
		"a pod runs as ServiceAccount ops/robot", "ServiceAccount ops/robot can get secrets cluster-wide (ClusterRoleBinding/robot-secrets -> ClusterRole/secret-reader)"} {
		if !strings.Contains(chain, step) {
			t.Errorf("escalation chain %q lacks %q", chain, step)
		}
	}
	if ev := find("KP-CP-002", "Component/kube-system/kube-apiserver-cp-1").Evidence.Observed; !strings.Contains(ev, "accumulate") {
		t.Errorf("KP-CP-002 evidence %q does not say the repeated flag accumulated", ev)
	}
	if ev := find("KP-CP-038", "Component/kube-system/etcd-cp-1").Evidence.Observed; !strings.Contains(ev, "ETCD_CLIENT_CERT_AUTH") {
		t.Errorf("KP-CP-038 evidence %q does not name the environment variable", ev)
	}
}

// TestAnonymousProbeRBACOnly: with RBAC alone (no AlwaysAllow), anonymous auth on and a
// binding that grants system:anonymous the listing of pods, the probe reaches exactly that.
func TestAnonymousProbeRBACOnly(t *testing.T) {
	c, err := testcluster.Start(context.Background(), testcluster.Options{APIServerFlags: []string{"--anonymous-auth=true", "--authorization-mode=Node,RBAC"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	ctx := context.Background()
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "pod-lister"},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "anonymous-pods"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "pod-lister"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "system:anonymous"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var reached error
	for i := 0; i < 50; i++ { // the RBAC authorizer sees the binding through an informer
		if reached = anonymousGet(t, c, "/api/v1/pods"); reached == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if reached != nil {
		t.Fatalf("anonymous list of pods: %v (want it served through the binding)", reached)
	}
	snap, err := collect.Collect(ctx, c.Admin, collect.Options{SkipKubelet: true, ProbeAnonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, r := range snap.APIServer.Anonymous {
		codes[r.Path] = r.Code
	}
	for path, want := range map[string]int{"/version": 200, "/healthz": 200, "/api/v1/pods?limit=1": 200, "/api/v1/secrets?limit=1": 403, "/api": 403, "/debug/pprof/": 403} {
		if codes[path] != want {
			t.Errorf("anonymous GET %s: %d, want %d", path, codes[path], want)
		}
	}
	sel := checks.Selection{Controls: []string{"KP-CP-048", "KP-RBAC-014"}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(snap, selected, sel)
	diffVerdicts(t, verdicts(rep), map[string]checks.Status{
		"KP-CP-048 Cluster": checks.Fail, "KP-RBAC-014 ClusterRoleBinding/anonymous-pods": checks.Fail,
	})
	for _, cr := range rep.Controls {
		if cr.ID == "KP-CP-048" && cr.Results[0].Evidence.Observed != "anonymous requests reached /api/v1/pods?limit=1 (200)" {
			t.Errorf("probe evidence %q, want only the pods listing", cr.Results[0].Evidence.Observed)
		}
	}
}

// nodeReport runs the node agent over a node's filesystem: the static pods of the given
// containers as manifests, and files (path on the node to content). It returns the report as
// 'audit scan --node-reports' reads it.
func nodeReport(t *testing.T, node string, containers []corev1.Container, files map[string][]byte) snapshot.NodeReport {
	t.Helper()
	root := t.TempDir()
	all := map[string][]byte{"/etc/hostname": []byte(node + "\n"), "/proc/1/cmdline": []byte("/sbin/init\x00")}
	for _, ctr := range containers {
		pod := corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
			ObjectMeta: metav1.ObjectMeta{Name: ctr.Name, Namespace: "kube-system"},
			Spec:       corev1.PodSpec{HostNetwork: true, Containers: []corev1.Container{ctr}}}
		data, err := yaml.Marshal(&pod)
		if err != nil {
			t.Fatal(err)
		}
		all["/etc/kubernetes/manifests/"+ctr.Name+".yaml"] = data
	}
	for p, data := range files {
		all[p] = data
	}
	for p, data := range all {
		host := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(host, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := nodeagent.Collect(nodeagent.Options{Root: root, Node: node, ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := nodeagent.WriteReport(&buf, rep); err != nil {
		t.Fatal(err)
	}
	reps, err := nodeagent.DecodeReports(&buf, "report")
	if err != nil || len(reps) != 1 {
		t.Fatalf("decode: %v (%d reports)", err, len(reps))
	}
	return reps[0]
}

// selfSignedCA is the PEM certificate of a new CA named cn (its key is dropped).
func selfSignedCA(t *testing.T, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// controlPlaneRun runs the control-plane layer over snap.
func controlPlaneRun(snap *snapshot.Snapshot) *checks.Report {
	sel := checks.Selection{Layers: []checks.Layer{checks.ControlPlane}}
	selected, _ := sel.Select(checks.Registered())
	return checks.Run(snap, selected, sel)
}

// componentVerdicts keeps the verdicts on control-plane component instances.
func componentVerdicts(rep *checks.Report) map[string]checks.Status {
	out := verdicts(rep)
	for k := range out {
		if !strings.Contains(k, " Component/") {
			delete(out, k)
		}
	}
	return out
}

// An auditor who may not list pods sees no mirror pod: the control plane is judged from the
// static pod manifests in the node report of its node, with the verdicts the mirror pods give
// (the same command lines) and the manifest named in the evidence. The API server is live with
// the flags judged (profiling served). Where both are present the mirror pod, what runs, is
// judged, and a flag its manifest sets otherwise is noted.
func TestControlPlaneFromManifests(t *testing.T) {
	ctx := context.Background()
	c, err := testcluster.Start(ctx, testcluster.Options{APIServerFlags: []string{"--profiling=true"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	if _, err := cs.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/").DoRaw(ctx); err != nil {
		t.Fatalf("/debug/pprof/: %v (the server runs with --profiling=true)", err)
	}
	others := map[string][]string{
		"kube-controller-manager": {"--bind-address=127.0.0.1", "--profiling=false", "--use-service-account-credentials=true", "--terminated-pod-gc-threshold=100"},
		"kube-scheduler":          {"--bind-address=127.0.0.1", "--profiling=false"},
		"etcd":                    {"--client-cert-auth=true", "--auto-tls=false", "--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--key-file=/etc/kubernetes/pki/etcd/server.key"},
	}
	seedControlPlane(t, cs, c.APIServerArgs, others, nil)
	// The controller manager's manifest was edited since its pod started: profiling on.
	edited := maps.Clone(others)
	edited["kube-controller-manager"] = slices.Clone(others["kube-controller-manager"])
	edited["kube-controller-manager"][1] = "--profiling=true"
	rep := nodeReport(t, "cp-1", controlPlaneContainers(c.APIServerArgs, edited, nil), nil)
	if !rep.ControlPlane || len(rep.StaticPods) != 4 {
		t.Fatalf("node report: control plane %v, %d static pods", rep.ControlPlane, len(rep.StaticPods))
	}

	// The admin sees the mirror pods.
	admin, err := collect.Collect(ctx, c.Admin, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	fromPods := componentVerdicts(controlPlaneRun(admin))
	if fromPods["KP-CP-005 Component/kube-system/kube-apiserver-cp-1"] != checks.Fail || fromPods["KP-CP-029 Component/kube-system/kube-controller-manager-cp-1"] != checks.Pass {
		t.Fatalf("verdicts from the mirror pods: %v", fromPods)
	}

	// An auditor who reads everything but pods.
	const user = "no-pods-auditor"
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: user},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces", "nodes", "services", "serviceaccounts", "configmaps"}, Verbs: []string{"get", "list"}}}},
		metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: user},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: user},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: user}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, err := c.UserConfig(user)
	if err != nil {
		t.Fatal(err)
	}
	ucs := kubernetes.NewForConfigOrDie(cfg)
	for i := 0; ; i++ { // the RBAC authorizer sees the binding through an informer
		if _, err := ucs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{Limit: 1}); err == nil {
			break
		} else if i == 100 {
			t.Fatalf("%s cannot list namespaces: %v", user, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	snap, err := collect.Collect(ctx, cfg, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	if st := snap.Resources[snapshot.ResControlPlane].State; st != snapshot.Forbidden || len(snap.ControlPlane) != 0 {
		t.Fatalf("controlplane %q with %d components, want forbidden and none", st, len(snap.ControlPlane))
	}
	// Without a node report nothing is judged.
	for k, st := range componentVerdicts(controlPlaneRun(snap)) {
		t.Errorf("%s: %s without mirror pods or node report", k, st)
	}
	snap.MergeNodeReports([]snapshot.NodeReport{rep})
	r := controlPlaneRun(snap)
	want := maps.Clone(fromPods)
	want["KP-CP-029 Component/kube-system/kube-controller-manager-cp-1"] = checks.Fail // the manifest's profiling
	diffVerdicts(t, componentVerdicts(r), want)
	find := func(rep *checks.Report, id, resource string) checks.Result {
		for _, cr := range rep.Controls {
			for _, res := range cr.Results {
				if cr.ID == id && res.Resource.String() == resource {
					return res
				}
			}
		}
		t.Fatalf("no result of %s on %s", id, resource)
		return checks.Result{}
	}
	if w := find(r, "KP-CP-005", "Component/kube-system/kube-apiserver-cp-1").Evidence.Where; w != "kube-apiserver flag --profiling (kube-apiserver manifest /etc/kubernetes/manifests/kube-apiserver.yaml on node cp-1)" {
		t.Errorf("KP-CP-005 from the manifest: where %q", w)
	}

	// Both: the mirror pod is judged, the manifest's difference noted.
	admin.MergeNodeReports([]snapshot.NodeReport{rep})
	r = controlPlaneRun(admin)
	diffVerdicts(t, componentVerdicts(r), fromPods)
	res := find(r, "KP-CP-029", "Component/kube-system/kube-controller-manager-cp-1")
	if want := `kube-controller-manager flag --profiling (pod kube-system/kube-controller-manager-cp-1; differs from the manifest /etc/kubernetes/manifests/kube-controller-manager.yaml on node cp-1, which has --profiling "true")`; res.Evidence.Where != want {
		t.Errorf("KP-CP-029 with both: where %q, want %q", res.Evidence.Where, want)
	}
}
