package workload

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// Redaction of the values the secret-value detector (secret_values.go) flags, for a snapshot
// that leaves the machine (audit collect --redact, the evidence bundle): the value is replaced
// by a record of its shape, its length and the findings it gave, which the detector reads back
// as those findings. A redacted snapshot therefore gives KP-WL-042 and KP-WL-043 the verdicts
// and evidence of the original, without the value. A record looks like
//
//	kubeposture-redacted/v1 {"length":40,"found":[{"kind":"GitHub token","preview":"\"ghp_\"… (40 chars)","certain":true}]}
//
// Records are read as findings only in a snapshot marked redacted (snapshot.Redacted, which
// internal/redact sets): in a live cluster, a value that merely starts like a record is a value
// like any other, so nobody who may write a config map can dress a secret up as a record. When
// a snapshot is redacted, a value that starts like a record is replaced by a record too (of its
// findings, none most likely), so that no such value survives redaction to be read as one.
//
// Values the detector does not flag are kept, as they are (see internal/redact).

// svRedactedPrefix starts a redaction record.
const svRedactedPrefix = "kubeposture-redacted/v1 "

// svRecord is a redaction record: the value's length and the findings it gave.
type svRecord struct {
	Length int             `json:"length"`
	Found  []svRecordEntry `json:"found"`
}

type svRecordEntry struct {
	Kind    string `json:"kind"`
	Preview string `json:"preview"`
	Certain bool   `json:"certain,omitempty"`
	// Line and Key locate a finding in a multi-line value (rule 4).
	Line int    `json:"line,omitempty"`
	Key  string `json:"key,omitempty"`
}

// RedactValue returns the redaction record of v, stored under name (an env variable, a config
// map key), and true, when the detector flags it or v starts like a record; else v and false.
// v is a value as the cluster stores it, never a record already.
func RedactValue(name, v string) (string, bool) {
	var sc svScanner
	sc.value(name, v)
	if len(sc.found) == 0 && !strings.HasPrefix(v, svRedactedPrefix) {
		return v, false
	}
	return svRedact(len(v), sc.found), true
}

// RedactBinary is RedactValue for a config map's binaryData value.
func RedactBinary(name string, v []byte) ([]byte, bool) {
	var sc svScanner
	sc.binary(name, v)
	if len(sc.found) == 0 && !bytes.HasPrefix(v, []byte(svRedactedPrefix)) {
		return v, false
	}
	return []byte(svRedact(len(v), sc.found)), true
}

func svRedact(length int, found []svFinding) string {
	rec := svRecord{Length: length, Found: []svRecordEntry{}}
	for _, f := range found {
		rec.Found = append(rec.Found, svRecordEntry{Kind: f.kind, Preview: f.preview, Certain: f.certain, Line: f.line, Key: f.lname})
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err) // strings, ints and bools always marshal
	}
	return svRedactedPrefix + string(b)
}

// redacted adds the findings the record v holds (the caller names them, as svScope does) and
// reports whether v was one. A value that starts like a record but is none (an edited
// snapshot) is a finding of its own, a value whose content is not known, and is scanned as a
// value too.
func (s *svScanner) redacted(v string) bool {
	var rec svRecord
	dec := json.NewDecoder(strings.NewReader(v[len(svRedactedPrefix):]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil || rec.Found == nil || !svAtEOF(dec) {
		s.found = append(s.found, svFinding{kind: "unreadable redaction record", preview: svLength(len(v))})
		return false
	}
	for _, e := range rec.Found {
		s.found = append(s.found, svFinding{kind: e.Kind, preview: e.Preview, certain: e.Certain, line: e.Line, lname: e.Key})
	}
	return true
}

// svAtEOF reports whether nothing but white space follows the decoded record.
func svAtEOF(dec *json.Decoder) bool {
	_, err := dec.Token()
	return err == io.EOF
}
