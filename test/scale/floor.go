package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
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

var scanDefaults = floorSettings{QPS: 100, Burst: 200, PageSize: 500, Concurrency: 8}

// pageFunc lists one page of a kind.
type pageFunc func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error)

func pages[L runtime.Object](f func(context.Context, metav1.ListOptions) (L, error)) pageFunc {
	return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return f(ctx, o) }
}

// floorKinds are the kinds `audit scan` lists (collect/listers.go), secrets aside.
func floorKinds(cs kubernetes.Interface) map[string]pageFunc {
	return map[string]pageFunc{
		"pods":                            pages(cs.CoreV1().Pods("").List),
		"nodes":                           pages(cs.CoreV1().Nodes().List),
		"namespaces":                      pages(cs.CoreV1().Namespaces().List),
		"deployments":                     pages(cs.AppsV1().Deployments("").List),
		"statefulsets":                    pages(cs.AppsV1().StatefulSets("").List),
		"daemonsets":                      pages(cs.AppsV1().DaemonSets("").List),
		"replicasets":                     pages(cs.AppsV1().ReplicaSets("").List),
		"jobs":                            pages(cs.BatchV1().Jobs("").List),
		"cronjobs":                        pages(cs.BatchV1().CronJobs("").List),
		"serviceaccounts":                 pages(cs.CoreV1().ServiceAccounts("").List),
		"configmaps":                      pages(cs.CoreV1().ConfigMaps("").List),
		"roles":                           pages(cs.RbacV1().Roles("").List),
		"clusterroles":                    pages(cs.RbacV1().ClusterRoles().List),
		"rolebindings":                    pages(cs.RbacV1().RoleBindings("").List),
		"clusterrolebindings":             pages(cs.RbacV1().ClusterRoleBindings().List),
		"networkpolicies":                 pages(cs.NetworkingV1().NetworkPolicies("").List),
		"services":                        pages(cs.CoreV1().Services("").List),
		"ingresses":                       pages(cs.NetworkingV1().Ingresses("").List),
		"validatingwebhookconfigurations": pages(cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().List),
		"mutatingwebhookconfigurations":   pages(cs.AdmissionregistrationV1().MutatingWebhookConfigurations().List),
	}
}

// floor is the least a client must do to read what the scan reads: a paged LIST of every
// kind, decoded (protobuf where the server speaks it, as the scan asks) and dropped page by
// page, kinds in parallel, with the scan's rate limits and page size. Secrets are read as
// the scan reads them, through the server-side Table (metadata only). It returns the number
// of objects read.
func floor(ctx context.Context, cfg *rest.Config, st floorSettings) (int64, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = st.QPS, st.Burst
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	var total atomic.Int64
	sem := make(chan struct{}, st.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	kinds := floorKinds(cs)
	// Pods first, as the collector does: the largest list bounds the run.
	order := []string{"pods"}
	for k := range kinds {
		if k != "pods" {
			order = append(order, k)
		}
	}
	order = append(order, "secrets")
	for _, k := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var n int64
			var err error
			if k == "secrets" {
				n, err = floorSecrets(ctx, cs, st.PageSize)
			} else {
				n, err = listAll(ctx, kinds[k], st.PageSize)
			}
			if err != nil {
				fail(fmt.Errorf("list %s: %w", k, err))
			}
			total.Add(n)
		}()
	}
	wg.Wait()
	return total.Load(), firstErr
}

func listAll(ctx context.Context, page pageFunc, limit int64) (int64, error) {
	var n int64
	o := metav1.ListOptions{Limit: limit}
	for {
		l, err := page(ctx, o)
		if err != nil {
			return n, err
		}
		n += int64(meta.LenList(l))
		lm, err := meta.ListAccessor(l)
		if err != nil {
			return n, err
		}
		if lm.GetContinue() == "" {
			return n, nil
		}
		o.Continue = lm.GetContinue()
	}
}

func floorSecrets(ctx context.Context, cs kubernetes.Interface, limit int64) (int64, error) {
	var n int64
	cont := ""
	for {
		req := cs.CoreV1().RESTClient().Get().Resource("secrets").
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
