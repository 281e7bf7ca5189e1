package collect

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/intern"
	"github.com/kubeposture/kubeposture/snapshot/wire"
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

// listerOf returns the lister of kind r.
func listerOf(r snapshot.Resource) lister {
	for _, l := range listers {
		if l.kind.Resource == r {
			return l
		}
	}
	panic("collect: no lister of " + string(r))
}

// collect lists the kind into c's snapshot and returns how many objects it stored.
func (l lister) collect(ctx context.Context, c *collector) (int, error) {
	if l.list != nil {
		return l.list(ctx, c)
	}
	items, n, err := c.listKind(ctx, l, "")
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	l.kind.Set(c.snap, items.Interface())
	c.mu.Unlock()
	return n, nil
}

// listKind lists a kind as its typed client would (a GET of the collection through the
// REST client of its group and version, in protobuf), a page at a time, and stores the
// compacted objects: a slice of the kind's type, and its length. namespace, when not empty,
// lists that namespace only.
//
// A page is read into a buffer of the lister's own, reused from page to page, and decoded by
// package wire, on the goroutine that settles pages while the next is requested: straight into
// the kind's list (sized from the first page's count of what remains), compacted as it is
// decoded, and sharing what repeats (a replica's containers, volume sources, labels) with the
// objects before it. A server that answers in JSON instead is decoded by client-go's decoder,
// then compacted and shared the same way.
func (c *collector) listKind(ctx context.Context, l lister, namespace string) (reflect.Value, int, error) {
	k := l.kind
	client, listGVK := c.rest[k.GVK.GroupVersion()], k.GVK.GroupVersion().WithKind(k.GVK.Kind+"List")
	bodies := make(chan []byte, 4) // read, waiting, decoding: a page's body is reused once decoded
	b := newListBuilder(k.Type)
	var decodeErr error
	_, n, err := listPaged(ctx, c, func(ctx context.Context, o metav1.ListOptions) (page, int, string, error) {
		p := page{first: o.Continue == ""}
		select {
		case p.body = <-bodies:
		default:
		}
		rc, err := client.Get().Namespace(namespace).Resource(k.Plural()).VersionedParams(&o, scheme.ParameterCodec).Stream(ctx)
		if err != nil {
			return p, 0, "", err
		}
		p.body, err = readBody(rc, p.body[:0])
		rc.Close()
		if err != nil {
			return p, 0, "", err
		}
		if bytes.HasPrefix(p.body, wire.Magic) {
			if p.list, err = wire.ParseList(p.body); err != nil {
				return p, 0, "", fmt.Errorf("decode the %s list: %w", k.Resource, err)
			}
			return p, len(p.list.Items), p.list.Continue, nil
		}
		// Not protobuf: a server or proxy that speaks JSON only.
		list, err := scheme.Scheme.New(listGVK)
		if err != nil {
			return p, 0, "", err
		}
		if err := runtime.DecodeInto(scheme.Codecs.UniversalDeserializer(), p.body, list); err != nil {
			return p, 0, "", fmt.Errorf("decode the %s list: %w", k.Resource, err)
		}
		// Every list type has ListMeta and Items, a slice of the kind's Go type (a test of
		// snapshot.CollectedKinds checks it).
		p.typed = reflect.ValueOf(list).Elem().FieldByName("Items")
		p.list.Remaining = -1
		if r := list.(metav1.ListInterface).GetRemainingItemCount(); r != nil {
			p.list.Remaining = *r
		}
		return p, p.typed.Len(), list.(metav1.ListInterface).GetContinue(), nil
	}, func(p page) {
		if decodeErr == nil {
			decodeErr = b.add(p, l.trim)
		}
		select {
		case bodies <- p.body:
		default:
		}
	})
	if err == nil {
		err = decodeErr
	}
	if err != nil {
		return reflect.Value{}, 0, err
	}
	if !b.items.IsValid() || b.items.Len() == 0 { // an empty list is nil, as client-go decodes it
		b.items = reflect.Zero(reflect.SliceOf(k.Type))
	}
	if b.items.Len() != n {
		return reflect.Value{}, 0, fmt.Errorf("the %s list: %d objects listed, %d decoded", k.Resource, n, b.items.Len())
	}
	return b.items, n, nil
}

// page is one page of a list: its body, and either its encoded items (protobuf) or its
// decoded ones (JSON).
type page struct {
	first bool // the first page of an attempt: what was built before is dropped
	body  []byte
	list  wire.List
	typed reflect.Value
}

// listBuilder builds a kind's list, page after page.
type listBuilder struct {
	elem  reflect.Type
	items reflect.Value // a slice of elem
	dec   *wire.Decoder
	sh    *intern.Sharer
}

func newListBuilder(elem reflect.Type) *listBuilder {
	return &listBuilder{elem: elem}
}

// add decodes (or, for a JSON page, compacts and shares) a page's objects onto the list.
func (b *listBuilder) add(p page, trim func(any)) error {
	n := p.list.Items
	count := len(n)
	if p.typed.IsValid() {
		count = p.typed.Len()
	}
	if p.first || !b.items.IsValid() {
		// A new list, or a list restarted after its continue token expired.
		size := count
		if p.list.Remaining > 0 {
			size += int(min(p.list.Remaining, maxReserve))
		}
		b.items = reflect.MakeSlice(reflect.SliceOf(b.elem), 0, size)
		b.dec, b.sh = wire.NewDecoder(), intern.New()
	}
	if need := b.items.Len() + count; need > b.items.Cap() {
		// More than the server announced (or it announced nothing): double, so that a list
		// of unknown length is copied a few times, not once per page.
		grown := reflect.MakeSlice(b.items.Type(), b.items.Len(), max(need, 2*b.items.Cap()))
		reflect.Copy(grown, b.items)
		b.items = grown
	}
	for i := range count {
		// Past its length the array is zero: an element is taken by extending the slice.
		b.items = b.items.Slice(0, b.items.Len()+1)
		dst := b.items.Index(b.items.Len() - 1)
		if !p.typed.IsValid() {
			if err := b.dec.Decode(n[i], dst.Addr().Interface()); err != nil {
				return fmt.Errorf("decode object %d of a page: %w", i, err)
			}
			continue
		}
		obj := p.typed.Index(i).Addr().Interface()
		compactMeta(obj.(metav1.Object))
		if trim != nil {
			trim(obj)
		}
		b.sh.Share(obj)
		dst.Set(p.typed.Index(i))
	}
	return nil
}

// maxReserve bounds the room a list reserves from the server's count of what remains.
const maxReserve = 1 << 20

// readBody reads r to its end into buf, growing it as needed, and returns it.
func readBody(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(cap(buf), 64<<10)) // doubling: a page is read once
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
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

// lastApplied is kubectl's copy of an object's last applied manifest (wire.LastApplied).
const lastApplied = wire.LastApplied

// compactMeta drops what no check reads and what must not be kept: the managed fields, and
// kubectl's last-applied copy of the object, which duplicates the spec and,
// on a Secret, holds its data in clear. Objects decoded by package wire are compacted as
// they are decoded; this is the same for objects decoded otherwise.
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
