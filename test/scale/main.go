// Command scale measures kubeposture against a real API server holding a realistic estate
// of N pods: it starts the test cluster (internal/testcluster), loads the estate, then
// measures, in the same run and against the same server,
//
//  1. the floor: a bare paged LIST of every kind the scan reads, with the scan's client
//     settings (the least any live scan must spend);
//  2. `audit scan` live, the real binary as a subprocess;
//  3. the floor of one control (what its scan lists: collect.Plan) and `audit scan --control`
//     of it;
//  4. `audit collect`, which writes the snapshot (JSON and binary), and `audit scan --snapshot`
//     of each (checks and report alone);
//
// each as a subprocess, with wall time, CPU time and peak RSS from the kernel (rusage), and
// prints a table and writes it as JSON.
//
//	go run ./test/scale -pods 10000
//	go run ./test/scale -pods 1000 -runs 5 -json scale-1000.json
//	go run ./test/scale -pods 10000 -baseline /tmp/audit-old   # before/after in one run
//	go run ./test/scale -pods 100000 -keep /var/tmp/scale      # the loaded estate is kept for the next run
//	go run ./test/scale -pods 10000 -shape web                 # the second estate (shape.go)
//	go run ./test/scale -pods 2000 -nodes 24                   # as root: the whole cluster
//	go run ./test/scale -doc                                   # docs/scale.md's curve from docs/scale/*.json
//
// By default the test cluster is an API server and etcd, and the estate is loaded directly
// (pods, ReplicaSets and Jobs written as their controllers would). With -nodes N it is a whole
// cluster (internal/testcluster: controller manager, scheduler, N hollow nodes running the
// kubelet's code; root is needed for their network namespaces): the loader creates only what
// a user creates, the controllers make the pods, the scheduler places them and the kubelets
// run them, and the measurements start once every pod runs. The measured commands pass
// --skip-kubelet either way (the floor does not read nodes/proxy either), so that the two
// modes compare; with -nodes one more phase scans with the kubelets' configuration. It is a
// benchmark, not a test: `go test ./...` runs only a smoke test of the loader at 100 pods.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// apiServerFlags raise the API server's in-flight limits so that the loader's concurrent
// creates are not turned away; reads are unaffected at the scan's rate.
var apiServerFlags = []string{"--max-requests-inflight=2000", "--max-mutating-requests-inflight=1000"}

// controllerFlags raise the controller manager's and the scheduler's client rates (20 and 50
// requests per second by default), as large clusters do, so that the controllers make
// thousands of pods in seconds rather than minutes.
var controllerFlags = []string{"--kube-api-qps=300", "--kube-api-burst=600"}

func main() {
	pods := flag.Int("pods", 10000, "pods in the estate (in pods/50 namespaces)")
	runs := flag.Int("runs", 3, "measurements of each phase; the table shows the median")
	workers := flag.Int("workers", 48, "namespaces loaded at once")
	jsonPath := flag.String("json", "", "write the results as JSON to this file (default scale-PODS.json)")
	keep := flag.String("keep", "", "keep the snapshot, reports and the cluster's data (the loaded estate, reused by the next run with the same -pods and -shape) in this directory")
	hold := flag.Bool("hold", false, "load the estate, then keep the cluster up (kubeconfig in -keep) until interrupted, instead of measuring")
	auditBin := flag.String("audit", "", "measure this audit binary (default: build ./cmd/audit from this checkout)")
	baseline := flag.String("baseline", "", "also measure this audit binary (an older build), for a before/after in one run")
	nodes := flag.Int("nodes", 0, "run a whole cluster with this many hollow nodes (root): controllers make the estate's pods")
	synthetic := flag.Bool("synthetic", false, "no cluster: measure audit scan --snapshot of internal/synth's snapshot of -pods pods (for 100,000)")
	floorMode := flag.Bool("floor", false, "internal: run the floor listing against -kubeconfig and print the object count")
	kubeconfig := flag.String("kubeconfig", "", "internal: the kubeconfig of -floor")
	control := flag.String("control", "", "internal: -floor lists what a scan of this control lists")
	flag.StringVar(&estateShape, "shape", shapeApps, "the estate's shape: "+shapeApps+" (workloads, the default) or "+shapeWeb+" (more Services, Ingresses and Secrets)")
	doc := flag.Bool("doc", false, "write docs/scale.md's curve (table and docs/scale/curve.svg) from the results in docs/scale/, instead of measuring")
	flag.Parse()

	if *doc {
		if err := writeDoc(); err != nil {
			fmt.Fprintln(os.Stderr, "scale: -doc:", err)
			os.Exit(1)
		}
		return
	}
	if *floorMode {
		if err := runFloor(*kubeconfig, *control); err != nil {
			fmt.Fprintln(os.Stderr, "scale: floor:", err)
			os.Exit(1)
		}
		return
	}
	if *jsonPath == "" {
		*jsonPath = fmt.Sprintf("scale-%d.json", *pods)
	}
	if *synthetic {
		if err := runSynthetic(*pods, *runs, *jsonPath, *keep, *auditBin); err != nil {
			fmt.Fprintln(os.Stderr, "scale:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*pods, *runs, *workers, *nodes, *jsonPath, *keep, *auditBin, *baseline, *hold); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func runFloor(kubeconfig, control string) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	var ids []string
	if control != "" {
		ids = []string{control}
	}
	plan, err := planOf(ids)
	if err != nil {
		return err
	}
	n, err := floor(context.Background(), cfg, scanDefaults, plan)
	if err != nil {
		return err
	}
	fmt.Println(n)
	return nil
}

// phaseCmd is one measured command.
type phaseCmd struct {
	name, display string
	args          []string
}

// Results is the JSON document the command writes.
type Results struct {
	Pods       int       `json:"pods"`
	Shape      string    `json:"shape,omitempty"` // the estate's (shape.go); empty is apps
	Objects    int64     `json:"objects"`
	Kubernetes string    `json:"kubernetes"`
	CPUs       int       `json:"cpus"`
	GoVersion  string    `json:"goVersion"`
	Date       time.Time `json:"date"`
	Load       loadStats `json:"load"`
	Phases     []Phase   `json:"phases"`
	// LiveOverFloor is the live scan's median wall time over the floor's; LiveOverFloorPaired
	// the median of the ratios of each run, whose floor and scan ran back to back (on a shared
	// machine, less sensitive to load that comes and goes).
	LiveOverFloor       float64 `json:"liveOverFloor"`
	LiveOverFloorPaired float64 `json:"liveOverFloorPaired"`
	// OneControlOverFloor is the scan of one control's median wall time over the floor of
	// what it lists.
	OneControlOverFloor float64 `json:"oneControlOverFloor,omitempty"`
}

// Phase is one measured command: the medians of its runs, and every run.
type Phase struct {
	Name          string   `json:"name"`
	Command       string   `json:"command"`
	WallSeconds   float64  `json:"wallSeconds"`
	CPUSeconds    float64  `json:"cpuSeconds"`
	PeakRSSMiB    float64  `json:"peakRssMiB"`
	ObjectsPerSec float64  `json:"objectsPerSecond"`
	Samples       []Sample `json:"samples"`
}

// Sample is one run of a command, as the kernel accounted it.
type Sample struct {
	WallSeconds float64 `json:"wallSeconds"`
	CPUSeconds  float64 `json:"cpuSeconds"` // user + system
	PeakRSSMiB  float64 `json:"peakRssMiB"`
	// LoadAverage is the machine's one-minute load average when the run started: what else
	// was running (on a shared machine, wall times follow it).
	LoadAverage float64 `json:"loadAverage,omitempty"`
}

func run(pods, runs, workers, nodes int, jsonPath, keep, audit, baseline string, hold bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dir, audit, cleanup, err := workDir(keep, audit)
	if err != nil {
		return err
	}
	defer cleanup()

	opts := testcluster.Options{APIServerFlags: apiServerFlags, Log: os.Stderr}
	if nodes > 0 {
		opts.Controllers, opts.Nodes = true, nodes
		opts.ControllerManagerFlags, opts.SchedulerFlags = controllerFlags, controllerFlags
	} else if keep != "" {
		// A whole cluster's nodes and controllers start afresh each run: only an API server's
		// estate is kept for the next run.
		if opts.Dir, err = keptClusterDir(keep, pods); err != nil {
			return err
		}
	}
	c, err := testcluster.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer c.Stop()
	var workerNodes []string // the nodes pods are scheduled to: all but the tainted control plane
	for _, n := range c.Nodes {
		if n.Profile != testcluster.ControlPlane {
			workerNodes = append(workerNodes, n.Name)
		}
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := c.WriteKubeconfig(kubeconfig); err != nil {
		return err
	}

	ls, loaded := loadedEstate(opts.Dir)
	if loaded {
		fmt.Fprintf(os.Stderr, "scale: the kept cluster in %s holds the estate, loaded before in %.0f s\n", opts.Dir, ls.Seconds)
	} else {
		fmt.Fprintf(os.Stderr, "scale: loading %d pods into Kubernetes %s\n", pods, c.Version)
		if ls, err = load(ctx, loaderClient(c.Admin), pods, workers, workerNodes, os.Stderr); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		fmt.Fprintf(os.Stderr, "scale: loaded %d objects (%d pods, %d namespaces) in %.1f s (%.0f objects/s)\n",
			ls.Objects, ls.Pods, ls.Namespaces, ls.Seconds, ls.PerSecond)
		if err := markLoaded(opts.Dir, ls); err != nil {
			return err
		}
	}
	if nodes > 0 {
		wait, err := waitRunning(ctx, loaderClient(c.Admin), ls.Pods, os.Stderr)
		if err != nil {
			return err
		}
		ls.RunningSeconds = ls.Seconds + wait
		fmt.Fprintf(os.Stderr, "scale: the controllers, the scheduler and %d nodes run all %d pods %.1f s after the load began\n", nodes, ls.Pods, ls.RunningSeconds)
	}
	if hold {
		fmt.Fprintf(os.Stderr, "scale: holding the cluster; kubeconfig: %s; Ctrl-C to stop\n", kubeconfig)
		<-ctx.Done()
		return nil
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	snap, bin := filepath.Join(dir, "snapshot.json"), filepath.Join(dir, "snapshot.kps")
	devnull := "--output=" + os.DevNull
	// A -baseline binary is an older build: it takes the report's file as --output-file (which
	// this one still accepts, deprecated).
	oldDevnull := "--output-file=" + os.DevNull
	live := []string{audit, "scan", "--kubeconfig", kubeconfig, "--skip-kubelet", "--fail-on", "none", devnull}
	// One cheap control: what its scan lists (collect.Plan) against the floor of those lists.
	const oneControl = "KP-CP-001"
	commands := []phaseCmd{
		{"LIST floor", "bare paged LIST of every kind (protobuf, pages of 500, QPS 100, 8 kinds at once)",
			[]string{self, "-floor", "-kubeconfig", kubeconfig}},
		{"audit scan (live)", "audit scan --skip-kubelet --fail-on none", live},
		{"LIST floor (1 control)", "the floor of what a scan of " + oneControl + " lists",
			[]string{self, "-floor", "-kubeconfig", kubeconfig, "-control", oneControl}},
		{"audit scan (live, 1 control)", "audit scan --skip-kubelet --fail-on none --control " + oneControl,
			// Its cost, not its verdict: the API server alone runs no control-plane pod for it
			// to judge, and a scan that evaluates nothing fails closed (--min-evaluated).
			append(slices.Clone(live), "--control", oneControl, "--min-evaluated", "0")},
		{"audit collect", "audit collect --skip-kubelet -o snapshot.json",
			[]string{audit, "collect", "--kubeconfig", kubeconfig, "--skip-kubelet", "-o", snap}},
		{"audit scan --snapshot", "audit scan --snapshot snapshot.json --fail-on none",
			[]string{audit, "scan", "--snapshot", snap, "--fail-on", "none", devnull}},
		{"audit collect (binary)", "audit collect --skip-kubelet --snapshot-format binary -o snapshot.kps",
			[]string{audit, "collect", "--kubeconfig", kubeconfig, "--skip-kubelet", "--snapshot-format", "binary", "-o", bin}},
		{"audit scan --snapshot (binary)", "audit scan --snapshot snapshot.kps --fail-on none",
			[]string{audit, "scan", "--snapshot", bin, "--fail-on", "none", devnull}},
	}
	if nodes > 0 {
		commands = append(commands, phaseCmd{"audit scan (live, kubelets)", "audit scan --fail-on none (configz of every node through nodes/proxy)",
			[]string{audit, "scan", "--kubeconfig", kubeconfig, "--fail-on", "none", devnull}})
	}
	if baseline != "" {
		commands = append(commands,
			phaseCmd{"baseline: audit scan (live)", "the -baseline binary: audit scan --skip-kubelet --fail-on none",
				[]string{baseline, "scan", "--kubeconfig", kubeconfig, "--skip-kubelet", "--fail-on", "none", oldDevnull}},
			phaseCmd{"baseline: audit scan (live, 1 control)", "the -baseline binary: audit scan --skip-kubelet --fail-on none --control " + oneControl,
				[]string{baseline, "scan", "--kubeconfig", kubeconfig, "--skip-kubelet", "--fail-on", "none", oldDevnull, "--control", oneControl}},
			phaseCmd{"baseline: audit scan --snapshot", "the -baseline binary: audit scan --snapshot snapshot.json --fail-on none",
				[]string{baseline, "scan", "--snapshot", snap, "--fail-on", "none", oldDevnull}})
	}

	// One unmeasured floor warms the server's caches and gives the object count.
	out, _, err := measure(commands[0].args)
	if err != nil {
		return err
	}
	objects, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if err != nil {
		return fmt.Errorf("floor printed %q, not a count", out)
	}

	// The results are written after every run, so that a run stopped part way (100,000 pods
	// take minutes a run) keeps the runs it finished; the snapshots are checked after the
	// first, which wrote them.
	samples := make([][]Sample, len(commands))
	var res *Results
	for r := 0; r < runs; r++ {
		for i, cmd := range commands {
			_, s, err := measure(cmd.args)
			if err != nil {
				return fmt.Errorf("%s: %w", cmd.name, err)
			}
			fmt.Fprintf(os.Stderr, "scale: run %d: %-28s %6.2f s wall %6.2f s cpu %6.0f MiB\n", r+1, cmd.name, s.WallSeconds, s.CPUSeconds, s.PeakRSSMiB)
			samples[i] = append(samples[i], s)
		}
		if r == 0 {
			for _, path := range []string{snap, bin} {
				if err := checkSnapshot(path, objects); err != nil {
					return err
				}
			}
		}
		res = summarize(commands, samples, objects)
		res.Pods, res.Shape, res.Kubernetes, res.Load = ls.Pods, estateShape, c.Version, ls
		data, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonPath, append(data, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "scale: wrote %s (%d of %d runs)\n", jsonPath, r+1, runs)
	}
	printTable(os.Stdout, res)
	return nil
}

// summarize gives each phase the medians of its samples (the same number for every phase).
func summarize(commands []phaseCmd, samples [][]Sample, objects int64) *Results {
	res := &Results{Objects: objects, CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Date: time.Now().UTC()}
	for i, cmd := range commands {
		p := Phase{Name: cmd.name, Command: cmd.display, Samples: samples[i],
			WallSeconds: median(samples[i], func(s Sample) float64 { return s.WallSeconds }),
			CPUSeconds:  median(samples[i], func(s Sample) float64 { return s.CPUSeconds }),
			PeakRSSMiB:  median(samples[i], func(s Sample) float64 { return s.PeakRSSMiB }),
		}
		p.ObjectsPerSec = float64(objects) / p.WallSeconds
		res.Phases = append(res.Phases, p)
	}
	res.LiveOverFloor = res.Phases[1].WallSeconds / res.Phases[0].WallSeconds
	ratios := make([]Sample, len(samples[1]))
	for r := range ratios {
		ratios[r].WallSeconds = samples[1][r].WallSeconds / samples[0][r].WallSeconds
	}
	res.LiveOverFloorPaired = median(ratios, func(s Sample) float64 { return s.WallSeconds })
	res.OneControlOverFloor = res.Phases[3].WallSeconds / res.Phases[2].WallSeconds
	return res
}

// loaderClient raises the client's limits far above the API server's capacity: the loader's
// speed is then the server's.
func loaderClient(admin *rest.Config) kubernetes.Interface {
	cfg := rest.CopyConfig(admin)
	cfg.QPS, cfg.Burst = 5000, 10000
	// PodSecurity warnings and the TLS secrets' "no PEM data" would flood the log.
	cfg.WarningHandler = rest.NoWarnings{}
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	return kubernetes.NewForConfigOrDie(cfg)
}

// workDir returns the directory the run writes in (keep, or a temporary one that cleanup
// removes) and the audit binary to measure (audit, or one built from this checkout in it).
func workDir(keep, audit string) (dir, auditBin string, cleanup func(), err error) {
	dir, cleanup = keep, func() {}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "kubeposture-scale-"); err != nil {
			return "", "", nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", nil, err
	}
	if audit == "" {
		audit = filepath.Join(dir, "audit")
		if err := buildAudit(audit); err != nil {
			cleanup()
			return "", "", nil, err
		}
	}
	return dir, audit, cleanup, nil
}

// buildAudit builds cmd/audit from this checkout, so that the measured binary is the code
// under test.
func buildAudit(out string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", out, "./cmd/audit")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build cmd/audit: %w", err)
	}
	return nil
}

func moduleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the source tree")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..")), nil
}

// measure runs a command and returns its standard output and the kernel's accounting of it.
//
// The kernel's peak RSS of a child is at least this process's peak at the time it starts:
// Go starts a child on this process's memory (vfork), and exec records that memory's high
// water mark as the child's. So this process first returns what it can to the system and
// resets its own mark (Linux's clear_refs), which otherwise, after building a snapshot of
// 100,000 pods, made a scan that peaked at 0.9 GiB read as 1.4 GiB.
func measure(args []string) (string, Sample, error) {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // best effort: Linux only
	load := loadAverage()
	cmd := exec.Command(args[0], args[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return "", Sample{}, fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, tailOf(stderr.String()))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return stdout.String(), Sample{WallSeconds: wall.Seconds(), CPUSeconds: cpu.Seconds(),
		PeakRSSMiB: float64(ru.Maxrss) / 1024, LoadAverage: load}, nil // Maxrss is in KiB on Linux
}

func tailOf(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

func median(ss []Sample, f func(Sample) float64) float64 {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// checkSnapshot makes sure the scan saw what the floor listed: a scan that silently skipped
// a kind would look fast.
func checkSnapshot(path string, floorObjects int64) error {
	s, err := snapfile.ReadFile(path)
	if err != nil {
		return err
	}
	for r, c := range s.Resources {
		if r != snapshot.ResControlPlane && r != snapshot.ResKubeletConfigs && c.State != snapshot.Collected {
			return fmt.Errorf("the snapshot has %s %s: %s", r, c.State, c.Message)
		}
	}
	if n := listedObjects(s); n != floorObjects {
		return fmt.Errorf("the snapshot holds %d objects, the floor listed %d", n, floorObjects)
	}
	return nil
}

func printTable(w io.Writer, r *Results) {
	made := ""
	if r.Load.RunningSeconds > 0 {
		made = fmt.Sprintf(", all pods made and running by the controllers and %d hollow nodes at %.0f s", r.Load.Nodes+1, r.Load.RunningSeconds)
	}
	fmt.Fprintf(w, "\n%d pods, %d objects, Kubernetes %s, %d CPUs; loaded in %.0f s (%.0f objects/s)%s; median of %d runs\n\n",
		r.Pods, r.Objects, r.Kubernetes, r.CPUs, r.Load.Seconds, r.Load.PerSecond, made, len(r.Phases[0].Samples))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\twall\tCPU\tpeak RSS\tobjects/s\tvs floor\t")
	for _, p := range r.Phases {
		fmt.Fprintf(tw, "%s\t%.2f s\t%.2f s\t%.0f MiB\t%.0f\t%.2fx\t\n", p.Name, p.WallSeconds, p.CPUSeconds, p.PeakRSSMiB,
			p.ObjectsPerSec, p.WallSeconds/r.floorOf(p).WallSeconds)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nlive scan / floor: %.2fx (medians), %.2fx (median of each run's ratio); one control / its floor: %.2fx\n",
		r.LiveOverFloor, r.LiveOverFloorPaired, r.OneControlOverFloor)
}
