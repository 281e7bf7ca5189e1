package collect

import (
	"context"
	"fmt"
	"net/http"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/intern"
)

// lister lists one kind of snapshot.CollectedKinds into the snapshot.
type lister struct {
	kind snapshot.CollectedKind
	// list, when set, replaces the generic listing (listKind).
	list func(context.Context, *collector) (int, error)
	// trim, when set, drops from each object more than compactMeta does, as its page arrives,
	// so that what is dropped is garbage before the next pages are decoded rather than after
	// the whole list.
	trim func(obj any)
}

// hooks are the kinds that are not listed, or not kept, as the API serves them.
var hooks = map[snapshot.Resource]lister{
	snapshot.ResPods: {trim: func(o any) { compactPod(o.(*corev1.Pod)) }},
	// The image list of a node can run to hundreds of entries; no check reads it.
	snapshot.ResNodes: {trim: func(o any) { o.(*corev1.Node).Status.Images = nil }},
	// Metadata and type only, through the server-side Table: never a secret's value.
	snapshot.ResSecrets: {list: listSecretMetadata},
}

// listers are the kinds collected, concurrently: every row of snapshot.CollectedKinds, pods
// first because they are the largest list.
var listers = func() []lister {
	var out []lister
	for _, k := range snapshot.CollectedKinds {
		l := hooks[k.Resource]
		l.kind = k
		if k.Resource == snapshot.ResPods {
			out = append([]lister{l}, out...)
		} else {
			out = append(out, l)
		}
	}
	return out
}()

// collect lists the kind into c's snapshot and returns how many objects it stored.
func (l lister) collect(ctx context.Context, c *collector) (int, error) {
	if l.list != nil {
		return l.list(ctx, c)
	}
	return c.listKind(ctx, l)
}

// listKind lists a kind as its typed client would (a GET of the collection through the
// REST client of its group and version, decoded from protobuf into the list's Go type), a
// page at a time, and stores the compacted objects in the snapshot.
func (c *collector) listKind(ctx context.Context, l lister) (int, error) {
	k := l.kind
	client, listGVK := c.rest[k.GVK.GroupVersion()], k.GVK.GroupVersion().WithKind(k.GVK.Kind+"List")
	// Replicas repeat their labels, images, resource lists and security contexts: each
	// page's copies are made to share those of the objects before them.
	sh := intern.New()
	pages, n, err := listPaged(ctx, c, func(ctx context.Context, o metav1.ListOptions) (reflect.Value, int, string, error) {
		list, err := scheme.Scheme.New(listGVK)
		if err != nil {
			return reflect.Value{}, 0, "", err
		}
		err = client.Get().Resource(k.Plural()).VersionedParams(&o, scheme.ParameterCodec).Do(ctx).Into(list)
		if err != nil {
			return reflect.Value{}, 0, "", err
		}
		// Every list type has ListMeta and Items, a slice of the kind's Go type (a test of
		// snapshot.CollectedKinds checks it).
		items := reflect.ValueOf(list).Elem().FieldByName("Items")
		return items, items.Len(), list.(metav1.ListInterface).GetContinue(), nil
	}, func(items reflect.Value) {
		for i := range items.Len() {
			obj := items.Index(i).Addr().Interface()
			compactMeta(obj.(metav1.Object))
			if l.trim != nil {
				l.trim(obj)
			}
			sh.Share(obj)
		}
	})
	if err != nil {
		return 0, err
	}
	all := joinPages(pages, n, k.Type)
	c.mu.Lock()
	k.Set(c.snap, all.Interface())
	c.mu.Unlock()
	return n, nil
}

// joinPages joins the pages, slices of elem, once, into a slice of the exact size: appending
// page by page would copy a big list several times over and leave the copies to the garbage
// collector.
func joinPages(pages []reflect.Value, n int, elem reflect.Type) reflect.Value {
	if len(pages) == 1 {
		return pages[0]
	}
	all := reflect.MakeSlice(reflect.SliceOf(elem), 0, n)
	for i := range pages {
		all = reflect.AppendSlice(all, pages[i])
		pages[i] = reflect.Value{} // let the page go as soon as it is copied
	}
	return all
}

// restClients returns a REST client for each group and version of snapshot.CollectedKinds,
// made as the clientset makes its typed clients (their setConfigDefaults): over cfg and the
// HTTP client h, decoding into client-go's Go types.
func restClients(cfg *rest.Config, h *http.Client) (map[schema.GroupVersion]rest.Interface, error) {
	m := map[schema.GroupVersion]rest.Interface{}
	for _, k := range snapshot.CollectedKinds {
		gv := k.GVK.GroupVersion()
		if m[gv] != nil {
			continue
		}
		gc := *cfg
		gc.GroupVersion = &gv
		gc.APIPath = "/apis"
		if gv.Group == "" {
			gc.APIPath = "/api"
		}
		gc.NegotiatedSerializer = rest.CodecFactoryForGeneratedClient(scheme.Scheme, scheme.Codecs).WithoutConversion()
		rc, err := rest.RESTClientForConfigAndClient(&gc, h)
		if err != nil {
			return nil, fmt.Errorf("build a client for %s: %w", gv, err)
		}
		m[gv] = rc
	}
	return m, nil
}

// lastApplied is kubectl's copy of an object's last applied manifest. It duplicates the spec
// (doubling the snapshot's size) and, on a Secret, holds the secret's data in clear: it is
// always dropped.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// compactMeta drops what no check reads and what must not be kept.
func compactMeta(m metav1.Object) {
	m.SetManagedFields(nil)
	if a := m.GetAnnotations(); a != nil {
		delete(a, lastApplied)
	}
}

// compactPod drops what no check reads of a pod and is not evidence an auditor needs:
//
//   - its conditions (transition times and messages);
//   - of each container's status, everything but its name, image and imageID: the imageID is
//     the digest the node actually runs, the evidence behind any image finding, whatever tag
//     the spec names.
//
// The phase, reason and message, the node's and the pod's addresses (the NetworkPolicy engine
// reads the pod's), the QoS class and the start time are kept. The containers' resource
// requests and limits are kept too, on every pod: a LimitRange sets them at admission, and
// in-place resize or a vertical autoscaler changes them later, so a pod's own values are not
// its template's.
func compactPod(p *corev1.Pod) {
	st := &p.Status
	st.Conditions = nil
	st.InitContainerStatuses = imageStatuses(st.InitContainerStatuses)
	st.ContainerStatuses = imageStatuses(st.ContainerStatuses)
	st.EphemeralContainerStatuses = imageStatuses(st.EphemeralContainerStatuses)
	st.ResourceClaimStatuses, st.ExtendedResourceClaimStatus = nil, nil
}

// imageStatuses keeps, of each container status, what identifies the running image.
func imageStatuses(in []corev1.ContainerStatus) []corev1.ContainerStatus {
	if len(in) == 0 {
		return nil
	}
	out := make([]corev1.ContainerStatus, len(in))
	for i, c := range in {
		out[i] = corev1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: c.ImageID}
	}
	return out
}
