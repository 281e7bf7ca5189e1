package nodeagent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/snapshot"
)

// WriteReport writes r as indented JSON.
func WriteReport(w io.Writer, r *snapshot.NodeReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode node report: %w", err)
	}
	return nil
}

// DecodeReports reads one or more node report documents from r (concatenated JSON, as
// `kubectl logs` of several agent pods gives them), each of at most sizelimit.NodeReport
// bytes. name is used in errors.
func DecodeReports(r io.Reader, name string) ([]snapshot.NodeReport, error) {
	lr := sizelimit.NewReader(r, sizelimit.NodeReport, "a node report")
	dec := json.NewDecoder(lr)
	var out []snapshot.NodeReport
	for {
		var rep snapshot.NodeReport
		lr.Next()
		err := dec.Decode(&rep)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if sizelimit.IsTooLarge(err) {
			return nil, fmt.Errorf("%s: node report %d: %w", name, len(out)+1, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: node report %d: %w (is it the output of 'audit node'?)", name, len(out)+1, err)
		}
		if rep.APIVersion != snapshot.NodeReportAPIVersion || rep.Kind != snapshot.NodeReportKind {
			return nil, fmt.Errorf("%s: node report %d: apiVersion %q kind %q, want %s %s (write it with this version of 'audit node')",
				name, len(out)+1, rep.APIVersion, rep.Kind, snapshot.NodeReportAPIVersion, snapshot.NodeReportKind)
		}
		if rep.Node == "" {
			return nil, fmt.Errorf("%s: node report %d names no node", name, len(out)+1)
		}
		out = append(out, rep)
	}
}

// ReadReports reads node reports from every *.json file of dir, or from standard input when
// dir is "-". A node reported twice is refused, naming both reports: which one to believe is
// the user's call, not the reader's. One exception: on standard input, where the agent
// DaemonSet's logs (audit node --interval) give a series of reports of each node, the newest
// report of a node by collectedAt is kept, and superseded counts the others; two reports of
// a node collected at the same time are refused.
func ReadReports(dir string, stdin io.Reader) (reps []snapshot.NodeReport, superseded int, err error) {
	if dir == "-" {
		reps, err := DecodeReports(stdin, "standard input")
		if err != nil {
			return nil, 0, err
		}
		return newestPerNode(reps, func(i int) string { return fmt.Sprintf("standard input (report %d)", i+1) })
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, fmt.Errorf("node reports: %w (give a directory of 'audit node' outputs, or - for standard input)", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, 0, fmt.Errorf("node reports: no *.json file in %s", dir)
	}
	var out []snapshot.NodeReport
	var from []string // the file of each report, with its place when the file holds several
	for _, n := range names {
		p := filepath.Join(dir, n)
		f, err := os.Open(p)
		if err != nil {
			return nil, 0, fmt.Errorf("node reports: %w", err)
		}
		reps, err := DecodeReports(f, p)
		f.Close()
		if err != nil {
			return nil, 0, err
		}
		for i := range reps {
			if len(reps) == 1 {
				from = append(from, p)
			} else {
				from = append(from, fmt.Sprintf("%s (report %d)", p, i+1))
			}
		}
		out = append(out, reps...)
	}
	first := make(map[string]int, len(out))
	for i := range out {
		if j, dup := first[out[i].Node]; dup {
			return nil, 0, twice(out[i].Node, from[j], from[i])
		}
		first[out[i].Node] = i
	}
	return out, 0, nil
}

// newestPerNode keeps the newest report of each node, in the order of their first reports;
// source names report i.
func newestPerNode(reps []snapshot.NodeReport, source func(int) string) ([]snapshot.NodeReport, int, error) {
	newest := make(map[string]int, len(reps))
	var order []string
	for i := range reps {
		j, seen := newest[reps[i].Node]
		switch {
		case !seen:
			order = append(order, reps[i].Node)
			newest[reps[i].Node] = i
		case reps[i].CollectedAt.Equal(reps[j].CollectedAt):
			return nil, 0, twice(reps[i].Node, source(j), source(i))
		case reps[i].CollectedAt.After(reps[j].CollectedAt):
			newest[reps[i].Node] = i
		}
	}
	out := make([]snapshot.NodeReport, 0, len(order))
	for _, n := range order {
		out = append(out, reps[newest[n]])
	}
	return out, len(reps) - len(out), nil
}

func twice(node, a, b string) error {
	return fmt.Errorf("node reports: node %q is reported twice, in %s and in %s: give one report per node", node, a, b)
}

// UnknownNodes lists the merged reports whose node is not among the snapshot's Node objects
// (a report from another cluster, or a --node name that is not the node's): their results
// stand apart from the cluster's nodes. Empty when the nodes were not collected.
func UnknownNodes(snap *snapshot.Snapshot) []string {
	if c, ok := snap.Status(snapshot.ResNodes); !ok || c.State != snapshot.Collected {
		return nil
	}
	known := make(map[string]bool, len(snap.Nodes))
	for _, n := range snap.Nodes {
		known[n.Name] = true
	}
	var out []string
	for _, r := range snap.NodeReports {
		if !known[r.Node] {
			out = append(out, r.Node)
		}
	}
	return out
}
