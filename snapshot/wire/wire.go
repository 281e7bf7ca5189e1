// Package wire decodes the objects of a snapshot from the Kubernetes protobuf encoding (what
// the API server answers a LIST with, and what a binary snapshot file holds), straight into the
// form the snapshot keeps: compacted as it arrives (managed fields, kubectl's last-applied
// copy, a pod's conditions and most of its container statuses, a node's image list are
// skipped, never decoded) and with the parts that repeat from object to object decoded once
// and shared.
//
// The sharing works on the encoded bytes: a container, a volume's source, a pod spec without
// its containers and volumes, a label set or a resource list whose bytes were seen before in
// the same list is not decoded again but points at the value decoded the first time. Replicas
// of a workload differ in their names, node and service-account token volume, not in their
// containers, so most of a pod's spec is shared. What is shared is read-only, as the whole
// snapshot is once read (checks.Check.Evaluate).
//
// Every part is decoded by the type's own generated Unmarshal (k8s.io/api, gogo protobuf) once
// the fields handled here are taken out, so a field added to the API is decoded as client-go
// would without a change here; TestDecodeMatchesClientGo holds the result to client-go's
// decoding followed by the collector's compaction.
package wire

import (
	"bytes"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Magic starts every protobuf body the API server sends (k8s.io/apimachinery's protobuf
// serializer): "k8s" and a zero byte, then a runtime.Unknown message.
var Magic = []byte{0x6b, 0x38, 0x73, 0x00}

// List is one page of a LIST response.
type List struct {
	// Kind is the list's kind as the envelope names it ("PodList").
	Kind string
	// Continue is the token of the next page, empty on the last.
	Continue string
	// Remaining is the server's count of the objects after this page (ListMeta's
	// remainingItemCount), -1 when it sent none.
	Remaining int64
	// Items are the encoded objects, in order; they point into the body.
	Items [][]byte
}

// ParseList reads the envelope and list of a protobuf LIST response body without decoding
// its objects: they are left encoded in Items, which alias body.
func ParseList(body []byte) (List, error) {
	l := List{Remaining: -1}
	if !bytes.HasPrefix(body, Magic) {
		return l, errors.New("not a Kubernetes protobuf message")
	}
	var raw []byte
	err := walk(body[len(Magic):], func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType: // typeMeta
			return walk(v, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
				if num == 2 && typ == protowire.BytesType {
					l.Kind = string(v)
				}
				return nil
			})
		case num == 2 && typ == protowire.BytesType: // raw
			raw = v
		case num == 3 && typ == protowire.BytesType && len(v) > 0: // contentEncoding
			return fmt.Errorf("content encoding %q is not supported", v)
		}
		return nil
	})
	if err != nil {
		return l, fmt.Errorf("protobuf envelope: %w", err)
	}
	err = walk(raw, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType: // metadata (ListMeta)
			return walk(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch {
				case num == 3 && typ == protowire.BytesType:
					l.Continue = string(v)
				case num == 4 && typ == protowire.VarintType:
					l.Remaining = int64(x)
				}
				return nil
			})
		case num == 2 && typ == protowire.BytesType: // items
			l.Items = append(l.Items, v)
		}
		return nil
	})
	if err != nil {
		return l, fmt.Errorf("protobuf %s: %w", l.Kind, err)
	}
	return l, nil
}

// walk calls f with each field of the message msg: its number, wire type, and the value's
// bytes (a length-delimited value) or number (a varint; fixed values are given as numbers too).
func walk(msg []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, msg[n:])
		if m < 0 {
			return protowire.ParseError(m)
		}
		val := msg[n : n+m]
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, _ = protowire.ConsumeBytes(val)
		case protowire.VarintType:
			x, _ = protowire.ConsumeVarint(val)
		case protowire.Fixed32Type:
			u, _ := protowire.ConsumeFixed32(val)
			x = uint64(u)
		case protowire.Fixed64Type:
			x, _ = protowire.ConsumeFixed64(val)
		}
		if err := f(num, typ, v, x); err != nil {
			return err
		}
		msg = msg[n+m:]
	}
	return nil
}

// field is one occurrence of a field that split took out of a message.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   []byte // the value of a length-delimited field
}

// fieldSet is a set of field numbers below 64.
type fieldSet uint64

func fields(nums ...protowire.Number) fieldSet {
	var s fieldSet
	for _, n := range nums {
		s |= 1 << n
	}
	return s
}

func (s fieldSet) has(n protowire.Number) bool { return n < 64 && s&(1<<n) != 0 }

// split copies the fields of msg not in take, encoded as they were, to the end of rest, and
// appends the others to out, in order. What it returns in out aliases msg.
func split(msg []byte, take fieldSet, rest []byte, out []field) ([]byte, []field, error) {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return rest, out, protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, msg[n:])
		if m < 0 {
			return rest, out, protowire.ParseError(m)
		}
		if take.has(num) {
			f := field{num: num, typ: typ}
			if typ == protowire.BytesType {
				f.v, _ = protowire.ConsumeBytes(msg[n : n+m])
			}
			out = append(out, f)
		} else {
			rest = append(rest, msg[:n+m]...)
		}
		msg = msg[n+m:]
	}
	return rest, out, nil
}

// bytesField returns f's value, or an error naming what when f is not length-delimited (the
// generated decoders refuse the same).
func bytesField(f field, what string) ([]byte, error) {
	if f.typ != protowire.BytesType {
		return nil, bytesFieldError(f.typ, what)
	}
	return f.v, nil
}

func bytesFieldError(typ protowire.Type, what string) error {
	return fmt.Errorf("proto: wrong wireType = %d for field %s", typ, what)
}
