package workload

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/pod-security-admission/api"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
)

// The differential test: generated pods, ephemeral containers and workload templates are
// judged by the real PodSecurity admission plugin of the test cluster's kube-apiserver and by
// our checks, and the two verdicts must be equal: allowed or not, and the same reasons with
// the same details, in the same order.
//
// Our verdict is computed from what the pipeline would hold, never from the generated object:
// each case is created for real in an unlabelled namespace (where PodSecurity lets everything
// through), so that the API server defaults it and runs the mutating admission plugins on it
// (the ServiceAccount plugin adds a token volume, the pod strategy mirrors AppArmor
// annotations and fields), then the real collector lists it (and compacts it), and the
// snapshot goes through snapfile.Write and snapfile.Read. The API server's verdict comes from
// a server-side dry-run create of the same case in labelled namespaces.
//
// Reproduce a run with its seed: go test -run Diff ./checks/workload/ -args -pss.seed=N
// (or KP_PSS_SEED=N); -pss.n (KP_PSS_N) sets the number of generated pods.

var (
	pssSeedFlag  = flag.Uint64("pss.seed", 0, "seed of the admission differential test's generator (0: KP_PSS_SEED, else random)")
	pssCountFlag = flag.Int("pss.n", 0, "pods the admission differential test generates (0: KP_PSS_N, else 320)")
)

func diffSeed(t *testing.T) uint64 {
	seed := *pssSeedFlag
	if seed == 0 {
		if v := os.Getenv("KP_PSS_SEED"); v != "" {
			s, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				t.Fatalf("KP_PSS_SEED=%q: %v", v, err)
			}
			seed = s
		}
	}
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (reproduce with: go test -run Diff ./checks/workload/ -args -pss.seed=%d)", seed, seed)
	return seed
}

func diffCount(t *testing.T) int {
	if *pssCountFlag > 0 {
		return *pssCountFlag
	}
	if v := os.Getenv("KP_PSS_N"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("KP_PSS_N=%q: want a positive number", v)
		}
		return n
	}
	return 320
}

// diffLevel is a namespace labelled with one Pod Security level and version.
type diffLevel struct {
	ns string
	lv api.LevelVersion
	// fromDefaults: the namespace ends unlabelled, lv being the admission configuration's
	// default (it is labelled enforce=privileged while the cases are created).
	fromDefaults bool
	// exempt: the admission configuration exempts the namespace (it is labelled lv anyway).
	exempt bool
	// levelOnly: the namespace is labelled with lv's level only, its version coming from the
	// admission configuration's defaults.
	levelOnly bool
}

// finalLabels are the namespace's labels once the cases are in.
func (d diffLevel) finalLabels() map[string]string {
	if d.fromDefaults {
		return nil
	}
	if d.levelOnly {
		return map[string]string{api.EnforceLevelLabel: string(d.lv.Level)}
	}
	return d.labels("enforce")
}

// creationLabels are the namespace's labels while the cases are created: enforce privileged,
// so that PodSecurity lets everything through (an unlabelled namespace would do, unless the
// admission configuration's defaults enforce a level).
func (d diffLevel) creationLabels() map[string]string {
	return map[string]string{api.EnforceLevelLabel: string(api.LevelPrivileged)}
}

func (d diffLevel) labels(mode string) map[string]string {
	l := map[string]string{}
	prefix := "pod-security.kubernetes.io/" + mode
	l[prefix] = string(d.lv.Level)
	if !d.lv.Version.Latest() {
		l[prefix+"-version"] = d.lv.Version.String()
	}
	return l
}

// enforceLevels: baseline and restricted at the latest version, as KP-WL-001 and KP-WL-002
// judge, and pinned versions where the policy differs: before 1.19 seccomp was read from
// annotations; the safe sysctls grew in 1.27, 1.29, 1.32 and 1.37; seLinuxOptions changed in
// 1.31; the host probe check came in 1.34; user namespaces relaxed runAsNonRoot, runAsUser and
// procMount in 1.35.
var enforceLevels = []diffLevel{
	{ns: "diff-enforce-baseline", lv: api.LevelVersion{Level: api.LevelBaseline, Version: api.LatestVersion()}},
	{ns: "diff-enforce-restricted", lv: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
	{ns: "diff-enforce-baseline-v1-18", lv: api.LevelVersion{Level: api.LevelBaseline, Version: api.MajorMinorVersion(1, 18)}},
	{ns: "diff-enforce-restricted-v1-25", lv: api.LevelVersion{Level: api.LevelRestricted, Version: api.MajorMinorVersion(1, 25)}},
	{ns: "diff-enforce-baseline-v1-34", lv: api.LevelVersion{Level: api.LevelBaseline, Version: api.MajorMinorVersion(1, 34)}},
}

// warnLevels: templates are never refused, only warned about.
var warnLevels = []diffLevel{
	{ns: "diff-warn-baseline", lv: api.LevelVersion{Level: api.LevelBaseline, Version: api.LatestVersion()}},
	{ns: "diff-warn-restricted", lv: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
}

// verdict is a decision on one object at one level: "" when allowed, else the reasons as
// admission renders them (`reason (detail), reason (detail)`), or an error that is neither.
type verdict struct {
	forbidden string
	policy    string // the level:version the API server names, e.g. "restricted:latest"
	err       string
}

func (v verdict) String() string {
	switch {
	case v.err != "":
		return "error: " + v.err
	case v.forbidden == "":
		return "allowed"
	default:
		return fmt.Sprintf("forbidden by %q: %s", v.policy, v.forbidden)
	}
}

// parsePSA reads `... <prefix>"level:version": reasons` from an admission message.
func parsePSA(msg, prefix string) (verdict, bool) {
	i := strings.Index(msg, prefix)
	if i < 0 {
		return verdict{}, false
	}
	rest := msg[i+len(prefix):]
	q, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return verdict{}, false
	}
	policy, _ := strconv.Unquote(q)
	detail, ok := strings.CutPrefix(rest[len(q):], ": ")
	if !ok {
		return verdict{}, false
	}
	return verdict{forbidden: detail, policy: policy}, true
}

// serverVerdict turns the outcome of a dry-run create or update into a verdict.
func serverVerdict(err error) verdict {
	if err == nil {
		return verdict{}
	}
	if apierrors.IsForbidden(err) {
		if v, ok := parsePSA(err.Error(), "violates PodSecurity "); ok {
			return v
		}
	}
	return verdict{err: err.Error()}
}

// warningVerdict finds PodSecurity's warning among a response's warnings.
func warningVerdict(warnings []string) verdict {
	var found []verdict
	for _, w := range warnings {
		if v, ok := parsePSA(w, "would violate PodSecurity "); ok {
			found = append(found, v)
		}
	}
	switch len(found) {
	case 0:
		return verdict{}
	case 1:
		return found[0]
	default:
		return verdict{err: fmt.Sprintf("%d PodSecurity warnings: %q", len(found), warnings)}
	}
}

// ours turns our message into a verdict: forbidden() joins the reasons with "; " where
// admission joins them with ", " (a detail may itself hold "; ", but only inside its
// parentheses).
func ours(msg string, lv api.LevelVersion) verdict {
	if msg == "" {
		return verdict{}
	}
	return verdict{forbidden: strings.Join(splitOutside(msg, "; "), ", "), policy: lv.String()}
}

// splitOutside splits s at each sep outside parentheses.
func splitOutside(s, sep string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '(':
			depth++
		case s[i] == ')':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], sep):
			parts = append(parts, s[start:i])
			start = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(parts, s[start:])
}

func sameVerdict(server, our verdict) bool {
	return server.err == "" && server.forbidden == our.forbidden && (server.forbidden == "" || server.policy == our.policy)
}

// reasonNames splits admission's rendering into its reasons' names (the text before each
// detail).
func reasonNames(detail string) []string {
	var names []string
	if detail == "" {
		return nil
	}
	for _, part := range splitOutside(detail, ", ") {
		name, _, _ := strings.Cut(part, " (")
		names = append(names, name)
	}
	return names
}

// diffRun is the state of one run: the namespaces exist, the cases are created.
type diffRun struct {
	t    *testing.T
	cs   *kubernetes.Clientset
	seed uint64

	mu         sync.Mutex
	invalid    []string
	mismatches int
	compared   int
	// coverage counts the reasons the API server gave, per level.
	coverage map[string]int
	outcomes map[string][2]int // level → allowed, forbidden
}

// parallel runs f(i) for i in [0, n) on a few workers: the API server, not the client, is
// what the test waits on.
func parallel(n int, f func(i int)) {
	const workers = 12
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func (d *diffRun) noteInvalid(what string, err error) {
	d.mu.Lock()
	d.invalid = append(d.invalid, what+": "+err.Error())
	d.mu.Unlock()
}

// tally counts the API server's verdict on one object at one level.
func (d *diffRun) tally(level diffLevel, server verdict) {
	d.mu.Lock()
	defer d.mu.Unlock()
	key := level.ns + " (" + level.lv.String() + ")"
	if level.exempt {
		key = level.ns + " (exempt)"
	}
	o := d.outcomes[key]
	if server.forbidden == "" {
		o[0]++
	} else {
		o[1]++
		for _, r := range reasonNames(server.forbidden) {
			d.coverage[r]++
		}
	}
	d.outcomes[key] = o
}

// compare records one comparison; on a mismatch it prints everything needed to reproduce it.
func (d *diffRun) compare(level diffLevel, what string, traps []string, obj any, server, our verdict) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.compared++
	if sameVerdict(server, our) {
		return
	}
	d.mismatches++
	if d.mismatches > 10 {
		return // the first ten in full are enough; the count is reported at the end
	}
	y, err := yaml.Marshal(obj)
	if err != nil {
		y = []byte(err.Error())
	}
	d.t.Errorf("MISMATCH (seed %d) %s at %s (namespace %s)\n  traps:  %s\n  server: %s\n  ours:   %s\n  server reasons: %q\n  our reasons:    %q\nobject as our pipeline holds it:\n%s",
		d.seed, what, level.lv, level.ns, strings.Join(traps, ", "), server, our,
		reasonNames(server.forbidden), reasonNames(our.forbidden), y)
}

// diffCase is one generated object and what the API server said of it at each level.
type diffCase struct {
	// kind is "Pod", "EphemeralContainer" (a restricted pod with one added) or a workload kind
	// (its pod template is judged).
	kind  string
	c     *genCase
	eph   corev1.EphemeralContainer
	traps []string
	valid bool
	// server holds the verdicts at enforceLevels, then (templates only) at warnLevels.
	server []verdict
}

func (dc *diffCase) name() string { return dc.c.name }

// resource is the unit our controls report the case under.
func (dc *diffCase) resource(ns string) checks.Resource {
	if dc.kind == "Pod" || dc.kind == "EphemeralContainer" {
		return checks.Resource{Kind: "Pod", Namespace: ns, Name: dc.name()}
	}
	return checks.Resource{Kind: dc.kind, Namespace: ns, Name: dc.name()}
}

func (dc *diffCase) pod(name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: dc.c.annotations}, Spec: *dc.c.spec.DeepCopy()}
}

// restrictedPod is a pod every level allows: ephemeral containers are added to it.
func restrictedPod(name string) *corev1.Pod {
	app := container("app")
	app.SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false),
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		Containers: []corev1.Container{app},
	}}
}

// create creates the case for real in ns. For a template, the PodSecurity warning of the
// response is returned.
func (dc *diffCase) create(ctx context.Context, cs kubernetes.Interface, ns string) (verdict, error) {
	switch dc.kind {
	case "Pod":
		_, err := cs.CoreV1().Pods(ns).Create(ctx, dc.pod(dc.name()), metav1.CreateOptions{})
		return verdict{}, err
	case "EphemeralContainer":
		p, err := cs.CoreV1().Pods(ns).Create(ctx, restrictedPod(dc.name()), metav1.CreateOptions{})
		if err != nil {
			return verdict{}, err
		}
		p.Spec.EphemeralContainers = []corev1.EphemeralContainer{dc.eph}
		_, err = cs.CoreV1().Pods(ns).UpdateEphemeralContainers(ctx, p.Name, p, metav1.UpdateOptions{})
		return verdict{}, err
	default:
		wctx, sink := withWarnings(ctx)
		err := createWorkload(wctx, cs, dc.kind, ns, dc.c, dc.name(), metav1.CreateOptions{})
		return warningVerdict(sink.list), err
	}
}

// dryRun asks the API server for its verdict on the case in ns without storing anything.
// base is the namespace's restricted pod that ephemeral containers are added to.
func (dc *diffCase) dryRun(ctx context.Context, cs kubernetes.Interface, ns string, base *corev1.Pod) verdict {
	dry := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	switch dc.kind {
	case "Pod": // another name: the case itself is stored there already
		_, err := cs.CoreV1().Pods(ns).Create(ctx, dc.pod(dc.name()+"-dry"), dry)
		return serverVerdict(err)
	case "EphemeralContainer":
		p := base.DeepCopy()
		p.Spec.EphemeralContainers = []corev1.EphemeralContainer{dc.eph}
		_, err := cs.CoreV1().Pods(ns).UpdateEphemeralContainers(ctx, p.Name, p, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})
		return serverVerdict(err)
	default:
		// PodSecurity never refuses a template; it warns, at the warn level, which defaults to
		// the enforce level and version.
		wctx, sink := withWarnings(ctx)
		if err := createWorkload(wctx, cs, dc.kind, ns, dc.c, dc.name()+"-dry", dry); err != nil {
			return verdict{err: err.Error()}
		}
		return warningVerdict(sink.list)
	}
}

// diffSetup is a cluster and the namespaces a differential run uses in it.
type diffSetup struct {
	admin *rest.Config
	// files are the control-plane files the collection adds (the admission configuration).
	files   collect.FileOptions
	enforce []diffLevel
	// warn are namespaces labelled warn only, where templates are created.
	warn []diffLevel
	// levelControls: also compare KP-WL-001 and KP-WL-002, which judge the object alone at
	// the latest version, where a namespace enforces baseline or restricted at latest. Not
	// where the admission configuration exempts runtime classes: those two ignore exemptions.
	levelControls bool
	// coverage: require that every check refused something (a full-size run).
	coverage bool
}

// TestAdmissionDiff compares our Pod Security verdicts with the PodSecurity admission
// plugin's, on pods, ephemeral containers and workload templates generated from one seed.
//
// Each case is created for real in every enforce namespace while it is still unlabelled (the
// plugin lets everything through), then the namespaces are labelled: the cases are now
// "existing pods that violate a newly applied label", which is what KP-WL-004 judges. The API
// server's verdict comes from a dry-run create of the same case (under another name) in the
// labelled namespace; ours from the controls' results on the collected snapshot: KP-WL-004
// (the namespace's own level and version) everywhere, and KP-WL-001 or KP-WL-002 where the
// level is baseline or restricted at the latest version. Templates are also created in
// namespaces labelled only warn=baseline or warn=restricted, whose warnings are compared with
// KP-WL-001 and KP-WL-002.
func TestAdmissionDiff(t *testing.T) {
	start := time.Now()
	seed, n := diffSeed(t), diffCount(t)
	admin := testCluster(t).Admin
	t.Logf("cluster ready after %s", time.Since(start).Round(time.Millisecond))
	runDiff(t, diffSetup{admin: admin, enforce: enforceLevels, warn: warnLevels, levelControls: true, coverage: n >= 200}, seed, n)
}

// TestAdmissionDiffConfigured runs the differential test against an API server whose
// PodSecurity admission configuration sets cluster-wide defaults (enforce baseline pinned to
// v1.30) and exempts a namespace and a runtime class: KP-WL-004 must read the same file
// (audit --admission-config) and judge as the plugin does. A quarter of the main run's cases.
func TestAdmissionDiffConfigured(t *testing.T) {
	start := time.Now()
	seed, n := diffSeed(t), max(40, diffCount(t)/4)
	dir := t.TempDir()
	config := filepath.Join(dir, "admission.yaml")
	if err := os.WriteFile(config, []byte(`apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: baseline
      enforce-version: v1.30
      warn: baseline
      warn-version: v1.30
    exemptions:
      runtimeClasses: [`+exemptRuntimeClass+`]
      namespaces: [diff-exempt]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := testcluster.Start(context.Background(), testcluster.Options{Log: os.Stderr,
		APIServerFlags: []string{"--admission-control-config-file=" + config}})
	if err != nil {
		t.Fatalf("start a cluster with a PodSecurity configuration: %v", err)
	}
	t.Cleanup(c.Stop)
	t.Logf("cluster with the admission configuration ready after %s", time.Since(start).Round(time.Millisecond))
	runDiff(t, diffSetup{
		admin: c.Admin,
		files: collect.FileOptions{AdmissionConfig: config},
		enforce: []diffLevel{
			{ns: "diff-defaults", lv: api.LevelVersion{Level: api.LevelBaseline, Version: api.MajorMinorVersion(1, 30)}, fromDefaults: true},
			// A level label without a version label: the version is the default's.
			{ns: "diff-restricted", lv: api.LevelVersion{Level: api.LevelRestricted, Version: api.MajorMinorVersion(1, 30)}, levelOnly: true},
			{ns: "diff-exempt", lv: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}, exempt: true},
		},
	}, seed, n)
}

// runDiff generates the cases from seed, creates them, and compares the verdicts.
func runDiff(t *testing.T, setup diffSetup, seed uint64, n int) {
	start := time.Now()
	ctx := context.Background()
	cs := clientFor(t, setup.admin)
	enforce, warn := setup.enforce, setup.warn
	for _, l := range enforce {
		createNamespace(t, cs, l.ns, l.creationLabels()) // labelled once the cases are in
	}
	for _, l := range warn {
		createNamespace(t, cs, l.ns, l.labels("warn"))
	}
	// The RuntimeClass admission plugin refuses a pod whose runtime class does not exist.
	if _, err := cs.NodeV1().RuntimeClasses().Create(ctx, &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: exemptRuntimeClass},
		Handler: exemptRuntimeClass}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create runtime class %s: %v", exemptRuntimeClass, err)
	}

	// Generate everything first, from one stream, so that a seed always gives the same cases
	// whatever order the workers run them in.
	g := &podGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	var cases []*diffCase
	for _, c := range regressionCases() {
		cases = append(cases, &diffCase{kind: "Pod", c: c, traps: c.traps})
	}
	for i := 0; i < n; i++ {
		c := g.generate(i)
		cases = append(cases, &diffCase{kind: "Pod", c: c, traps: c.traps})
	}
	nEphemeral := max(24, n/8)
	for i := 0; i < nEphemeral; i++ {
		e, traps := g.ephemeral(i)
		cases = append(cases, &diffCase{kind: "EphemeralContainer", c: &genCase{name: fmt.Sprintf("e%04d", i)}, eph: e, traps: traps})
	}
	nTemplates := max(24, n/2)
	for i := 0; i < nTemplates; i++ {
		c := g.generate(i)
		c.name = fmt.Sprintf("t%04d", i)
		cases = append(cases, &diffCase{kind: workloadKinds[i%len(workloadKinds)], c: c, traps: c.traps})
	}

	d := &diffRun{t: t, cs: cs, seed: seed, coverage: map[string]int{}, outcomes: map[string][2]int{}}

	// Phase 1: every case for real in the enforce namespaces before they are labelled (they
	// enforce privileged for now),
	// templates in the warn namespaces too (the response's warnings are the verdict there).
	phase := time.Now()
	parallel(len(cases), func(i int) {
		dc := cases[i]
		dc.server = make([]verdict, len(enforce)+len(warn))
		for j, l := range enforce {
			if _, err := dc.create(ctx, cs, l.ns); err != nil {
				if apierrors.IsInvalid(err) && j == 0 {
					d.noteInvalid(dc.kind+" "+dc.name()+" ["+strings.Join(dc.traps, ", ")+"]", err)
					return
				}
				t.Errorf("create %s %s in %s: %v", dc.kind, dc.name(), l.ns, err)
				return
			}
		}
		if dc.kind != "Pod" && dc.kind != "EphemeralContainer" {
			for j, l := range warn {
				v, err := dc.create(ctx, cs, l.ns)
				if err != nil {
					t.Errorf("create %s %s in %s: %v", dc.kind, dc.name(), l.ns, err)
					return
				}
				dc.server[len(enforce)+j] = v
			}
		}
		dc.valid = true
	})
	bases := make([]*corev1.Pod, len(enforce))
	for j, l := range enforce {
		b, err := cs.CoreV1().Pods(l.ns).Create(ctx, restrictedPod("ephemeral-base"), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create the base pod for ephemeral containers in %s: %v", l.ns, err)
		}
		bases[j] = b
	}
	t.Logf("phase 1: %d cases created in %d namespaces in %s", len(cases), len(enforce), time.Since(phase).Round(time.Millisecond))

	// Phase 2: label the namespaces (or unlabel them, for the defaults to apply). Admission
	// only judges at create, so what is in them stays.
	for _, l := range enforce {
		ns, err := cs.CoreV1().Namespaces().Get(ctx, l.ns, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ns.Labels = l.finalLabels()
		if _, err := cs.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("label namespace %s: %v", l.ns, err)
		}
	}
	for _, l := range enforce {
		if !l.exempt {
			waitEnforced(t, cs, l.ns)
		}
	}

	// Phase 3: the API server's verdicts, by dry-run.
	phase = time.Now()
	parallel(len(cases), func(i int) {
		dc := cases[i]
		if !dc.valid {
			return
		}
		for j, l := range enforce {
			dc.server[j] = dc.dryRun(ctx, cs, l.ns, bases[j])
		}
	})
	t.Logf("phase 3: %d dry-run requests in %s", len(cases)*len(enforce), time.Since(phase).Round(time.Millisecond))
	for _, dc := range cases {
		for j, l := range enforce {
			want, ok := dc.c.want[l.lv.String()]
			if !ok || !dc.valid || l.exempt || l.fromDefaults {
				continue
			}
			if got := reasonNames(dc.server[j].forbidden); !slices.Equal(got, want) || dc.server[j].err != "" {
				t.Errorf("regression case %s (%s) in %s: the API server says %s, want reasons %q", dc.name(), strings.Join(dc.traps, ", "), l.ns, dc.server[j], want)
			}
		}
	}

	phase = time.Now()
	snap := collectFrom(t, setup.admin, setup.files)
	t.Logf("collected and round-tripped the snapshot (%d pods) in %s", len(snap.Pods), time.Since(phase).Round(time.Millisecond))

	// Our verdicts: the controls' results, through the engine, on the round-tripped snapshot.
	phase = time.Now()
	wl001 := controlResults(t, snap, "KP-WL-001")
	wl002 := controlResults(t, snap, "KP-WL-002")
	wl004 := controlResults(t, snap, "KP-WL-004")
	if wl004 == nil {
		if setup.files != (collect.FileOptions{}) {
			t.Fatal("KP-WL-004 is not registered: nothing judges a namespace by the admission configuration")
		}
		t.Log("KP-WL-004 is not registered: the namespaces' own levels are judged through pssCache")
	}
	pods := map[checks.Resource]*corev1.Pod{}
	for i := range snap.Pods {
		p := &snap.Pods[i]
		pods[checks.Resource{Kind: "Pod", Namespace: p.Namespace, Name: p.Name}] = p
	}
	templates := collectedTemplates(snap)
	// held is the object as our pipeline holds it, for the mismatch report; nil if it was
	// not collected.
	held := func(res checks.Resource) any {
		if p := pods[res]; p != nil {
			return map[string]any{"metadata": map[string]any{"name": p.Name, "annotations": p.Annotations}, "spec": p.Spec}
		}
		if t := templates[res]; t != nil {
			return map[string]any{"kind": res.Kind, "template": t}
		}
		return nil
	}
	caches := map[api.LevelVersion]*pssCache{}
	judgeAt := func(lv api.LevelVersion, res checks.Resource) verdict {
		c, ok := caches[lv]
		if !ok {
			c = newPSSCache(lv)
			caches[lv] = c
		}
		var meta *metav1.ObjectMeta
		var spec *corev1.PodSpec
		if p := pods[res]; p != nil {
			meta, spec = &p.ObjectMeta, &p.Spec
		} else {
			t := templates[res]
			meta, spec = &t.ObjectMeta, &t.Spec
		}
		v := c.judge(meta, spec)
		// KP-WL-001 and KP-WL-002 read the run's shared evaluation (podSpecs): at the latest
		// version it must say what the cache, compared with admission below, says.
		if lv.Version.Latest() && (lv.Level == api.LevelBaseline || lv.Level == api.LevelRestricted) {
			shared := evaluateSpec(meta, spec)
			if got := map[api.Level]string{api.LevelBaseline: shared.baseline, api.LevelRestricted: shared.restricted}[lv.Level]; got != v {
				t.Errorf("%s at %s: the shared evaluation says %q, the cache %q", res, lv, got, v)
			}
		}
		return ours(v, lv)
	}
	for _, dc := range cases {
		if !dc.valid {
			continue
		}
		for j, l := range append(slices.Clone(enforce), warn...) {
			isWarn := j >= len(enforce)
			if isWarn && (dc.kind == "Pod" || dc.kind == "EphemeralContainer") {
				continue
			}
			res := dc.resource(l.ns)
			what := fmt.Sprintf("%s %s", dc.kind, res)
			obj := held(res)
			if obj == nil {
				t.Errorf("%s was created but not collected", what)
				continue
			}
			var judged []namedVerdict
			if !isWarn {
				if wl004 != nil {
					judged = append(judged, namedVerdict{"KP-WL-004", unitVerdict(wl004, res, l.lv, l.exempt)})
				} else {
					judged = append(judged, namedVerdict{"pssCache", judgeAt(l.lv, res)})
				}
			}
			if setup.levelControls && l.lv.Version.Latest() {
				switch l.lv.Level {
				case api.LevelBaseline:
					judged = append(judged, namedVerdict{"KP-WL-001", unitVerdict(wl001, res, l.lv, false)})
				case api.LevelRestricted:
					judged = append(judged, namedVerdict{"KP-WL-002", unitVerdict(wl002, res, l.lv, false)})
				}
			}
			d.tally(l, dc.server[j])
			for _, nv := range judged {
				d.compare(l, what+" by "+nv.by, dc.traps, obj, dc.server[j], nv.v)
			}
		}
	}
	t.Logf("verdicts compared in %s", time.Since(phase).Round(time.Millisecond))
	d.report(setup, len(cases), time.Since(start))
}

type namedVerdict struct {
	by string
	v  verdict
}

// controlResults runs one registered control through the engine and indexes its results; nil
// if no such control is registered.
func controlResults(t *testing.T, snap *snapshot.Snapshot, id string) map[checks.Resource]checks.Result {
	t.Helper()
	sel := checks.Selection{Controls: []string{id}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		return nil
	}
	rep := checks.Run(snap, selected, sel)
	out := map[checks.Resource]checks.Result{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			out[r.Resource] = r
		}
	}
	return out
}

// unitVerdict reads a control's verdict on a bare pod ("allowed" or the reasons) or on a
// workload without pods ("template: allowed; no pods running" or "template: REASONS | no pods
// running") from its result.
func unitVerdict(results map[checks.Resource]checks.Result, res checks.Resource, lv api.LevelVersion, exempt bool) verdict {
	r, ok := results[res]
	if !ok {
		return verdict{err: "no result"}
	}
	obs := r.Evidence.Observed
	if exempt { // KP-WL-004 passes everything in an exempt namespace, saying so
		if r.Status == checks.Pass && strings.Contains(obs, "exempt") {
			return verdict{}
		}
		return verdict{err: fmt.Sprintf("in an exempt namespace: %s: %q", r.Status, obs)}
	}
	if res.Kind != "Pod" {
		const noPods = " | no pods running"
		switch {
		case r.Status == checks.Pass && obs == "template: allowed; no pods running":
			return verdict{}
		case r.Status == checks.Fail && strings.HasPrefix(obs, "template: ") && strings.HasSuffix(obs, noPods):
			return ours(strings.TrimSuffix(strings.TrimPrefix(obs, "template: "), noPods), judgedAt(r, lv))
		}
		return verdict{err: fmt.Sprintf("unexpected result %s: %q", r.Status, obs)}
	}
	switch {
	case r.Status == checks.Pass && obs == "allowed":
		return verdict{}
	case r.Status == checks.Fail:
		return ours(obs, judgedAt(r, lv))
	}
	return verdict{err: fmt.Sprintf("unexpected result %s: %q", r.Status, obs)}
}

// enforcePolicy finds the level:version KP-WL-004 says it judged at in its Expected.
var enforcePolicy = regexp.MustCompile(`enforce ([a-z]+:(?:latest|v[0-9]+\.[0-9]+))`)

// judgedAt is the policy a result says it judged at: KP-WL-004 names the namespace's in its
// Expected (which the server's must equal); the level controls judge at the level given.
func judgedAt(r checks.Result, lv api.LevelVersion) api.LevelVersion {
	m := enforcePolicy.FindStringSubmatch(r.Evidence.Expected)
	if m == nil {
		return lv
	}
	level, version, _ := strings.Cut(m[1], ":")
	v, err := api.ParseVersion(version)
	if err != nil {
		return api.LevelVersion{Level: api.Level(m[1])} // renders as given: a mismatch to see
	}
	return api.LevelVersion{Level: api.Level(level), Version: v}
}

// report logs what the run covered, and fails if the generator stopped reaching the checks: a
// differential test that only sees allowed pods proves nothing.
func (d *diffRun) report(setup diffSetup, objects int, took time.Duration) {
	t := d.t
	levels := make([]string, 0, len(d.outcomes))
	for l := range d.outcomes {
		levels = append(levels, l)
	}
	sort.Strings(levels)
	for _, l := range levels {
		o := d.outcomes[l]
		t.Logf("  %-20s allowed %4d  forbidden %4d", l, o[0], o[1])
		if (o[0] == 0 || o[1] == 0) && !strings.HasSuffix(l, "(exempt)") {
			t.Errorf("at %s every object got the same verdict (allowed %d, forbidden %d): the generator no longer discriminates", l, o[0], o[1])
		}
	}
	reasons := make([]string, 0, len(d.coverage))
	for r := range d.coverage {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		t.Logf("  reason %-40q %5d", r, d.coverage[r])
	}
	if setup.coverage {
		for _, r := range wantReasons {
			if d.coverage[r] == 0 {
				t.Errorf("no object was refused for %q: the generator misses a check", r)
			}
		}
	}
	t.Logf("%d objects, %d comparisons, %d invalid (left out), %d mismatches, in %s (seed %d)",
		objects, d.compared, len(d.invalid), d.mismatches, took.Round(time.Millisecond), d.seed)
	for i, s := range d.invalid {
		if i == 5 {
			t.Logf("  ... %d more invalid", len(d.invalid)-5)
			break
		}
		t.Logf("  invalid: %s", s)
	}
	// A generator that mostly produces what the API server refuses tests little.
	if len(d.invalid)*10 > objects {
		t.Errorf("%d of %d generated objects are invalid: fix the generator", len(d.invalid), objects)
	}
}

// wantReasons are the reasons every run must see refused at least once (the names of the
// upstream checks' forbidden reasons).
var wantReasons = []string{
	"host namespaces", "privileged", "non-default capabilities", "unrestricted capabilities",
	"hostPath volumes", "hostPort", "forbidden AppArmor profile", "forbidden AppArmor profiles",
	"seLinuxOptions", "seccompProfile", "procMount", "forbidden sysctls", "hostProcess",
	"allowPrivilegeEscalation != false", "runAsNonRoot != true", "runAsUser=0", "restricted volume types",
	"probe or lifecycle host",
}

var workloadKinds = []string{"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}

// createWorkload creates a workload of kind whose pod template is c.
func createWorkload(ctx context.Context, cs kubernetes.Interface, kind, ns string, c *genCase, name string, opts metav1.CreateOptions) error {
	labels := map[string]string{"app": c.name}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: c.annotations}, Spec: *c.spec.DeepCopy()}
	sel := &metav1.LabelSelector{MatchLabels: labels}
	om := metav1.ObjectMeta{Name: name, Namespace: ns}
	var err error
	switch kind {
	case "Deployment":
		_, err = cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: om, Spec: appsv1.DeploymentSpec{Selector: sel, Template: tmpl}}, opts)
	case "StatefulSet":
		_, err = cs.AppsV1().StatefulSets(ns).Create(ctx, &appsv1.StatefulSet{ObjectMeta: om, Spec: appsv1.StatefulSetSpec{Selector: sel, Template: tmpl, ServiceName: c.name}}, opts)
	case "ReplicaSet":
		_, err = cs.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{ObjectMeta: om, Spec: appsv1.ReplicaSetSpec{Selector: sel, Template: tmpl}}, opts)
	case "DaemonSet":
		_, err = cs.AppsV1().DaemonSets(ns).Create(ctx, &appsv1.DaemonSet{ObjectMeta: om, Spec: appsv1.DaemonSetSpec{Selector: sel, Template: tmpl}}, opts)
	case "Job":
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
		_, err = cs.BatchV1().Jobs(ns).Create(ctx, &batchv1.Job{ObjectMeta: om, Spec: batchv1.JobSpec{Template: tmpl}}, opts)
	case "CronJob":
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
		_, err = cs.BatchV1().CronJobs(ns).Create(ctx, &batchv1.CronJob{ObjectMeta: om, Spec: batchv1.CronJobSpec{
			Schedule: "0 * * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl}}}}, opts)
	default:
		return fmt.Errorf("no workload kind %q", kind)
	}
	return err
}

// collectedTemplates indexes the pod templates of the workloads in a snapshot.
func collectedTemplates(s *snapshot.Snapshot) map[checks.Resource]*corev1.PodTemplateSpec {
	out := map[checks.Resource]*corev1.PodTemplateSpec{}
	add := func(kind string, m *metav1.ObjectMeta, t *corev1.PodTemplateSpec) {
		out[checks.Resource{Kind: kind, Namespace: m.Namespace, Name: m.Name}] = t
	}
	for i := range s.Deployments {
		add("Deployment", &s.Deployments[i].ObjectMeta, &s.Deployments[i].Spec.Template)
	}
	for i := range s.StatefulSets {
		add("StatefulSet", &s.StatefulSets[i].ObjectMeta, &s.StatefulSets[i].Spec.Template)
	}
	for i := range s.DaemonSets {
		add("DaemonSet", &s.DaemonSets[i].ObjectMeta, &s.DaemonSets[i].Spec.Template)
	}
	for i := range s.ReplicaSets {
		add("ReplicaSet", &s.ReplicaSets[i].ObjectMeta, &s.ReplicaSets[i].Spec.Template)
	}
	for i := range s.Jobs {
		add("Job", &s.Jobs[i].ObjectMeta, &s.Jobs[i].Spec.Template)
	}
	for i := range s.CronJobs {
		add("CronJob", &s.CronJobs[i].ObjectMeta, &s.CronJobs[i].Spec.JobTemplate.Spec.Template)
	}
	return out
}

// regressionCases are fixed cases that run in every diff, beside the generated ones: the
// traps the issue names, and any case the diff once found our verdict wrong on. Their want
// pins the API server's reasons (and so ours, which the diff requires equal) at the levels
// named.
func regressionCases() []*genCase {
	restricted := func(name string, traps ...string) *genCase {
		c := &genCase{name: name, annotations: map[string]string{}, traps: traps}
		c.spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
		app := container("app")
		app.SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
		c.spec.Containers = []corev1.Container{app}
		return c
	}
	var cs []*genCase
	add := func(c *genCase, want map[string][]string) {
		c.want = want
		cs = append(cs, c)
	}
	const b, r = "baseline:latest", "restricted:latest"
	c := restricted("r-pod-level-nonroot", "runAsNonRoot only at pod level")
	add(c, map[string][]string{b: {}, r: {}})
	c = restricted("r-drop-all-lowercase", "drop all (lowercase)")
	c.spec.Containers[0].SecurityContext.Capabilities.Drop = []corev1.Capability{"all"}
	add(c, map[string][]string{b: {}, r: {"unrestricted capabilities"}})
	c = restricted("r-privileged-init", "privileged init container beside a clean main container")
	c.spec.InitContainers = []corev1.Container{container("init")}
	c.spec.InitContainers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr(true)}
	add(c, map[string][]string{b: {"privileged"}})
	c = restricted("r-seccomp-override", "seccomp RuntimeDefault at pod level, Unconfined in a container")
	c.spec.Containers[0].SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
	add(c, map[string][]string{b: {"seccompProfile"}, r: {"seccompProfile"}})
	c = restricted("r-hostnetwork-implied-hostport", "hostNetwork: the API server defaults hostPort to containerPort")
	c.spec.HostNetwork = true
	c.spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}}
	add(c, map[string][]string{b: {"host namespaces", "hostPort"}})
	c = restricted("r-apparmor-annotation-only", "AppArmor annotation only: the API server mirrors it into the field")
	c.annotations[corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix+"app"] = "unconfined"
	// Two findings: the annotation, and the field the API server filled from it.
	add(c, map[string][]string{b: {"forbidden AppArmor profiles"}})
	c = restricted("r-add-baseline-cap", "a capability of the baseline list added: baseline allows it, restricted does not")
	c.spec.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"CHOWN"}
	add(c, map[string][]string{b: {}, r: {"unrestricted capabilities"}})
	return cs
}
