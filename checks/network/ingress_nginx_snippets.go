/*
KP-NET-023: ingress-nginx allows no snippet annotations and is patched against
CVE-2025-1974.

Source: ingress-nginx's ConfigMap documentation (kubernetes.github.io/ingress-nginx/user-guide/
nginx-configuration/configmap/#allow-snippet-annotations, #annotations-risk-level): with
allow-snippet-annotations "true", anyone who may write an Ingress injects raw NGINX
configuration (configuration-snippet, server-snippet, …) into the controller, which holds every
TLS secret of the cluster (CVE-2021-25742). Its default became "false" in v1.9.0; since v1.12.0
snippets are Critical-risk annotations, refused unless annotations-risk-level is also
"Critical" (the default is "High"). CVE-2025-1974 (the admission webhook injects configuration
without authentication; fixed in v1.11.5 and v1.12.1) and its companions make any snippet-like
input reach code execution in the controller. The ConfigMap is read only where the controller's
--configmap flag names it; no Secret is read. No CIS item covers it.

Reads: Deployments and DaemonSets (the controller: image, --configmap, --ingress-class),
ConfigMaps (the one named), Ingresses (snippet annotations in use).

Verdict per controller: FAIL when snippets are allowed (allow-snippet-annotations "true", or
unset before v1.9.0, and from v1.12.0 annotations-risk-level "Critical"), or when the image's
version is older than v1.11.5 or is v1.12.0; WARN when the version is unknown and the setting is
unset; NOT_EVALUATED when its --configmap names a ConfigMap the snapshot does not hold; PASS
otherwise. The Ingresses of its class that carry snippet annotations are named.
*/

package network

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-023",
			Title:    "ingress-nginx refuses snippet annotations and is patched",
			Layer:    checks.Network,
			Severity: checks.High,
			Description: "Snippet annotations let anyone who may write an Ingress inject NGINX configuration into the " +
				"ingress-nginx controller, which can read every Secret of the cluster (CVE-2021-25742); controllers before " +
				"v1.11.5 and v1.12.1 also take such configuration from their admission webhook without authentication " +
				"(CVE-2025-1974).",
			Remediation: "Set allow-snippet-annotations: \"false\" in the controller's ConfigMap (the Helm value " +
				"controller.allowSnippetAnnotations), keep annotations-risk-level below Critical, replace the snippets in use " +
				"by the dedicated annotations, and upgrade the controller to v1.11.5, v1.12.1 or later.",
		},
		Inputs:   nginxInputs,
		Evaluate: nginxSnippets,
	})
}

// snippetAnnotations are ingress-nginx's snippet annotations.
var snippetAnnotations = []string{"configuration-snippet", "server-snippet", "auth-snippet", "stream-snippet", "modsecurity-snippet"}

var (
	snippetsOffByDefault = [3]int{1, 9, 0}
	riskLevels           = [3]int{1, 12, 0}
)

func nginxSnippets(s *snapshot.Snapshot) []checks.Result {
	ctls := nginxControllers(s)
	var out []checks.Result
	for i := range ctls {
		c := &ctls[i]
		r := checks.Result{Resource: c.res, Evidence: checks.Evidence{
			Expected: "allow-snippet-annotations \"false\" (or a risk level below Critical), and a version with CVE-2025-1974 fixed",
			Where:    c.where("allow-snippet-annotations, annotations-risk-level") + "; image",
		}}
		if reason := c.missingConfigMap(); reason != "" {
			r.Status, r.Reason = checks.NotEvaluated, reason
			out = append(out, r)
			continue
		}
		var problems []string
		if c.before([3]int{1, 11, 5}) || c.known && c.version == [3]int{1, 12, 0} {
			problems = append(problems, fmt.Sprintf("version v%d.%d.%d is open to CVE-2025-1974 (fixed in v1.11.5 and v1.12.1)", c.version[0], c.version[1], c.version[2]))
		}
		allow, set := c.setting("allow-snippet-annotations")
		allowed := "unknown"
		switch {
		case set:
			allowed = fmt.Sprint(allow == "true")
		case c.known:
			allowed = fmt.Sprint(c.before(snippetsOffByDefault))
		}
		setting := "allow-snippet-annotations " + quoteOr(allow, set, "unset")
		if allowed == "true" && c.known && !c.before(riskLevels) {
			if level, _ := c.setting("annotations-risk-level"); level != "Critical" {
				allowed = "false"
				setting += ", annotations-risk-level " + quoteOr(level, level != "", "unset (High)") + " refuses them"
			}
		}
		used := snippetsInUse(s, c.class)
		if allowed == "true" {
			p := "snippet annotations allowed (" + setting + ")"
			if len(used) > 0 {
				p += "; in use by " + firstNames(used)
			}
			problems = append(problems, p)
		}
		switch {
		case len(problems) > 0:
			r.Status = checks.Fail
			r.Evidence.Observed = strings.Join(problems, "; ")
		case allowed == "unknown":
			r.Status = checks.Warn
			r.Evidence.Observed = setting + ", and the image " + c.image + " carries no version: the default depends on it (\"false\" from v1.9.0)"
		default:
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("%s; image %s", setting, c.image)
		}
		out = append(out, r)
	}
	return out
}

// snippetsInUse names the Ingresses of class that carry a snippet annotation.
func snippetsInUse(s *snapshot.Snapshot, class string) []string {
	var out []string
	for i := range s.Ingresses {
		ing := &s.Ingresses[i]
		if !nginxClass(ing, class) {
			continue
		}
		for _, a := range snippetAnnotations {
			if _, ok := ing.Annotations["nginx.ingress.kubernetes.io/"+a]; ok {
				out = append(out, ing.Namespace+"/"+ing.Name+" ("+a+")")
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// quoteOr quotes v when set, else says def.
func quoteOr(v string, set bool, def string) string {
	if set {
		return fmt.Sprintf("%q", v)
	}
	return def
}
