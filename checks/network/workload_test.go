package network

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// workloadWorld: shop has a default deny both ways plus allows for web; legacy has none;
// batch isolates only its api pods; kube-system runs a hostNetwork agent. Every workload's
// pods carry its template's labels.
func workloadWorld(t *testing.T) *estateLike {
	e := newEstate(t, "shop", "legacy", "batch", "kube-system")
	e.workload("Deployment", "shop/web", 2, "app=web")
	e.pod("shop/web-1", "app=web", "owner=ReplicaSet/web-5d8f").pod("shop/web-2", "app=web", "owner=ReplicaSet/web-5d8f")
	e.workload("StatefulSet", "shop/db", 1, "app=db").pod("shop/db-0", "app=db", "owner=StatefulSet/db")
	e.pod("legacy/admin", "app=admin")
	e.workload("ReplicaSet", "batch/api-1", 1, "app=api").pod("batch/api-1", "app=api", "owner=ReplicaSet/api-1")
	e.workload("CronJob", "batch/report", 0, "app=report").pod("batch/report", "app=report", "owner=Job/report-1")
	e.workload("DaemonSet", "kube-system/agent", 0, "hostNetwork").pod("kube-system/agent-x", "hostNetwork", "owner=DaemonSet/agent")
	e.policy(`
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`)
	e.policy(`
metadata: {name: web, namespace: shop}
spec:
	podSelector: {matchLabels: {app: web}}
	policyTypes: [Ingress, Egress]
	ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 8080}]}]
	egress:
	- to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.0.0/16, 10.0.0.0/8]}}]
		ports: [{port: 443}]`)
	e.policy(`
metadata: {name: api, namespace: batch}
spec:
	podSelector: {matchLabels: {app: api}}
	ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]`)
	return e
}

func TestMetadataReach(t *testing.T) {
	e := workloadWorld(t)
	expectAll(t, checkByID(t, "KP-NET-007").Evaluate(e.s), map[string]wantResult{
		"Deployment/shop/web":         {checks.Pass, "denied: isolated for Egress by shop/deny, shop/web"},
		"StatefulSet/shop/db":         {checks.Pass, "isolated for Egress by shop/deny"},
		"Pod/legacy/admin":            {checks.Fail, "pod admin may reach the metadata service: no NetworkPolicy selects the pod for Egress"},
		"ReplicaSet/batch/api-1":      {checks.Fail, "template and 1 of 1 pod may reach the metadata service: no NetworkPolicy selects the pod for Egress"},
		"CronJob/batch/report":        {checks.Fail, ""},
		"DaemonSet/kube-system/agent": {checks.Fail, "hostNetwork pod"},
	})
}

func TestUnisolated(t *testing.T) {
	e := workloadWorld(t)
	expectAll(t, unisolated(e.s), map[string]wantResult{
		"Deployment/shop/web":         {checks.Pass, "template and 2 of 2 pods isolated for Ingress and Egress"},
		"StatefulSet/shop/db":         {checks.Pass, "template and 1 of 1 pod isolated"},
		"Pod/legacy/admin":            {checks.NotApplicable, "no NetworkPolicy isolates any pod"},
		"ReplicaSet/batch/api-1":      {checks.Pass, "isolated for Ingress"},
		"CronJob/batch/report":        {checks.Fail, "template and 1 of 1 pod are not isolated for Ingress"},
		"DaemonSet/kube-system/agent": {checks.NotApplicable, ""},
	})
	// A hostNetwork pod in a protected namespace cannot be isolated: WARN.
	e.pod("shop/node-agent", "hostNetwork")
	got := byResource(t, unisolated(e.s))
	if r := got["Pod/shop/node-agent"]; r.Status != checks.Warn {
		t.Errorf("hostNetwork pod in shop: %s %q, want WARN", r.Status, r.Evidence.Observed)
	}
}

func TestIngressExposure(t *testing.T) {
	e := workloadWorld(t)
	expectAll(t, ingressExposure(e.s), map[string]wantResult{
		"Deployment/shop/web":         {checks.Warn, "template and 2 of 2 pods accept connections from every pod: shop/web spec.ingress[0]"},
		"StatefulSet/shop/db":         {checks.Pass, "ingress limited: isolated for Ingress by shop/deny"},
		"Pod/legacy/admin":            {checks.Fail, "no NetworkPolicy selects the pod for Ingress"},
		"ReplicaSet/batch/api-1":      {checks.Fail, "batch/api spec.ingress[0] accepts any address"},
		"CronJob/batch/report":        {checks.Fail, ""},
		"DaemonSet/kube-system/agent": {checks.Fail, "hostNetwork"},
	})
}

func TestInternetReach(t *testing.T) {
	e := workloadWorld(t)
	expectAll(t, checkByID(t, "KP-NET-010").Evaluate(e.s), map[string]wantResult{
		"Deployment/shop/web":         {checks.Warn, "shop/web spec.egress[0] allows public addresses"},
		"StatefulSet/shop/db":         {checks.Pass, "no rule allows a public address"},
		"Pod/legacy/admin":            {checks.Warn, "no NetworkPolicy selects the pod for Egress"},
		"ReplicaSet/batch/api-1":      {checks.Warn, ""},
		"CronJob/batch/report":        {checks.Warn, ""},
		"DaemonSet/kube-system/agent": {checks.Warn, "hostNetwork"},
	})
}

func TestAPIServerReach(t *testing.T) {
	e := workloadWorld(t)
	c := checkByID(t, "KP-NET-011")
	// Without any API server address in the snapshot the control cannot say.
	expectAll(t, c.Evaluate(e.s), map[string]wantResult{"Cluster": {checks.NotEvaluated, "no API server address"}})

	e.s.Services = []corev1.Service{{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kubernetes"},
		Spec: corev1.ServiceSpec{ClusterIP: "10.96.0.1", Ports: []corev1.ServicePort{{Port: 443, Protocol: corev1.ProtocolTCP}}}}}
	args := []string{"kube-apiserver", "--advertise-address=192.0.2.10"}
	e.s.ControlPlane = []snapshot.Component{{Name: "kube-apiserver", Namespace: "kube-system", Pod: "kube-apiserver-cp-1",
		Command: args, Flags: componentflags.Parse(args, nil, nil)}}
	expectAll(t, c.Evaluate(e.s), map[string]wantResult{
		// web may reach 0.0.0.0/0 minus 10/8 on 443: not the Service (10.96.0.1), not 192.0.2.10:6443.
		"Deployment/shop/web":         {checks.Pass, "denied"},
		"StatefulSet/shop/db":         {checks.Pass, "denied"},
		"Pod/legacy/admin":            {checks.Warn, "10.96.0.1:443 (service default/kubernetes)"},
		"ReplicaSet/batch/api-1":      {checks.Warn, ""},
		"CronJob/batch/report":        {checks.Warn, ""},
		"DaemonSet/kube-system/agent": {checks.Warn, "hostNetwork"},
	})
}

func TestHostNetwork(t *testing.T) {
	e := newEstate(t, "shop")
	e.workload("ReplicaSet", "shop/web-1", 1).pod("shop/web", "owner=ReplicaSet/web-1")
	e.pod("shop/proxy", "hostPort=8443").pod("shop/agent", "hostNetwork", "hostPort=9100")
	expectAll(t, hostNetwork(e.s), map[string]wantResult{
		"ReplicaSet/shop/web-1": {checks.Pass, "pod network only"},
		"Pod/shop/proxy":        {checks.Warn, `container "app" hostPort 8443/TCP: published on the node's address`},
		"Pod/shop/agent":        {checks.Fail, "pod agent uses hostNetwork"},
	})
}

func TestWorkloadsCNI(t *testing.T) {
	e := workloadWorld(t)
	e.s.CNIPolicies = []snapshot.CNIPolicy{{Resource: snapshot.ResCiliumNetworkPolicies, Kind: "CiliumNetworkPolicy", Namespace: "legacy", Name: "allow-dns"}}
	for _, id := range []string{"KP-NET-007", "KP-NET-009", "KP-NET-010"} {
		got := byResource(t, checkByID(t, id).Evaluate(e.s))
		if r := got["Pod/legacy/admin"]; r.Status != checks.NotEvaluated || r.Reason == "" {
			t.Errorf("%s legacy/admin: %s %q, want NOT_EVALUATED with the plugin policy named", id, r.Status, r.Reason)
		}
		if r := got["StatefulSet/shop/db"]; r.Status == checks.NotEvaluated {
			t.Errorf("%s shop/db: NOT_EVALUATED, but no plugin policy is in shop", id)
		}
	}
}

func checkByID(t *testing.T, id string) checks.Check {
	t.Helper()
	for _, c := range checks.Registered() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return checks.Check{}
}
