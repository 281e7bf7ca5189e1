/*
KP-NET-013: no Service sets externalIPs while any user who creates Services could.

Source: CVE-2020-8554 (Kubernetes security advisory, "Man in the middle using LoadBalancer or
ExternalIPs", kubernetes/kubernetes#97076): a user who may create or update a Service can set
spec.externalIPs to any address, and kube-proxy then routes the cluster's traffic for that
address to the Service. The fix upstream offers is the DenyServiceExternalIPs admission plugin
(default-off in v1.37: k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go
DefaultOffAdmissionPlugins), which rejects new externalIPs; CIS 1.2.3 asks for it (KP-CP-007).
The effective plugin set is componentflags.EffectiveAdmission's, as KP-CP-007 computes it.

Reads: services[].spec.externalIPs; the kube-apiserver components'
--enable-admission-plugins, --disable-admission-plugins, --admission-control.

Verdict per Service with externalIPs: FAIL while DenyServiceExternalIPs is off on an API
server the snapshot shows (the addresses may intercept traffic, and anyone who can edit a
Service can add more); WARN when it is on (the addresses predate it: confirm they are
intended) or when no API server's flags are in the snapshot (managed control plane);
PASS for Services without externalIPs.
*/

package network

import (
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-013",
			Title:    "Services do not use externalIPs while the API server accepts them",
			Layer:    checks.Network,
			Severity: checks.High,
			Description: "spec.externalIPs makes every node route traffic for those addresses to the Service. Anyone " +
				"who can create or edit a Service can thus intercept traffic to any address (CVE-2020-8554), " +
				"unless the DenyServiceExternalIPs admission plugin rejects them.",
			Remediation: "Remove spec.externalIPs (use a LoadBalancer or an Ingress instead) and enable the " +
				"DenyServiceExternalIPs admission plugin (--enable-admission-plugins=...,DenyServiceExternalIPs), " +
				"or a policy engine rule that rejects externalIPs.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResServices},
		Evaluate: externalIPs,
	})
}

func externalIPs(s *snapshot.Snapshot) []checks.Result {
	// The plugin state: off if any API server the snapshot shows runs without it.
	var apiservers, off []string
	if col, ok := s.Status(snapshot.ResControlPlane); ok && col.State == snapshot.Collected {
		for _, c := range s.Components("kube-apiserver") {
			apiservers = append(apiservers, c.Pod)
			// Flags the server refuses (a.Err) leave the plugin's state unknown: not on.
			if a := componentflags.EffectiveAdmission(c); a.Err != nil || !a.Has("DenyServiceExternalIPs") {
				off = append(off, c.Pod)
			}
		}
	}
	out := make([]checks.Result, 0, len(s.Services))
	for i := range s.Services {
		svc := &s.Services[i]
		r := checks.Result{
			Resource: checks.Resource{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name},
			Evidence: checks.Evidence{
				Expected: "no spec.externalIPs, and DenyServiceExternalIPs in the API server's admission plugins",
				Where:    "spec.externalIPs; kube-apiserver --enable-admission-plugins",
			},
		}
		ips := strings.Join(svc.Spec.ExternalIPs, ", ")
		switch {
		case len(svc.Spec.ExternalIPs) == 0:
			r.Status = checks.Pass
			r.Evidence.Observed = "no externalIPs"
			r.Evidence.Where = "spec.externalIPs"
		case len(off) > 0:
			r.Status = checks.Fail
			r.Evidence.Observed = "externalIPs " + ips + " while DenyServiceExternalIPs is off on " + strings.Join(off, ", ")
		case len(apiservers) > 0:
			r.Status = checks.Warn
			r.Evidence.Observed = "externalIPs " + ips + " (DenyServiceExternalIPs is on: they predate it)"
		default:
			r.Status = checks.Warn
			r.Evidence.Observed = "externalIPs " + ips + "; the API server's admission plugins are not in the snapshot"
		}
		out = append(out, r)
	}
	return out
}
