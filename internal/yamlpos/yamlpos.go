// Package yamlpos finds where an object's fields are in the YAML (or JSON) text it was read
// from, so that a finding can point at the line to change: the line of every field by its path
// ("spec.containers[0].securityContext.privileged"), and the field that a finding's evidence
// names. Positions are the node positions of go.yaml.in/yaml/v3's parser (the maintained
// successor of the YAML library sigs.k8s.io/yaml wraps); its node API keeps aliases as
// references, so a document is never expanded beyond its own size.
package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Node is a parsed YAML node with its position.
type Node = yaml.Node

// MappingNode is the kind of a mapping's node.
const MappingNode = yaml.MappingNode

// Parse parses one YAML document and returns its content node (nil for an empty document).
func Parse(doc []byte) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(doc)).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, fmt.Errorf("yaml positions: %w", err)
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		return root.Content[0], nil
	}
	return &root, nil
}

// Items returns the item nodes of a List document (its "items" sequence), in order.
func Items(n *yaml.Node) []*yaml.Node {
	if v := field(n, "items"); v != nil && v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return nil
}

// field is the value node of key in mapping n, or nil.
func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// Object is the position of the object whose node is n, its lines moved down by offset (the
// lines of the file before the document).
func Object(n *yaml.Node, offset int) snapshot.SourcePosition {
	pos := snapshot.SourcePosition{Fields: map[string]snapshot.LineRange{}}
	end := walk(n, "", offset, pos.Fields)
	pos.Lines = snapshot.LineRange{Start: n.Line + offset, End: end, Column: n.Column}
	return pos
}

// walk records the fields under n, whose path is path, and returns n's last line.
func walk(n *yaml.Node, path string, offset int, fields map[string]snapshot.LineRange) int {
	last := n.Line + offset
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			// A block scalar starts on the line of its indicator; its text follows.
			last += strings.Count(strings.TrimSuffix(n.Value, "\n"), "\n") + 1
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			end := max(walk(v, p, offset, fields), k.Line+offset)
			fields[p] = snapshot.LineRange{Start: k.Line + offset, End: end, Column: k.Column}
			last = max(last, end)
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			end := walk(v, p, offset, fields)
			lines := snapshot.LineRange{Start: v.Line + offset, End: end, Column: v.Column}
			fields[p] = lines
			// An item with a name (a container, a volume, a port) is also found by it, as
			// evidence names it ("containers[name=app]").
			if name := field(v, "name"); name != nil && name.Kind == yaml.ScalarNode {
				fields[path+"[name="+name.Value+"]"] = lines
			}
			last = max(last, end)
		}
	}
	return last
}

// pathPattern matches a field path in evidence text: names joined by dots, each with any
// index or selector ("spec.containers[0].ports[].hostPort", "status.conditions[type=Ready]").
var pathPattern = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\])*(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\])*)+`)

// maxPaths bounds the paths of one evidence text that are looked up.
const maxPaths = 8

// wordPattern matches a field name given alone, or before "=" ("hostNetwork=true").
var (
	wordPattern   = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	assignPattern = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.]*)=`)
	quotedPattern = regexp.MustCompile(`"([^"]+)"`)
	flagPattern   = regexp.MustCompile(`--([a-z0-9][a-z0-9-]*)`)
)

// containerLists are the lists of a pod spec whose items evidence names by their name.
var containerLists = []string{"containers", "initContainers", "ephemeralContainers"}

// Resolve returns the lines of the field that a finding's evidence names in the object at
// pos. where (Evidence.Where) names a field path, or the pod spec a workload control judged;
// observed (Evidence.Observed) may name, below it, the fields and containers at fault
// ("containers \"app\" must not set securityContext.privileged=true"). The answer is the
// first path found whole; else the deepest part of one that is there (the mapping a missing
// field belongs in); else the object's own lines. An index left empty or given as a selector
// ("containers[]", "conditions[type=Ready]") matches any item; "[name=x]" the item named x.
func Resolve(pos snapshot.SourcePosition, where, observed string) snapshot.LineRange {
	best, bestDepth := pos.Lines, 0
	try := func(p string) bool {
		segs := segments(p)
		r, depth := match(pos.Fields, "", segs)
		if depth == len(segs) {
			best, bestDepth = r, depth
			return true
		}
		if depth > bestDepth {
			best, bestDepth = r, depth
		}
		return false
	}
	paths := pathPattern.FindAllString(where, maxPaths)
	if len(paths) == 0 {
		// A single name ("spec", "rules") is a path when the object has that field.
		for _, w := range wordPattern.FindAllString(where, maxPaths) {
			if _, ok := pos.Fields[w]; ok {
				paths = append(paths, w)
				break
			}
		}
	}
	// A component's flag ("--profiling") is its item of the component's flags.
	for _, m := range flagPattern.FindAllStringSubmatch(where, maxPaths) {
		paths = append(paths, "flags[name="+m[1]+"]")
	}
	for _, p := range paths {
		if try(p) {
			break
		}
	}
	if observed == "" || len(paths) == 0 || bestDepth != len(segments(paths[0])) {
		return best
	}
	// The fields observed below the path where names, in the containers observed.
	base := paths[0]
	var fields []string
	for _, m := range assignPattern.FindAllStringSubmatch(observed, maxPaths) {
		fields = append(fields, m[1])
	}
	fields = append(fields, pathPattern.FindAllString(observed, maxPaths)...)
	var names []string
	for _, m := range quotedPattern.FindAllStringSubmatch(observed, maxPaths) {
		names = append(names, m[1])
	}
	whole, wholeDepth := best, bestDepth
	for _, f := range fields {
		for _, n := range names {
			for _, list := range containerLists {
				if try(base + "." + list + "[name=" + n + "]." + f) {
					return best
				}
			}
		}
		// A pod's field as the pod names it ("spec.hostNetwork"), below a template's spec too.
		if try(base+"."+f) || strings.HasPrefix(f, "spec.") && try(base+"."+strings.TrimPrefix(f, "spec.")) {
			return best
		}
	}
	if bestDepth == wholeDepth {
		// No field observed is there: the first container named, if any.
		for _, n := range names {
			for _, list := range containerLists {
				if try(base + "." + list + "[name=" + n + "]") {
					return best
				}
			}
		}
		return whole
	}
	return best
}

// segments splits a path into its names and indexes: "a.b[0][]" is a, .b, [0], [].
func segments(p string) []string {
	var out []string
	for _, part := range strings.Split(p, ".") {
		name, rest, _ := strings.Cut(part, "[")
		out = append(out, name)
		if rest != "" {
			for _, idx := range strings.Split(strings.TrimSuffix(rest, "]"), "][") {
				out = append(out, "["+idx+"]")
			}
		}
	}
	return out
}

// match follows segs from the field at prefix, and returns the lines of the deepest field
// reached and how many segments it matched.
func match(fields map[string]snapshot.LineRange, prefix string, segs []string) (snapshot.LineRange, int) {
	if len(segs) == 0 {
		return fields[prefix], 0
	}
	s := segs[0]
	if strings.HasPrefix(s, "[") {
		if strings.HasPrefix(s, "[name=") {
			// The item of that name, by its index.
			if r, ok := fields[prefix+s]; ok {
				for i := 0; ; i++ {
					p := prefix + "[" + strconv.Itoa(i) + "]"
					ri, ok := fields[p]
					if !ok {
						break
					}
					if ri == r {
						return follow(fields, p, segs)
					}
				}
			}
			return snapshot.LineRange{}, 0
		}
		if _, err := strconv.Atoi(s[1 : len(s)-1]); err != nil {
			// Any item: the first through which the rest matches furthest.
			var best snapshot.LineRange
			bestDepth := -1
			for i := 0; ; i++ {
				p := prefix + "[" + strconv.Itoa(i) + "]"
				r, ok := fields[p]
				if !ok {
					break
				}
				rr, d := match(fields, p, segs[1:])
				if d == 0 {
					rr = r
				}
				if d > bestDepth {
					best, bestDepth = rr, d
				}
				if d == len(segs)-1 {
					break
				}
			}
			if bestDepth < 0 {
				return fields[prefix], 0
			}
			return best, bestDepth + 1
		}
		return follow(fields, prefix+s, segs)
	}
	if prefix != "" {
		s = "." + s
	}
	return follow(fields, prefix+s, segs)
}

// follow matches segs[0] as the field p, then the rest from it.
func follow(fields map[string]snapshot.LineRange, p string, segs []string) (snapshot.LineRange, int) {
	r, ok := fields[p]
	if !ok {
		return snapshot.LineRange{}, 0
	}
	rr, d := match(fields, p, segs[1:])
	if d == 0 {
		return r, 1
	}
	return rr, d + 1
}
