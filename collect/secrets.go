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
		compactMeta(&m.ObjectMeta)
		s := snapshot.SecretMeta{ObjectMeta: m.ObjectMeta}
		if typeCol >= 0 && typeCol < len(row.Cells) {
			if v, ok := row.Cells[typeCol].(string); ok {
				s.Type = corev1.SecretType(v)
			}
		}
		out = append(out, s)
	}
	return out, t.Continue, nil
}
