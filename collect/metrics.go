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
// parser and returns the transformation samples of resource "secrets", sorted.
func ParseSecretTransformations(body []byte) ([]snapshot.TransformationCount, error) {
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
