package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// tableAccept asks the API server for its server-side Table rendering, the one kubectl get
// prints. For secrets it has the columns Name, Type, Data (a count) and Age: the type without
// the values. includeObject=Metadata adds each secret's metadata, never its data.
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

// listSecretMetadata lists secrets as metadata and type only. A plain LIST would return
// every secret's value; this request cannot.
func listSecretMetadata(ctx context.Context, c *collector) (int, error) {
	all, err := listJoined(ctx, c, func(ctx context.Context, o metav1.ListOptions) ([]snapshot.SecretMeta, string, error) {
		req := c.cs.CoreV1().RESTClient().Get().
			Resource("secrets").
			SetHeader("Accept", tableAccept).
			Param("includeObject", string(metav1.IncludeMetadata)).
			Param("limit", strconv.FormatInt(o.Limit, 10))
		if o.Continue != "" {
			req = req.Param("continue", o.Continue)
		}
		raw, err := req.DoRaw(ctx)
		if err != nil {
			return nil, "", err
		}
		return parseSecretTable(raw)
	})
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	c.snap.Secrets = all
	c.mu.Unlock()
	return len(all), nil
}

// parseSecretTable reads one page of the secrets Table.
func parseSecretTable(raw []byte) ([]snapshot.SecretMeta, string, error) {
	var t metav1.Table
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, "", fmt.Errorf("decode the secrets table: %w", err)
	}
	if t.Kind != "Table" {
		return nil, "", fmt.Errorf("the API server answered the secrets list with kind %q, not a Table: it does not support server-side printing, and kubeposture will not fall back to reading secret values", t.Kind)
	}
	typeCol := -1
	for i, col := range t.ColumnDefinitions {
		if col.Name == "Type" {
			typeCol = i
		}
	}
	out := make([]snapshot.SecretMeta, 0, len(t.Rows))
	for i, row := range t.Rows {
		var m metav1.PartialObjectMetadata
		if len(row.Object.Raw) == 0 {
			return nil, "", fmt.Errorf("secrets table row %d has no metadata object", i)
		}
		if err := json.Unmarshal(row.Object.Raw, &m); err != nil {
			return nil, "", fmt.Errorf("decode secrets table row %d: %w", i, err)
		}
		s := snapshot.SecretMeta{ObjectMeta: secretMeta(&m.ObjectMeta)}
		if typeCol >= 0 && typeCol < len(row.Cells) {
			if v, ok := row.Cells[typeCol].(string); ok {
				s.Type = corev1.SecretType(v)
			}
		}
		out = append(out, s)
	}
	return out, t.Continue, nil
}

// The labels and annotations of a Secret that a check reads: the service account a legacy
// token belongs to (set by the token controller), and the labels the API server and the
// legacy token cleaner set on such a token (k8s.io/kubernetes pkg/serviceaccount:
// LastUsedLabelKey, InvalidSinceLabelKey), read by KP-WL-041 and KP-RBAC-015.
var (
	secretAnnotations = []string{corev1.ServiceAccountNameKey, corev1.ServiceAccountUIDKey}
	secretLabels      = []string{"kubernetes.io/legacy-token-last-used", "kubernetes.io/legacy-token-invalid-since"}
)

// secretMeta is the metadata of a Secret that the snapshot keeps: an allowlist, so that no
// tool's copy of the secret survives, whatever the annotation is called (kubectl's
// last-applied-configuration, kapp's kapp.k14s.io/original: carvel-dev/kapp#137, and any
// other). Kept: name, namespace, uid, creation and deletion times, owner references, and
// the labels and annotations in secretLabels and secretAnnotations. Dropped with the rest:
// every other label and annotation (so an exception's label selector or
// --exception-annotation cannot match a Secret), finalizers, managed fields.
func secretMeta(m *metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: m.Name, Namespace: m.Namespace, UID: m.UID,
		CreationTimestamp: m.CreationTimestamp, DeletionTimestamp: m.DeletionTimestamp,
		OwnerReferences: m.OwnerReferences,
		Labels:          keep(m.Labels, secretLabels), Annotations: keep(m.Annotations, secretAnnotations),
	}
}

// keep returns the entries of m whose keys are in keys, or nil when there are none.
func keep(m map[string]string, keys []string) map[string]string {
	var out map[string]string
	for _, k := range keys {
		if v, ok := m[k]; ok {
			if out == nil {
				out = make(map[string]string, len(keys))
			}
			out[k] = v
		}
	}
	return out
}
