/*
KP-NET-050: public load balancers and Ingresses sit behind the cloud's WAF and DDoS protection.

Source: the talk's "harden the ingress against floods" advice (issue 19); no CIS 1.12 item
covers it. What each provider lets the cluster attach, from its documentation (reviewed
2026-12-07):
  - AWS Load Balancer Controller, "Ingress annotations" (kubernetes-sigs.github.io/
    aws-load-balancer-controller/latest/guide/ingress/annotations/): an ALB is internal unless
    alb.ingress.kubernetes.io/scheme is internet-facing; alb.ingress.kubernetes.io/wafv2-acl-arn
    attaches a WAFv2 web ACL (waf-acl-id a WAF Classic one), shield-advanced-protection: "true"
    turns AWS Shield Advanced on. A Network or Classic Load Balancer (a LoadBalancer Service)
    takes no web ACL (docs.aws.amazon.com/waf, "Resources you can protect").
  - GKE, "Configuring Ingress features through BackendConfig parameters" and "Cloud Armor
    security policies" (cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration):
    an external Ingress (class gce, or none on GKE) gets a Cloud Armor policy from the
    BackendConfig its backend Services name in cloud.google.com/backend-config (spec.
    securityPolicy.name); class gce-internal is internal.
  - Azure Application Gateway Ingress Controller, "Annotations" (azure.github.io/
    application-gateway-kubernetes-ingress/annotations/): appgw.ingress.kubernetes.io/
    waf-policy-for-path attaches a WAF policy; use-private-ip: "true" keeps it internal.
  - Internal load balancers by annotation: service.beta.kubernetes.io/aws-load-balancer-internal
    or aws-load-balancer-scheme: internal (AWS), networking.gke.io/load-balancer-type: Internal
    (GKE), service.beta.kubernetes.io/azure-load-balancer-internal: "true" (AKS).

Decision: on EKS, GKE and AKS (snapshot.Cluster.Provider), a public Ingress of the cloud's own
controller passes with a WAF attached as above and is a WARN without; a public LoadBalancer
Service is a WARN: no WAF attaches to a layer-4 load balancer, and the account-level DDoS
protection (Shield Advanced, Cloud Armor network protection, Azure DDoS Protection on the VNet)
is not visible from the cluster, so the Service names what to verify. An Ingress of another
controller (ingress-nginx...) is judged through that controller's LoadBalancer Service; it is
NOT_APPLICABLE here. The BackendConfig objects are not collected (a CRD, issue 19's other
half reads CRDs): an Ingress whose backends name a BackendConfig is NOT_EVALUATED, saying
which; one whose backends name none has no Cloud Armor policy (WARN). On other providers
(kubeadm, unknown) there is no known edge protection to look for: NOT_APPLICABLE.

Reads: Services (type, annotations), Ingresses (class, annotations, backends); the provider.

	PASS            a public Ingress with the provider's WAF attached (AWS: and Shield noted)
	WARN            a public Ingress without it; a public LoadBalancer Service
	NOT_EVALUATED   a GKE Ingress whose backends name a BackendConfig (not collected)
	NOT_APPLICABLE  internal load balancers, other controllers' Ingresses, other providers
*/

package network

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-050",
			Title:    "Public load balancers and Ingresses are behind the cloud's WAF and DDoS protection",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A public endpoint takes floods and exploit attempts from the whole internet. The cloud's " +
				"web application firewall and DDoS protection (AWS WAF and Shield Advanced, Cloud Armor, Application " +
				"Gateway WAF) stop them before they reach the cluster; the cluster only shows whether they are attached.",
			Remediation: "AWS: expose HTTP through an internet-facing ALB Ingress with alb.ingress.kubernetes.io/wafv2-acl-arn " +
				"(and shield-advanced-protection: \"true\"). GKE: name a BackendConfig with spec.securityPolicy (Cloud Armor) in " +
				"each backend Service's cloud.google.com/backend-config. Azure: attach a WAF policy to the Application Gateway " +
				"(appgw.ingress.kubernetes.io/waf-policy-for-path or a gateway policy). For LoadBalancer Services, verify the " +
				"account-level DDoS protection, or make them internal behind the protected Ingress.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResServices, snapshot.ResIngresses},
		Evaluate: edgeProtection,
	})
}

const (
	albScheme      = "alb.ingress.kubernetes.io/scheme"
	albWAFv2       = "alb.ingress.kubernetes.io/wafv2-acl-arn"
	albWAFClassic  = "alb.ingress.kubernetes.io/waf-acl-id"
	albShield      = "alb.ingress.kubernetes.io/shield-advanced-protection"
	gkeBackendCfg  = "cloud.google.com/backend-config"
	gkeBetaBackend = "beta.cloud.google.com/backend-config"
	agicWAFPolicy  = "appgw.ingress.kubernetes.io/waf-policy-for-path"
	agicPrivateIP  = "appgw.ingress.kubernetes.io/use-private-ip"
	ingressClassAn = "kubernetes.io/ingress.class"
)

// internalLB reports whether svc asks its provider for an internal load balancer.
func internalLB(p snapshot.Provider, svc *corev1.Service) bool {
	a := svc.Annotations
	switch p {
	case snapshot.ProviderEKS:
		return a["service.beta.kubernetes.io/aws-load-balancer-internal"] == "true" ||
			a["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internal"
	case snapshot.ProviderGKE:
		return strings.EqualFold(a["networking.gke.io/load-balancer-type"], "Internal") ||
			strings.EqualFold(a["cloud.google.com/load-balancer-type"], "Internal")
	case snapshot.ProviderAKS:
		return a["service.beta.kubernetes.io/azure-load-balancer-internal"] == "true"
	}
	return false
}

// ingressClass is the Ingress's class: the field, else the legacy annotation.
func ingressClass(ing *networkingv1.Ingress) string {
	if ing.Spec.IngressClassName != nil {
		return *ing.Spec.IngressClassName
	}
	return ing.Annotations[ingressClassAn]
}

func edgeProtection(s *snapshot.Snapshot) []checks.Result {
	p := s.Cluster.Provider
	switch p {
	case snapshot.ProviderEKS, snapshot.ProviderGKE, snapshot.ProviderAKS:
	default:
		return []checks.Result{{Status: checks.NotApplicable, Resource: checks.Resource{Kind: "Cluster"},
			Reason: fmt.Sprintf("provider %q: edge WAF and DDoS protection are judged on EKS, GKE and AKS only", p)}}
	}
	var out []checks.Result
	for i := range s.Services {
		svc := &s.Services[i]
		if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
			continue
		}
		r := checks.Result{Resource: checks.Resource{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name},
			Evidence: checks.Evidence{Where: "spec.type, metadata.annotations", Expected: "an internal load balancer, or public behind the provider's DDoS protection"}}
		if internalLB(p, svc) {
			r.Status, r.Evidence.Observed = checks.NotApplicable, "an internal load balancer"
		} else {
			r.Status = checks.Warn
			r.Evidence.Observed = "a public layer-4 load balancer: no WAF attaches to it, and " + l4Protection[p] + " is not visible from the cluster"
		}
		out = append(out, r)
	}
	services := make(map[[2]string]*corev1.Service, len(s.Services))
	for i := range s.Services {
		services[[2]string{s.Services[i].Namespace, s.Services[i].Name}] = &s.Services[i]
	}
	for i := range s.Ingresses {
		out = append(out, judgeEdgeIngress(services, p, &s.Ingresses[i]))
	}
	return out
}

// l4Protection names the account-level DDoS protection of a layer-4 load balancer.
var l4Protection = map[snapshot.Provider]string{
	snapshot.ProviderEKS: "AWS Shield Advanced (configured in the account)",
	snapshot.ProviderGKE: "Cloud Armor advanced network DDoS protection (configured in the project)",
	snapshot.ProviderAKS: "Azure DDoS Protection (configured on the virtual network)",
}

func judgeEdgeIngress(services map[[2]string]*corev1.Service, p snapshot.Provider, ing *networkingv1.Ingress) checks.Result {
	r := checks.Result{Resource: checks.Resource{Kind: "Ingress", Namespace: ing.Namespace, Name: ing.Name},
		Evidence: checks.Evidence{Where: "metadata.annotations"}}
	a := ing.Annotations
	class := ingressClass(ing)
	switch p {
	case snapshot.ProviderEKS:
		r.Evidence.Expected = albWAFv2 + " set (and " + albShield + ": \"true\")"
		if class != "alb" {
			return notOurs(r, class, "the AWS Load Balancer Controller (class alb)")
		}
		if a[albScheme] != "internet-facing" {
			r.Status, r.Evidence.Observed = checks.NotApplicable, "an internal ALB ("+albScheme+" is not internet-facing)"
			return r
		}
		waf := a[albWAFv2]
		if waf == "" {
			waf = a[albWAFClassic]
		}
		if waf == "" {
			r.Status, r.Evidence.Observed = checks.Warn, "an internet-facing ALB without a web ACL ("+albWAFv2+" unset)"
			return r
		}
		r.Status, r.Evidence.Observed = checks.Pass, "web ACL "+waf
		if a[albShield] != "true" {
			r.Evidence.Observed += "; Shield Advanced not turned on by " + albShield
		}
		return r
	case snapshot.ProviderGKE:
		r.Evidence.Expected = "each backend Service's " + gkeBackendCfg + " naming a BackendConfig with spec.securityPolicy (Cloud Armor)"
		if class != "" && class != "gce" {
			if class == "gce-internal" {
				r.Status, r.Evidence.Observed = checks.NotApplicable, "an internal Ingress (class gce-internal)"
				return r
			}
			return notOurs(r, class, "GKE Ingress (class gce)")
		}
		r.Evidence.Where = "the backend Services' metadata.annotations[" + gkeBackendCfg + "]"
		var none, named []string
		for _, b := range ingressBackends(ing) {
			cfg := backendConfigOf(services[[2]string{ing.Namespace, b.Name}], b)
			if cfg == "" {
				none = append(none, b.Name)
			} else {
				named = append(named, b.Name+" → BackendConfig "+cfg)
			}
		}
		sort.Strings(none)
		sort.Strings(named)
		switch {
		case len(none) > 0:
			r.Status, r.Evidence.Observed = checks.Warn, "backend Services without a BackendConfig, so without a Cloud Armor policy: "+strings.Join(none, ", ")
		case len(named) > 0:
			r.Status = checks.NotEvaluated
			r.Evidence.Observed = strings.Join(named, ", ")
			r.Reason = "BackendConfig objects (cloud.google.com) are not collected: their spec.securityPolicy is not known"
		default:
			r.Status, r.Evidence.Observed = checks.Warn, "no backend Service"
		}
		return r
	default: // AKS
		r.Evidence.Expected = agicWAFPolicy + " set, or a WAF policy on the Application Gateway"
		if class != "azure-application-gateway" && class != "azure/application-gateway" {
			return notOurs(r, class, "the Application Gateway Ingress Controller (class azure-application-gateway)")
		}
		if a[agicPrivateIP] == "true" {
			r.Status, r.Evidence.Observed = checks.NotApplicable, "a private Application Gateway address ("+agicPrivateIP+")"
			return r
		}
		if w := a[agicWAFPolicy]; w != "" {
			r.Status, r.Evidence.Observed = checks.Pass, "WAF policy "+w
			return r
		}
		r.Status, r.Evidence.Observed = checks.Warn, "no "+agicWAFPolicy+"; a gateway-wide WAF policy, if any, is not visible from the cluster"
		return r
	}
}

func notOurs(r checks.Result, class, ours string) checks.Result {
	if class == "" {
		class = "(none)"
	}
	r.Status = checks.NotApplicable
	r.Evidence.Observed = "ingress class " + class
	r.Reason = "not an Ingress of " + ours + ": its controller's LoadBalancer Service is judged instead"
	return r
}

// ingressBackends are the Services an Ingress routes to, each once.
func ingressBackends(ing *networkingv1.Ingress) []*networkingv1.IngressServiceBackend {
	var out []*networkingv1.IngressServiceBackend
	seen := map[string]bool{}
	add := func(b *networkingv1.IngressBackend) {
		if b != nil && b.Service != nil && !seen[b.Service.Name] {
			seen[b.Service.Name] = true
			out = append(out, b.Service)
		}
	}
	add(ing.Spec.DefaultBackend)
	for i := range ing.Spec.Rules {
		if h := ing.Spec.Rules[i].HTTP; h != nil {
			for j := range h.Paths {
				add(&h.Paths[j].Backend)
			}
		}
	}
	return out
}

// backendConfigOf returns the BackendConfig svc names for the backend's port (its "ports"
// entry by number or name, else "default"), or "" (also when the Service is not there).
func backendConfigOf(svc *corev1.Service, b *networkingv1.IngressServiceBackend) string {
	if svc == nil {
		return ""
	}
	raw := svc.Annotations[gkeBackendCfg]
	if raw == "" {
		raw = svc.Annotations[gkeBetaBackend]
	}
	if raw == "" {
		return ""
	}
	var cfg struct {
		Default string            `json:"default"`
		Ports   map[string]string `json:"ports"`
	}
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return "(unreadable " + gkeBackendCfg + ")"
	}
	if b.Port.Name != "" && cfg.Ports[b.Port.Name] != "" {
		return cfg.Ports[b.Port.Name]
	}
	if b.Port.Number != 0 && cfg.Ports[fmt.Sprint(b.Port.Number)] != "" {
		return cfg.Ports[fmt.Sprint(b.Port.Number)]
	}
	return cfg.Default
}
