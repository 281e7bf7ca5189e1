package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// runSynthetic measures `audit scan --snapshot` of internal/synth's snapshot of the given
// number of pods, with no cluster: for sizes beyond what the test API server loads in
// reasonable time (100,000 pods), and the memory target the issue sets there.
func runSynthetic(pods, runs int, jsonPath, keep, audit string) error {
	dir, audit, cleanup, err := workDir(keep, audit)
	if err != nil {
		return err
	}
	defer cleanup()
	path := filepath.Join(dir, fmt.Sprintf("synthetic-%d.json", pods))
	s := synth.Snapshot(pods)
	objects := int64(len(s.Pods) + len(s.Deployments) + len(s.ReplicaSets) + len(s.Namespaces) +
		len(s.NetworkPolicies) + len(s.Services) + len(s.Nodes))
	if err := snapfile.WriteFile(path, s); err != nil {
		return err
	}
	s = nil
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "scale: wrote a synthetic snapshot of %d pods (%d objects, %.0f MiB) to %s\n", pods, objects, float64(fi.Size())/(1<<20), path)
	cmd := phaseCmd{"audit scan --snapshot", "audit scan --snapshot synthetic.json -f json --fail-on none",
		[]string{audit, "scan", "--snapshot", path, "-f", "json", "--output=" + os.DevNull, "--fail-on", "none"}}
	var samples []Sample
	for r := 0; r < runs; r++ {
		_, smp, err := measure(cmd.args)
		if err != nil {
			return fmt.Errorf("%s: %w", cmd.name, err)
		}
		fmt.Fprintf(os.Stderr, "scale: run %d: %-28s %6.2f s wall %6.2f s cpu %6.0f MiB\n", r+1, cmd.name, smp.WallSeconds, smp.CPUSeconds, smp.PeakRSSMiB)
		samples = append(samples, smp)
	}
	p := Phase{Name: cmd.name, Command: cmd.display, Samples: samples,
		WallSeconds: median(samples, func(s Sample) float64 { return s.WallSeconds }),
		CPUSeconds:  median(samples, func(s Sample) float64 { return s.CPUSeconds }),
		PeakRSSMiB:  median(samples, func(s Sample) float64 { return s.PeakRSSMiB }),
	}
	p.ObjectsPerSec = float64(objects) / p.WallSeconds
	res := Results{Pods: pods, Objects: objects, Kubernetes: "none (synthetic snapshot)", CPUs: runtime.NumCPU(),
		GoVersion: runtime.Version(), Date: time.Now().UTC(), Phases: []Phase{p}}
	fmt.Printf("\n%d pods (synthetic), %d objects, %d CPUs; median of %d runs\n\n", pods, objects, res.CPUs, runs)
	fmt.Printf("%s: %.2f s wall, %.2f s CPU, %.0f MiB peak RSS, %.0f objects/s\n", p.Name, p.WallSeconds, p.CPUSeconds, p.PeakRSSMiB, p.ObjectsPerSec)
	data, err := json.MarshalIndent(&res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(jsonPath, append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "scale: wrote %s\n", jsonPath)
	return nil
}
