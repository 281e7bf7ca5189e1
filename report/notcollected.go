package report

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// notCollectedWords says in plain words what the collector could not read, why, and what
// would give it (a permission, a flag, another way in), for a reader who has not seen the
// client's error: that stays in the report's Message.
func notCollectedWords(n checks.NotCollected) (what, why, fix string) {
	what = resourceWords(n.Resource)
	switch n.State {
	case snapshot.Forbidden:
		why = "the credentials the scan ran with may not read it"
	case snapshot.NotFound:
		why = "the API server does not serve it (the API is not installed)"
	case snapshot.Partial:
		why = "only part of it could be read"
	default:
		why = "reading it failed"
	}
	var fixes []string
	if n.State == snapshot.Forbidden {
		if n.Permission != "" {
			fixes = append(fixes, fmt.Sprintf("grant the scan's identity %q (check with: kubectl auth can-i %s)", n.Permission, n.Permission))
		} else {
			fixes = append(fixes, "grant the scan's identity read access to it")
		}
	}
	switch n.Resource {
	case snapshot.ResKubeletConfigs:
		if n.State != snapshot.Forbidden {
			fixes = append(fixes, "let the API server reach each node's kubelet (the node's addresses, the kubelet's port)")
		}
		fixes = append(fixes, "or run 'audit node' on each node and merge its reports with 'audit scan --node-reports DIR'")
	case snapshot.ResControlPlane:
		fixes = append(fixes, "or run 'audit node' on the control-plane nodes and merge its reports with 'audit scan --node-reports DIR': their static pod manifests are judged instead")
	case snapshot.ResAnonymousProbe:
		fixes = append(fixes, "run the scan where the API server can be reached without credentials (--probe-anonymous)")
	case snapshot.ResImages:
		fixes = append(fixes, "let the image scanner reach the images' registries and scan again with --scan-images (the JSON report's imageScans[].error says which image failed)")
	}
	if len(fixes) == 0 {
		switch n.State {
		case snapshot.NotFound:
			fixes = append(fixes, "nothing, if the API is not meant to be installed")
		default:
			fixes = append(fixes, "scan again; if it fails again, the client's error says why")
		}
	}
	fix = strings.Join(fixes, ", ")
	return what, why, strings.ToUpper(fix[:1]) + fix[1:] + "."
}

// resourceWords names a collected resource for people.
func resourceWords(r snapshot.Resource) string {
	switch r {
	case snapshot.ResKubeletConfigs:
		return "The kubelets' configuration (read through the API server's node proxy, nodes/proxy)"
	case snapshot.ResAPIServerMetrics:
		return "The API server's /metrics (its storage encryption counters)"
	case snapshot.ResAnonymousProbe:
		return "The anonymous-access probe (requests sent without credentials)"
	case snapshot.ResControlPlane:
		return "The control-plane components (the static pods in kube-system)"
	case snapshot.ResNodeReports:
		return "The node reports ('audit node')"
	case snapshot.ResImages:
		return "The vulnerability scans of the running images"
	}
	if f, ok := strings.CutPrefix(string(r), "file/"); ok {
		return "The API server's " + strings.ReplaceAll(f, "-", " ") + " file"
	}
	return fmt.Sprintf("The cluster's %s", r)
}
