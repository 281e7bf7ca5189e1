// Package strictyaml reads YAML (and JSON, which is YAML) that gives no key twice: a mapping
// with a duplicate key ("privileged: true" then "privileged: false") is refused, where a lax
// parser keeps the last value and another tool may keep the first. kubectl and the API server
// refuse such documents too (strict field validation), and the API server loads its own
// configuration files strictly. The parser is sigs.k8s.io/yaml's strict mode (YAMLToJSONStrict,
// go.yaml.in/yaml/v2's UnmarshalStrict), the one Kubernetes uses; unknown fields are not
// refused here.
package strictyaml

import (
	"encoding/json"
	"errors"
	"strings"

	"sigs.k8s.io/yaml"
)

// ToJSON converts a YAML or JSON document to JSON, refusing a key given twice.
func ToJSON(data []byte) ([]byte, error) {
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, oneLine(err)
	}
	return js, nil
}

// Unmarshal decodes a YAML or JSON document into v (through encoding/json, as
// sigs.k8s.io/yaml does), refusing a key given twice.
func Unmarshal(data []byte, v any) error {
	js, err := ToJSON(data)
	if err != nil {
		return err
	}
	return json.Unmarshal(js, v)
}

// oneLine makes the YAML parser's list of errors ("yaml: unmarshal errors:\n  line 10: key
// \"privileged\" already set in map") one line, for a CLI error.
func oneLine(err error) error {
	msg := strings.Replace(err.Error(), "unmarshal errors:\n  ", "", 1)
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	if strings.Contains(msg, "already set in map") {
		msg += " (a key given twice)"
	}
	return errors.New(msg)
}
