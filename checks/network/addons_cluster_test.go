package network

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/crds"
	"github.com/kubeposture/kubeposture/snapshot"
)

// The controls on service meshes and ingress hardening.
var addonControls = []string{"KP-NET-020", "KP-NET-021", "KP-NET-022", "KP-NET-023", "KP-NET-024", "KP-NET-025", "KP-NET-026"}

// addonNamespaces are the namespaces TestAddonsOnAPIServer creates.
var addonNamespaces = []string{"istio-system", "mesh-a", "nginx-bad", "nginx-good", "web-edge", "gw"}

// The estate: a PERMISSIVE mesh-wide policy and a STRICT namespace one, a meshed namespace with
// a workload without the proxy and one with it (no injector webhook runs), DestinationRules
// with TLS off and on, two ingress-nginx controllers with their ConfigMaps, two Ingresses, and
// Gateways with a plaintext and a TLS listener.
const addonEstate = `
apiVersion: v1
kind: Namespace
metadata: {name: istio-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: mesh-a, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: nginx-bad}
---
apiVersion: v1
kind: Namespace
metadata: {name: nginx-good}
---
apiVersion: v1
kind: Namespace
metadata: {name: web-edge}
---
apiVersion: v1
kind: Namespace
metadata: {name: gw}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: mesh-a}
spec: {mtls: {mode: STRICT}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: mesh-a}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec: {containers: [{name: app, image: registry.example/app:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: sidecar, namespace: mesh-a}
spec:
  selector: {matchLabels: {app: sidecar}}
  template:
    metadata: {labels: {app: sidecar}}
    spec:
      containers:
      - {name: app, image: registry.example/app:1}
      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.24.2}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cart-plain, namespace: mesh-a}
spec: {host: cart, trafficPolicy: {tls: {mode: DISABLE}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cart-mtls, namespace: mesh-a}
spec: {host: cart.mesh-a.svc.cluster.local, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ingress-nginx-controller, namespace: nginx-bad}
data: {allow-snippet-annotations: "true", annotations-risk-level: Critical, ssl-protocols: TLSv1.1 TLSv1.2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: nginx-bad}
spec:
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: controller
        image: registry.k8s.io/ingress-nginx/controller:v1.12.1
        args: [/nginx-ingress-controller, --configmap=$(POD_NAMESPACE)/ingress-nginx-controller, --ingress-class=nginx-bad]
        env: [{name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ingress-nginx-controller, namespace: nginx-good}
data: {allow-snippet-annotations: "false"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: nginx-good}
spec:
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: controller
        image: registry.k8s.io/ingress-nginx/controller:v1.12.1
        args: [/nginx-ingress-controller, --configmap=$(POD_NAMESPACE)/ingress-nginx-controller]
        env: [{name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: open, namespace: web-edge}
spec:
  ingressClassName: nginx
  rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: limited
  namespace: web-edge
  annotations: {nginx.ingress.kubernetes.io/limit-rps: "20"}
spec:
  ingressClassName: nginx
  rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: plain, namespace: gw}
spec:
  gatewayClassName: example
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: secure, namespace: gw}
spec:
  gatewayClassName: example
  listeners:
  - {name: http, protocol: HTTP, port: 80}
  - name: https
    protocol: HTTPS
    port: 443
    tls: {mode: Terminate, certificateRefs: [{name: shop-cert}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: gw}
spec:
  parentRefs: [{name: plain}, {name: secure, sectionName: https}]
  rules: [{backendRefs: [{name: shop, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: to-https, namespace: gw}
spec:
  parentRefs: [{name: secure, sectionName: http}]
  rules: [{filters: [{type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}]}]
`

// addonBlind may list what the collector reads but ConfigMaps, MutatingWebhookConfigurations
// and the add-ons' API groups.
const addonBlind = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: addon-blind}
rules:
- {apiGroups: [""], resources: [pods, nodes, namespaces, serviceaccounts, services], verbs: [get, list]}
- {apiGroups: [apps], resources: [deployments, statefulsets, daemonsets, replicasets], verbs: [get, list]}
- {apiGroups: [batch], resources: [jobs, cronjobs], verbs: [get, list]}
- {apiGroups: [networking.k8s.io], resources: [networkpolicies, ingresses], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: addon-blind}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: addon-blind}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: addon-blind}]
`

// TestAddonsOnAPIServer: the mesh and ingress controls through the real collector, with
// Istio's (istio.io/api v1.32.0) and the Gateway API's (sigs.k8s.io/gateway-api v1.6.3, standard
// channel) own CRDs installed from the module cache: before the CRDs, with them and the estate
// above, and for a user who may not list the kinds the controls read.
func TestAddonsOnAPIServer(t *testing.T) {
	ctx := context.Background()
	c := cluster.Get(t)
	keep := func(id string, r checks.Resource) bool {
		return slices.Contains(addonControls, id) && (r.Kind == "Cluster" || slices.Contains(addonNamespaces, r.Namespace) ||
			r.Kind == "Namespace" && slices.Contains(addonNamespaces, r.Name))
	}

	before := collectCluster(t)
	for _, r := range []snapshot.Resource{snapshot.ResIstioPeerAuthentications, snapshot.ResGateways} {
		if col := before.Resources[r]; col.State != snapshot.Collected || !strings.Contains(col.Message, "no CRD") {
			t.Errorf("before the CRDs, resources[%s] = %+v, want collected, no CRD", r, col)
		}
	}
	if got := verdicts(before, keep); got["KP-NET-020 Cluster"] != checks.Warn {
		t.Errorf("before the CRDs, KP-NET-020 Cluster = %q, want WARN (no mesh)", got["KP-NET-020 Cluster"])
	}

	must(t, "install CRDs", crds.Install(ctx, c.Admin, crds.Istio, crds.GatewayAPI))
	must(t, "apply the estate", crds.Apply(ctx, c.Admin, addonEstate))
	diffVerdicts(t, verdicts(collectCluster(t), keep), map[string]checks.Status{
		"KP-NET-020 PeerAuthentication/istio-system/default":        checks.Fail,
		"KP-NET-020 PeerAuthentication/mesh-a/default":              checks.Pass,
		"KP-NET-021 Deployment/mesh-a/app":                          checks.Fail,
		"KP-NET-021 Deployment/mesh-a/sidecar":                      checks.Pass,
		"KP-NET-022 DestinationRule/mesh-a/cart-plain":              checks.Fail,
		"KP-NET-022 DestinationRule/mesh-a/cart-mtls":               checks.Pass,
		"KP-NET-023 Deployment/nginx-bad/ingress-nginx-controller":  checks.Fail,
		"KP-NET-023 Deployment/nginx-good/ingress-nginx-controller": checks.Pass,
		"KP-NET-024 Deployment/nginx-bad/ingress-nginx-controller":  checks.Fail,
		"KP-NET-024 Deployment/nginx-good/ingress-nginx-controller": checks.Pass,
		"KP-NET-025 Ingress/web-edge/open":                          checks.Warn,
		"KP-NET-025 Ingress/web-edge/limited":                       checks.Pass,
		"KP-NET-026 Gateway/gw/plain":                               checks.Fail,
		"KP-NET-026 Gateway/gw/secure":                              checks.Pass,
	})

	must(t, "apply the role", crds.Apply(ctx, c.Admin, addonBlind))
	cfg, err := c.UserConfig("addon-blind")
	must(t, "user config", err)
	cs := kubernetes.NewForConfigOrDie(cfg)
	for i := 0; ; i++ {
		if _, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{Limit: 1}); err == nil {
			break
		} else if i == 100 {
			t.Fatalf("addon-blind cannot list pods: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	blind, err := collect.Collect(ctx, cfg, collect.Options{SkipKubelet: true})
	must(t, "collect as addon-blind", err)
	if col := blind.Resources[snapshot.ResIstioPeerAuthentications]; col.State != snapshot.Forbidden {
		t.Errorf("as addon-blind, resources[%s] = %+v, want forbidden", snapshot.ResIstioPeerAuthentications, col)
	}
	want := map[string]checks.Status{}
	for _, id := range addonControls {
		want[id+" Cluster"] = checks.NotEvaluated
	}
	diffVerdicts(t, verdicts(blind, keep), want)
}
