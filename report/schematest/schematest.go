// Package schematest validates the documents the report package writes against the official
// schemas kept in report/testdata, for the tests of every package that writes them.
package schematest

import (
	"bytes"
	"fmt"
	"os"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// OSCALSchemaID is the $id of NIST's OSCAL 1.0.6 Assessment Results JSON schema
// (oscal-assessment-results-1.0.6.schema.json in report/testdata, copied unedited from
// /work/shared/schemas, SHA-256 aba6545539577ff98bd36ae3fbd1f944bfbf5527e0c6dd1b4d4847113ce42095).
const OSCALSchemaID = "http://csrc.nist.gov/ns/oscal/1.0.6/oscal-ar-schema.json"

var (
	mu      sync.Mutex
	schemas = map[string]*jsonschema.Schema{}
)

// ValidateOSCAL validates doc against the OSCAL assessment-results schema in the file
// schemaPath, as a draft-07 validator reads it, with formats (date-time, uri-reference)
// asserted.
func ValidateOSCAL(schemaPath string, doc []byte) error {
	sch, err := oscalSchema(schemaPath)
	if err != nil {
		return fmt.Errorf("OSCAL schema %s: %w", schemaPath, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("OSCAL is not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("OSCAL does not validate against the 1.0.6 assessment-results schema: %w", err)
	}
	return nil
}

func oscalSchema(path string) (*jsonschema.Schema, error) {
	mu.Lock()
	defer mu.Unlock()
	if s, ok := schemas[path]; ok {
		return s, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	if n := liftIDRefs(doc); n != 12 {
		return nil, fmt.Errorf("%d definitions with both $id and $ref, want the 1.0.6 schema's 12", n)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	// Added under its own $id, against which its anchors ("#assembly_…") resolve.
	if err := c.AddResource(OSCALSchemaID, doc); err != nil {
		return nil, err
	}
	s, err := c.Compile(OSCALSchemaID)
	if err != nil {
		return nil, err
	}
	schemas[path] = s
	return s, nil
}

// liftIDRefs rewrites, in the decoded schema, each {"$id": "#name", "$ref": R} into
// {"$id": "#name", "allOf": [{"$ref": R}]}, and returns how many it rewrote. NIST's generator
// puts an anchor beside a $ref in 12 definitions (the metadata's last-modified, version and
// oscal-version among them), which draft-07 says to ignore, so a strict validator cannot
// resolve the references to them (santhosh-tekuri/jsonschema#129, usnistgov/OSCAL#1908).
// Moved into allOf, the same constraint applies and the anchor is honoured, as the schema's
// authors meant: nothing is loosened.
func liftIDRefs(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"]; ok {
			if _, ok := v["$id"]; ok {
				delete(v, "$ref")
				v["allOf"] = []any{map[string]any{"$ref": ref}}
				n++
			}
		}
		for _, c := range v {
			n += liftIDRefs(c)
		}
	case []any:
		for _, c := range v {
			n += liftIDRefs(c)
		}
	}
	return n
}
