package snapfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/klauspost/compress/zstd"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/wire"
)

// The binary form of a snapshot document, for reading fast what `audit collect` wrote:
//
//	magic        "KPSNAP", then the version (1) and the compression (0 none, 1 zstd)
//	header       a record: the JSON document without its object lists (resources, cluster,
//	             control plane, kubelets, files, node reports, image scans...)
//	lists        for each collected kind that has objects: a record with the list's member
//	             name ("pods"), its number of objects, then one record per object: its
//	             apiVersion and kind (two records, empty but in objects read from manifests:
//	             the API server sends none in a list), then its Kubernetes protobuf encoding
//	             (what the API server sends; a Secret's metadata and type only)
//	end          a record with an empty name
//
// A record is its length (uvarint) and its bytes. Everything after the magic is compressed
// when the compression byte says so. The objects decode with package wire, which shares their
// repeated parts as the collector does; the header decodes as a JSON document does.
var binaryMagic = []byte("KPSNAP")

const (
	binaryVersion = 1
	// Compressions of the binary form.
	compressNone = 0
	compressZstd = 1
)

// Format is the form of a snapshot file.
type Format string

const (
	// JSON is the document people and tools read, as `kubectl get -o json` prints objects.
	JSON Format = "json"
	// Binary is the form read fastest (see binaryMagic), compressed with zstd.
	Binary Format = "binary"
)

// Formats lists the forms a snapshot can be written in.
var Formats = []Format{JSON, Binary}

// ParseFormat accepts a format's name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown snapshot format %q (want json or binary)", s)
}

// maxRecord bounds a record's length: an object is at most a few MB (etcd's limit is 1.5 MB),
// the header holds what is not an object (a kubelet configuration per node, node reports).
const maxRecord = 256 << 20

// WriteBinary writes s to w in the binary form, compressed with zstd.
func WriteBinary(w io.Writer, s *snapshot.Snapshot) error {
	if err := writeBinary(w, s, compressZstd); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return nil
}

func writeBinary(w io.Writer, s *snapshot.Snapshot, compression byte) error {
	if _, err := w.Write(append(append([]byte{}, binaryMagic...), binaryVersion, compression)); err != nil {
		return err
	}
	var zw *zstd.Encoder
	out := w
	if compression == compressZstd {
		var err error
		if zw, err = zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1)); err != nil {
			return err
		}
		out = zw
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	rw := recordWriter{w: bw}
	var header bytes.Buffer
	hb := bufio.NewWriter(&header)
	if err := encode(hb, s, isList); err != nil {
		return err
	}
	if err := hb.Flush(); err != nil {
		return err
	}
	rw.record(header.Bytes())
	var buf []byte
	for _, k := range snapshot.CollectedKinds {
		n := k.Len(s)
		if n == 0 {
			continue
		}
		rw.record([]byte(k.Member))
		rw.uvarint(uint64(n))
		items := reflect.ValueOf(k.List(s))
		for i := range n {
			obj := items.Index(i).Addr().Interface()
			tm := typeMeta(obj)
			rw.record([]byte(tm.APIVersion))
			rw.record([]byte(tm.Kind))
			m := marshaler(obj)
			size := m.Size()
			if cap(buf) < size {
				buf = make([]byte, size)
			}
			if _, err := m.MarshalToSizedBuffer(buf[:size]); err != nil {
				return fmt.Errorf("%s[%d]: %w", k.Member, i, err)
			}
			rw.record(buf[:size])
		}
	}
	rw.record(nil) // the end
	if rw.err != nil {
		return rw.err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
}

// isList reports whether the member name of a Snapshot is a list of objects: written as
// records, not in the header.
func isList(name string) bool {
	_, ok := listKinds[name]
	return ok
}

// protoMarshaler is a Kubernetes API type's generated encoder.
type protoMarshaler interface {
	Size() int
	MarshalToSizedBuffer([]byte) (int, error)
}

// marshaler returns the encoder of obj, a pointer to an element of a collected kind's list: a
// SecretMeta is written as a Secret holding its metadata and type only.
func marshaler(obj any) protoMarshaler {
	if s, ok := obj.(*snapshot.SecretMeta); ok {
		return &corev1.Secret{ObjectMeta: s.ObjectMeta, Type: s.Type}
	}
	return obj.(protoMarshaler)
}

// typeMeta returns the apiVersion and kind of obj, a pointer to an element of a collected
// kind's list (none for a SecretMeta).
func typeMeta(obj any) *metav1.TypeMeta {
	if o, ok := obj.(interface{ GetObjectKind() schema.ObjectKind }); ok {
		if tm, ok := o.GetObjectKind().(*metav1.TypeMeta); ok {
			return tm
		}
	}
	return &metav1.TypeMeta{}
}

// recordWriter writes records, keeping the first error.
type recordWriter struct {
	w   *bufio.Writer
	err error
	tmp [binary.MaxVarintLen64]byte
}

func (r *recordWriter) uvarint(v uint64) {
	if r.err == nil {
		_, r.err = r.w.Write(r.tmp[:binary.PutUvarint(r.tmp[:], v)])
	}
}

func (r *recordWriter) record(b []byte) {
	r.uvarint(uint64(len(b)))
	if r.err == nil {
		_, r.err = r.w.Write(b)
	}
}

// isBinary reports whether a document starts as the binary form does.
func isBinary(head []byte) bool { return bytes.HasPrefix(head, binaryMagic) }

// readBinary decodes a document in the binary form from r, whose magic has been checked;
// size is the document's size in bytes, -1 when unknown.
func readBinary(r *bufio.Reader, size int64) (*snapshot.Snapshot, error) {
	head := make([]byte, len(binaryMagic)+2)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, errors.New("truncated binary snapshot: the file ends inside its header")
	}
	if v := head[len(binaryMagic)]; v != binaryVersion {
		return nil, fmt.Errorf("binary snapshot version %d: this version of audit reads version %d", v, binaryVersion)
	}
	var src io.Reader = r
	switch c := head[len(binaryMagic)+1]; c {
	case compressNone:
	case compressZstd:
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(64<<20))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		src = zr
	default:
		return nil, fmt.Errorf("binary snapshot: unknown compression %d", c)
	}
	br := &recordReader{r: bufio.NewReaderSize(src, 1<<16), left: -1}
	if size >= 0 && head[len(binaryMagic)+1] == compressNone {
		br.left = size - int64(len(head))
	}
	header, err := br.record("the header")
	if err != nil {
		return nil, err
	}
	var s snapshot.Snapshot
	dec := json.NewDecoder(bytes.NewReader(header))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("header: %w", syntaxError(err))
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("header: a JSON %s, not an object", jsonKind(tok))
	}
	budget := int64(-1)
	if size >= 0 {
		budget = size * binaryExpansion
	}
	if err := decodeMembers(dec, &s, -1); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	for _, k := range snapshot.CollectedKinds {
		if k.Len(&s) > 0 {
			return nil, fmt.Errorf("header: field %s: the objects of a binary snapshot are not in its header", k.Member)
		}
	}
	for {
		name, err := br.record("a list's name")
		if err != nil {
			return nil, err
		}
		if len(name) == 0 {
			break
		}
		k, ok := listKinds[string(name)]
		if !ok {
			return nil, fmt.Errorf("unknown list %q", name)
		}
		if k.Len(&s) > 0 {
			return nil, fmt.Errorf("list %s: given twice", k.Member)
		}
		n, err := br.uvarint(k.Member + "'s length")
		if err != nil {
			return nil, err
		}
		if err := readList(br, &s, k, n, &budget); err != nil {
			return nil, err
		}
	}
	if _, err := br.r.ReadByte(); err != io.EOF {
		return nil, errors.New("unexpected data after the end of the binary snapshot")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// binaryExpansion bounds the memory a binary document's recorded list lengths may reserve:
// 64 bytes per byte of the file, for all its lists together. A pod takes about 1.2 kB in
// memory and some 100 to 200 bytes compressed; a forged length costs at most 64 MiB per MiB of
// file, and a wrong one only a regrowth.
const binaryExpansion = 64

// readList decodes the n objects of kind k into s. budget is what the lists may still reserve,
// in bytes (-1: the file's size is unknown, each list reserves at most maxUnknown elements).
func readList(br *recordReader, s *snapshot.Snapshot, k snapshot.CollectedKind, n uint64, budget *int64) error {
	elem := uint64(max(k.Type.Size(), 1))
	room := min(n, maxReserveBytes/elem)
	if *budget >= 0 {
		room = min(room, uint64(*budget)/elem)
		*budget -= int64(room * elem)
	} else {
		room = min(room, maxUnknown)
	}
	items := reflect.MakeSlice(reflect.SliceOf(k.Type), 0, int(room))
	d := wire.NewDecoder()
	for i := uint64(0); i < n; i++ {
		apiVersion, err := br.recordAt(k.Member, int64(i))
		if err != nil {
			return err
		}
		apiVersion = bytes.Clone(apiVersion) // the next record reuses the buffer
		kind, err := br.recordAt(k.Member, int64(i))
		if err != nil {
			return err
		}
		kind = bytes.Clone(kind)
		b, err := br.recordAt(k.Member, int64(i))
		if err != nil {
			return err
		}
		if items.Len() == items.Cap() {
			grown := reflect.MakeSlice(items.Type(), items.Len(), max(2*items.Cap(), 64))
			reflect.Copy(grown, items)
			items = grown
		}
		items = items.Slice(0, items.Len()+1)
		obj := items.Index(items.Len() - 1).Addr().Interface()
		if err := d.Decode(b, obj); err != nil {
			return fmt.Errorf("%s[%d]: %w", k.Member, i, err)
		}
		if len(apiVersion) > 0 || len(kind) > 0 {
			tm := typeMeta(obj)
			tm.APIVersion, tm.Kind = string(apiVersion), string(kind)
		}
	}
	k.Set(s, items.Interface())
	return nil
}

// recordReader reads records, each no longer than what is left of the document.
type recordReader struct {
	r    *bufio.Reader
	left int64 // bytes left in the document, -1 when unknown
	buf  []byte
}

func (r *recordReader) uvarint(what string) (uint64, error) {
	v, err := binary.ReadUvarint(r.r)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, fmt.Errorf("truncated binary snapshot: the file ends before %s", what)
		}
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if r.left >= 0 {
		r.left -= int64(uvarintLen(v))
	}
	return v, nil
}

// record returns the next record, valid until the next call. what names it in errors.
func (r *recordReader) record(what string) ([]byte, error) { return r.recordAt(what, -1) }

// recordAt is record of element i of list what (-1: not an element), named so in errors
// without building the name for every object read.
func (r *recordReader) recordAt(what string, i int64) ([]byte, error) {
	name := func() string {
		if i >= 0 {
			return fmt.Sprintf("%s[%d]", what, i)
		}
		return what
	}
	v, err := binary.ReadUvarint(r.r)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("truncated binary snapshot: the file ends before %s", name())
		}
		return nil, fmt.Errorf("%s: %w", name(), err)
	}
	if r.left >= 0 {
		r.left -= int64(uvarintLen(v))
	}
	n := v
	if err != nil {
		return nil, err
	}
	if n > maxRecord || (r.left >= 0 && int64(n) > r.left) {
		return nil, fmt.Errorf("%s: a record of %d bytes, more than the file holds", name(), n)
	}
	if uint64(cap(r.buf)) < n {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		return nil, fmt.Errorf("truncated binary snapshot: the file ends inside %s", name())
	}
	if r.left >= 0 {
		r.left -= int64(n)
	}
	return b, nil
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
