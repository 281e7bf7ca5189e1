package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/snapshot"
)

// customKind is a kind installed by a CustomResourceDefinition (a network plugin's policy, an
// add-on's resource, addons.go), found through discovery when its API is served.
type customKind struct {
	resource snapshot.Resource
	// list lists every object of the kind through res and keeps what the checks read in the
	// snapshot, under the collector's lock; it returns how many it kept.
	list func(ctx context.Context, c *collector, res dynamic.NamespaceableResourceInterface) (int, error)
	// copy makes dst's list of the kind src's (Plan.Restrict).
	copy func(dst, src *snapshot.Snapshot)
}

// group and plural split the kind's resource name ("ciliumnetworkpolicies.cilium.io").
func (k customKind) group() string  { _, g, _ := strings.Cut(string(k.resource), "."); return g }
func (k customKind) plural() string { p, _, _ := strings.Cut(string(k.resource), "."); return p }

// custom is the customKind of resource r whose objects keep turns into Ts, appended to the
// snapshot's list that field returns.
func custom[T any](r snapshot.Resource, keep func(*unstructured.Unstructured) (T, error), field func(*snapshot.Snapshot) *[]T) customKind {
	return customKind{resource: r, list: func(ctx context.Context, c *collector, res dynamic.NamespaceableResourceInterface) (int, error) {
		items, err := listJoined(ctx, c, func(ctx context.Context, o metav1.ListOptions) ([]T, string, error) {
			l, err := res.Namespace(metav1.NamespaceAll).List(ctx, o)
			if err != nil {
				return nil, "", err
			}
			out := make([]T, 0, len(l.Items))
			for i := range l.Items {
				v, err := keep(&l.Items[i])
				if err != nil {
					return nil, "", fmt.Errorf("%s %s/%s: %w", l.Items[i].GetKind(), l.Items[i].GetNamespace(), l.Items[i].GetName(), err)
				}
				out = append(out, v)
			}
			return out, l.GetContinue(), nil
		})
		if err != nil {
			return 0, err
		}
		c.mu.Lock()
		f := field(c.snap)
		*f = append(*f, items...)
		c.mu.Unlock()
		return len(items), nil
	}, copy: func(dst, src *snapshot.Snapshot) { *field(dst) = *field(src) }}
}

// customKinds are the custom kinds the collector lists: the network plugins' policies, then
// the add-ons' (addonKinds, addons.go), as snapshot.CustomResources lists them.
var customKinds = append(cniKinds(), addonKinds...)

func cniKinds() []customKind {
	var out []customKind
	for _, r := range snapshot.CNIPolicyResources {
		out = append(out, custom(r, func(u *unstructured.Unstructured) (snapshot.CNIPolicy, error) {
			return cniPolicy(r, u), nil
		}, func(s *snapshot.Snapshot) *[]snapshot.CNIPolicy { return &s.CNIPolicies }))
	}
	return out
}

// collectCustom records the API groups the server serves (which network plugins and add-ons
// installed their APIs) and lists the custom kinds it serves. A kind whose API the server does
// not serve (no CRD) is recorded as collected with no objects: there can be none. Discovery
// that fails or is forbidden is recorded on the groups and on every kind, so that the checks
// know they could not look.
func (c *collector) collectCustom(ctx context.Context, cfg *rest.Config) {
	record := func(r snapshot.Resource, col snapshot.Collection) {
		c.mu.Lock()
		c.snap.Resources[r] = col
		c.mu.Unlock()
	}
	var groups *metav1.APIGroupList
	err := c.retry(ctx, func(ctx context.Context) error {
		var err error
		groups, err = c.discovery().ServerGroupsWithContext(ctx)
		return err
	})
	if err != nil {
		col := outcome(err)
		col.Message = "discovery of API groups: " + col.Message
		record(snapshot.ResAPIGroups, col)
		for _, k := range customKinds {
			record(k.resource, col)
		}
		return
	}
	preferred := map[string]string{}
	names := make([]string, 0, len(groups.Groups))
	for _, g := range groups.Groups {
		preferred[g.Name] = g.PreferredVersion.GroupVersion
		names = append(names, g.Name)
	}
	sort.Strings(names)
	c.mu.Lock()
	c.snap.APIGroups = names
	c.mu.Unlock()
	record(snapshot.ResAPIGroups, snapshot.Collection{State: snapshot.Collected, Count: len(names)})
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		for _, k := range customKinds {
			record(k.resource, snapshot.Collection{State: snapshot.Failed, Message: fmt.Sprintf("dynamic client: %v", err)})
		}
		return
	}
	served := map[string]map[string]bool{} // group version -> plural -> served
	for _, k := range customKinds {
		gvs, ok := preferred[k.group()]
		if !ok {
			record(k.resource, snapshot.Collection{State: snapshot.Collected, Message: "API group " + k.group() + " not served (no CRD installed)"})
			continue
		}
		if served[gvs] == nil {
			var rl *metav1.APIResourceList
			err := c.retry(ctx, func(ctx context.Context) error {
				var err error
				rl, err = c.discovery().ServerResourcesForGroupVersionWithContext(ctx, gvs)
				return err
			})
			if err != nil {
				record(k.resource, outcome(fmt.Errorf("discovery of %s: %w", gvs, err)))
				continue
			}
			served[gvs] = map[string]bool{}
			for _, r := range rl.APIResources {
				served[gvs][r.Name] = true
			}
		}
		if !served[gvs][k.plural()] {
			record(k.resource, snapshot.Collection{State: snapshot.Collected, Message: k.plural() + " not served in " + gvs + " (no CRD installed)"})
			continue
		}
		gv, err := schema.ParseGroupVersion(gvs)
		if err != nil {
			record(k.resource, snapshot.Collection{State: snapshot.Failed, Message: fmt.Sprintf("group version %q: %v", gvs, err)})
			continue
		}
		n, err := k.list(ctx, c, dyn.Resource(gv.WithResource(k.plural())))
		if err != nil {
			record(k.resource, outcome(err))
			continue
		}
		record(k.resource, snapshot.Collection{State: snapshot.Collected, Count: n})
	}
}

// cniPolicy keeps an object's identity and its spec (Cilium's "specs" when "spec" is absent).
func cniPolicy(r snapshot.Resource, u *unstructured.Unstructured) snapshot.CNIPolicy {
	p := snapshot.CNIPolicy{Resource: r, APIVersion: u.GetAPIVersion(), Kind: u.GetKind(),
		Namespace: u.GetNamespace(), Name: u.GetName()}
	for _, field := range []string{"spec", "specs"} {
		if v, ok := u.Object[field]; ok {
			if raw, err := json.Marshal(v); err == nil {
				p.Spec = raw
			}
			break
		}
	}
	return p
}
