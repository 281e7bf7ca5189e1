package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"

	"sigs.k8s.io/yaml"
)

// metricName finds the kubeposture metric names an expression uses; every name the package
// exports starts with the namespace, so a regexp over the prefix is enough (no PromQL parser).
var metricName = regexp.MustCompile(Namespace + `_[a-zA-Z0-9_]+`)

func checkNames(t *testing.T, where, expr string) {
	t.Helper()
	names := metricName.FindAllString(expr, -1)
	if len(names) == 0 {
		t.Errorf("%s: expression uses no kubeposture metric: %s", where, expr)
	}
	for _, n := range unknownNames(expr) {
		t.Errorf("%s: %s is not a metric this package exports (%v)", where, n, Names)
	}
}

func unknownNames(expr string) []string {
	var out []string
	for _, n := range metricName.FindAllString(expr, -1) {
		if !slices.Contains(Names, n) {
			out = append(out, n)
		}
	}
	return out
}

type prometheusRule struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert       string            `json:"alert"`
				Record      string            `json:"record"`
				Expr        string            `json:"expr"`
				For         string            `json:"for"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

func TestExamplePrometheusRule(t *testing.T) {
	data, err := os.ReadFile("../examples/monitoring/prometheusrule.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var pr prometheusRule
	// Strict: a misspelt field (expresion:, annotation:) would be silently ignored by Prometheus.
	if err := yaml.UnmarshalStrict(data, &pr); err != nil {
		t.Fatal(err)
	}
	if pr.APIVersion != "monitoring.coreos.com/v1" || pr.Kind != "PrometheusRule" {
		t.Fatalf("apiVersion %q kind %q", pr.APIVersion, pr.Kind)
	}
	var alerts []string
	for _, g := range pr.Spec.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			checkNames(t, r.Alert, r.Expr)
			if r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("%s: no severity label or summary", r.Alert)
			}
		}
	}
	for _, want := range []string{"KubepostureScoreDropped", "KubepostureNewCriticalFinding", "KubepostureScanStale"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("no alert %s (have %v)", want, alerts)
		}
	}
}

func TestExampleGrafanaDashboard(t *testing.T) {
	data, err := os.ReadFile("../examples/monitoring/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Query any `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatal(err)
	}
	if len(dash.Panels) == 0 {
		t.Fatal("no panels")
	}
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			checkNames(t, "panel "+p.Title, tg.Expr)
		}
	}
}

// The checker itself must catch a name the package does not export.
func TestCheckNamesCatchesUnknown(t *testing.T) {
	if got := unknownNames(`kubeposture_findings_total > 0 and kubeposture_findings{status="FAIL"}`); !slices.Equal(got, []string{"kubeposture_findings_total"}) {
		t.Errorf("unknownNames: %v", got)
	}
}
