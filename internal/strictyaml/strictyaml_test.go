package strictyaml

import (
	"strings"
	"testing"
)

func TestDuplicateKeys(t *testing.T) {
	for _, doc := range []string{
		"a: 1\na: 2\n",
		"spec:\n  securityContext:\n    privileged: true\n    privileged: false\n",
		"items:\n- {name: x, name: y}\n",
		`{"a": {"b": 1, "b": 2}}`,
	} {
		_, err := ToJSON([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), "already set in map (a key given twice)") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: err = %v, want a one-line refusal of the key given twice", doc, err)
		}
	}
	var v struct {
		A map[string]int `json:"a"`
	}
	if err := Unmarshal([]byte("a: {b: 1, c: 2}\n"), &v); err != nil || v.A["c"] != 2 {
		t.Errorf("a document without duplicates: %v, %v", v, err)
	}
	if err := Unmarshal([]byte("a: [\n"), &v); err == nil || strings.HasPrefix(err.Error(), "yaml: yaml:") {
		t.Errorf("not YAML: err = %v", err)
	}
}

func FuzzToJSON(f *testing.F) {
	f.Add([]byte("a: 1\na: 2\n"))
	f.Add([]byte(`{"a": [1, {"b": 2, "b": 3}]}`))
	f.Add([]byte("a: &x {b: 1}\nc: *x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ToJSON(data)
	})
}
