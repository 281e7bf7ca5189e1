package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/snapshot"
)

// cniKind is a network plugin's policy kind, found through discovery when its CRD is
// installed.
type cniKind struct {
	resource   snapshot.Resource
	group      string
	plural     string
	namespaced bool
}

var cniKinds = []cniKind{
	{snapshot.ResCiliumNetworkPolicies, "cilium.io", "ciliumnetworkpolicies", true},
	{snapshot.ResCiliumClusterwideNetworkPolicies, "cilium.io", "ciliumclusterwidenetworkpolicies", false},
	{snapshot.ResCalicoNetworkPolicies, "crd.projectcalico.org", "networkpolicies", true},
	{snapshot.ResCalicoGlobalNetworkPolicies, "crd.projectcalico.org", "globalnetworkpolicies", false},
}

// collectCNI records the API groups the server serves (which network plugins installed
// their APIs) and lists the Cilium and Calico policy kinds it serves. A kind whose API the
// server does not serve (no CRD) is recorded as collected with no objects: there can be none.
// Discovery that fails or is forbidden is recorded on the groups and on every kind, so that
// the network checks know they could not look.
func (c *collector) collectCNI(ctx context.Context, cfg *rest.Config) {
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
		for _, k := range cniKinds {
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
		for _, k := range cniKinds {
			record(k.resource, snapshot.Collection{State: snapshot.Failed, Message: fmt.Sprintf("dynamic client: %v", err)})
		}
		return
	}
	served := map[string]map[string]bool{} // group version -> plural -> served
	for _, k := range cniKinds {
		gvs, ok := preferred[k.group]
		if !ok {
			record(k.resource, snapshot.Collection{State: snapshot.Collected, Message: "API group " + k.group + " not served (no CRD installed)"})
			continue
		}
		if served[gvs] == nil {
			served[gvs] = map[string]bool{}
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
			for _, r := range rl.APIResources {
				served[gvs][r.Name] = true
			}
		}
		if !served[gvs][k.plural] {
			record(k.resource, snapshot.Collection{State: snapshot.Collected, Message: k.plural + " not served in " + gvs + " (no CRD installed)"})
			continue
		}
		gv, err := schema.ParseGroupVersion(gvs)
		if err != nil {
			record(k.resource, snapshot.Collection{State: snapshot.Failed, Message: fmt.Sprintf("group version %q: %v", gvs, err)})
			continue
		}
		res := dyn.Resource(gv.WithResource(k.plural))
		items, err := listJoined(ctx, c, func(ctx context.Context, o metav1.ListOptions) ([]snapshot.CNIPolicy, string, error) {
			l, err := res.Namespace(metav1.NamespaceAll).List(ctx, o)
			if err != nil {
				return nil, "", err
			}
			out := make([]snapshot.CNIPolicy, 0, len(l.Items))
			for i := range l.Items {
				out = append(out, cniPolicy(k, &l.Items[i]))
			}
			return out, l.GetContinue(), nil
		})
		if err != nil {
			record(k.resource, outcome(err))
			continue
		}
		c.mu.Lock()
		c.snap.CNIPolicies = append(c.snap.CNIPolicies, items...)
		c.snap.Resources[k.resource] = snapshot.Collection{State: snapshot.Collected, Count: len(items)}
		c.mu.Unlock()
	}
}

// cniPolicy keeps an object's identity and its spec (Cilium's "specs" when "spec" is absent).
func cniPolicy(k cniKind, u *unstructured.Unstructured) snapshot.CNIPolicy {
	p := snapshot.CNIPolicy{Resource: k.resource, APIVersion: u.GetAPIVersion(), Kind: u.GetKind(),
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
