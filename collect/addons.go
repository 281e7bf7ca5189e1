package collect

import (
	"fmt"
	"sort"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubeposture/kubeposture/snapshot"
)

// addonKinds are the add-on kinds of snapshot.AddonKinds, each decoded into the small struct
// the snapshot keeps. The wire types below name only the fields kept: anything else in an
// object (a store's provider settings, a route's backends) is never read.
var addonKinds = []customKind{
	custom(snapshot.ResIstioPeerAuthentications, peerAuthentication, func(s *snapshot.Snapshot) *[]snapshot.PeerAuthentication { return &s.PeerAuthentications }),
	custom(snapshot.ResIstioDestinationRules, destinationRule, func(s *snapshot.Snapshot) *[]snapshot.DestinationRule { return &s.DestinationRules }),
	custom(snapshot.ResLinkerdServers, linkerdServer, func(s *snapshot.Snapshot) *[]snapshot.LinkerdServer { return &s.LinkerdServers }),
	custom(snapshot.ResLinkerdAuthorizationPolicies, linkerdAuthorizationPolicy, func(s *snapshot.Snapshot) *[]snapshot.LinkerdAuthorizationPolicy {
		return &s.LinkerdAuthorizationPolicies
	}),
	custom(snapshot.ResExternalSecrets, externalSecret, func(s *snapshot.Snapshot) *[]snapshot.ExternalSecret { return &s.ExternalSecrets }),
	custom(snapshot.ResSecretStores, secretStore, func(s *snapshot.Snapshot) *[]snapshot.SecretStore { return &s.SecretStores }),
	custom(snapshot.ResClusterSecretStores, secretStore, func(s *snapshot.Snapshot) *[]snapshot.SecretStore { return &s.SecretStores }),
	custom(snapshot.ResSecretProviderClasses, secretProviderClass, func(s *snapshot.Snapshot) *[]snapshot.SecretProviderClass { return &s.SecretProviderClasses }),
	custom(snapshot.ResGateways, gateway, func(s *snapshot.Snapshot) *[]snapshot.Gateway { return &s.Gateways }),
	custom(snapshot.ResHTTPRoutes, httpRoute, func(s *snapshot.Snapshot) *[]snapshot.HTTPRoute { return &s.HTTPRoutes }),
}

// decodeField decodes the object's field (spec, status) into v; an absent field leaves v zero.
func decodeField(u *unstructured.Unstructured, field string, v any) error {
	m, ok := u.Object[field].(map[string]any)
	if !ok {
		if _, present := u.Object[field]; present && u.Object[field] != nil {
			return fmt.Errorf("field %s: not an object", field)
		}
		return nil
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, v); err != nil {
		return fmt.Errorf("field %s: %w", field, err)
	}
	return nil
}

type mtlsMode struct {
	Mode string `json:"mode"`
}

func peerAuthentication(u *unstructured.Unstructured) (snapshot.PeerAuthentication, error) {
	var spec struct {
		Selector *struct {
			MatchLabels map[string]string `json:"matchLabels"`
		} `json:"selector"`
		MTLS          *mtlsMode           `json:"mtls"`
		PortLevelMTLS map[string]mtlsMode `json:"portLevelMtls"`
	}
	p := snapshot.PeerAuthentication{Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return p, err
	}
	if spec.Selector != nil {
		p.Selector = spec.Selector.MatchLabels
	}
	if spec.MTLS != nil {
		p.Mode = spec.MTLS.Mode
	}
	for port, m := range spec.PortLevelMTLS {
		if p.PortModes == nil {
			p.PortModes = map[string]string{}
		}
		p.PortModes[port] = m.Mode
	}
	return p, nil
}

type trafficPolicy struct {
	TLS               *mtlsMode `json:"tls"`
	PortLevelSettings []struct {
		Port *struct {
			Number int64 `json:"number"`
		} `json:"port"`
		TLS *mtlsMode `json:"tls"`
	} `json:"portLevelSettings"`
}

// settings lists the TLS modes the policy at where sets.
func (t *trafficPolicy) settings(where string) []snapshot.TLSSetting {
	if t == nil {
		return nil
	}
	var out []snapshot.TLSSetting
	if t.TLS != nil {
		out = append(out, snapshot.TLSSetting{Where: where + ".tls", Mode: t.TLS.Mode})
	}
	for i, p := range t.PortLevelSettings {
		if p.TLS == nil {
			continue
		}
		w := fmt.Sprintf("%s.portLevelSettings[%d].tls", where, i)
		if p.Port != nil {
			w += " (port " + strconv.FormatInt(p.Port.Number, 10) + ")"
		}
		out = append(out, snapshot.TLSSetting{Where: w, Mode: p.TLS.Mode})
	}
	return out
}

func destinationRule(u *unstructured.Unstructured) (snapshot.DestinationRule, error) {
	var spec struct {
		Host          string         `json:"host"`
		TrafficPolicy *trafficPolicy `json:"trafficPolicy"`
		Subsets       []struct {
			Name          string         `json:"name"`
			TrafficPolicy *trafficPolicy `json:"trafficPolicy"`
		} `json:"subsets"`
	}
	d := snapshot.DestinationRule{Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return d, err
	}
	d.Host = spec.Host
	d.TLS = spec.TrafficPolicy.settings("spec.trafficPolicy")
	for i, s := range spec.Subsets {
		d.TLS = append(d.TLS, s.TrafficPolicy.settings(fmt.Sprintf("spec.subsets[%d](%s).trafficPolicy", i, s.Name))...)
	}
	return d, nil
}

func linkerdServer(u *unstructured.Unstructured) (snapshot.LinkerdServer, error) {
	var spec struct {
		Port *intstr.IntOrString `json:"port"`
	}
	s := snapshot.LinkerdServer{Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return s, err
	}
	if spec.Port != nil {
		s.Port = spec.Port.String()
	}
	return s, nil
}

func linkerdAuthorizationPolicy(u *unstructured.Unstructured) (snapshot.LinkerdAuthorizationPolicy, error) {
	var spec struct {
		TargetRef struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"targetRef"`
		RequiredAuthenticationRefs []struct {
			Kind string `json:"kind"`
		} `json:"requiredAuthenticationRefs"`
	}
	p := snapshot.LinkerdAuthorizationPolicy{Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return p, err
	}
	p.TargetKind, p.TargetName = spec.TargetRef.Kind, spec.TargetRef.Name
	for _, r := range spec.RequiredAuthenticationRefs {
		p.Authentications = append(p.Authentications, r.Kind)
	}
	return p, nil
}

func externalSecret(u *unstructured.Unstructured) (snapshot.ExternalSecret, error) {
	var spec struct {
		SecretStoreRef struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"secretStoreRef"`
		Target struct {
			Name string `json:"name"`
		} `json:"target"`
	}
	e := snapshot.ExternalSecret{Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return e, err
	}
	// ESO's defaults: the target Secret is named after the ExternalSecret, the store is a
	// SecretStore of its namespace.
	e.Target = spec.Target.Name
	if e.Target == "" {
		e.Target = e.Name
	}
	e.StoreKind, e.StoreName = spec.SecretStoreRef.Kind, spec.SecretStoreRef.Name
	if e.StoreKind == "" && e.StoreName != "" {
		e.StoreKind = "SecretStore"
	}
	return e, nil
}

func secretStore(u *unstructured.Unstructured) (snapshot.SecretStore, error) {
	var spec struct {
		// Provider is read for its keys only: its settings are never kept.
		Provider   map[string]any `json:"provider"`
		Conditions []struct {
			Namespaces        []string              `json:"namespaces"`
			NamespaceRegexes  []string              `json:"namespaceRegexes"`
			NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector"`
		} `json:"conditions"`
	}
	st := snapshot.SecretStore{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return st, err
	}
	var providers []string
	for k := range spec.Provider {
		providers = append(providers, k)
	}
	sort.Strings(providers)
	if len(providers) > 0 {
		st.Provider = providers[0]
	}
	for _, c := range spec.Conditions {
		sc := snapshot.StoreCondition{Namespaces: c.Namespaces, NamespaceRegexes: c.NamespaceRegexes}
		if c.NamespaceSelector != nil {
			sc.NamespaceSelector = metav1.FormatLabelSelector(c.NamespaceSelector)
		}
		st.Conditions = append(st.Conditions, sc)
	}
	return st, nil
}

func secretProviderClass(u *unstructured.Unstructured) (snapshot.SecretProviderClass, error) {
	var spec struct {
		Provider      string `json:"provider"`
		SecretObjects []struct {
			SecretName string `json:"secretName"`
		} `json:"secretObjects"`
	}
	p := snapshot.SecretProviderClass{Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return p, err
	}
	p.Provider = spec.Provider
	for _, o := range spec.SecretObjects {
		p.SecretObjects = append(p.SecretObjects, o.SecretName)
	}
	return p, nil
}

func gateway(u *unstructured.Unstructured) (snapshot.Gateway, error) {
	var spec struct {
		GatewayClassName string `json:"gatewayClassName"`
		Listeners        []struct {
			Name     string `json:"name"`
			Hostname string `json:"hostname"`
			Port     int64  `json:"port"`
			Protocol string `json:"protocol"`
			TLS      *struct {
				Mode    string            `json:"mode"`
				Options map[string]string `json:"options"`
			} `json:"tls"`
		} `json:"listeners"`
	}
	var status struct {
		Addresses []struct {
			Value string `json:"value"`
		} `json:"addresses"`
	}
	g := snapshot.Gateway{Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return g, err
	}
	if err := decodeField(u, "status", &status); err != nil {
		return g, err
	}
	g.Class = spec.GatewayClassName
	for _, l := range spec.Listeners {
		kl := snapshot.Listener{Name: l.Name, Protocol: l.Protocol, Port: l.Port, Hostname: l.Hostname}
		if l.TLS != nil {
			kl.TLSMode = l.TLS.Mode
			if kl.TLSMode == "" {
				kl.TLSMode = "Terminate" // the API's default
			}
			kl.TLSOptions = l.TLS.Options
		}
		g.Listeners = append(g.Listeners, kl)
	}
	for _, a := range status.Addresses {
		g.Addresses = append(g.Addresses, a.Value)
	}
	return g, nil
}

func httpRoute(u *unstructured.Unstructured) (snapshot.HTTPRoute, error) {
	var spec struct {
		ParentRefs []struct {
			Group       *string `json:"group"`
			Kind        *string `json:"kind"`
			Namespace   string  `json:"namespace"`
			Name        string  `json:"name"`
			SectionName string  `json:"sectionName"`
			Port        int64   `json:"port"`
		} `json:"parentRefs"`
		Hostnames []string `json:"hostnames"`
		Rules     []struct {
			Filters []struct {
				Type            string `json:"type"`
				RequestRedirect *struct {
					Scheme string `json:"scheme"`
				} `json:"requestRedirect"`
			} `json:"filters"`
		} `json:"rules"`
	}
	r := snapshot.HTTPRoute{Namespace: u.GetNamespace(), Name: u.GetName()}
	if err := decodeField(u, "spec", &spec); err != nil {
		return r, err
	}
	for _, p := range spec.ParentRefs {
		// A parent is a Gateway unless the reference names another group or kind.
		if (p.Group != nil && *p.Group != "gateway.networking.k8s.io") || (p.Kind != nil && *p.Kind != "Gateway") {
			continue
		}
		ns := p.Namespace
		if ns == "" {
			ns = r.Namespace
		}
		r.Parents = append(r.Parents, snapshot.ParentRef{Namespace: ns, Name: p.Name, SectionName: p.SectionName, Port: p.Port})
	}
	r.Hostnames = spec.Hostnames
	r.RedirectsToHTTPS = len(spec.Rules) > 0
	for _, rule := range spec.Rules {
		redirects := false
		for _, f := range rule.Filters {
			if f.Type == "RequestRedirect" && f.RequestRedirect != nil && f.RequestRedirect.Scheme == "https" {
				redirects = true
			}
		}
		r.RedirectsToHTTPS = r.RedirectsToHTTPS && redirects
	}
	return r, nil
}
