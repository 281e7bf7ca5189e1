// Package collect snapshots a live cluster through client-go.
//
// It lists every resource the checks read, in pages, several kinds at once, with retries on
// transient errors. A resource it may not read (forbidden) or that the server does not serve
// (not found) does not fail the run: the outcome is recorded in the snapshot, so that the
// checks that needed it report NOT_EVALUATED instead of passing. Secrets are read as metadata
// and type only, through a server-side Table: no secret value is ever requested.
package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"

	kubeposture "github.com/kubeposture/kubeposture"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Options tune a collection. The zero value is usable: Defaults fills it in.
type Options struct {
	// QPS and Burst raise client-go's client-side rate limit (5/10 by default), which a
	// read-only audit of a large cluster would spend most of its time waiting on. The server's
	// API Priority and Fairness still protects it.
	QPS   float32
	Burst int
	// PageSize is the limit of each LIST request.
	PageSize int64
	// Concurrency is how many resource kinds are listed at once.
	Concurrency int
	// RequestTimeout bounds each request; Timeout bounds the whole collection.
	RequestTimeout time.Duration
	Timeout        time.Duration
	// Retries is how many times a request that failed transiently is tried again, with
	// exponential backoff from RetryBackoff.
	Retries      int
	RetryBackoff time.Duration
	// SkipKubelet skips reading each node's kubelet configuration (nodes/proxy configz).
	SkipKubelet bool
	// ProbeAnonymous sends a few read-only requests without credentials (probe.go) to see
	// what the API server serves to anyone.
	ProbeAnonymous bool
	// Progress, when set, receives a one-line progress report, rewritten in place.
	Progress io.Writer
	// Plan is what to read: the zero Plan (All) reads everything, PlanFor what some checks
	// read.
	Plan Plan
}

// Defaults returns o with zero fields set to their defaults.
func (o Options) Defaults() Options {
	if o.QPS == 0 {
		o.QPS = 100
	}
	if o.Burst == 0 {
		o.Burst = 200
	}
	if o.PageSize == 0 {
		o.PageSize = 500
	}
	if o.Concurrency == 0 {
		o.Concurrency = 8
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = 60 * time.Second
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Retries == 0 {
		o.Retries = 4
	}
	if o.RetryBackoff == 0 {
		o.RetryBackoff = 500 * time.Millisecond
	}
	return o
}

// Collect reads the cluster that cfg points at into a snapshot. It fails only when the
// cluster cannot be reached at all; any resource it could not read is recorded instead.
func Collect(ctx context.Context, cfg *rest.Config, opts Options) (*snapshot.Snapshot, error) {
	opts = opts.Defaults()
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = opts.QPS, opts.Burst
	cfg.Timeout = opts.RequestTimeout
	// The API server's deprecation warnings are about the audited objects (a Service's
	// externalIPs), not about this client. client-go would log them to stderr, which in the
	// CronJob's pod is interleaved with the JSON report in the pod's log.
	cfg.WarningHandler = rest.NoWarnings{}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "kubeposture/" + kubeposture.Version()
	}
	// Protobuf halves the decoding cost of big lists; the Table request for secrets sets its
	// own Accept header.
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cs, rcs, err := clients(cfg)
	if err != nil {
		return nil, fmt.Errorf("build a client for %s: %w", cfg.Host, err)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	c := &collector{cs: cs, rest: rcs, opts: opts, snap: snapshot.New()}
	c.snap.CollectedAt = time.Now().UTC()
	c.snap.ToolVersion = kubeposture.Version()
	c.snap.Cluster.Server = cfg.Host

	// One cheap request first: if the server cannot be reached or we are not authenticated,
	// say so plainly instead of recording every kind as failed.
	v, err := c.serverVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("reach the API server at %s: %w (check --kubeconfig/--context, and that the cluster is up)", cfg.Host, err)
	}
	c.snap.Cluster.Version = v

	lists := opts.Plan.Lists()
	c.progress = newProgress(opts.Progress, len(lists)+1)
	defer c.progress.done()
	c.gc = lessGCWhileListing()
	// The custom kinds, /metrics and the anonymous probe need none of the lists: they are
	// read while the lists arrive rather than after, so that the API server's time to render
	// its /metrics (docs/scale.md) is not added to theirs.
	var side sync.WaitGroup
	if opts.Plan.readsCustom() {
		side.Go(func() { c.collectCustom(ctx, cfg) })
	}
	if opts.Plan.readsMetrics() {
		side.Go(func() { c.collectMetrics(ctx) })
	}
	if opts.ProbeAnonymous {
		side.Go(func() { c.probeAnonymous(ctx, cfg) })
	}
	c.run(ctx, lists)
	side.Wait()
	c.gc.restore()
	// Every kind listed after the context ended was recorded as failed: such a snapshot is not
	// the cluster's, so it is not returned.
	if err := ctx.Err(); errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("collection did not finish within --timeout %s: raise it for a cluster this size", opts.Timeout)
	} else if err != nil {
		return nil, fmt.Errorf("collection stopped: %w", context.Cause(ctx))
	}
	c.derive(ctx)
	return c.snap, nil
}

// clients returns the clientset and the listers' REST clients (restClients), as
// kubernetes.NewForConfig would build its own: one HTTP client and one rate limiter for all.
func clients(cfg *rest.Config) (kubernetes.Interface, map[schema.GroupVersion]rest.Interface, error) {
	h, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, nil, err
	}
	shared := *cfg
	if shared.RateLimiter == nil && shared.QPS > 0 {
		shared.RateLimiter = flowcontrol.NewTokenBucketRateLimiter(shared.QPS, shared.Burst)
	}
	cs, err := kubernetes.NewForConfigAndClient(&shared, h)
	if err != nil {
		return nil, nil, err
	}
	rcs, err := restClients(&shared, h)
	if err != nil {
		return nil, nil, err
	}
	return cs, rcs, nil
}

// listingGCPercent is the garbage collector's target while the lists arrive (GOGC=100 is the
// default). The heap only grows while listing, and each collection cycle scans everything
// kept so far: a higher target runs fewer cycles, trading some peak memory for CPU, during the
// listing only, and only while what is live is small (listingGCLive), since the room it
// leaves is three times what is live, too much for a big cluster. docs/scale.md has the
// measurements that chose both values.
const (
	listingGCPercent = 300
	listingGCLive    = 48 << 20
)

// listingGC is the garbage collector's target while listing.
type listingGC struct {
	raised atomic.Bool
	old    int
}

// lessGCWhileListing raises the garbage collector's target unless the user chose one (GOGC
// in the environment).
func lessGCWhileListing() *listingGC {
	g := &listingGC{}
	if os.Getenv("GOGC") == "" {
		g.old = debug.SetGCPercent(listingGCPercent)
		g.raised.Store(true)
	}
	return g
}

// check restores the target once the last collection found more than listingGCLive live. It
// is called after every page: reading the figure (runtime/metrics) stops nothing and takes
// under a microsecond.
func (g *listingGC) check() {
	if g == nil || !g.raised.Load() {
		return
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	if live[0].Value.Kind() == metrics.KindUint64 && live[0].Value.Uint64() > listingGCLive {
		g.restore()
	}
}

// restore puts the target back as it was, once.
func (g *listingGC) restore() {
	if g.raised.CompareAndSwap(true, false) {
		debug.SetGCPercent(g.old)
	}
}

type collector struct {
	cs kubernetes.Interface
	// rest holds a REST client per group and version of the listed kinds (restClients).
	rest map[schema.GroupVersion]rest.Interface
	opts Options
	snap *snapshot.Snapshot
	mu   sync.Mutex // guards snap while kinds are collected concurrently
	// systemPods are kube-system's pods when the plan reads no other pods: what names the
	// cluster and holds its control plane (derive), not kept in the snapshot.
	systemPods []corev1.Pod
	systemErr  error
	progress   *progress
	gc         *listingGC
}

func (c *collector) serverVersion(ctx context.Context) (string, error) {
	var v string
	err := c.retry(ctx, func(ctx context.Context) error {
		info, err := c.discovery().ServerVersionWithContext(ctx)
		if err != nil {
			return err
		}
		v = info.GitVersion
		return nil
	})
	return v, err
}

// discovery is the clientset's discovery client with the calls that take a context, so that
// a cancelled collection does not wait for discovery requests.
func (c *collector) discovery() discovery.DiscoveryInterfaceWithContext {
	return discovery.ToDiscoveryInterfaceWithContext(c.cs.Discovery())
}

// run lists the plan's lists, Concurrency at a time, then the kubelet configurations (which
// need the node list).
func (c *collector) run(ctx context.Context, lists []List) {
	sem := make(chan struct{}, c.opts.Concurrency)
	var wg sync.WaitGroup
	for _, ls := range lists {
		l := listerOf(ls.Kind.Resource)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if ls.Namespace != "" { // kube-system's pods, for derive only
				items, n, err := c.listKind(ctx, l, ls.Namespace)
				if err == nil {
					c.systemPods = items.Interface().([]corev1.Pod)
				}
				c.systemErr = err
				c.progress.kindDone(n)
				return
			}
			n, err := l.collect(ctx, c)
			c.record(l.kind.Resource, n, err)
			c.progress.kindDone(n)
		}()
	}
	wg.Wait()
	if c.opts.SkipKubelet || !c.opts.Plan.readsKubelets() {
		c.progress.kindDone(0)
		return
	}
	c.collectKubelets(ctx)
	c.progress.kindDone(len(c.snap.Kubelets))
}

// record stores a kind's outcome.
func (c *collector) record(r snapshot.Resource, n int, err error) {
	col := snapshot.Collection{State: snapshot.Collected, Count: n}
	if err != nil {
		col = outcome(err)
	}
	c.mu.Lock()
	c.snap.Resources[r] = col
	c.mu.Unlock()
}

// outcome classifies a failed request: forbidden and not-found are facts about the cluster
// or our permissions, anything else is a failure.
func outcome(err error) snapshot.Collection {
	switch {
	case apierrors.IsForbidden(err):
		return snapshot.Collection{State: snapshot.Forbidden, Message: err.Error()}
	case apierrors.IsNotFound(err):
		return snapshot.Collection{State: snapshot.NotFound, Message: err.Error()}
	default:
		return snapshot.Collection{State: snapshot.Failed, Message: err.Error()}
	}
}

// listPaged lists a kind page by page. page lists one page and returns it, its number of
// objects and the continue token. When a continue token expires (410 Gone, a large list under
// churn) the list restarts from the beginning, as client-go's pager does. It returns the
// pages, in order, and their number of objects.
//
// settle, if not nil, is given each page, in order, on a goroutine of its own while the next
// page is requested: the pages of one kind come one after the other, so work done between
// them (compacting and sharing a page of pods) would lengthen the listing of the largest
// kind, which bounds the whole collection.
func listPaged[P any](ctx context.Context, c *collector, page func(context.Context, metav1.ListOptions) (P, int, string, error), settle func(P)) ([]P, int, error) {
	for attempt := 0; ; attempt++ {
		var pages []P
		var settling chan P
		var settled chan struct{}
		if settle != nil {
			settling, settled = make(chan P, 2), make(chan struct{})
			go func() {
				defer close(settled)
				for p := range settling {
					settle(p)
				}
			}()
		}
		// finish waits until every page sent has been settled.
		finish := func() {
			if settling != nil {
				close(settling)
				<-settled
				settling = nil
			}
		}
		n := 0
		opts := metav1.ListOptions{Limit: c.opts.PageSize}
		expired := false
		for {
			var p P
			var count int
			var cont string
			err := c.retry(ctx, func(ctx context.Context) error {
				var err error
				p, count, cont, err = page(ctx, opts)
				return err
			})
			if apierrors.IsResourceExpired(err) && attempt < 2 {
				expired = true
				break
			}
			if err != nil {
				finish()
				return nil, 0, err
			}
			pages = append(pages, p)
			if settling != nil {
				settling <- p
			}
			c.gc.check()
			n += count
			c.progress.objects(count)
			if cont == "" {
				break
			}
			opts.Continue = cont
		}
		finish()
		if !expired {
			return pages, n, nil
		}
	}
}

// listJoined is listPaged for pages of Go values, without settling, joined.
func listJoined[T any](ctx context.Context, c *collector, page func(context.Context, metav1.ListOptions) ([]T, string, error)) ([]T, error) {
	pages, _, err := listPaged(ctx, c, func(ctx context.Context, o metav1.ListOptions) ([]T, int, string, error) {
		items, cont, err := page(ctx, o)
		return items, len(items), cont, err
	}, nil)
	if err != nil {
		return nil, err
	}
	return slices.Concat(pages...), nil
}
