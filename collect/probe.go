package collect

import (
	"context"
	"net/http"

	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/snapshot"
)

// ProbePaths are what the anonymous probe asks for: the four paths Kubernetes opens to
// everyone (system:public-info-viewer), then discovery, reads of sensitive resources, and the
// debugging endpoints. Every request is a GET: the probe changes nothing.
var ProbePaths = []string{
	"/version", "/healthz", "/readyz", "/livez",
	"/api", "/apis", "/openapi/v2", "/metrics", "/debug/pprof/",
	"/api/v1/namespaces", "/api/v1/pods?limit=1", "/api/v1/secrets?limit=1", "/api/v1/configmaps?limit=1",
	"/api/v1/nodes?limit=1", "/apis/apps/v1/deployments?limit=1", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=1",
}

// probeAnonymous sends each of ProbePaths without credentials (the connection's CA kept,
// every token and client certificate dropped) and records the status codes.
func (c *collector) probeAnonymous(ctx context.Context, cfg *rest.Config) {
	anon := rest.AnonymousClientConfig(cfg)
	rt, err := rest.TransportFor(anon)
	if err != nil {
		c.mu.Lock()
		c.snap.Resources[snapshot.ResAnonymousProbe] = snapshot.Collection{State: snapshot.Failed, Message: err.Error()}
		c.mu.Unlock()
		return
	}
	client := &http.Client{Transport: rt, Timeout: c.opts.RequestTimeout}
	var results []snapshot.ProbeResult
	for _, p := range ProbePaths {
		r := snapshot.ProbeResult{Path: p}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Host+p, nil)
		if err == nil {
			var resp *http.Response
			if resp, err = client.Do(req); err == nil {
				r.Code = resp.StatusCode
				resp.Body.Close() // the body is not read: only whether it was served matters
			}
		}
		if err != nil {
			r.Error = err.Error()
		}
		results = append(results, r)
	}
	c.mu.Lock() // the lists and /metrics are read at the same time
	defer c.mu.Unlock()
	if c.snap.APIServer == nil {
		c.snap.APIServer = &snapshot.APIServerObservations{}
	}
	c.snap.APIServer.Anonymous = results
	c.snap.Resources[snapshot.ResAnonymousProbe] = snapshot.Collection{State: snapshot.Collected, Count: len(results)}
}
