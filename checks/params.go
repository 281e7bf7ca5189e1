package checks

import (
	"fmt"
	"strings"
)

// Params are the user's inputs to the checks that need one. They travel in the Selection, so
// that the report records what a verdict was judged against.
type Params struct {
	// AllowedRegistries lists the registries images may come from (KP-WL-021). Empty means no
	// allow-list was given.
	AllowedRegistries []AllowedRegistry `json:"allowedRegistries,omitempty"`
}

// AllowedRegistry is one entry of an image registry allow-list: a registry host, with its
// port if any ("registry.example.com", "localhost:5000"), optionally followed by a repository
// path prefix ("ghcr.io/acme", "docker.io/library" for Docker Hub's official images only).
// It is made by ParseAllowedRegistry, so a check compares with it without parsing again; in
// JSON it is its normal form, the string String returns.
type AllowedRegistry struct {
	host   string // lower case, Docker Hub's aliases folded into "docker.io"
	prefix string // repository path prefix, "" for the whole registry
}

// dockerHubAliases are the names of Docker Hub that images and users write.
var dockerHubAliases = map[string]bool{"docker.io": true, "index.docker.io": true, "registry-1.docker.io": true}

// ParseAllowedRegistry checks and normalises an allow-list entry as the user gives it: a
// scheme and leading or trailing slashes are dropped, the host is lower-cased and Docker Hub
// ("index.docker.io", "registry-1.docker.io") is "docker.io". The error quotes the entry.
func ParseAllowedRegistry(raw string) (AllowedRegistry, error) {
	s := strings.TrimSpace(raw)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.Trim(s, "/")
	if s == "" {
		return AllowedRegistry{}, fmt.Errorf("allowed registry %q: empty entry (give a registry host such as registry.example.com or ghcr.io/acme)", raw)
	}
	if strings.ContainsAny(s, "@ \t") {
		return AllowedRegistry{}, fmt.Errorf("allowed registry %q: give a registry host and optional repository prefix (ghcr.io/acme), not an image", raw)
	}
	host, prefix, _ := strings.Cut(s, "/")
	if strings.Contains(prefix, ":") {
		return AllowedRegistry{}, fmt.Errorf("allowed registry %q: a tag is not a registry (give ghcr.io/acme, not ghcr.io/acme/app:1)", raw)
	}
	host = strings.ToLower(host)
	if dockerHubAliases[host] {
		host = "docker.io"
	}
	return AllowedRegistry{host: host, prefix: prefix}, nil
}

// ParseAllowedRegistries parses each entry of list with ParseAllowedRegistry; the error is
// the first bad entry's.
func ParseAllowedRegistries(list []string) ([]AllowedRegistry, error) {
	out := make([]AllowedRegistry, 0, len(list))
	for _, raw := range list {
		r, err := ParseAllowedRegistry(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// String is the entry's normal form: host, then "/" and the prefix if there is one.
func (a AllowedRegistry) String() string {
	if a.prefix == "" {
		return a.host
	}
	return a.host + "/" + a.prefix
}

// Allows reports whether an image of repository path in registry domain (as
// github.com/distribution/reference normalises them: Docker Hub is "docker.io") comes from
// this entry: the same host, and the path equal to the prefix or below it ("ghcr.io/acme"
// allows ghcr.io/acme/app, not ghcr.io/acme-evil/app).
func (a AllowedRegistry) Allows(domain, path string) bool {
	if strings.ToLower(domain) != a.host {
		return false
	}
	return a.prefix == "" || path == a.prefix || strings.HasPrefix(path, a.prefix+"/")
}

// MarshalText writes the entry's normal form, so that a report records the list as strings.
func (a AllowedRegistry) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses an entry as ParseAllowedRegistry does (a report read back).
func (a *AllowedRegistry) UnmarshalText(b []byte) error {
	r, err := ParseAllowedRegistry(string(b))
	if err != nil {
		return err
	}
	*a = r
	return nil
}
