// Package snapfile reads and writes snapshot documents, the JSON files of `audit collect`:
// streamed both ways, so that neither the document nor a second copy of the snapshot is ever
// held in memory whole, with errors that name the file, the element and the field.
package snapfile

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

	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/intern"
)

// Write encodes s as JSON to w, byte for byte as json.Encoder would (HTML not escaped, one
// final newline), but the top-level lists one element at a time: json.Encoder builds the
// whole document in memory before writing any of it, a second copy of the snapshot.
func Write(w io.Writer, s *snapshot.Snapshot) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := encode(bw, s, nil); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return bw.Flush()
}

// encode writes s as JSON to w, but the members skip names (nil: none; the binary form writes
// the object lists as records of their own).
func encode(w *bufio.Writer, s *snapshot.Snapshot, skip func(name string) bool) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// value writes v's encoding, without the newline json.Encoder ends each value with.
	value := func(v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := w.Write(buf.Bytes()[:buf.Len()-1])
		return err
	}
	if !plainMembers {
		if err := value(s); err != nil {
			return err
		}
		return w.WriteByte('\n')
	}
	v := reflect.ValueOf(s).Elem()
	t := v.Type()
	w.WriteByte('{')
	first := true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() { // as encoding/json: not members
			continue
		}
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if (opts == "omitempty" && emptyValue(fv)) || (skip != nil && skip(name)) {
			continue
		}
		if !first {
			w.WriteByte(',')
		}
		first = false
		if err := value(name); err != nil {
			return err
		}
		w.WriteByte(':')
		if fv.Kind() != reflect.Slice || fv.IsNil() || fv.Type().Elem().Kind() == reflect.Uint8 {
			if err := value(fv.Addr().Interface()); err != nil {
				return err
			}
			continue
		}
		w.WriteByte('[')
		for j := 0; j < fv.Len(); j++ {
			if j > 0 {
				w.WriteByte(',')
			}
			if err := value(fv.Index(j).Addr().Interface()); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	}
	_, err := w.WriteString("}\n")
	return err
}

// plainMembers is true when every member of a Snapshot is a named field whose only tag option
// is omitempty (unexported fields are not members): what encode writes itself. Otherwise (an
// embedded struct, a string or omitzero option) it leaves the whole document to json.Encoder,
// which holds it whole in memory (TestWriteStreams).
var plainMembers = func() bool {
	t := reflect.TypeFor[snapshot.Snapshot]()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		if f.Anonymous || (name == "-" && opts != "") || (opts != "" && opts != "omitempty") {
			return false
		}
	}
	return true
}()

// emptyValue is encoding/json's test for omitempty.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// WriteFile writes s to path as JSON, replacing it only once the whole snapshot is written.
func WriteFile(path string, s *snapshot.Snapshot) error {
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

// WriteAs writes s to w in format.
func WriteAs(w io.Writer, s *snapshot.Snapshot, format Format) error {
	if format == Binary {
		return WriteBinary(w, s)
	}
	return Write(w, s)
}

// ReadFile loads and validates the snapshot at path. Errors name the file and, where the
// JSON decoder can tell, the field.
func ReadFile(path string) (*snapshot.Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	s, err := read(bufio.NewReaderSize(f, 1<<16), size)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	return s, nil
}

// read decodes a document of either form from r, of size bytes (-1 when unknown).
func read(r *bufio.Reader, size int64) (*snapshot.Snapshot, error) {
	if head, _ := r.Peek(len(binaryMagic)); isBinary(head) {
		return readBinary(r, size)
	}
	return readJSON(r, size)
}

// Read decodes and validates one snapshot document from r, in either form (JSON, or the
// binary form of WriteBinary). It streams: the document (hundreds of megabytes for a big
// cluster) is never held in memory whole, and the lists and maps of the top level are decoded
// one element at a time, which is also how an error names the element it is in
// (pods[1041].metadata.creationTimestamp).
func Read(r io.Reader) (*snapshot.Snapshot, error) {
	return read(bufio.NewReaderSize(r, 1<<16), -1)
}

// readJSON is Read of a JSON document of size bytes (-1 when unknown), which bounds how much
// room the lists' recorded counts may reserve (reserve).
func readJSON(r io.Reader, size int64) (*snapshot.Snapshot, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, errors.New("empty file: expected a JSON snapshot written by 'audit collect'")
	}
	if err != nil {
		return nil, syntaxError(err)
	}
	var s snapshot.Snapshot
	switch tok {
	case json.Delim('{'):
		if err := decodeMembers(dec, &s, size); err != nil {
			return nil, err
		}
	case nil:
		// null decodes to nothing, as with json.Unmarshal: Validate says what is missing.
	default:
		return nil, fmt.Errorf("not a snapshot: the document is a JSON %s, not an object", jsonKind(tok))
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the snapshot document at byte %d", end)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// snapshotFields maps the JSON names of a Snapshot's fields to their index.
var snapshotFields = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeFor[snapshot.Snapshot]()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}()

// fieldIndex finds a member's field as encoding/json does: the exact name first, then a
// case-insensitive match.
func fieldIndex(key string) (int, bool) {
	if i, ok := snapshotFields[key]; ok {
		return i, true
	}
	for name, i := range snapshotFields {
		if strings.EqualFold(name, key) {
			return i, true
		}
	}
	return 0, false
}

// listKinds names the row of CollectedKinds of each list member.
var listKinds = func() map[string]snapshot.CollectedKind {
	m := map[string]snapshot.CollectedKind{}
	for _, k := range snapshot.CollectedKinds {
		m[k.Member] = k
	}
	return m
}()

// The bounds of what recorded counts may reserve (reserve): a forged count must cost no more
// than the document it comes in.
const (
	// minElementBytes is the least JSON a real object of a list takes: its metadata's name,
	// namespace and uid alone are longer. A document of n bytes reserves at most n/64
	// elements in all its lists together.
	minElementBytes = 64
	// maxReserveBytes bounds one list's reservation whatever the document's size: 256 MiB is
	// some 200,000 pods; a longer list grows past it as it is read.
	maxReserveBytes = 256 << 20
	// maxUnknown is a list's reservation when the document's size is unknown (a pipe).
	maxUnknown = 4096
)

// reserve is the room, in elements, to reserve for the list member name: the count its
// collection recorded ("resources" comes first in a snapshot written by Write), so that a long
// list is decoded into one array of its size instead of growing through a dozen copies (a
// large part of what reading allocated: docs/scale.md). The count is untrusted input: the
// elements reserved by all the lists of a document together are no more than its bytes could
// hold at minElementBytes each (budget, which reserve spends), one list reserves at most
// maxReserveBytes, and a wrong count only costs a regrowth.
func reserve(s *snapshot.Snapshot, name string, budget *int64) int {
	k, ok := listKinds[name]
	if !ok {
		return 0
	}
	n := int64(s.Resources[k.Resource].Count)
	if n <= 0 {
		return 0
	}
	n = min(n, maxReserveBytes/int64(max(k.Type.Size(), 1)))
	if *budget < 0 { // size unknown
		return int(min(n, maxUnknown))
	}
	n = min(n, *budget)
	*budget -= n
	return int(n)
}

// decodeMembers decodes the members of the snapshot object, whose '{' has been read, and its
// closing '}'. size is the document's size in bytes, -1 if unknown.
func decodeMembers(dec *json.Decoder, s *snapshot.Snapshot, size int64) error {
	v := reflect.ValueOf(s).Elem()
	sh := intern.New()
	budget := int64(-1)
	if size >= 0 {
		budget = size / minElementBytes
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		key, _ := tok.(string) // the decoder only returns strings as object keys
		i, ok := fieldIndex(key)
		if !ok { // a field of a later version: skipped, as json.Unmarshal does
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntaxError(err)
			}
			continue
		}
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if err := decodeValue(dec, name, v.Field(i), sh, reserve(s, name, &budget)); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntaxError(err)
	}
	return nil
}

// decodeValue decodes the next value into v, found at path. A list is decoded element by
// element and a map with string keys member by member, with the same result as
// json.Unmarshal; anything else is decoded whole. A list reserves room for hint elements.
func decodeValue(dec *json.Decoder, path string, v reflect.Value, sh *intern.Sharer, hint int) error {
	t := v.Type()
	isList := t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8
	isMap := t.Kind() == reflect.Map && t.Key().Kind() == reflect.String
	if !isList && !isMap {
		return valueError(path, dec.Decode(v.Addr().Interface()))
	}
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(err)
	}
	switch {
	case tok == nil:
		v.SetZero()
		return nil
	case isList && tok == json.Delim('['):
		v.Set(reflect.MakeSlice(t, 0, hint))
		for i := 0; dec.More(); i++ {
			v.Set(reflect.Append(v, reflect.Zero(t.Elem())))
			el := v.Index(i).Addr().Interface()
			if err := valueError(fmt.Sprintf("%s[%d]", path, i), dec.Decode(el)); err != nil {
				return err
			}
			sh.Share(el)
		}
	case isMap && tok == json.Delim('{'):
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return syntaxError(err)
			}
			key, _ := kt.(string)
			el := reflect.New(t.Elem())
			if err := valueError(fmt.Sprintf("%s[%q]", path, key), dec.Decode(el.Interface())); err != nil {
				return err
			}
			v.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), el.Elem())
		}
	default:
		return fmt.Errorf("field %s: cannot use JSON %s as %s", path, jsonKind(tok), t)
	}
	if _, err := dec.Token(); err != nil { // the closing ']' or '}'
		return syntaxError(err)
	}
	return nil
}

// jsonKind names the kind of JSON value a token starts.
func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		if tok == json.Delim('[') {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case bool:
		return "bool"
	case nil:
		return "null"
	default:
		return "number"
	}
}

// syntaxError describes an error of the JSON text itself.
func syntaxError(err error) error {
	var syntaxErr *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated JSON: the file ends inside the document (interrupted write?)")
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	}
	return fmt.Errorf("read: %w", err)
}

// valueError describes err from decoding the value at path, or returns nil. Errors from the
// Kubernetes types' own unmarshallers (times, quantities, int-or-string) carry no field: the
// path says where they are.
func valueError(path string, err error) error {
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &syntaxErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return syntaxError(err)
	case errors.As(err, &typeErr):
		if typeErr.Field != "" {
			path += "." + typeErr.Field
		}
		return fmt.Errorf("field %s: %s", path, typeMismatch(typeErr))
	}
	msg := err.Error()
	if !strings.Contains(msg, "json") {
		msg = "invalid value: " + msg
	}
	return fmt.Errorf("field %s: %s", path, msg)
}

func typeMismatch(e *json.UnmarshalTypeError) string {
	return fmt.Sprintf("cannot use JSON %s as %s", e.Value, e.Type)
}
