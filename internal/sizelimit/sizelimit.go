// Package sizelimit holds the size limits on what audit reads from the files and streams it
// is given (manifests, exceptions, control-plane configuration files, node reports, keys) and
// the readers that enforce them: an input over its limit is refused with an error naming the
// input, the limit and what it is the limit for, before more than the limit is read. Parsers
// of YAML and JSON take many times their input in memory; the limits keep that bounded.
//
// The README's "Security" section lists the limits; a test keeps it in step with Limits.
package sizelimit

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// The limits, each far above any real input of its kind.
const (
	// ManifestDocument bounds one document of a manifest file (a List is one document): the
	// API server takes objects of up to 3 MiB, and a List of some 10,000 pod specs fits.
	// Decoding a document takes up to some 50 times its size (YAML to JSON to Go objects).
	ManifestDocument = 16 << 20
	// ExceptionsFile bounds an exceptions file (tens of thousands of entries).
	ExceptionsFile = 8 << 20
	// ConfigFile bounds a control-plane configuration file given to audit (--encryption-config,
	// --audit-policy, --authorization-config, --authentication-config, --admission-config and
	// the PodSecurity file it names).
	ConfigFile = 8 << 20
	// NodeReport bounds one node report document ('audit node' writes some tens of KiB).
	NodeReport = 16 << 20
	// KeyFile bounds a PEM key file (--key, --sign-key).
	KeyFile = 1 << 20
)

// Limit is one limit and what it applies to, for the documentation.
type Limit struct {
	Input string
	Bytes int64
}

// Limits are the limits above, as the README lists them.
var Limits = []Limit{
	{"a manifest document (-f/--filename; a List is one document)", ManifestDocument},
	{"an exceptions file (--exceptions)", ExceptionsFile},
	{"a control-plane configuration file (--encryption-config, --audit-policy, --authorization-config, --authentication-config, --admission-config)", ConfigFile},
	{"a node report (--node-reports; each report of a stream)", NodeReport},
	{"a key file (--key, --sign-key, audit verify --key)", KeyFile},
}

// Error is an input over its limit.
type Error struct {
	// Name is the input (a file name, "standard input"); empty when the caller's error says
	// which input it is.
	Name string
	// What the limit is for ("a manifest document").
	What  string
	Limit int64
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("larger than %s, the limit for %s: refused unread (split it, or see the README's size limits)", Format(e.Limit), e.What)
	if e.Name != "" {
		msg = e.Name + ": " + msg
	}
	return msg
}

// Format writes a size in KiB, MiB or GiB when it is a whole number of them.
func Format(n int64) string {
	for _, u := range []struct {
		unit string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.unit)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadFile reads the file name, of at most limit bytes; what names the limit in the error.
// A regular file over the limit is refused without being read.
func ReadFile(name string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, &Error{Name: name, What: what, Limit: limit}
	}
	return ReadAll(f, limit, name, what)
}

// ReadAll reads r to its end, of at most limit bytes (name and what for the error).
func ReadAll(r io.Reader, limit int64, name, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &Error{Name: name, What: what, Limit: limit}
	}
	return data, nil
}

// Reader reads a stream of documents, each of at most its limit: Next starts the budget of
// the next document. A parser that reads ahead (bufio, encoding/json) charges its read-ahead
// to the document it is reading, so a document is refused at its limit plus at most one
// buffer of the parser. The error, an *Error, names no input: the caller's says which.
type Reader struct {
	r     io.Reader
	limit int64
	left  int64
	what  string
}

// NewReader reads r, each document of at most limit bytes; what names the limit.
func NewReader(r io.Reader, limit int64, what string) *Reader {
	return &Reader{r: r, limit: limit, left: limit, what: what}
}

// Next starts a new document.
func (r *Reader) Next() { r.left = r.limit }

func (r *Reader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, &Error{What: r.what, Limit: r.limit}
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.r.Read(p)
	r.left -= int64(n)
	return n, err
}

// IsTooLarge reports whether err is, or wraps, an input over its limit.
func IsTooLarge(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
