package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// keptClusterDir makes and returns the directory where a -keep run keeps its cluster (keys,
// logs, etcd's data): one per estate, so that the next run with the same -pods and -shape
// finds it loaded instead of loading it again (100,000 pods take a quarter of an hour on 2
// cores).
func keptClusterDir(keep string, pods int) (string, error) {
	dir := filepath.Join(keep, fmt.Sprintf("cluster-%s-%d", estateShape, pods))
	return dir, os.MkdirAll(dir, 0o700)
}

// loadedMarker is written in a kept cluster's directory once its estate is loaded whole.
const loadedMarker = "estate-loaded.json"

// loadedEstate returns what loaded the estate of the cluster kept in dir, if it was loaded
// whole ("" or a directory without the marker: not loaded).
func loadedEstate(dir string) (loadStats, bool) {
	var ls loadStats
	if dir == "" {
		return ls, false
	}
	data, err := os.ReadFile(filepath.Join(dir, loadedMarker))
	if err != nil || json.Unmarshal(data, &ls) != nil {
		return ls, false
	}
	return ls, true
}

// markLoaded records in dir (when kept) that its cluster holds the whole estate.
func markLoaded(dir string, ls loadStats) error {
	if dir == "" {
		return nil
	}
	data, err := json.Marshal(ls)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, loadedMarker), data, 0o644)
}

// loadAverage is the machine's one-minute load average (Linux), 0 when unknown.
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(data) + " 0")[0], 64)
	return f
}

// floorOf is the floor phase p is compared with: the one control's for its scan, the
// whole scan's for the others.
func (r *Results) floorOf(p Phase) Phase {
	if strings.Contains(p.Name, "1 control") {
		for _, f := range r.Phases {
			if f.Name == "LIST floor (1 control)" {
				return f
			}
		}
	}
	return r.Phases[0]
}
