package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
)

// New returns an empty snapshot with its type fields set.
func New() *Snapshot {
	return &Snapshot{APIVersion: APIVersion, Kind: Kind, Resources: map[Resource]Collection{}}
}

// Write encodes s as JSON to w.
func Write(w io.Writer, s *Snapshot) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return bw.Flush()
}

// WriteFile writes s to path, replacing it only once the whole snapshot is written.
func WriteFile(path string, s *Snapshot) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	if err := Write(f, s); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write snapshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write snapshot %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write snapshot %s: %w", path, err)
	}
	return nil
}

// ReadFile loads and validates the snapshot at path. Errors name the file and, where the
// JSON decoder can tell, the field.
func ReadFile(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	defer f.Close()
	s, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	return s, nil
}

// Read decodes and validates one snapshot document from r.
func Read(r io.Reader) (*Snapshot, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty file: expected a JSON snapshot written by 'audit collect'")
	}
	// json.Unmarshal decodes in place: a json.Decoder would hold a second copy of the document.
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, describeJSONError(data, err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate checks the fields a reader relies on: the document type, and that every
// collection state is one this version knows.
func (s *Snapshot) Validate() error {
	if s.APIVersion != APIVersion || s.Kind != Kind {
		if s.APIVersion == "" && s.Kind == "" {
			return fmt.Errorf("field apiVersion/kind: missing; not a kubeposture snapshot (expected apiVersion %q, kind %q)", APIVersion, Kind)
		}
		return fmt.Errorf("field apiVersion/kind: got %q/%q, this version of audit reads %q/%q", s.APIVersion, s.Kind, APIVersion, Kind)
	}
	if s.Resources == nil {
		return errors.New("field resources: missing; without it no check can tell collected from forbidden")
	}
	for r, c := range s.Resources {
		switch c.State {
		case Collected, Forbidden, NotFound, Failed, Partial:
		default:
			return fmt.Errorf("field resources[%q].state: unknown state %q (want collected, forbidden, notFound, failed or partial)", r, c.State)
		}
		if c.Count < 0 {
			return fmt.Errorf("field resources[%q].count: negative count %d", r, c.Count)
		}
	}
	for i, k := range s.Kubelets {
		if k.Node == "" {
			return fmt.Errorf("field kubelets[%d].node: empty node name", i)
		}
	}
	for i, c := range s.ControlPlane {
		if c.Name == "" {
			return fmt.Errorf("field controlPlane[%d].name: empty component name", i)
		}
	}
	return nil
}

func describeJSONError(data []byte, err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &syntaxErr) && strings.Contains(syntaxErr.Error(), "after top-level value"):
		return fmt.Errorf("unexpected data after the snapshot document at byte %d (%v)", syntaxErr.Offset-1, syntaxErr)
	case errors.As(err, &syntaxErr) && strings.Contains(syntaxErr.Error(), "unexpected end of JSON input"),
		errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated JSON: the file ends inside the document (interrupted write?)")
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	}
	// The decoder's field paths have no array index, and errors from the Kubernetes types'
	// own unmarshallers (times, quantities, int-or-string) carry no field and a byte offset
	// relative to the value: decode the document again field by field to say where.
	if where, msg := locate(data); where != "" {
		return fmt.Errorf("field %s: %s", where, msg)
	}
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return fmt.Errorf("not a snapshot: the document is a JSON %s, not an object", typeErr.Value)
		}
		return fmt.Errorf("field %s: %s (at byte %d)", typeErr.Field, typeMismatch(typeErr), typeErr.Offset)
	}
	return errors.New(valueError(err))
}

func typeMismatch(e *json.UnmarshalTypeError) string {
	return fmt.Sprintf("cannot use JSON %s as %s", e.Value, e.Type)
}

func valueError(err error) string {
	msg := err.Error()
	if !strings.Contains(msg, "json") {
		msg = "invalid value: " + msg
	}
	return msg
}

// locate finds the first top-level field of a snapshot document that does not decode (and,
// in a list or a map, the first element), and describes the error there. It returns "" when
// the document is not an object or every field decodes on its own.
func locate(data []byte) (where, msg string) {
	fields := map[string]reflect.Type{}
	t := reflect.TypeFor[Snapshot]()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = t.Field(i).Type
		}
	}
	fieldType := func(key string) reflect.Type {
		if ft, ok := fields[key]; ok {
			return ft
		}
		for name, ft := range fields { // encoding/json matches names case-insensitively
			if strings.EqualFold(name, key) {
				return ft
			}
		}
		return nil
	}
	var where2, msg2 string
	eachMember(data, func(key string, raw json.RawMessage) bool {
		ft := fieldType(key)
		if ft == nil {
			return true
		}
		where2, msg2 = locateValue(key, ft, raw)
		return where2 == ""
	})
	return where2, msg2
}

// locateValue decodes raw as a value of type t found at path, element by element for a list or
// a map, and describes the first error.
func locateValue(path string, t reflect.Type, raw json.RawMessage) (where, msg string) {
	trimmed := bytes.TrimSpace(raw)
	switch {
	case t.Kind() == reflect.Slice && len(trimmed) > 0 && trimmed[0] == '[':
		i := 0
		eachElement(raw, func(el json.RawMessage) bool {
			where, msg = locateValue(fmt.Sprintf("%s[%d]", path, i), t.Elem(), el)
			i++
			return where == ""
		})
		return where, msg
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && len(trimmed) > 0 && trimmed[0] == '{':
		eachMember(raw, func(key string, el json.RawMessage) bool {
			where, msg = locateValue(fmt.Sprintf("%s[%q]", path, key), t.Elem(), el)
			return where == ""
		})
		return where, msg
	}
	err := json.Unmarshal(raw, reflect.New(t).Interface())
	if err == nil {
		return "", ""
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field != "" {
			path += "." + typeErr.Field
		}
		return path, typeMismatch(typeErr)
	}
	return path, valueError(err)
}

// eachMember calls fn with each member of the JSON object data, in document order, until fn
// returns false.
func eachMember(data []byte, fn func(key string, raw json.RawMessage) bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return
	}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return
		}
		var raw json.RawMessage
		if dec.Decode(&raw) != nil || !fn(key, raw) {
			return
		}
	}
}

// eachElement calls fn with each element of the JSON array data until fn returns false.
func eachElement(data []byte, fn func(raw json.RawMessage) bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return
	}
	for dec.More() {
		var raw json.RawMessage
		if dec.Decode(&raw) != nil || !fn(raw) {
			return
		}
	}
}
