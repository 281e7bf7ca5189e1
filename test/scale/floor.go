package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/snapshot"
)

// floorSettings are the client settings of `audit scan` with its default flags (collect's
// Options.Defaults): the floor must be measured with the same, or the comparison says
// nothing about the scan.
type floorSettings struct {
	QPS         float32
	Burst       int
	PageSize    int64
	Concurrency int
}

var scanDefaults = func() floorSettings {
	o := collect.Options{}.Defaults()
	return floorSettings{QPS: o.QPS, Burst: o.Burst, PageSize: o.PageSize, Concurrency: o.Concurrency}
}()

// planOf is the collection plan of a scan of the controls ids (none: every control), as
// audit scan makes it.
func planOf(ids []string) (collect.Plan, error) {
	if len(ids) == 0 {
		return collect.All, nil
	}
	selected, err := checks.Selection{Controls: ids}.Select(checks.Registered())
	if err != nil {
		return collect.Plan{}, err
	}
	return collect.PlanFor(checks.Reads(selected)), nil
}

// floor is the least a client must do to read what a scan with plan reads: a paged LIST of
// each of the plan's lists (every row of snapshot.CollectedKinds for a full scan), decoded
// as client-go decodes them (protobuf where the server speaks it, as the scan asks, into the
// list's Go type) and dropped page by page, kinds in parallel, with the scan's rate limits and
// page size. Secrets are read as the scan reads them, through the server-side Table (metadata
// only). It returns the number of objects read.
func floor(ctx context.Context, cfg *rest.Config, st floorSettings, plan collect.Plan) (int64, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = st.QPS, st.Burst
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	h, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return 0, err
	}
	var total atomic.Int64
	sem := make(chan struct{}, st.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	// The plan's lists come largest first (pods), as the collector starts them.
	for _, l := range plan.Lists() {
		client, err := restClient(cfg, h, l.Kind.GVK.GroupVersion())
		if err != nil {
			return 0, err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var n int64
			var err error
			if l.Kind.Resource == snapshot.ResSecrets {
				n, err = floorSecrets(ctx, client, l.Namespace, st.PageSize)
			} else {
				n, err = listAll(ctx, client, l, st.PageSize)
			}
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("list %s: %w", l.Kind.Resource, err)
				}
				mu.Unlock()
			}
			total.Add(n)
		}()
	}
	wg.Wait()
	return total.Load(), firstErr
}

// listedObjects counts the objects of s's lists that the floor lists too (the rows of
// snapshot.CollectedKinds): not the API groups of discovery, the control plane derived from
// kube-system's pods, or the kubelets' configurations.
func listedObjects(s *snapshot.Snapshot) int64 {
	var n int64
	for _, k := range snapshot.CollectedKinds {
		if c, ok := s.Resources[k.Resource]; ok && c.State == snapshot.Collected {
			n += int64(c.Count)
		}
	}
	return n
}

// restClient is the REST client of a group and version as client-go's typed clients make it.
func restClient(cfg *rest.Config, h *http.Client, gv schema.GroupVersion) (rest.Interface, error) {
	c := *cfg
	c.GroupVersion = &gv
	c.APIPath = "/apis"
	if gv.Group == "" {
		c.APIPath = "/api"
	}
	c.NegotiatedSerializer = rest.CodecFactoryForGeneratedClient(scheme.Scheme, scheme.Codecs).WithoutConversion()
	return rest.RESTClientForConfigAndClient(&c, h)
}

// listAll lists l page by page into its list type, as a typed client's List does.
func listAll(ctx context.Context, client rest.Interface, l collect.List, limit int64) (int64, error) {
	listGVK := l.Kind.GVK.GroupVersion().WithKind(l.Kind.GVK.Kind + "List")
	var n int64
	o := metav1.ListOptions{Limit: limit}
	for {
		list, err := scheme.Scheme.New(listGVK)
		if err != nil {
			return n, err
		}
		if err := client.Get().Namespace(l.Namespace).Resource(l.Kind.Plural()).
			VersionedParams(&o, scheme.ParameterCodec).Do(ctx).Into(list); err != nil {
			return n, err
		}
		n += int64(meta.LenList(list))
		lm, err := meta.ListAccessor(list)
		if err != nil {
			return n, err
		}
		if lm.GetContinue() == "" {
			return n, nil
		}
		o.Continue = lm.GetContinue()
	}
}

func floorSecrets(ctx context.Context, client rest.Interface, namespace string, limit int64) (int64, error) {
	var n int64
	cont := ""
	for {
		req := client.Get().Namespace(namespace).Resource("secrets").
			SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").
			Param("includeObject", string(metav1.IncludeMetadata)).
			Param("limit", strconv.FormatInt(limit, 10))
		if cont != "" {
			req = req.Param("continue", cont)
		}
		raw, err := req.DoRaw(ctx)
		if err != nil {
			return n, err
		}
		var t metav1.Table
		if err := json.Unmarshal(raw, &t); err != nil {
			return n, err
		}
		n += int64(len(t.Rows))
		if t.Continue == "" {
			return n, nil
		}
		cont = t.Continue
	}
}
