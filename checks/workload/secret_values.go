package workload

// The secret-value detector shared by KP-WL-042 (config maps) and KP-WL-043 (plain env
// values). It reads values so that the report does not have to: a finding carries the key,
// the kind of secret and a redacted preview, never the value or any part of it that is secret.
//
// Rules, in order:
//
//  1. Formats (svFormats below): a value containing a credential of a known shape. Each rule
//     has literal triggers, found in one pass over the value before its regular expression
//     runs, so that the common value (a mode, a port, a host name) costs no regexp. A match
//     that contains "EXAMPLE" (AWS's documented AKIAIOSFODNN7EXAMPLE) is not a finding. These
//     findings are certain: a FAIL.
//  2. Passwords by key name: a key whose last word (split on _ - . space and camelCase) is a
//     password word (password, passwd, pwd, pass, passphrase), or whose last two words are a
//     credential pair (api key, secret key, access key, private key, client secret, auth
//     token, access token, refresh token, bearer token, signing key, encryption key, master
//     key), with a value that is not empty, not a reference and not a placeholder (svInert).
//     "password-policy", "passwordMinLength", "secret_name" or "token_ttl" end in another
//     word and are not secret names. A WARN: the name says secret, the value is not proven.
//  3. Generic secret names (secret, token, credential(s), creds) only with a value that looks
//     random (svRandom): one word of 16 or more characters, at least two of them digits and
//     two letters, and a Shannon entropy of 3.5 bits per character or more. "secret:
//     db-credentials" names a Secret object and is not reported. A WARN.
//  4. In a multi-line value (a file kept in a config map: application.properties, grafana.ini,
//     a YAML or .env file), each line "name: value" or "name = value" (optionally quoted,
//     "export " or "- " before it) is judged by rule 2 with the line's name; comment lines
//     (#, //, ;) are skipped. A WARN.
//
// Inert values (svInert), never reported under rules 2 to 4: empty; a reference ("$(VAR)",
// "${VAR}", "{{ .Values.x }}", "%(name)s", "<your-password>"); a file path ("/run/secrets/db",
// "./x", "~/x", "file:..."); a single character repeated ("xxxx", "****"); a known placeholder
// (changeme, changeit, replaceme, placeholder, redacted, example, dummy, none, null, nil,
// undefined, true, false, required, the key word itself...); fewer than 4 characters. A
// literal "changeme" deployed to production is a weak default password, but it is so common
// as a placeholder in charts and examples that reporting it would bury the real findings.
//
// binaryData is matched against the private-key rule only: its values are files (keystores,
// images), not settings, and no name rule applies to them.
//
// Previews never show a secret character: a format finding shows the part of the match that
// is public by definition (the PEM header line, "AKIA", "ghp_", "xoxb-", "sk_live_", "eyJ",
// the URL scheme) and the match's length; a name or entropy finding shows the length only (the
// first characters of an 8-character password are half of it).
//
// Not covered: single-line JSON blobs with a "password" member (only format rules see inside
// them), secrets split over several keys, and values encoded (base64 of a password is not
// recognised as one unless it is random-looking under a secret name).

import (
	"bytes"
	"math"
	"math/bits"
	"regexp"
	"strconv"
	"strings"
)

// svFormat is one credential format.
type svFormat struct {
	kind string
	// triggers: the regexp runs only when the value contains one of them (and pre, when set,
	// holds: a finer test than a substring, for a trigger common in harmless values).
	triggers []string
	pre      func(string) bool
	// re's first group is the public part shown in the preview; a match whose second group
	// (when the regexp has one) is inert is not a finding.
	re *regexp.Regexp
	// header: the preview is the whole match (a PEM header line), not a prefix and a length.
	header bool
	// binary: the rule also applies to binaryData.
	binary bool
	// supersedes is the index of a format this one makes redundant on the same value (a GCP
	// key file is also a PEM private key).
	supersedes int
}

const svPEM = 0 // index of the PEM rule in svFormats

var svFormats = []svFormat{
	svPEM: {kind: "private key (PEM)", triggers: []string{"PRIVATE KEY"}, header: true, binary: true, supersedes: -1,
		re: regexp.MustCompile(`(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)`)},
	{kind: "GCP service-account key (JSON)", triggers: []string{`"private_key"`}, supersedes: svPEM,
		re: regexp.MustCompile(`("private_key")\s*:\s*"-----BEGIN`)},
	{kind: "AWS access key id", triggers: []string{"AKIA", "ASIA"}, supersedes: -1,
		re: regexp.MustCompile(`\b(AKIA|ASIA)[A-Z2-7]{16}\b`)},
	{kind: "Azure storage account key", triggers: []string{"AccountKey="}, supersedes: -1,
		re: regexp.MustCompile(`(AccountKey=)[A-Za-z0-9+/]{20,}={0,2}`)},
	{kind: "Azure shared access key", triggers: []string{"SharedAccessKey="}, supersedes: -1,
		re: regexp.MustCompile(`(SharedAccessKey=)[A-Za-z0-9+/]{20,}={0,2}`)},
	{kind: "GitHub token", triggers: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, supersedes: -1,
		re: regexp.MustCompile(`\b(gh[pousr]_)[A-Za-z0-9]{36,}\b`)},
	{kind: "GitHub fine-grained token", triggers: []string{"github_pat_"}, supersedes: -1,
		re: regexp.MustCompile(`\b(github_pat_)[A-Za-z0-9_]{22,}`)},
	{kind: "Slack token", triggers: []string{"xox"}, supersedes: -1,
		re: regexp.MustCompile(`\b(xox[abeprs]-)[A-Za-z0-9-]{10,}`)},
	{kind: "Slack webhook URL", triggers: []string{"hooks.slack.com/"}, supersedes: -1,
		re: regexp.MustCompile(`(https://hooks\.slack\.com/services/)T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+`)},
	{kind: "Stripe live key", triggers: []string{"_live_"}, supersedes: -1,
		re: regexp.MustCompile(`\b((?:sk|rk)_live_)[A-Za-z0-9]{16,}`)},
	// A JWT's header and payload are both JSON objects, base64url "eyJ": requiring both
	// leaves out the detached signatures of kube-public/cluster-info (header..signature).
	{kind: "JWT", triggers: []string{"eyJ"}, supersedes: -1,
		re: regexp.MustCompile(`\b(eyJ)[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)},
	{kind: "password in URL", triggers: []string{"://"}, pre: svURLUserinfo, supersedes: -1,
		re: regexp.MustCompile(`\b([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s:@"'$]+:([^/\s@"']+)@`)},
}

// svFinding is one secret-looking value: where (filled by the caller), under which name, what.
type svFinding struct {
	scope   string // the container or the config map field, e.g. `container "app" env`, `data`
	name    string // the env var or config map key
	line    int    // for rule 4: the line of the value (1-based), and its name
	lname   string
	kind    string
	preview string
	certain bool
}

// svScanner collects findings; its slice is reused from object to object.
type svScanner struct {
	found []svFinding
	// records: the snapshot is redacted (snapshot.Redacted), and a value that is a redaction
	// record (redact.go) stands for the findings it records.
	records bool
}

// value scans one string value stored under name.
func (s *svScanner) value(name, v string) {
	if s.records && strings.HasPrefix(v, svRedactedPrefix) && s.redacted(v) {
		return
	}
	start := len(s.found)
	for mask := svTriggered(v); mask != 0; mask &= mask - 1 {
		f := &svFormats[bits.TrailingZeros32(mask)]
		if f.pre != nil && !f.pre(v) {
			continue
		}
		m := f.re.FindStringSubmatchIndex(v)
		if m == nil {
			continue
		}
		if len(m) >= 6 && m[4] >= 0 && svInert(v[m[4]:m[5]], "") {
			continue
		}
		if strings.Contains(v[m[0]:m[1]], "EXAMPLE") { // AWS's documented AKIAIOSFODNN7EXAMPLE and the like
			continue
		}
		s.addFormat(start, f, v[m[2]:m[3]], m[1]-m[0])
	}
	if len(s.found) > start {
		return // a certain finding says enough about the value
	}
	switch svClassify(name) {
	case svStrongName:
		if !svInert(v, name) && strings.IndexByte(svTrim(v), '\n') < 0 {
			s.found = append(s.found, svFinding{name: name, kind: "password by key name", preview: svLength(len(svTrim(v)))})
			return
		}
	case svWeakName:
		if t := svTrim(v); svRandom(t) && !svInert(t, name) {
			s.found = append(s.found, svFinding{name: name, kind: "random value under a secret name", preview: svLength(len(t))})
			return
		}
	}
	if strings.IndexByte(v, '\n') >= 0 {
		s.lines(name, v)
	}
}

// binary scans one binaryData value: private keys only.
func (s *svScanner) binary(name string, v []byte) {
	start := len(s.found)
	if s.records && bytes.HasPrefix(v, []byte(svRedactedPrefix)) && s.redacted(string(v)) {
		v = nil
	}
	for i := range svFormats {
		f := &svFormats[i]
		if !f.binary {
			continue
		}
		hit := false
		for _, t := range f.triggers {
			if bytes.Contains(v, []byte(t)) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		if m := f.re.FindSubmatchIndex(v); m != nil {
			s.addFormat(start, f, string(v[m[2]:m[3]]), m[1]-m[0])
		}
	}
	for i := start; i < len(s.found); i++ {
		s.found[i].name = name
	}
}

// addFormat records a format finding on the value scanned since start: public is the part of
// the match shown, n the match's length.
func (s *svScanner) addFormat(start int, f *svFormat, public string, n int) {
	preview := strconv.Quote(public)
	if !f.header {
		preview += "… (" + strconv.Itoa(n) + " chars)"
	}
	if f.supersedes >= 0 {
		drop := svFormats[f.supersedes].kind
		for i := start; i < len(s.found); i++ {
			if s.found[i].kind == drop {
				s.found = append(s.found[:i], s.found[i+1:]...)
				i--
			}
		}
	}
	s.found = append(s.found, svFinding{kind: f.kind, preview: preview, certain: true})
}

// lines applies rule 4 to each line of a multi-line value.
func (s *svScanner) lines(name, v string) {
	for n := 1; len(v) > 0; n++ {
		line := v
		if i := strings.IndexByte(v, '\n'); i >= 0 {
			line, v = v[:i], v[i+1:]
		} else {
			v = ""
		}
		key, val, ok := svAssignment(line)
		if !ok || svClassify(key) != svStrongName || svInert(val, key) {
			continue
		}
		if len(key) > 64 {
			key = key[:64] + "…"
		}
		s.found = append(s.found, svFinding{name: name, line: n, lname: key, kind: "password by key name", preview: svLength(len(val))})
	}
}

// svAssignment splits a config line "name: value", "name = value", `"name": "value",`.
func svAssignment(line string) (key, val string, ok bool) {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "- ")
	line = strings.TrimPrefix(line, "export ")
	if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '<' || strings.HasPrefix(line, "//") {
		return "", "", false
	}
	i := strings.IndexAny(line, ":=")
	if i <= 0 {
		return "", "", false
	}
	key = strings.Trim(strings.TrimSpace(line[:i]), `"'`)
	if key == "" || strings.IndexAny(key, " \t") >= 0 {
		return "", "", false // prose ("Note: the password is ...") has spaces before its colon
	}
	val = strings.TrimSpace(line[i+1:])
	val = strings.TrimSuffix(val, ",")
	return key, svTrim(val), true
}

// svURLUserinfo reports whether a URL in v has a user:password@ part: most values with a URL
// have none, and need no regexp.
func svURLUserinfo(v string) bool {
	for {
		i := strings.Index(v, "://")
		if i < 0 {
			return false
		}
		v = v[i+3:]
		colon := false
	authority:
		for j := 0; j < len(v); j++ {
			switch v[j] {
			case ':':
				colon = true
			case '@':
				if colon {
					return true
				}
				break authority
			case '/', '?', '#', ' ', '\t', '\n', '"', '\'':
				break authority
			}
		}
	}
}

// svTriggerIndex lists, by first byte, the triggers of svFormats and their rule's index:
// svTriggered finds every rule triggered by a value in one pass over it.
var svTriggerIndex = func() (idx [256][]svTrigger) {
	for i := range svFormats {
		for _, t := range svFormats[i].triggers {
			idx[t[0]] = append(idx[t[0]], svTrigger{t, uint32(1) << i})
		}
	}
	return idx
}()

type svTrigger struct {
	s    string
	rule uint32
}

// svTriggered returns the set of rules (bit i for svFormats[i]) one of whose triggers v
// contains.
func svTriggered(v string) (mask uint32) {
	for i := 0; i < len(v); i++ {
		for _, t := range svTriggerIndex[v[i]] {
			if strings.HasPrefix(v[i:], t.s) {
				mask |= t.rule
			}
		}
	}
	return mask
}

func svTrim(v string) string {
	return strings.Trim(strings.TrimSpace(v), `"'`)
}

func svLength(n int) string {
	return "redacted, " + strconv.Itoa(n) + " chars"
}

// svPlaceholders are values that stand for a secret to be filled in, not a secret.
var svPlaceholders = []string{
	"changeme", "change-me", "change_me", "changeit", "replaceme", "replace-me", "placeholder",
	"redacted", "example", "dummy", "none", "null", "nil", "undefined", "empty", "todo", "tbd",
	"true", "false", "yes", "no", "required", "optional", "secret", "password", "token",
}

// svInert reports whether v (the value stored under name) cannot be a secret: see the
// package comment above for the list.
func svInert(v, name string) bool {
	v = svTrim(v)
	if len(v) < 4 {
		return true
	}
	if strings.Contains(v, "$(") || strings.Contains(v, "${") || strings.Contains(v, "{{") || strings.Contains(v, "%(") ||
		(v[0] == '<' && v[len(v)-1] == '>') || v[0] == '$' {
		return true
	}
	if v[0] == '/' || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "~/") || strings.HasPrefix(v, "file:") {
		return true
	}
	if strings.Count(v, v[:1]) == len(v) {
		return true
	}
	for _, p := range svPlaceholders {
		if strings.EqualFold(v, p) {
			return true
		}
	}
	return name != "" && strings.EqualFold(v, name)
}

// svRandom reports whether v looks like a generated secret: one word of 16+ characters, with
// at least two digits and two letters, and 3.5 bits of entropy per character or more.
func svRandom(v string) bool {
	if len(v) < 16 || len(v) > 4096 {
		return false
	}
	var counts [256]uint16
	digits, letters := 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c <= ' ' || c >= 0x7f:
			return false
		case c >= '0' && c <= '9':
			digits++
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			letters++
		}
		counts[c]++
	}
	if digits < 2 || letters < 2 {
		return false
	}
	h, n := 0.0, float64(len(v))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h >= 3.5
}

type svNameClass uint8

const (
	svNoName svNameClass = iota
	svWeakName
	svStrongName
)

// Name words, lower case (see the rules at the top of this file).
var (
	svPasswordWords = map[string]bool{"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true,
		"apikey": true, "secretkey": true, "accesskey": true, "privatekey": true, "clientsecret": true,
		"authtoken": true, "accesstoken": true, "refreshtoken": true, "bearertoken": true}
	// svPairs: last word → the words before it that make a credential name.
	svPairs = map[string]map[string]bool{
		"key":    {"api": true, "secret": true, "access": true, "private": true, "signing": true, "encryption": true, "master": true},
		"secret": {"client": true, "app": true, "shared": true, "jwt": true, "session": true, "webhook": true},
		"token":  {"auth": true, "access": true, "refresh": true, "bearer": true, "api": true, "bot": true},
	}
	svGenericWords = map[string]bool{"secret": true, "token": true, "credential": true, "credentials": true, "creds": true}
)

// svClassify says whether name is a password name (rule 2), a generic secret name (rule 3) or
// neither, from its last two words. It does not allocate.
func svClassify(name string) svNameClass {
	var lb, pb [16]byte
	last, prev := svLastWords(name)
	l, ok := svLower(lb[:], last)
	if !ok {
		return svNoName
	}
	if svPasswordWords[string(l)] {
		return svStrongName
	}
	if before := svPairs[string(l)]; before != nil {
		if p, ok := svLower(pb[:], prev); ok && before[string(p)] {
			return svStrongName
		}
	}
	if svGenericWords[string(l)] {
		return svWeakName
	}
	return svNoName
}

// svLower copies w lower-cased into buf; false when w is empty or longer than buf (no word of
// the tables is).
func svLower(buf []byte, w string) ([]byte, bool) {
	if w == "" || len(w) > len(buf) {
		return nil, false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if svUpper(c) {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(w)], true
}

// svLastWords returns the last two words of a key name, split on non-alphanumerics and on
// camelCase boundaries ("dbPassword" → db, Password; "APIKey" → API, Key). No allocation.
func svLastWords(name string) (last, prev string) {
	end := len(name)
	for w := 0; w < 2; w++ {
		for end > 0 && !svAlnum(name[end-1]) {
			end--
		}
		if end == 0 {
			break
		}
		start := end - 1
		for start > 0 && !svBoundary(name, start, end) {
			start--
		}
		if w == 0 {
			last = name[start:end]
		} else {
			prev = name[start:end]
		}
		end = start
	}
	return last, prev
}

// svBoundary reports whether a word of name[:end] starts at i.
func svBoundary(name string, i, end int) bool {
	p, c := name[i-1], name[i]
	switch {
	case !svAlnum(p):
		return true
	case svUpper(c) && !svUpper(p): // dbPassword
		return true
	case svUpper(c) && svUpper(p) && i+1 < end && name[i+1] >= 'a' && name[i+1] <= 'z': // APIKey
		return true
	}
	return false
}

func svAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func svUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
