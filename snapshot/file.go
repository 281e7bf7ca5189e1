package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(1 << 10)
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, errors.New("empty file: expected a JSON snapshot written by 'audit collect'")
	}
	dec := json.NewDecoder(br)
	var s Snapshot
	if err := dec.Decode(&s); err != nil {
		return nil, describeJSONError(err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the snapshot document (%v)", tokOrErr(tok, err))
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func tokOrErr(tok json.Token, err error) any {
	if err != nil {
		return err
	}
	return tok
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

func describeJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "(document)"
		}
		return fmt.Errorf("field %s: cannot use JSON %s as %s (at byte %d)", field, typeErr.Value, typeErr.Type, typeErr.Offset)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated JSON: the file ends inside the document (interrupted write?)")
	default:
		msg := err.Error()
		// Errors from the Kubernetes types' own unmarshallers (quantities, int-or-string)
		// carry no field; say that the content is wrong rather than the syntax.
		if !strings.Contains(msg, "json") {
			msg = "invalid value: " + msg
		}
		return errors.New(msg)
	}
}
