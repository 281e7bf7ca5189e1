package collect

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/snapshot"
)

func object(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

// Each add-on kind keeps the fields its checks read, with the projects' defaults applied.
func TestAddonDecoders(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		keep func(*unstructured.Unstructured) (any, error)
		want any
	}{
		{"PeerAuthentication", `
kind: PeerAuthentication
metadata: {name: db, namespace: shop}
spec: {selector: {matchLabels: {app: db}}, mtls: {mode: STRICT}, portLevelMtls: {"5432": {mode: DISABLE}}}`,
			wrap(peerAuthentication), snapshot.PeerAuthentication{Namespace: "shop", Name: "db", Selector: map[string]string{"app": "db"},
				Mode: "STRICT", PortModes: map[string]string{"5432": "DISABLE"}}},
		{"DestinationRule", `
kind: DestinationRule
metadata: {name: cart, namespace: shop}
spec:
  host: cart
  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}, portLevelSettings: [{port: {number: 9080}, tls: {mode: DISABLE}}]}
  subsets: [{name: v1, trafficPolicy: {tls: {mode: SIMPLE}}}]`,
			wrap(destinationRule), snapshot.DestinationRule{Namespace: "shop", Name: "cart", Host: "cart", TLS: []snapshot.TLSSetting{
				{Where: "spec.trafficPolicy.tls", Mode: "ISTIO_MUTUAL"},
				{Where: "spec.trafficPolicy.portLevelSettings[0].tls (port 9080)", Mode: "DISABLE"},
				{Where: "spec.subsets[0](v1).trafficPolicy.tls", Mode: "SIMPLE"}}}},
		{"Linkerd Server", `
kind: Server
metadata: {name: api, namespace: app}
spec: {podSelector: {matchLabels: {app: api}}, port: http, proxyProtocol: HTTP/1}`,
			wrap(linkerdServer), snapshot.LinkerdServer{Namespace: "app", Name: "api", Port: "http"}},
		{"Linkerd AuthorizationPolicy", `
kind: AuthorizationPolicy
metadata: {name: api, namespace: app}
spec: {targetRef: {group: policy.linkerd.io, kind: Server, name: api}, requiredAuthenticationRefs: [{kind: MeshTLSAuthentication, name: clients}]}`,
			wrap(linkerdAuthorizationPolicy), snapshot.LinkerdAuthorizationPolicy{Namespace: "app", Name: "api", TargetKind: "Server", TargetName: "api",
				Authentications: []string{"MeshTLSAuthentication"}}},
		{"ExternalSecret with defaults", `
kind: ExternalSecret
metadata: {name: db, namespace: app}
spec: {secretStoreRef: {name: vault}, data: [{secretKey: password, remoteRef: {key: db}}]}`,
			wrap(externalSecret), snapshot.ExternalSecret{Namespace: "app", Name: "db", Target: "db", StoreKind: "SecretStore", StoreName: "vault"}},
		{"ClusterSecretStore", `
kind: ClusterSecretStore
metadata: {name: vault}
spec:
  provider: {vault: {server: "https://vault.internal:8200", auth: {tokenSecretRef: {name: t, key: token}}}}
  conditions: [{namespaceSelector: {matchLabels: {team: a}}}, {namespaces: [b], namespaceRegexes: ["^c-"]}]`,
			wrap(secretStore), snapshot.SecretStore{Kind: "ClusterSecretStore", Name: "vault", Provider: "vault", Conditions: []snapshot.StoreCondition{
				{NamespaceSelector: "team=a"}, {Namespaces: []string{"b"}, NamespaceRegexes: []string{"^c-"}}}}},
		{"SecretProviderClass", `
kind: SecretProviderClass
metadata: {name: aws, namespace: app}
spec: {provider: aws, parameters: {objects: "- objectName: db"}, secretObjects: [{secretName: db, type: Opaque}]}`,
			wrap(secretProviderClass), snapshot.SecretProviderClass{Namespace: "app", Name: "aws", Provider: "aws", SecretObjects: []string{"db"}}},
		{"Gateway", `
kind: Gateway
metadata: {name: edge, namespace: gw}
spec:
  gatewayClassName: eg
  listeners: [{name: http, protocol: HTTP, port: 80}, {name: https, protocol: HTTPS, port: 443, hostname: "*.example.com", tls: {certificateRefs: [{name: c}], options: {min-version: "1.2"}}}]
status: {addresses: [{type: IPAddress, value: 203.0.113.7}]}`,
			wrap(gateway), snapshot.Gateway{Namespace: "gw", Name: "edge", Class: "eg", Addresses: []string{"203.0.113.7"}, Listeners: []snapshot.Listener{
				{Name: "http", Protocol: "HTTP", Port: 80},
				{Name: "https", Protocol: "HTTPS", Port: 443, Hostname: "*.example.com", TLSMode: "Terminate", TLSOptions: map[string]string{"min-version": "1.2"}}}}},
		{"HTTPRoute", `
kind: HTTPRoute
metadata: {name: r, namespace: app}
spec:
  parentRefs: [{name: edge, namespace: gw, sectionName: http}, {kind: Service, name: mesh-svc}]
  hostnames: [shop.example.com]
  rules: [{filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]}]`,
			wrap(httpRoute), snapshot.HTTPRoute{Namespace: "app", Name: "r", Hostnames: []string{"shop.example.com"}, RedirectsToHTTPS: true,
				Parents: []snapshot.ParentRef{{Namespace: "gw", Name: "edge", SectionName: "http"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.keep(object(t, tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			// Nothing of a store's provider settings or a class's parameters is kept.
			raw, _ := json.Marshal(got)
			for _, secret := range []string{"vault.internal", "tokenSecretRef", "objectName", "certificateRefs"} {
				if strings.Contains(string(raw), secret) {
					t.Errorf("kept %q: %s", secret, raw)
				}
			}
		})
	}
	// A field of the wrong type fails the object, naming it.
	if _, err := peerAuthentication(object(t, "kind: PeerAuthentication\nmetadata: {name: x}\nspec: {mtls: [1]}")); err == nil {
		t.Error("a malformed spec decoded without error")
	}
}

func wrap[T any](f func(*unstructured.Unstructured) (T, error)) func(*unstructured.Unstructured) (any, error) {
	return func(u *unstructured.Unstructured) (any, error) { return f(u) }
}

// The collector lists exactly the custom kinds the snapshot names (and the ClusterRole grants).
func TestCustomKindsAreTheSnapshots(t *testing.T) {
	var got []snapshot.Resource
	for _, k := range customKinds {
		got = append(got, k.resource)
	}
	if want := snapshot.CustomResources(); !reflect.DeepEqual(got, want) {
		t.Errorf("collect lists %v, snapshot.CustomResources is %v", got, want)
	}
}
