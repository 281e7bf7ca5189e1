package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

type netpolFlags struct {
	from, to string
	port     int
	protocol string
	snapshot string
	out      outputFlags
}

func newNetpolCommand() *cobra.Command {
	kube := newKubeFlags()
	var nf netpolFlags
	var cf collectFlags
	cmd := &cobra.Command{
		Use:   "netpol --from NS/POD --to NS/POD --port PORT",
		Short: "Say whether NetworkPolicies allow a connection, and which policies decided",
		Long: `netpol evaluates the cluster's NetworkPolicies (live, or from --snapshot) for one connection:
from a pod (or an IP address outside the pod network) to a pod (or an address) on a port and
protocol. It prints allowed or denied, and for each side (the source's egress, the
destination's ingress) whether the pod is isolated, by which policies, and which rules allow
the connection. Cilium and Calico policies are not evaluated: when they may apply, it says so.
Exit code 0 for an answer either way; 2 on error.`,
		Example: `  audit netpol --from shop/web-5d8f7c9b4-akq --to shop/db-0 --port 5432
  audit netpol --from 203.0.113.7 --to shop/web-5d8f7c9b4-akq --port 8080 --snapshot snap.json
  audit netpol --from shop/web-5d8f7c9b4-akq --to 169.254.169.254 --port 80 -f json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runNetpol(cmd, kube, &nf, &cf)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&nf.from, "from", "", "source: NAMESPACE/POD, or an IP address outside the pod network (required)")
	fl.StringVar(&nf.to, "to", "", "destination: NAMESPACE/POD, or an IP address outside the pod network (required)")
	fl.IntVar(&nf.port, "port", 0, "destination port, 1-65535 (required)")
	fl.StringVar(&nf.protocol, "protocol", "TCP", "protocol: TCP, UDP or SCTP")
	fl.StringVar(&nf.snapshot, "snapshot", "", "evaluate this snapshot file (from 'audit collect') instead of the live cluster")
	addOutputFlags(cmd, &nf.out, []string{"text", "json"}, "text", false)
	cf.add(cmd)
	kube.addFlags(cmd)
	return cmd
}

func runNetpol(cmd *cobra.Command, kube *kubeFlags, nf *netpolFlags, cf *collectFlags) error {
	// Validate every flag before the (possibly long) collection.
	switch {
	case nf.from == "":
		return fmt.Errorf("--from is required: NAMESPACE/POD or an IP address")
	case nf.to == "":
		return fmt.Errorf("--to is required: NAMESPACE/POD or an IP address")
	case nf.port < 1 || nf.port > 65535:
		return fmt.Errorf("--port must be 1-65535, got %d", nf.port)
	}
	proto := corev1.Protocol(strings.ToUpper(nf.protocol))
	if proto != corev1.ProtocolTCP && proto != corev1.ProtocolUDP && proto != corev1.ProtocolSCTP {
		return fmt.Errorf("--protocol %q: want TCP, UDP or SCTP", nf.protocol)
	}
	format, err := nf.out.resolve(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if err := cf.validate(); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"--from", nf.from}, {"--to", nf.to}} {
		if _, err := netip.ParseAddr(f.v); err != nil {
			if ns, pod, ok := strings.Cut(f.v, "/"); !ok || ns == "" || pod == "" || strings.Contains(pod, "/") {
				return fmt.Errorf("%s %q: want NAMESPACE/POD or an IP address", f.name, f.v)
			}
		}
	}

	var snap *snapshot.Snapshot
	if nf.snapshot != "" {
		snap, err = snapfile.ReadFile(nf.snapshot)
	} else {
		cf.skipKubelet = true // kubelet configuration plays no part in the answer
		snap, err = collectLive(context.Background(), kube, cf)
	}
	if err != nil {
		return err
	}
	for _, r := range []snapshot.Resource{snapshot.ResPods, snapshot.ResNamespaces, snapshot.ResNetworkPolicies} {
		if col, ok := snap.Status(r); !ok || (col.State != snapshot.Collected && col.State != snapshot.Partial) {
			state := "not collected"
			if ok {
				state = string(col.State)
				if col.Message != "" {
					state += ": " + col.Message
				}
			}
			return fmt.Errorf("cannot answer: %s %s (collect with a user who may list it)", r, state)
		}
	}

	e := netpol.New(snap.Pods, snap.Namespaces, snap.NetworkPolicies)
	src, err := endpoint(e, "--from", nf.from)
	if err != nil {
		return err
	}
	dst, err := endpoint(e, "--to", nf.to)
	if err != nil {
		return err
	}
	v := e.Allowed(src, dst, int32(nf.port), proto)
	ans := netpolAnswer{From: nf.from, To: nf.to, Port: nf.port, Protocol: string(proto), Verdict: v,
		Caveats: caveats(snap, e, src, dst)}
	return nf.out.write(cmd.OutOrStdout(), func(out io.Writer) error {
		if format == "json" {
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			return enc.Encode(ans)
		}
		writeNetpolText(out, &ans)
		return nil
	})
}

// netpolAnswer is the JSON form of an answer.
type netpolAnswer struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	Port     int            `json:"port"`
	Protocol string         `json:"protocol"`
	Verdict  netpol.Verdict `json:"verdict"`
	Caveats  []string       `json:"caveats,omitempty"`
}

func endpoint(e *netpol.Engine, flag, v string) (netpol.Endpoint, error) {
	if a, err := netip.ParseAddr(v); err == nil {
		return netpol.AddrEndpoint(a), nil
	}
	ns, name, _ := strings.Cut(v, "/")
	ep, ok := e.PodEndpoint(ns, name)
	if !ok {
		return netpol.Endpoint{}, fmt.Errorf("%s %s: no such pod in the snapshot (check the namespace and name with 'kubectl get pods -n %s')", flag, v, ns)
	}
	return ep, nil
}

// caveats lists what the answer does not account for.
func caveats(s *snapshot.Snapshot, e *netpol.Engine, eps ...netpol.Endpoint) []string {
	var out []string
	for _, ep := range eps {
		if ep.Pod != nil && len(ep.IPs) == 0 {
			out = append(out, fmt.Sprintf("pod %s/%s has no IP in the snapshot: ipBlock rules cannot match it", ep.Pod.Namespace, ep.Pod.Name))
		}
	}
	nss := map[string]bool{}
	for _, ep := range eps {
		if ep.Pod != nil {
			nss[ep.Pod.Namespace] = true
		}
	}
	for _, p := range s.CNIPolicies {
		if p.Namespace == "" || nss[p.Namespace] {
			out = append(out, fmt.Sprintf("%s %s may also apply and is not evaluated", p.Kind, strings.TrimPrefix(p.Namespace+"/"+p.Name, "/")))
		}
	}
	for _, r := range snapshot.CNIPolicyResources {
		if col, ok := s.Status(r); ok && col.State != snapshot.Collected && col.State != snapshot.Partial {
			out = append(out, fmt.Sprintf("%s could not be listed (%s): its policies may also apply", r, col.State))
		}
	}
	for _, p := range e.Problems {
		out = append(out, p)
	}
	return out
}

func writeNetpolText(w io.Writer, a *netpolAnswer) {
	verdict := "DENIED"
	if a.Verdict.Allowed {
		verdict = "ALLOWED"
	}
	fmt.Fprintf(w, "%s -> %s %d/%s: %s\n", a.From, a.To, a.Port, a.Protocol, verdict)
	side := func(name string, s netpol.Side) {
		state := "allows"
		if !s.Allowed {
			state = "denies"
		}
		fmt.Fprintf(w, "  %-8s %s: %s\n", name, state, s.Reason)
		if len(s.Isolating) > 0 {
			names := make([]string, len(s.Isolating))
			for i, p := range s.Isolating {
				names[i] = p.String()
			}
			fmt.Fprintf(w, "           isolated by: %s\n", strings.Join(names, ", "))
		}
	}
	side("egress", a.Verdict.Egress)
	side("ingress", a.Verdict.Ingress)
	for _, c := range a.Caveats {
		fmt.Fprintf(w, "  note: %s\n", c)
	}
}
