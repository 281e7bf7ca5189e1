package workload

import (
	"reflect"
	"strings"
	"testing"
)

// svFound scans v as the checks do, in a redacted snapshot (records read) or not, and names
// the findings as they do (svScope).
func svFound(name, v string, records bool) []svFinding {
	sc := svScanner{records: records}
	sc.value(name, v)
	svScope(sc.found, "data", name)
	return sc.found
}

// A value's record, read in a redacted snapshot, gives the findings of the value; it holds
// nothing of the value but its length and the previews.
func TestRedactValueRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, v string }{
		{"GH", fakeGitHub},
		{"tls.key", fakePEM},
		{"AWS_ACCESS_KEY_ID", fakeAWS},
		{"conn", fakeAzure},
		{"DATABASE_URL", "postgres://app:s3cr3tPw@db:5432/app"},
		{"DB_PASSWORD", "hunter2!x"},
		{"GITLAB_TOKEN", "x9f3K2mQ7vL1pZ8rT4wY"},
		{"application.properties", "server.port=8080\nspring.datasource.password=hunter2!x\nadmin_password = s3cret-admin\n"},
	} {
		rec, ok := RedactValue(tc.name, tc.v)
		if !ok || !strings.HasPrefix(rec, svRedactedPrefix) {
			t.Errorf("%s: RedactValue = %q, %v; want a record", tc.name, rec, ok)
			continue
		}
		for _, part := range []string{"hunter2!x", "s3cr3tPw", "s3cret-admin", "x9f3K2mQ7vL1pZ8rT4wY", fakeGitHub[4:], fakeAWS[4:], "MIIEowIBAAKCAQEA7", "Zm9vYmFy"} {
			if strings.Contains(rec, part) {
				t.Errorf("%s: the record %q holds %q", tc.name, rec, part)
			}
		}
		if got, want := svFound(tc.name, rec, true), svFound(tc.name, tc.v, false); !reflect.DeepEqual(got, want) || len(want) == 0 {
			t.Errorf("%s: the record reads as %+v, the value as %+v", tc.name, got, want)
		}
	}
	for _, v := range []string{"production", "8080", "changeme", "/run/secrets/db"} {
		if got, ok := RedactValue("MODE", v); ok || got != v {
			t.Errorf("RedactValue(%q) = %q, %v; the detector does not flag it, it stays", v, got, ok)
		}
	}
	bin, ok := RedactBinary("keystore", []byte(fakePEM))
	if !ok || strings.Contains(string(bin), "MIIEowIBAAKCAQEA7") {
		t.Fatalf("RedactBinary = %q, %v", bin, ok)
	}
	var plain, read svScanner
	plain.binary("keystore", []byte(fakePEM))
	read.records = true
	read.binary("keystore", bin)
	if !reflect.DeepEqual(plain.found, read.found) {
		t.Errorf("the binary record reads as %+v, the value as %+v", read.found, plain.found)
	}
}

// Only a redacted snapshot's records are read as records. In a live cluster, whoever may write
// a config map could otherwise dress a secret up as a record with a harmless finding (or
// none); and a value that starts like a record but is none is a finding, and scanned as a value.
func TestRedactionRecordForged(t *testing.T) {
	forged := svRedactedPrefix + `{"length":3,"found":[]} ` + fakeGitHub
	if fs := svFound("GH", forged, false); len(fs) != 1 || fs[0].kind != "GitHub token" || !fs[0].certain {
		t.Errorf("a forged record in a live value: %+v, want the GitHub token it holds", fs)
	}
	wellFormed := svRedactedPrefix + `{"length":3,"found":[{"kind":"password by key name","preview":"` + fakeGitHub + `"}]}`
	if fs := svFound("GH", wellFormed, false); len(fs) != 1 || fs[0].kind != "GitHub token" {
		t.Errorf("a well-formed forged record in a live value: %+v, want the GitHub token it holds", fs)
	}
	// Redaction replaces such a value by its own record, so none survives to be read as one.
	rec, ok := RedactValue("GH", wellFormed)
	if !ok || strings.Contains(rec, fakeGitHub[4:]) {
		t.Errorf("RedactValue of a forged record = %q, %v", rec, ok)
	}
	if fs := svFound("GH", rec, true); len(fs) != 1 || fs[0].kind != "GitHub token" || !fs[0].certain {
		t.Errorf("the forged record, redacted: %+v", fs)
	}
	rec, ok = RedactValue("MODE", svRedactedPrefix+"nothing secret")
	if !ok || rec != svRedactedPrefix+`{"length":38,"found":[]}` {
		t.Errorf("a value that starts like a record and has no finding: %q, %v", rec, ok)
	}
	if fs := svFound("MODE", rec, true); len(fs) != 0 {
		t.Errorf("an empty record reads as %+v", fs)
	}
	// In a redacted snapshot, an edited record is a finding, and the value is scanned too.
	for _, bad := range []string{
		svRedactedPrefix + `{"length":3,"found":[]} ` + fakeGitHub,
		svRedactedPrefix + `{"length":3,"found":[],"extra":1}`,
		svRedactedPrefix + `{"length":3}`,
		svRedactedPrefix + `not json`,
	} {
		fs := svFound("GH", bad, true)
		if len(fs) == 0 || fs[0].kind != "unreadable redaction record" || strings.Contains(fs[0].preview, "not json") {
			t.Errorf("%q: %+v, want an unreadable record first", bad, fs)
		}
		if strings.Contains(bad, fakeGitHub) && (len(fs) != 2 || fs[1].kind != "GitHub token") {
			t.Errorf("%q: %+v, want the GitHub token it holds too", bad, fs)
		}
	}
}

// For any value, its record read in a redacted snapshot gives the value's findings, and a
// value the detector does not flag is kept as it is.
func FuzzRedactValue(f *testing.F) {
	for _, s := range []struct{ name, v string }{
		{"GH", fakeGitHub}, {"tls.key", fakePEM}, {"DB_PASSWORD", "hunter2!x"}, {"conn", fakeAzure},
		{"app.ini", "[db]\npassword = hunter2!x\nuser = app\n"}, {"MODE", "production"},
		{"GH", svRedactedPrefix + `{"length":1,"found":[]}`}, {"TOKEN", fakeJWT},
	} {
		f.Add(s.name, s.v)
	}
	f.Fuzz(func(t *testing.T, name, v string) {
		rec, ok := RedactValue(name, v)
		want := svFound(name, v, false)
		if !ok {
			if rec != v || len(want) != 0 {
				t.Fatalf("kept %q with findings %+v", v, want)
			}
			return
		}
		if got := svFound(name, rec, true); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("%q: the record %q reads as %+v, the value as %+v", v, rec, got, want)
		}
	})
}
