package collect

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kubeposture/kubeposture/snapshot"
)

// transformationMetric counts storage transformations by resource, type, prefix and status
// (k8s.io/apiserver pkg/storage/value/metrics.go).
const transformationMetric = "apiserver_storage_transformation_operations_total"

// collectMetrics reads the API server's /metrics (a GET that needs the nonResourceURL
// /metrics, granted to system:monitoring) and keeps the transformation counters of secrets:
// live evidence of whether secrets are written encrypted. It records the outcome under
// ResAPIServerMetrics; a forbidden /metrics is a fact, not an error.
func (c *collector) collectMetrics(ctx context.Context) {
	var body []byte
	err := c.retry(ctx, func(ctx context.Context) error {
		var err error
		body, err = c.cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
		return err
	})
	if err != nil {
		c.record(snapshot.ResAPIServerMetrics, 0, err)
		return
	}
	samples, err := ParseSecretTransformations(body)
	c.mu.Lock() // the lists and the anonymous probe are read at the same time
	defer c.mu.Unlock()
	if err != nil {
		c.snap.Resources[snapshot.ResAPIServerMetrics] = snapshot.Collection{State: snapshot.Failed, Message: err.Error()}
		return
	}
	if c.snap.APIServer == nil {
		c.snap.APIServer = &snapshot.APIServerObservations{}
	}
	c.snap.APIServer.SecretTransformations = samples
	c.snap.Resources[snapshot.ResAPIServerMetrics] = snapshot.Collection{State: snapshot.Collected, Count: len(samples)}
}

// ParseSecretTransformations reads Prometheus text exposition with prometheus/common's
// parser and returns the transformation samples of resource "secrets", sorted. Only the
// lines of the transformation family are parsed: an API server's /metrics runs to megabytes
// of histograms, whose parsing was a measurable part of a scan's CPU (docs/scale.md);
// a malformed line of another family is none of this check's business. A body without the
// family is no samples if it is exposition text (it has TYPE comments: the family is absent
// from a server without encryption configured), and is parsed whole otherwise, so that a body
// that is not Prometheus text at all is an error rather than "no samples".
func ParseSecretTransformations(body []byte) ([]snapshot.TransformationCount, error) {
	if family := familyLines(body, transformationMetric); len(family) > 0 {
		body = family
	} else if bytes.HasPrefix(body, []byte("# TYPE ")) || bytes.Contains(body, []byte("\n# TYPE ")) {
		return nil, nil
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("API server /metrics: %w", err)
	}
	var out []snapshot.TransformationCount
	fam := families[transformationMetric]
	if fam == nil {
		return nil, nil
	}
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["resource"] != "secrets" {
			continue
		}
		v := m.GetCounter().GetValue()
		if m.GetCounter() == nil {
			v = m.GetUntyped().GetValue()
		}
		out = append(out, snapshot.TransformationCount{Type: labels["transformation_type"], Prefix: labels["transformer_prefix"], Status: labels["status"], Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Prefix != b.Prefix {
			return a.Prefix < b.Prefix
		}
		return a.Status < b.Status
	})
	return out, nil
}

// familyLines returns the lines of body that belong to the metric family name: its samples
// and its HELP and TYPE comments (text exposition format), nil when it has no sample.
func familyLines(body []byte, name string) []byte {
	var out []byte
	samples := false
	for rest := body; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		sample := bytes.HasPrefix(line, []byte(name))
		if sample {
			// the name whole: followed by its labels or its value
			if next := line[len(name):]; len(next) == 0 || (next[0] != '{' && next[0] != ' ' && next[0] != '\t') {
				sample = false
			}
		}
		comment := false
		for _, kw := range []string{"# HELP ", "# TYPE "} {
			if c, ok := bytes.CutPrefix(line, []byte(kw)); ok && bytes.HasPrefix(c, []byte(name+" ")) {
				comment = true
			}
		}
		if sample || comment {
			out = append(append(out, line...), '\n')
			samples = samples || sample
		}
	}
	if !samples {
		return nil
	}
	return out
}
