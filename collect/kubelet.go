package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// kubeletTimeout bounds one configz request: an unreachable kubelet must not hold up the
// audit of the others.
const kubeletTimeout = 10 * time.Second

// collectKubelets reads each node's effective kubelet configuration through the API server's
// node proxy (/api/v1/nodes/NAME/proxy/configz). The kubelet reports its configuration with
// flags already merged over the config file and defaults, which no file on disk shows.
// It needs get on nodes/proxy, a powerful permission: without it every node is recorded as
// forbidden and the node checks report NOT_EVALUATED.
func (c *collector) collectKubelets(ctx context.Context) {
	// The lists are done, but /metrics, the CNI policies and the probe may still be
	// recording (Collect): the snapshot is read and written under c.mu.
	c.mu.Lock()
	col := c.snap.Resources[snapshot.ResNodes]
	nodes := c.snap.Nodes
	if col.State != snapshot.Collected {
		c.snap.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: col.State,
			Message: "the node list was not collected: " + col.Message}
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	out := make([]snapshot.Kubelet, len(nodes))
	sem := make(chan struct{}, c.opts.Concurrency)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = c.kubelet(ctx, nodes[i].Name)
		}()
	}
	wg.Wait()
	sort.Slice(out, func(i, j int) bool { return out[i].Node < out[j].Node })
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap.Kubelets = out
	c.snap.Resources[snapshot.ResKubeletConfigs] = summarizeKubelets(out)
}

func (c *collector) kubelet(ctx context.Context, node string) snapshot.Kubelet {
	ctx, cancel := context.WithTimeout(ctx, kubeletTimeout)
	defer cancel()
	k := snapshot.Kubelet{Node: node}
	raw, err := c.cs.CoreV1().RESTClient().Get().
		AbsPath("/api/v1/nodes", node, "proxy", "configz").
		SetHeader("Accept", "application/json").
		DoRaw(ctx)
	if err != nil {
		k.Collection = outcome(err)
		// The proxy answers with a Status whose message client-go does not always surface
		// ("an error on the server (\"unknown\")"): the body says what went wrong.
		if msg := statusMessage(raw); msg != "" {
			k.Collection.Message = msg
		}
		return k
	}
	cfg, err := parseConfigz(raw)
	if err != nil {
		k.Collection = snapshot.Collection{State: snapshot.Failed, Message: err.Error()}
		return k
	}
	k.Config = cfg
	k.Collection = snapshot.Collection{State: snapshot.Collected, Count: 1}
	return k
}

// statusMessage returns the message of a Status body, or "".
func statusMessage(raw []byte) string {
	var st metav1.Status
	if json.Unmarshal(raw, &st) != nil || st.Kind != "Status" {
		return ""
	}
	return st.Message
}

// parseConfigz decodes the kubelet's configz answer: {"kubeletconfig": {...}}.
func parseConfigz(raw []byte) (*kubeletv1beta1.KubeletConfiguration, error) {
	var doc struct {
		KubeletConfig *kubeletv1beta1.KubeletConfiguration `json:"kubeletconfig"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode configz: %w", err)
	}
	if doc.KubeletConfig == nil {
		return nil, fmt.Errorf("configz answer has no kubeletconfig object")
	}
	return doc.KubeletConfig, nil
}

// summarizeKubelets turns the per-node outcomes into one for the resource: collected when
// every node answered, partial when some did, else the most telling failure.
func summarizeKubelets(ks []snapshot.Kubelet) snapshot.Collection {
	counts := map[snapshot.State]int{}
	var firstErr string
	for _, k := range ks {
		counts[k.Collection.State]++
		if k.Collection.State != snapshot.Collected && firstErr == "" {
			firstErr = k.Node + ": " + k.Collection.Message
		}
	}
	ok := counts[snapshot.Collected]
	switch {
	case ok == len(ks):
		return snapshot.Collection{State: snapshot.Collected, Count: ok}
	case ok > 0:
		return snapshot.Collection{State: snapshot.Partial, Count: ok,
			Message: fmt.Sprintf("%d of %d nodes not read; first: %s", len(ks)-ok, len(ks), firstErr)}
	case counts[snapshot.Forbidden] > 0:
		return snapshot.Collection{State: snapshot.Forbidden, Message: firstErr}
	default:
		return snapshot.Collection{State: snapshot.Failed, Message: firstErr}
	}
}
