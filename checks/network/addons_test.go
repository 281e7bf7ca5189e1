package network

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func ns(name string, labels, annotations map[string]string) corev1.Namespace {
	return corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: annotations}}
}

func TestMeshMTLS(t *testing.T) {
	istio := func(pas ...snapshot.PeerAuthentication) *snapshot.Snapshot {
		s := snapshot.New()
		s.APIGroups = []string{"apps", "security.istio.io"}
		s.PeerAuthentications = pas
		return s
	}
	strictRoot := snapshot.PeerAuthentication{Namespace: "istio-system", Name: "default", Mode: "STRICT"}
	for _, tc := range []struct {
		name string
		s    *snapshot.Snapshot
		want map[string]wantResult
	}{
		{"no mesh", func() *snapshot.Snapshot { s := snapshot.New(); s.APIGroups = []string{"apps"}; return s }(),
			map[string]wantResult{"Cluster": {checks.Warn, "no service mesh"}}},
		{"Istio without policy", istio(),
			map[string]wantResult{"Namespace/istio-system": {checks.Fail, "PERMISSIVE, applies"}}},
		{"mesh-wide STRICT", istio(strictRoot),
			map[string]wantResult{"PeerAuthentication/istio-system/default": {checks.Pass, "mesh-wide spec.mtls.mode STRICT"}}},
		{"mesh-wide PERMISSIVE", istio(snapshot.PeerAuthentication{Namespace: "istio-system", Name: "default", Mode: "PERMISSIVE"}),
			map[string]wantResult{"PeerAuthentication/istio-system/default": {checks.Fail, "PERMISSIVE"}}},
		{"mesh-wide UNSET", istio(snapshot.PeerAuthentication{Namespace: "istio-system", Name: "default"}),
			map[string]wantResult{"PeerAuthentication/istio-system/default": {checks.Fail, "UNSET (inherits"}}},
		{"a selector in the root namespace is not mesh-wide",
			istio(snapshot.PeerAuthentication{Namespace: "istio-system", Name: "gw", Selector: map[string]string{"app": "gw"}, Mode: "STRICT"}),
			map[string]wantResult{"PeerAuthentication/istio-system/gw": {checks.Pass, "workloads app=gw"},
				"Namespace/istio-system": {checks.Fail, "no mesh-wide"}}},
		{"namespace and port overrides weaken it", istio(strictRoot,
			snapshot.PeerAuthentication{Namespace: "legacy", Name: "default", Mode: "DISABLE"},
			snapshot.PeerAuthentication{Namespace: "shop", Name: "db", Selector: map[string]string{"app": "db"}, Mode: "STRICT",
				PortModes: map[string]string{"5432": "PERMISSIVE"}},
			snapshot.PeerAuthentication{Namespace: "web", Name: "default"}),
			map[string]wantResult{
				"PeerAuthentication/istio-system/default": {checks.Pass, "STRICT"},
				"PeerAuthentication/legacy/default":       {checks.Fail, "spec.mtls.mode DISABLE"},
				"PeerAuthentication/shop/db":              {checks.Fail, "port 5432 PERMISSIVE"},
				"PeerAuthentication/web/default":          {checks.Pass, "UNSET"},
			}},
		{"root namespace from the mesh config", func() *snapshot.Snapshot {
			s := istio(snapshot.PeerAuthentication{Namespace: "mesh-root", Name: "default", Mode: "STRICT"})
			s.ConfigMaps = []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: "istio-system", Name: "istio"},
				Data: map[string]string{"mesh": "rootNamespace: mesh-root\ndefaultConfig: {}\n"}}}
			return s
		}(), map[string]wantResult{"PeerAuthentication/mesh-root/default": {checks.Pass, "mesh-wide"}}},
		{"Linkerd namespaces", func() *snapshot.Snapshot {
			s := snapshot.New()
			s.APIGroups = []string{"policy.linkerd.io"}
			inject := map[string]string{"linkerd.io/inject": "enabled"}
			s.Namespaces = []corev1.Namespace{
				ns("open", nil, inject),
				ns("strict", nil, map[string]string{"linkerd.io/inject": "enabled", "config.linkerd.io/default-inbound-policy": "all-authenticated"}),
				ns("servers", nil, inject),
				ns("plain", nil, nil),
			}
			s.LinkerdServers = []snapshot.LinkerdServer{{Namespace: "servers", Name: "api-http", Port: "8080"}}
			s.LinkerdAuthorizationPolicies = []snapshot.LinkerdAuthorizationPolicy{{Namespace: "servers", Name: "api",
				TargetKind: "Server", TargetName: "api-http", Authentications: []string{"MeshTLSAuthentication"}}}
			return s
		}(), map[string]wantResult{
			"Namespace/open":    {checks.Fail, "all-unauthenticated"},
			"Namespace/strict":  {checks.Pass, "all-authenticated"},
			"Namespace/servers": {checks.Warn, "api-http (port 8080)"},
		}},
		{"Cilium mutual authentication", func() *snapshot.Snapshot {
			s := snapshot.New()
			s.APIGroups = []string{"cilium.io"}
			s.CNIPolicies = []snapshot.CNIPolicy{
				{Resource: snapshot.ResCiliumNetworkPolicies, Kind: "CiliumNetworkPolicy", Namespace: "app", Name: "auth",
					Spec: []byte(`{"endpointSelector":{},"ingress":[{"fromEndpoints":[{}],"authentication":{"mode":"required"}},{"fromEntities":["world"]}]}`)},
				{Resource: snapshot.ResCiliumNetworkPolicies, Kind: "CiliumNetworkPolicy", Namespace: "app", Name: "plain",
					Spec: []byte(`{"endpointSelector":{},"ingress":[{"fromEndpoints":[{}]}]}`)},
			}
			return s
		}(), map[string]wantResult{"CiliumNetworkPolicy/app/auth": {checks.Pass, "1 of 2 ingress rules require"}}},
		{"Cilium without mutual authentication is no mesh", func() *snapshot.Snapshot {
			s := snapshot.New()
			s.APIGroups = []string{"cilium.io"}
			s.CNIPolicies = []snapshot.CNIPolicy{{Resource: snapshot.ResCiliumNetworkPolicies, Kind: "CiliumNetworkPolicy", Namespace: "app", Name: "plain",
				Spec: []byte(`{"endpointSelector":{},"ingress":[{"fromEndpoints":[{}],"authentication":{"mode":"disabled"}}]}`)}}
			return s
		}(), map[string]wantResult{"Cluster": {checks.Warn, "no service mesh"}}},
		{"Linkerd's install default", func() *snapshot.Snapshot {
			s := snapshot.New()
			s.APIGroups = []string{"policy.linkerd.io"}
			s.Namespaces = []corev1.Namespace{ns("app", nil, map[string]string{"linkerd.io/inject": "enabled"})}
			s.ConfigMaps = []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: "linkerd", Name: "linkerd-config"},
				Data: map[string]string{"values": "proxy:\n  defaultInboundPolicy: cluster-authenticated\n"}}}
			return s
		}(), map[string]wantResult{"Namespace/app": {checks.Pass, "cluster-authenticated (from the install"}}},
	} {
		t.Run(tc.name, func(t *testing.T) { expectAll(t, meshMTLS(tc.s), tc.want) })
	}
}

func TestMeshCoverage(t *testing.T) {
	proxy := corev1.Container{Name: "istio-proxy", Image: "istio/proxyv2"}
	always := corev1.ContainerRestartPolicyAlways
	app := corev1.Container{Name: "app", Image: "app"}
	deploy := func(ns, name string, labels map[string]string, containers ...corev1.Container) appsv1.Deployment {
		d := appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: k8stypes.UID("uid-" + ns + "-" + name)}}
		d.Spec.Template.Labels = labels
		d.Spec.Template.Spec.Containers = containers
		return d
	}
	s := snapshot.New()
	s.Namespaces = []corev1.Namespace{
		ns("meshed", map[string]string{"istio-injection": "enabled"}, nil),
		ns("rev", map[string]string{"istio.io/rev": "1-24"}, nil),
		ns("ambient", map[string]string{"istio.io/dataplane-mode": "ambient"}, nil),
		ns("off", map[string]string{"istio-injection": "disabled", "istio.io/rev": "1-24"}, nil),
		ns("plain", nil, nil),
	}
	s.Deployments = []appsv1.Deployment{
		deploy("meshed", "injected", nil, app),
		deploy("meshed", "optout", map[string]string{"sidecar.istio.io/inject": "false"}, app),
		deploy("rev", "manual", nil, app, proxy),
		deploy("ambient", "in", nil, app),
		deploy("ambient", "out", map[string]string{"istio.io/dataplane-mode": "none"}, app),
		deploy("off", "x", nil, app),
		deploy("plain", "y", nil, app),
	}
	s.Pods = []corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "meshed", Name: "old"}, Spec: corev1.PodSpec{Containers: []corev1.Container{app}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "meshed", Name: "native"}, Spec: corev1.PodSpec{Containers: []corev1.Container{app},
			InitContainers: []corev1.Container{{Name: "istio-proxy", RestartPolicy: &always}}}},
	}
	// Without the injector, templates cannot be trusted to get the proxy.
	expectAll(t, meshCoverage(s), map[string]wantResult{
		"Deployment/meshed/injected": {checks.Fail, "no istio injector webhook"},
		"Deployment/meshed/optout":   {checks.Fail, "opts out"},
		"Deployment/rev/manual":      {checks.Pass, "template runs the proxy"},
		"Deployment/ambient/in":      {checks.Pass, "runs the proxy"},
		"Deployment/ambient/out":     {checks.Fail, "opts out"},
		"Pod/meshed/old":             {checks.Fail, "old"},
		"Pod/meshed/native":          {checks.Pass, "every pod runs the proxy"},
	})
	s.MutatingWebhookConfigurations = []admissionregistrationv1.MutatingWebhookConfiguration{{
		ObjectMeta: metav1.ObjectMeta{Name: "istio-sidecar-injector"},
		Webhooks:   []admissionregistrationv1.MutatingWebhook{{Name: "rev.namespace.sidecar-injector.istio.io"}}}}
	r := byResource(t, meshCoverage(s))["Deployment/meshed/injected"]
	check(t, r, checks.Pass, "injector webhook will add the proxy")
}

func TestDestinationTLS(t *testing.T) {
	s := snapshot.New()
	s.Namespaces = []corev1.Namespace{ns("shop", map[string]string{"istio-injection": "enabled"}, nil), ns("legacy", nil, nil)}
	dr := func(nsName, name, host string, modes ...string) snapshot.DestinationRule {
		d := snapshot.DestinationRule{Namespace: nsName, Name: name, Host: host}
		for _, m := range modes {
			d.TLS = append(d.TLS, snapshot.TLSSetting{Where: "spec.trafficPolicy.tls", Mode: m})
		}
		return d
	}
	s.DestinationRules = []snapshot.DestinationRule{
		dr("shop", "short", "cart", "DISABLE"),
		dr("legacy", "fqdn", "cart.shop.svc.cluster.local", "DISABLE"),
		dr("shop", "wild", "*.shop.svc.cluster.local", "DISABLE"),
		dr("shop", "all", "*", "DISABLE"),
		dr("shop", "mutual", "cart", "ISTIO_MUTUAL"),
		dr("shop", "external", "api.example.com", "DISABLE"),
		dr("shop", "unmeshed", "db.legacy.svc.cluster.local", "DISABLE"),
	}
	expectAll(t, destinationTLS(s), map[string]wantResult{
		"DestinationRule/shop/short":    {checks.Fail, "DISABLE"},
		"DestinationRule/legacy/fqdn":   {checks.Fail, "DISABLE"},
		"DestinationRule/shop/wild":     {checks.Fail, "DISABLE"},
		"DestinationRule/shop/all":      {checks.Fail, "DISABLE"},
		"DestinationRule/shop/mutual":   {checks.Pass, "no tls.mode DISABLE"},
		"DestinationRule/shop/external": {checks.Pass, "not a service of a meshed namespace"},
		"DestinationRule/shop/unmeshed": {checks.Pass, "not a service of a meshed namespace"},
	})
}

// nginxEstate is an ingress-nginx controller in namespace ingress-nginx, its --configmap set
// as the Helm chart does, with the ConfigMap data given (nil: no ConfigMap in the snapshot).
func nginxEstate(image string, data map[string]string) *snapshot.Snapshot {
	s := snapshot.New()
	d := appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "ingress-nginx", Name: "ingress-nginx-controller"}}
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "controller", Image: image,
		Args: []string{"/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
			"--configmap=$(POD_NAMESPACE)/ingress-nginx-controller", "--ingress-class=nginx"},
		Env: []corev1.EnvVar{{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}}}}}
	s.Deployments = []appsv1.Deployment{d}
	if data != nil {
		s.ConfigMaps = []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: "ingress-nginx", Name: "ingress-nginx-controller"}, Data: data}}
	}
	return s
}

const ctlKey = "Deployment/ingress-nginx/ingress-nginx-controller"

func TestNginxSnippets(t *testing.T) {
	img := func(v string) string { return "registry.k8s.io/ingress-nginx/controller:" + v + "@sha256:0123" }
	for _, tc := range []struct {
		name, image string
		data        map[string]string
		want        wantResult
	}{
		{"defaults of a patched controller", img("v1.12.1"), map[string]string{}, wantResult{checks.Pass, "unset"}},
		{"allowed explicitly, risk level Critical", img("v1.13.0"), map[string]string{"allow-snippet-annotations": "true", "annotations-risk-level": "Critical"},
			wantResult{checks.Fail, "snippet annotations allowed"}},
		{"allowed but refused by the default risk level", img("v1.12.1"), map[string]string{"allow-snippet-annotations": "true"},
			wantResult{checks.Pass, "refuses them"}},
		{"allowed on v1.11", img("v1.11.5"), map[string]string{"allow-snippet-annotations": "true"}, wantResult{checks.Fail, "snippet annotations allowed"}},
		{"unset before v1.9 allows them, and CVE-2025-1974", img("v1.8.1"), map[string]string{}, wantResult{checks.Fail, "CVE-2025-1974"}},
		{"v1.12.0 is open to CVE-2025-1974", img("v1.12.0"), map[string]string{}, wantResult{checks.Fail, "CVE-2025-1974"}},
		{"unknown version, unset", "registry.k8s.io/ingress-nginx/controller@sha256:0123", map[string]string{}, wantResult{checks.Warn, "carries no version"}},
		{"unknown version, off", "registry.k8s.io/ingress-nginx/controller@sha256:0123", map[string]string{"allow-snippet-annotations": "false"}, wantResult{checks.Pass, `"false"`}},
		{"ConfigMap not collected", img("v1.12.1"), nil, wantResult{checks.NotEvaluated, "not in the snapshot"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectAll(t, nginxSnippets(nginxEstate(tc.image, tc.data)), map[string]wantResult{ctlKey: tc.want})
		})
	}
	s := nginxEstate(img("v1.13.0"), map[string]string{"allow-snippet-annotations": "true", "annotations-risk-level": "Critical"})
	s.Ingresses = []networkingv1.Ingress{{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "shop",
		Annotations: map[string]string{"kubernetes.io/ingress.class": "nginx", "nginx.ingress.kubernetes.io/server-snippet": "location /x {}"}}}}
	expectAll(t, nginxSnippets(s), map[string]wantResult{ctlKey: {checks.Fail, "in use by web/shop (server-snippet)"}})
}

func TestNginxTLS(t *testing.T) {
	img := "registry.k8s.io/ingress-nginx/controller:v1.12.1"
	for _, tc := range []struct {
		name string
		data map[string]string
		want wantResult
	}{
		{"defaults", map[string]string{}, wantResult{checks.Pass, "unset (TLSv1.2 TLSv1.3), HSTS on"}},
		{"TLS 1.2 and 1.3", map[string]string{"ssl-protocols": "TLSv1.2 TLSv1.3", "hsts": "true"}, wantResult{checks.Pass, "HSTS on"}},
		{"TLS 1.0 and 1.1", map[string]string{"ssl-protocols": "TLSv1 TLSv1.1 TLSv1.2"}, wantResult{checks.Fail, "enables TLSv1, TLSv1.1"}},
		{"HSTS off", map[string]string{"hsts": "false"}, wantResult{checks.Fail, `hsts "false"`}},
		{"ConfigMap not collected", nil, wantResult{checks.NotEvaluated, "not in the snapshot"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectAll(t, nginxTLS(nginxEstate(img, tc.data)), map[string]wantResult{ctlKey: tc.want})
		})
	}
	// Without --configmap the controller runs on its defaults.
	s := nginxEstate(img, nil)
	s.Deployments[0].Spec.Template.Spec.Containers[0].Args = []string{"/nginx-ingress-controller"}
	expectAll(t, nginxTLS(s), map[string]wantResult{ctlKey: {checks.Pass, "unset"}})
}

func TestNginxRateLimit(t *testing.T) {
	class := "nginx"
	other := "traefik"
	ing := func(name string, className *string, host string, annotations map[string]string, lb ...networkingv1.IngressLoadBalancerIngress) networkingv1.Ingress {
		i := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: name, Annotations: annotations}}
		i.Spec.IngressClassName = className
		i.Spec.Rules = []networkingv1.IngressRule{{Host: host}}
		i.Status.LoadBalancer.Ingress = lb
		return i
	}
	s := nginxEstate("registry.k8s.io/ingress-nginx/controller:v1.12.1", map[string]string{})
	s.Ingresses = []networkingv1.Ingress{
		ing("open", &class, "shop.example.com", nil),
		ing("limited", &class, "shop.example.com", map[string]string{"nginx.ingress.kubernetes.io/limit-rps": "10"}),
		ing("internal-host", &class, "shop.corp.internal", nil),
		ing("private-lb", &class, "shop.example.com", nil, networkingv1.IngressLoadBalancerIngress{IP: "10.0.0.5"}),
		ing("public-lb", &class, "shop.corp.internal", nil, networkingv1.IngressLoadBalancerIngress{IP: "203.0.113.7"}),
		ing("annotated", nil, "a.example.com", map[string]string{"kubernetes.io/ingress.class": "nginx"}),
		ing("traefik", &other, "shop.example.com", nil),
	}
	expectAll(t, nginxRateLimit(s), map[string]wantResult{
		"Ingress/web/open":      {checks.Warn, "host shop.example.com"},
		"Ingress/web/limited":   {checks.Pass, "limit-rps=10"},
		"Ingress/web/public-lb": {checks.Warn, "address 203.0.113.7"},
		"Ingress/web/annotated": {checks.Warn, "no rate-limiting"},
	})
}

func TestGatewayTLS(t *testing.T) {
	gw := func(name string, addrs []string, listeners ...snapshot.Listener) snapshot.Gateway {
		return snapshot.Gateway{Namespace: "edge", Name: name, Class: "eg", Listeners: listeners, Addresses: addrs}
	}
	http := snapshot.Listener{Name: "http", Protocol: "HTTP", Port: 80}
	https := snapshot.Listener{Name: "https", Protocol: "HTTPS", Port: 443, TLSMode: "Terminate"}
	route := func(name, gateway, section string, redirect bool) snapshot.HTTPRoute {
		return snapshot.HTTPRoute{Namespace: "app", Name: name, RedirectsToHTTPS: redirect,
			Parents: []snapshot.ParentRef{{Namespace: "edge", Name: gateway, SectionName: section}}}
	}
	s := snapshot.New()
	s.Gateways = []snapshot.Gateway{
		gw("plain", []string{"203.0.113.7"}, http, https),
		gw("redirect", nil, http, https),
		gw("tls-only", []string{"lb.example.com"}, https),
		gw("private", []string{"10.0.0.9"}, http),
	}
	s.HTTPRoutes = []snapshot.HTTPRoute{
		route("shop", "plain", "", false),
		route("to-https", "redirect", "http", true),
		route("shop-tls", "redirect", "https", false),
		route("internal", "private", "", false),
	}
	expectAll(t, gatewayTLS(s), map[string]wantResult{
		"Gateway/edge/plain":    {checks.Fail, "listener http (port 80): HTTPRoute app/shop"},
		"Gateway/edge/redirect": {checks.Pass, "only redirect to https"},
		"Gateway/edge/tls-only": {checks.Pass, "https HTTPS/443 tls Terminate"},
	})
}
