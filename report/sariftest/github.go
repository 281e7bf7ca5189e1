// Package sariftest checks a SARIF log against the rules GitHub code scanning applies when it
// ingests one, beyond the SARIF 2.1.0 schema, for the tests of every package that writes SARIF.
//
// The rules are those GitHub documents ("SARIF support for code scanning" on docs.github.com:
// the required properties of each object and the limits of "Validating your SARIF file") and
// those its upload enforces (github/codeql-action refuses a result without a location, or with
// a location without a physical location: codeql-action#1738), with the checks of Microsoft's
// SARIF validator for GitHub (sarif-sdk rules GH1001, GH1003, GH1005).
package sariftest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// GitHub's limits. A file beyond one is refused whole.
const (
	MaxRuns               = 20
	MaxResultsPerRun      = 25000
	MaxRulesPerRun        = 25000
	MaxLocationsPerResult = 1000
	MaxTagsPerRule        = 20
	// MaxGzipBytes is the largest upload, gzip-compressed.
	MaxGzipBytes = 10 << 20
	// maxDescription is the longest shortDescription and fullDescription shown.
	maxDescription = 1024
	maxRuleName    = 255
)

type message struct {
	Text *string `json:"text"`
}

type log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool struct {
		Driver struct {
			Name  string `json:"name"`
			Rules []rule `json:"rules"`
		} `json:"driver"`
	} `json:"tool"`
	AutomationDetails *struct {
		ID string `json:"id"`
	} `json:"automationDetails"`
	OriginalURIBaseIDs map[string]struct {
		URI string `json:"uri"`
	} `json:"originalUriBaseIds"`
	Results []result `json:"results"`
}

type rule struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	ShortDescription     *message `json:"shortDescription"`
	FullDescription      *message `json:"fullDescription"`
	Help                 *message `json:"help"`
	DefaultConfiguration *struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties struct {
		Tags             []string `json:"tags"`
		SecuritySeverity *string  `json:"security-severity"`
	} `json:"properties"`
}

type result struct {
	RuleID              *string           `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             *message          `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type location struct {
	PhysicalLocation *struct {
		ArtifactLocation *struct {
			URI       *string `json:"uri"`
			URIBaseID *string `json:"uriBaseId"`
		} `json:"artifactLocation"`
		Region *struct {
			StartLine *int `json:"startLine"`
			EndLine   *int `json:"endLine"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

var levels = map[string]bool{"note": true, "warning": true, "error": true}

// CheckGitHub returns every way doc breaks GitHub's ingestion rules, joined; nil if none.
func CheckGitHub(doc []byte) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(doc)
	zw.Close()
	if gz.Len() > MaxGzipBytes {
		fail("the file is %d bytes gzip-compressed, more than GitHub's %d", gz.Len(), MaxGzipBytes)
	}
	var l log
	if err := json.Unmarshal(doc, &l); err != nil {
		return fmt.Errorf("not a SARIF log: %w", err)
	}
	if l.Schema == "" {
		fail("$schema is missing")
	}
	if l.Version != "2.1.0" {
		fail("version %q, GitHub reads 2.1.0 only", l.Version)
	}
	if len(l.Runs) == 0 || len(l.Runs) > MaxRuns {
		fail("%d runs, want 1 to %d", len(l.Runs), MaxRuns)
	}
	categories := map[string]bool{}
	for i, r := range l.Runs {
		at := fmt.Sprintf("runs[%d]", i)
		if r.Tool.Driver.Name == "" {
			fail("%s: tool.driver.name is missing", at)
		}
		// Runs of one tool are told apart by their category (what automationDetails.id has
		// before its last slash); one run per tool and category.
		if r.AutomationDetails == nil || !strings.Contains(r.AutomationDetails.ID, "/") {
			fail("%s: automationDetails.id gives no category (\"category/run-id\")", at)
		} else {
			cat := r.Tool.Driver.Name + " " + r.AutomationDetails.ID[:strings.LastIndex(r.AutomationDetails.ID, "/")]
			if categories[cat] {
				fail("%s: a second run of %s", at, cat)
			}
			categories[cat] = true
		}
		for id, base := range r.OriginalURIBaseIDs {
			if u, err := url.Parse(base.URI); err != nil || !u.IsAbs() || !strings.HasSuffix(base.URI, "/") {
				fail("%s: originalUriBaseIds[%s].uri %q is not an absolute URI ending in /", at, id, base.URI)
			}
		}
		rules := r.Tool.Driver.Rules
		if len(rules) > MaxRulesPerRun {
			fail("%s: %d rules, more than GitHub's %d", at, len(rules), MaxRulesPerRun)
		}
		ids := map[string]bool{}
		for j, ru := range rules {
			checkRule(fmt.Sprintf("%s.tool.driver.rules[%d]", at, j), ru, ids, fail)
		}
		if len(r.Results) > MaxResultsPerRun {
			fail("%s: %d results, more than GitHub's %d", at, len(r.Results), MaxResultsPerRun)
		}
		for j, res := range r.Results {
			checkResult(fmt.Sprintf("%s.results[%d]", at, j), res, rules, ids, fail)
		}
	}
	return errors.Join(errs...)
}

func checkRule(at string, ru rule, ids map[string]bool, fail func(string, ...any)) {
	if ru.ID == "" || ids[ru.ID] {
		fail("%s: id %q missing or not unique", at, ru.ID)
	}
	ids[ru.ID] = true
	if len(ru.Name) > maxRuleName {
		fail("%s: name longer than %d characters", at, maxRuleName)
	}
	for name, m := range map[string]*message{"shortDescription": ru.ShortDescription, "fullDescription": ru.FullDescription} {
		if m == nil || m.Text == nil || *m.Text == "" || len(*m.Text) > maxDescription {
			fail("%s: %s.text missing, empty or longer than %d characters", at, name, maxDescription)
		}
	}
	if ru.Help == nil || ru.Help.Text == nil || *ru.Help.Text == "" {
		fail("%s: help.text missing", at)
	}
	if ru.DefaultConfiguration == nil || !levels[ru.DefaultConfiguration.Level] {
		fail("%s: defaultConfiguration.level not note, warning or error", at)
	}
	if len(ru.Properties.Tags) > MaxTagsPerRule {
		fail("%s: %d tags, more than GitHub's %d", at, len(ru.Properties.Tags), MaxTagsPerRule)
	}
	sev := ru.Properties.SecuritySeverity
	if sev == nil {
		fail("%s: properties.security-severity missing", at)
		return
	}
	v, err := strconv.ParseFloat(*sev, 64)
	if err != nil || v < 0 || v > 10 {
		fail("%s: security-severity %q is not a score from 0.0 to 10.0", at, *sev)
	}
	if v > 0 && !contains(ru.Properties.Tags, "security") {
		fail("%s: a security-severity without the \"security\" tag", at)
	}
}

func checkResult(at string, res result, rules []rule, ids map[string]bool, fail func(string, ...any)) {
	if res.Message == nil || res.Message.Text == nil || *res.Message.Text == "" {
		fail("%s: message.text missing", at)
	}
	switch {
	case res.RuleID == nil:
		fail("%s: ruleId missing", at)
	case !ids[*res.RuleID]:
		fail("%s: ruleId %q names no rule", at, *res.RuleID)
	}
	if res.RuleIndex != nil {
		if *res.RuleIndex < 0 || *res.RuleIndex >= len(rules) {
			fail("%s: ruleIndex %d out of the rules", at, *res.RuleIndex)
		} else if res.RuleID != nil && rules[*res.RuleIndex].ID != *res.RuleID {
			fail("%s: ruleIndex %d is rule %s, ruleId says %s", at, *res.RuleIndex, rules[*res.RuleIndex].ID, *res.RuleID)
		}
	}
	if res.Level != "" && !levels[res.Level] {
		fail("%s: level %q", at, res.Level)
	}
	if len(res.PartialFingerprints) == 0 {
		fail("%s: partialFingerprints missing", at)
	}
	if len(res.Locations) == 0 || len(res.Locations) > MaxLocationsPerResult {
		fail("%s: %d locations, want 1 to %d", at, len(res.Locations), MaxLocationsPerResult)
	}
	for k, loc := range res.Locations {
		lat := fmt.Sprintf("%s.locations[%d]", at, k)
		pl := loc.PhysicalLocation
		if pl == nil || pl.ArtifactLocation == nil || pl.ArtifactLocation.URI == nil || *pl.ArtifactLocation.URI == "" {
			fail("%s: no physicalLocation.artifactLocation.uri (GH1001)", lat)
			continue
		}
		uri := *pl.ArtifactLocation.URI
		u, err := url.Parse(uri)
		switch {
		case err != nil:
			fail("%s: uri %q is not a URI reference: %v", lat, uri, err)
		case u.IsAbs() && u.Scheme != "file":
			fail("%s: uri %q is neither relative nor a file URI (GH1005)", lat, uri)
		case !u.IsAbs() && strings.HasPrefix(uri, "/"):
			fail("%s: uri %q is an absolute path without the file scheme", lat, uri)
		case !u.IsAbs() && (uri == ".." || strings.HasPrefix(uri, "../")):
			fail("%s: uri %q leaves the repository", lat, uri)
		}
		if b := pl.ArtifactLocation.URIBaseID; b != nil && u != nil && u.IsAbs() {
			fail("%s: an absolute uri with a uriBaseId", lat)
		}
		if pl.Region == nil || pl.Region.StartLine == nil || *pl.Region.StartLine < 1 {
			fail("%s: no region.startLine (GH1003)", lat)
		} else if e := pl.Region.EndLine; e != nil && *e < *pl.Region.StartLine {
			fail("%s: region ends (line %d) before it starts (line %d)", lat, *e, *pl.Region.StartLine)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
