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
// `kubectl logs` of several agent pods gives them). name is used in errors.
func DecodeReports(r io.Reader, name string) ([]snapshot.NodeReport, error) {
	dec := json.NewDecoder(r)
	var out []snapshot.NodeReport
	for {
		var rep snapshot.NodeReport
		err := dec.Decode(&rep)
		if errors.Is(err, io.EOF) {
			return out, nil
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

// ReadReports reads node reports from every *.json file of dir, or from standard input
// when dir is "-".
func ReadReports(dir string, stdin io.Reader) ([]snapshot.NodeReport, error) {
	if dir == "-" {
		return DecodeReports(stdin, "standard input")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("node reports: %w (give a directory of 'audit node' outputs, or - for standard input)", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("node reports: no *.json file in %s", dir)
	}
	var out []snapshot.NodeReport
	for _, n := range names {
		p := filepath.Join(dir, n)
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("node reports: %w", err)
		}
		reps, err := DecodeReports(f, p)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, reps...)
	}
	return out, nil
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
