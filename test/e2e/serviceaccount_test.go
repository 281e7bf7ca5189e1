package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/snapshot"
)

// The shipped scanner's identity (deploy/base).
const scannerNamespace, scannerAccount = "kubeposture", "kubeposture"

// applyShipped renders a kustomization of deploy/ as `kubectl kustomize` does (krusty is the
// library behind it) and creates its Namespace, ServiceAccount, ClusterRole and
// ClusterRoleBinding on the cluster (the role is updated if it exists). The CronJob is not
// run: the tests run its command themselves, in a pod's shape (podCommand).
func applyShipped(ctx context.Context, cs kubernetes.Interface, kustomization string) error {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "deploy", kustomization)
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	yaml, err := rm.AsYaml()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "kubeposture-e2e-deploy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "rendered.yaml")
	if err := os.WriteFile(path, yaml, 0o644); err != nil {
		return err
	}
	m, err := collect.ReadManifests([]string{path})
	if err != nil {
		return fmt.Errorf("read %s's output: %w", kustomization, err)
	}
	s := m.Snapshot
	created := func(err error) error {
		if apierrors.IsAlreadyExists(err) {
			return nil
		}
		return err
	}
	for _, ns := range s.Namespaces {
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &ns, metav1.CreateOptions{}); created(err) != nil {
			return err
		}
	}
	for _, sa := range s.ServiceAccounts {
		if _, err := cs.CoreV1().ServiceAccounts(sa.Namespace).Create(ctx, &sa, metav1.CreateOptions{}); created(err) != nil {
			return err
		}
	}
	for _, r := range s.ClusterRoles {
		cur, err := cs.RbacV1().ClusterRoles().Get(ctx, r.Name, metav1.GetOptions{})
		if err == nil {
			r.ResourceVersion = cur.ResourceVersion
			_, err = cs.RbacV1().ClusterRoles().Update(ctx, &r, metav1.UpdateOptions{})
		} else {
			_, err = cs.RbacV1().ClusterRoles().Create(ctx, &r, metav1.CreateOptions{})
		}
		if err != nil {
			return err
		}
	}
	for _, b := range s.ClusterRoleBindings {
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &b, metav1.CreateOptions{}); created(err) != nil {
			return err
		}
	}
	return nil
}

// scannerToken mints a token for the scanner's service account (TokenRequest, bound to ten
// minutes), as the kubelet projects one into the CronJob's pod.
func scannerToken(t *testing.T, cs kubernetes.Interface) string {
	t.Helper()
	tr, err := cs.CoreV1().ServiceAccounts(scannerNamespace).CreateToken(context.Background(), scannerAccount,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To(int64(600))}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for %s/%s: %v", scannerNamespace, scannerAccount, err)
	}
	return tr.Status.Token
}

// podFiles writes what a pod has in /var/run/secrets/kubernetes.io/serviceaccount: the token,
// the cluster's CA and the namespace.
func podFiles(t *testing.T, token string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string][]byte{"token": []byte(token), "ca.crt": cluster.Admin.TLSClientConfig.CAData, "namespace": []byte(scannerNamespace)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// serviceHost is KUBERNETES_SERVICE_HOST and _PORT for a pod: the API server's address (this
// cluster runs no kube-proxy to carry the kubernetes service's cluster IP).
func serviceHost(t *testing.T) (host, port string) {
	t.Helper()
	host, port, err := net.SplitHostPort(strings.TrimPrefix(cluster.Admin.Host, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// notCollected lists the resources of snap that are not fully collected, "resource state".
func notCollected(snap *snapshot.Snapshot) []string {
	var out []string
	for r, c := range snap.Resources {
		if c.State != snapshot.Collected {
			out = append(out, string(r)+" "+string(c.State))
		}
	}
	return out
}

// podNS is the network namespace the tests' pod-shaped processes run in, on the nodes'
// network: they reach the API server, and are reached, as a pod would be.
var podNS struct {
	once       sync.Once
	name, addr string
	err        error
}

// podCommand runs the audit binary as a pod of the shipped scanner would run it: in a network
// namespace of the nodes' network, with the service account's token, CA and namespace at
// /var/run/secrets/kubernetes.io/serviceaccount (a tmpfs on /run in a mount namespace of its
// own, so nothing of this machine changes) and KUBERNETES_SERVICE_HOST/PORT, and no
// kubeconfig: client-go's in-cluster configuration. It returns the command, not started, and
// the namespace's address.
func podCommand(t *testing.T, token string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	podNS.once.Do(func() { podNS.name, podNS.addr, podNS.err = cluster.Netns() })
	if podNS.err != nil {
		t.Fatal(podNS.err)
	}
	const script = `mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount &&
cp "$1"/token "$1"/ca.crt "$1"/namespace /run/secrets/kubernetes.io/serviceaccount/ && shift && exec "$@"`
	cmdArgs := append([]string{"netns", "exec", podNS.name, "unshare", "--mount", "--propagation", "private",
		"sh", "-c", script, "sh", podFiles(t, token), auditBin}, args...)
	cmd := exec.Command("ip", cmdArgs...)
	host, port := serviceHost(t)
	cmd.Env = []string{"KUBERNETES_SERVICE_HOST=" + host, "KUBERNETES_SERVICE_PORT=" + port,
		"HOME=" + t.TempDir(), "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	return cmd, podNS.addr
}
