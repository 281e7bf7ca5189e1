package workload

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/checks"
)

// The integration test: an estate of workloads in namespaces with different PodSecurity
// labels, created through the API of the real test cluster, collected by the real collector,
// judged by the workload layer through the engine. No controller runs in the test cluster, so
// the test creates what the controllers would: a Deployment's ReplicaSet and its pods, a
// StatefulSet's pods, a CronJob's Job and its pod, with controller ownerReferences to the
// owners' real UIDs.
//
// Everything is created while the namespaces are unlabelled, then the labels are applied:
// admission judges a pod only when it is created, so the pods that violate a label applied
// later keep running. That is the scenario KP-WL-004 exists for, and the API server's own
// warnings on the label change are compared with it.

// itNamespace is a namespace of the estate and its PodSecurity labels.
type itNamespace struct {
	name   string
	labels map[string]string
	// enforce is the level KP-WL-004 judges at ("" for privileged: everything is allowed).
	enforce api.LevelVersion
}

var itNamespaces = []itNamespace{
	{name: "it-none"},
	{name: "it-privileged", labels: map[string]string{api.EnforceLevelLabel: "privileged"}},
	{name: "it-baseline", labels: map[string]string{api.EnforceLevelLabel: "baseline"},
		enforce: api.LevelVersion{Level: api.LevelBaseline, Version: api.LatestVersion()}},
	{name: "it-restricted", labels: map[string]string{api.EnforceLevelLabel: "restricted"},
		enforce: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
	{name: "it-warn", labels: map[string]string{api.WarnLevelLabel: "restricted", api.AuditLevelLabel: "restricted"}},
	// Pinned before 1.35, which stopped requiring runAsNonRoot of pods in a user namespace.
	{name: "it-pinned", labels: map[string]string{api.EnforceLevelLabel: "restricted", api.EnforceVersionLabel: "v1.24"},
		enforce: api.LevelVersion{Level: api.LevelRestricted, Version: api.MajorMinorVersion(1, 24)}},
}

// Pod specs of the estate, each allowed up to a known level.
func itRestricted() corev1.PodSpec { // allowed by restricted (hardening at pod level)
	app := container("app")
	app.SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false),
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
	return corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		Containers: []corev1.Container{app},
	}
}

func itBaseline() corev1.PodSpec { // allowed by baseline, not restricted
	return corev1.PodSpec{Containers: []corev1.Container{container("db")}}
}

func itPrivileged() corev1.PodSpec { // allowed by neither
	s := itRestricted()
	s.HostPID = true
	s.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr(true)}
	return s
}

// itUserNS is allowed by restricted since v1.35 only: in a user namespace (hostUsers: false)
// runAsNonRoot is no longer required.
func itUserNS() corev1.PodSpec {
	s := itRestricted()
	s.HostUsers = ptr(false)
	s.SecurityContext.RunAsNonRoot = nil
	return s
}

func itHostAgent() corev1.PodSpec { // a node agent: host network and a hostPath
	s := itBaseline()
	s.HostNetwork = true
	s.Volumes = []corev1.Volume{{Name: "root", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
	return s
}

func controllerRef(kind, apiVersion string, m metav1.ObjectMeta) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: m.Name, UID: m.UID,
		Controller: ptr(true), BlockOwnerDeletion: ptr(true)}}
}

// seedEstate creates the workloads of one namespace, as their controllers would have.
func seedEstate(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s in %s: %v", what, ns, err)
		}
	}
	pod := func(name string, owners []metav1.OwnerReference, spec corev1.PodSpec) {
		t.Helper()
		_, err := cs.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
			Name: name, OwnerReferences: owners, Labels: map[string]string{"app": strings.Split(name, "-")[0]}}, Spec: spec}, metav1.CreateOptions{})
		must("create pod "+name, err)
	}
	tmpl := func(app string, spec corev1.PodSpec) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app}}, Spec: spec}
	}
	sel := func(app string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
	}

	// Deployment web → ReplicaSet web-5d8f → 3 pods; the template is restricted, but one pod
	// is privileged (as a mutating webhook would make it): the pods differ from the template.
	dep, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr(int32(3)), Selector: sel("web"), Template: tmpl("web", itRestricted())}}, metav1.CreateOptions{})
	must("create deployment web", err)
	rs, err := cs.AppsV1().ReplicaSets(ns).Create(ctx, &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web-5d8f",
		OwnerReferences: controllerRef("Deployment", "apps/v1", dep.ObjectMeta)},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(3)), Selector: sel("web"), Template: tmpl("web", itRestricted())}}, metav1.CreateOptions{})
	must("create replicaset web-5d8f", err)
	pod("web-5d8f-a", controllerRef("ReplicaSet", "apps/v1", rs.ObjectMeta), itRestricted())
	pod("web-5d8f-b", controllerRef("ReplicaSet", "apps/v1", rs.ObjectMeta), itRestricted())
	pod("web-5d8f-c", controllerRef("ReplicaSet", "apps/v1", rs.ObjectMeta), itPrivileged())

	// StatefulSet db (baseline) with its 2 pods.
	sts, err := cs.AppsV1().StatefulSets(ns).Create(ctx, &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db"},
		Spec: appsv1.StatefulSetSpec{Replicas: ptr(int32(2)), Selector: sel("db"), ServiceName: "db", Template: tmpl("db", itBaseline())}}, metav1.CreateOptions{})
	must("create statefulset db", err)
	pod("db-0", controllerRef("StatefulSet", "apps/v1", sts.ObjectMeta), itBaseline())
	pod("db-1", controllerRef("StatefulSet", "apps/v1", sts.ObjectMeta), itBaseline())

	// CronJob backup (privileged) → Job backup-29000000 → its pod.
	cjTmpl := tmpl("backup", itPrivileged())
	cjTmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
	cj, err := cs.BatchV1().CronJobs(ns).Create(ctx, &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "backup"},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: cjTmpl}}}}, metav1.CreateOptions{})
	must("create cronjob backup", err)
	job, err := cs.BatchV1().Jobs(ns).Create(ctx, &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "backup-29000000",
		OwnerReferences: controllerRef("CronJob", "batch/v1", cj.ObjectMeta)},
		Spec: batchv1.JobSpec{Template: cjTmpl}}, metav1.CreateOptions{})
	must("create job backup-29000000", err)
	jobPod := cjTmpl.Spec
	pod("backup-29000000-x7k2p", controllerRef("Job", "batch/v1", job.ObjectMeta), jobPod)

	// DaemonSet agent (host network, hostPath /) with no pods: no node in the test cluster.
	_, err = cs.AppsV1().DaemonSets(ns).Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent"},
		Spec: appsv1.DaemonSetSpec{Selector: sel("agent"), Template: tmpl("agent", itHostAgent())}}, metav1.CreateOptions{})
	must("create daemonset agent", err)

	// A pod whose controller is not in the cluster (a custom controller's, or one deleted
	// while the garbage collector, which the test cluster does not run, was away): it is its
	// own unit.
	pod("orphan", []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "gone-6c4b",
		UID: "00000000-0000-0000-0000-00000000dead", Controller: ptr(true)}}, itBaseline())

	// Bare pods.
	pod("debug", nil, itPrivileged())
	pod("clean", nil, itRestricted())
	pod("userns", nil, itUserNS())
}

// itUnits are the units of each namespace: one result per workload, never per replica, and
// none for the ReplicaSet or the Job, which fold into their owners.
var itUnits = []checks.Resource{
	{Kind: "Deployment", Name: "web"}, {Kind: "StatefulSet", Name: "db"}, {Kind: "CronJob", Name: "backup"},
	{Kind: "DaemonSet", Name: "agent"}, {Kind: "Pod", Name: "debug"}, {Kind: "Pod", Name: "clean"}, {Kind: "Pod", Name: "userns"},
	{Kind: "Pod", Name: "orphan"},
}

// itWant is an expected result of a control on a unit.
type itWant struct {
	status checks.Status
	// observed and where are substrings the evidence must hold.
	observed []string
	where    string
}

// psWants are the results of a Pod Security control on the units of a namespace judged at
// level (KP-WL-001 at baseline, KP-WL-002 at restricted, KP-WL-004 at the namespace's).
func psWants(lv api.LevelVersion) map[string]itWant {
	pass, fail := checks.Pass, checks.Fail
	privileged := `privileged (container "app" must not set securityContext.privileged=true)`
	w := map[string]itWant{
		// The template passes, one pod of three does not: the finding is about the pods.
		"Deployment/web": {fail, []string{"1 of 3 pods (web-5d8f-c): ", privileged, "template and 2 of 3 pods: allowed"},
			"pod spec (the pods differ from spec.template.spec)"},
		"StatefulSet/db":  {pass, []string{"template and 2 of 2 pods: allowed"}, "spec.template.spec"},
		"CronJob/backup":  {fail, []string{"template and 1 of 1 pod: ", "host namespaces", privileged}, "spec.jobTemplate.spec.template.spec"},
		"DaemonSet/agent": {fail, []string{"template: ", "host namespaces", "hostPath volumes", "no pods running"}, "spec.template.spec"},
		"Pod/debug":       {fail, []string{privileged}, "spec"},
		"Pod/clean":       {pass, []string{"allowed"}, "spec"},
		"Pod/userns":      {pass, []string{"allowed"}, "spec"},
		"Pod/orphan":      {pass, []string{"allowed"}, "spec"},
	}
	if lv.Level == api.LevelPrivileged || lv.Level == "" {
		for k := range w {
			w[k] = itWant{status: pass, observed: []string{"enforce privileged: everything is allowed"}}
		}
		return w
	}
	if lv.Level == api.LevelRestricted {
		w["StatefulSet/db"] = itWant{fail, []string{"template and 2 of 2 pods: ", "allowPrivilegeEscalation != false",
			"unrestricted capabilities", "runAsNonRoot != true", "seccompProfile"}, "spec.template.spec"}
		// restricted replaces the hostPath check by its volume-type check.
		w["DaemonSet/agent"] = itWant{fail, []string{"template: ", "host namespaces",
			`restricted volume types (volume "root" uses restricted volume type "hostPath")`, "no pods running"}, "spec.template.spec"}
		w["Pod/orphan"] = itWant{fail, []string{"allowPrivilegeEscalation != false", "runAsNonRoot != true"}, "spec"}
		if !lv.Version.Latest() && lv.Version.Older(api.MajorMinorVersion(1, 35)) {
			w["Pod/userns"] = itWant{fail, []string{`runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)`}, "spec"}
		}
	}
	return w
}

func TestIntegrationWorkloadLayer(t *testing.T) {
	cs := clusterClient(t)
	for _, ns := range itNamespaces {
		createNamespace(t, cs, ns.name, nil)
		seedEstate(t, cs, ns.name)
	}
	// Label the namespaces now: the pods that violate them are already running. The API
	// server warns about them; keep the warnings to compare with our verdicts.
	labelWarnings := map[string][]string{}
	for _, ns := range itNamespaces {
		if ns.labels == nil {
			continue
		}
		labelWarnings[ns.name] = labelNamespace(t, cs, ns)
	}
	// The labels are enforced from now on: the API server refuses a new privileged pod where
	// the estate's privileged pods already run.
	for _, ns := range itNamespaces {
		if ns.enforce.Level != "" {
			waitEnforced(t, cs, ns.name)
		}
	}

	snap := collectSnapshot(t)
	sel := checks.Selection{Layers: []checks.Layer{checks.Workload}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(snap, selected, sel)
	results := map[string]map[checks.Resource]checks.Result{}
	perNamespace := map[string]map[string]int{} // control → namespace → results
	for _, c := range rep.Controls {
		results[c.ID] = map[checks.Resource]checks.Result{}
		perNamespace[c.ID] = map[string]int{}
		for _, r := range c.Results {
			results[c.ID][r.Resource] = r
			perNamespace[c.ID][r.Resource.Namespace]++
		}
	}
	for _, id := range []string{"KP-WL-001", "KP-WL-002", "KP-WL-004", "KP-WL-005", "KP-WL-006"} {
		if results[id] == nil {
			t.Fatalf("%s is not in the workload layer's report", id)
		}
	}

	check := func(id string, res checks.Resource, w itWant) {
		t.Helper()
		r, ok := results[id][res]
		if !ok {
			t.Errorf("%s %s: no result", id, res)
			return
		}
		if r.Status != w.status {
			t.Errorf("%s %s: status %s, want %s (evidence %q, reason %q)", id, res, r.Status, w.status, r.Evidence.Observed, r.Reason)
		}
		for _, s := range w.observed {
			if !strings.Contains(r.Evidence.Observed, s) {
				t.Errorf("%s %s: evidence %q lacks %q", id, res, r.Evidence.Observed, s)
			}
		}
		if w.where != "" && r.Evidence.Where != w.where {
			t.Errorf("%s %s: where %q, want %q", id, res, r.Evidence.Where, w.where)
		}
	}

	latest := func(l api.Level) api.LevelVersion { return api.LevelVersion{Level: l, Version: api.LatestVersion()} }
	for _, ns := range itNamespaces {
		// One result per workload unit, whatever the namespace's labels.
		for _, id := range []string{"KP-WL-001", "KP-WL-002", "KP-WL-004"} {
			if got := perNamespace[id][ns.name]; got != len(itUnits) {
				t.Errorf("%s: %d results in %s, want %d (one per workload: %v)", id, got, ns.name, len(itUnits), itUnits)
			}
		}
		for _, u := range itUnits {
			u.Namespace = ns.name
			key := u.Kind + "/" + u.Name
			check("KP-WL-001", u, psWants(latest(api.LevelBaseline))[key])
			check("KP-WL-002", u, psWants(latest(api.LevelRestricted))[key])
			w := psWants(ns.enforce)[key]
			if ns.enforce.Level != "" {
				w.where = "" // KP-WL-004 names the namespace's labels in Expected; checked below
			}
			check("KP-WL-004", u, w)
			if ns.enforce.Level != "" {
				if r := results["KP-WL-004"][u]; !strings.Contains(r.Evidence.Expected, ns.enforce.String()) {
					t.Errorf("KP-WL-004 %s: expected %q does not name the namespace's policy %s", u, r.Evidence.Expected, ns.enforce)
				}
			}
		}
	}

	// The namespaces' own controls.
	nsRes := func(name string) checks.Resource { return checks.Resource{Kind: "Namespace", Name: name} }
	check("KP-WL-005", nsRes("it-none"), itWant{status: checks.Fail, observed: []string{"enforce privileged"}})
	check("KP-WL-005", nsRes("it-privileged"), itWant{status: checks.Fail, observed: []string{"enforce privileged", "enforce=privileged"}})
	check("KP-WL-005", nsRes("it-warn"), itWant{status: checks.Fail, observed: []string{"warn restricted:latest", "violations are reported, not refused"}})
	check("KP-WL-005", nsRes("it-baseline"), itWant{status: checks.Pass, observed: []string{"enforce baseline:latest"}})
	check("KP-WL-005", nsRes("it-restricted"), itWant{status: checks.Pass, observed: []string{"enforce restricted:latest"}})
	check("KP-WL-005", nsRes("it-pinned"), itWant{status: checks.Pass, observed: []string{"enforce restricted:v1.24"}})
	check("KP-WL-006", nsRes("it-pinned"), itWant{status: checks.Warn, observed: []string{"enforce restricted:v1.24", "runAsNonRoot"}})
	check("KP-WL-006", nsRes("it-baseline"), itWant{status: checks.Pass})
	check("KP-WL-006", nsRes("it-restricted"), itWant{status: checks.Pass})
	for _, ns := range []string{"it-none", "it-privileged", "it-warn"} {
		check("KP-WL-006", nsRes(ns), itWant{status: checks.NotApplicable})
	}

	// The API server's warnings on labelling list the running pods that violate the new
	// level: "NAME[ (and N other pods)]: reasons". Every pod named must belong to a unit
	// KP-WL-004 fails, and the number of violating pods must be the number of pods our
	// evaluator forbids at that level (KP-WL-004 folds them; the count is per pod).
	for _, ns := range itNamespaces {
		if ns.enforce.Level == "" {
			if len(labelWarnings[ns.name]) > 0 {
				t.Errorf("labelling %s: unexpected warnings %q", ns.name, labelWarnings[ns.name])
			}
			continue
		}
		warned := 0
		for _, w := range labelWarnings[ns.name] {
			if strings.HasPrefix(w, "existing pods in namespace") {
				if !strings.Contains(w, strconv.Quote(ns.enforce.String())) {
					t.Errorf("labelling %s: %q does not name %s", ns.name, w, ns.enforce)
				}
				continue
			}
			m := podWarning.FindStringSubmatch(w)
			if m == nil {
				t.Errorf("labelling %s: unexpected warning %q", ns.name, w)
				continue
			}
			n := 1
			if m[2] != "" {
				more, _ := strconv.Atoi(m[2])
				n += more
			}
			warned += n
			u := unitOfPod(m[1], ns.name)
			if r := results["KP-WL-004"][u]; r.Status != checks.Fail {
				t.Errorf("labelling %s: the API server warns of pod %s (%s), but KP-WL-004 says %s for %s", ns.name, m[1], m[3], r.Status, u)
			}
		}
		c := newPSSCache(ns.enforce)
		forbidden := 0
		for i := range snap.Pods {
			p := &snap.Pods[i]
			if p.Namespace == ns.name && c.judge(&p.ObjectMeta, &p.Spec) != "" {
				forbidden++
			}
		}
		if warned != forbidden || forbidden == 0 {
			t.Errorf("labelling %s: the API server warned of %d violating pods, our evaluator forbids %d (warnings %q)", ns.name, warned, forbidden, labelWarnings[ns.name])
		}
	}
	if t.Failed() {
		for _, id := range []string{"KP-WL-001", "KP-WL-002", "KP-WL-004"} {
			for res, r := range results[id] {
				if strings.HasPrefix(res.Namespace, "it-") {
					t.Logf("%s %s %s: %s [%s] expected %s", id, res, r.Status, r.Evidence.Observed, r.Evidence.Where, r.Evidence.Expected)
				}
			}
		}
	}
}

// labelNamespace applies ns's labels and returns the API server's warnings. The plugin lists
// the namespace's pods from an informer, which may not hold the pods just created yet: until
// it warns of as many pods as there are running pods our evaluator forbids at the new level
// (10 s at most), the label is tried with a dry run.
func labelNamespace(t *testing.T, cs kubernetes.Interface, ns itNamespace) []string {
	t.Helper()
	ctx := context.Background()
	want := 0
	if ns.enforce.Level != "" {
		pods, err := cs.CoreV1().Pods(ns.name).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := newPSSCache(ns.enforce)
		for i := range pods.Items {
			if c.judge(&pods.Items[i].ObjectMeta, &pods.Items[i].Spec) != "" {
				want++
			}
		}
	}
	update := func(opts metav1.UpdateOptions) []string {
		t.Helper()
		o, err := cs.CoreV1().Namespaces().Get(ctx, ns.name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		o.Labels = ns.labels
		wctx, sink := withWarnings(ctx)
		if _, err := cs.CoreV1().Namespaces().Update(wctx, o, opts); err != nil {
			t.Fatalf("label namespace %s: %v", ns.name, err)
		}
		return sink.list
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if warnedPods(update(metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})) == want {
			break
		}
	}
	return update(metav1.UpdateOptions{})
}

var podWarning = regexp.MustCompile(`^([a-z0-9.-]+)(?: \(and (\d+) other pods?\))?: (.+)$`)

// warnedPods counts the pods the warnings of a namespace label change name:
// "NAME[ (and N other pods)]: reasons".
func warnedPods(warnings []string) int {
	n := 0
	for _, w := range warnings {
		if m := podWarning.FindStringSubmatch(w); m != nil {
			more, _ := strconv.Atoi(m[2])
			n += 1 + more
		}
	}
	return n
}

// unitOfPod names the unit of a pod of the estate, from its name.
func unitOfPod(pod, ns string) checks.Resource {
	switch {
	case strings.HasPrefix(pod, "web-"):
		return checks.Resource{Kind: "Deployment", Namespace: ns, Name: "web"}
	case strings.HasPrefix(pod, "db-"):
		return checks.Resource{Kind: "StatefulSet", Namespace: ns, Name: "db"}
	case strings.HasPrefix(pod, "backup-"):
		return checks.Resource{Kind: "CronJob", Namespace: ns, Name: "backup"}
	}
	return checks.Resource{Kind: "Pod", Namespace: ns, Name: pod}
}
