package nodeagent_test

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/controlplane"
	_ "github.com/kubeposture/kubeposture/checks/node"
	"github.com/kubeposture/kubeposture/nodeagent"
	"github.com/kubeposture/kubeposture/snapshot"
)

const (
	pass = checks.Pass
	fail = checks.Fail
	warn = checks.Warn
	na   = checks.NotApplicable
	ne   = checks.NotEvaluated
)

func collectTree(t *testing.T, node string, entries []entry) *snapshot.NodeReport {
	t.Helper()
	root := buildTree(t, entries...)
	rep, err := nodeagent.Collect(nodeagent.Options{Root: root, ToolVersion: "test",
		Now: func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Node != node {
		t.Errorf("node name %q, want %q (from /etc/hostname)", rep.Node, node)
	}
	// The report goes through its JSON form, as it does between 'audit node' and 'audit scan'.
	var buf bytes.Buffer
	if err := nodeagent.WriteReport(&buf, rep); err != nil {
		t.Fatal(err)
	}
	reps, err := nodeagent.DecodeReports(&buf, "report")
	if err != nil || len(reps) != 1 {
		t.Fatalf("decode: %v (%d reports)", err, len(reps))
	}
	return &reps[0]
}

// scanReports runs the node layer's controls over a snapshot holding only these node
// reports (configz not read, as with --skip-kubelet) and returns "control resource" -> status.
func scanReports(reps ...*snapshot.NodeReport) (map[string]checks.Status, *checks.Report) {
	snap := snapshot.New()
	snap.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected}
	for _, r := range reps {
		snap.MergeNodeReports([]snapshot.NodeReport{*r})
	}
	sel := checks.Selection{Layers: []checks.Layer{checks.Node}}
	selected, _ := sel.Select(checks.Registered())
	rep := checks.Run(snap, selected, sel)
	out := map[string]checks.Status{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			out[c.ID+" "+r.Resource.String()] = r.Status
		}
	}
	return out, rep
}

// nodeVerdicts expands a compact list of per-node verdicts: ids are KP-NODE-0NN numbers.
func nodeVerdicts(node string, v map[int]checks.Status) map[string]checks.Status {
	out := map[string]checks.Status{}
	for n, s := range v {
		out[fmt.Sprintf("KP-NODE-%03d Node/%s", n, node)] = s
	}
	return out
}

// clusterLevel adds the results of the controls that judge Node objects (none here: NOT_APPLICABLE)
// or pods (not collected: NOT_EVALUATED), and of the control-plane file controls (CIS 1.1) on a
// worker (NOT_APPLICABLE: not a control-plane node).
func clusterLevel(v map[string]checks.Status, workerOnly bool) {
	for _, n := range []int{16, 17, 18, 61, 62, 63} { // Node objects: none in a node report
		v[fmt.Sprintf("KP-NODE-%03d Cluster", n)] = na
	}
	v["KP-NODE-060 Cluster"] = ne // runtime detection reads DaemonSets, not collected on a node
	for k := range v {            // every fixture node runs cgroup v2 on kernel 6.8
		if _, node, ok := strings.Cut(k, " Node/"); ok {
			v["KP-NODE-051 Node/"+node] = pass
			if workerOnly {
				for n := 20; n <= 40; n++ {
					v[fmt.Sprintf("KP-NODE-%03d Node/%s", n, node)] = na
				}
			}
		}
	}
	v["KP-NODE-019 Cluster"] = ne // kube-proxy is judged from pods, which were not collected
}

func diff(t *testing.T, got, want map[string]checks.Status, rep *checks.Report) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s: got %q, want %q%s", k, got[k], want[k], evidence(rep, k))
		}
	}
}

func evidence(rep *checks.Report, key string) string {
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			if c.ID+" "+r.Resource.String() == key {
				return fmt.Sprintf(" (observed %q at %q, reason %q)", r.Evidence.Observed, r.Evidence.Where, r.Reason)
			}
		}
	}
	return ""
}

// kubeadm's kubelet: the config file's defaults (no read-only port, Webhook) pass; no serving
// certificate, no serverTLSBootstrap, no PID limit, no seccomp default fail.
var kubeadmKubeletVerdicts = map[int]checks.Status{
	1: pass, 2: pass, 3: pass, 4: pass, 5: pass, 6: pass, 7: pass, 8: pass,
	9: fail, 10: pass, 11: fail, 12: warn, 13: fail, 14: fail, 15: fail,
}

func TestKubeadmWorker(t *testing.T) {
	rep := collectTree(t, "worker-1", kubeadmWorker("worker-1"))
	if rep.ControlPlane || rep.Kubelet == nil || rep.Kubelet.PID != 1234 || rep.Kubelet.ConfigFile != "/var/lib/kubelet/config.yaml" {
		t.Fatalf("report: controlPlane %v kubelet %+v", rep.ControlPlane, rep.Kubelet)
	}
	if rep.OS.Kernel != "6.8.0-45-generic" || rep.OS.CgroupVersion != 2 || rep.OS.ID != "ubuntu" || rep.OS.PrettyName != "Ubuntu 24.04.1 LTS" {
		t.Errorf("os = %+v", rep.OS)
	}
	// The file's 0s is defaulted to 4h by the kubelet, not taken as "no timeout".
	if got := rep.Kubelet.Effective.StreamingConnectionIdleTimeout.Duration; got != 4*time.Hour {
		t.Errorf("streamingConnectionIdleTimeout = %s, want 4h (0s in the file is defaulted)", got)
	}
	if got := rep.Kubelet.Sources["authorization.mode"]; got != "config file /var/lib/kubelet/config.yaml" {
		t.Errorf("authorization.mode source %q", got)
	}
	want := nodeVerdicts("worker-1", kubeadmKubeletVerdicts)
	for n, s := range map[int]checks.Status{
		41: fail, 42: pass, // the systemd drop-in, 0644 as the kubeadm package installs it
		43: na, 44: na, // no /etc/kubernetes/proxy.conf: kube-proxy runs as a DaemonSet
		45: pass, 46: pass, 47: pass, 48: pass,
		49: fail, 50: pass, // config.yaml 0644, as kubeadm writes it
	} {
		want[fmt.Sprintf("KP-NODE-%03d Node/worker-1", n)] = s
	}
	clusterLevel(want, true)
	got, r := scanReports(rep)
	diff(t, got, want, r)
}

func TestKubeadmControlPlane(t *testing.T) {
	rep := collectTree(t, "cp-1", kubeadmControlPlane("cp-1"))
	if !rep.ControlPlane || len(rep.StaticPods) != 4 {
		t.Fatalf("controlPlane %v, %d static pods, want true and 4", rep.ControlPlane, len(rep.StaticPods))
	}
	if v, ok := rep.StaticPods[0].Flag("encryption-provider-config"); rep.StaticPods[0].Name != "etcd" && !ok {
		t.Errorf("static pods: %+v (%q)", rep.StaticPods, v)
	}
	if rep.Encryption == nil || len(rep.Encryption.Resources) != 1 ||
		strings.Join(rep.Encryption.Resources[0].Providers, ",") != "aescbc,identity" {
		t.Errorf("encryption summary = %+v, want secrets: aescbc, identity", rep.Encryption)
	}
	if rep.AuditPolicy == nil || strings.Join(rep.AuditPolicy.Levels, ",") != "Metadata" {
		t.Errorf("audit policy summary = %+v", rep.AuditPolicy)
	}
	if ps := rep.PodSecurity; ps == nil || ps.Defaults.Enforce != "baseline" || ps.Source != "pss.yaml" ||
		strings.Join(ps.Exemptions.Namespaces, ",") != "kube-system" {
		t.Errorf("PodSecurity configuration = %+v, want enforce baseline from pss.yaml, kube-system exempt", ps)
	}
	var buf bytes.Buffer
	_ = nodeagent.WriteReport(&buf, rep)
	if bytes.Contains(buf.Bytes(), []byte("c2VjcmV0")) {
		t.Fatal("the node report contains the encryption key")
	}
	want := nodeVerdicts("cp-1", kubeadmKubeletVerdicts)
	for n, s := range map[int]checks.Status{
		20: pass, 21: pass, 22: pass, 23: pass, 24: pass, 25: pass, 26: pass, 27: pass, // manifests 0600 root
		28: fail, 29: pass, // CNI config 0644
		30: pass, 31: fail, // etcd data 0700, but root:root, not etcd:etcd
		32: pass, 33: pass, 34: pass, 35: pass, 36: pass, 37: pass,
		38: pass, 39: pass, 40: pass, // PKI
		41: fail, 42: pass, 43: na, 44: na, 45: pass, 46: pass, 47: pass, 48: pass, 49: fail, 50: pass,
	} {
		want[fmt.Sprintf("KP-NODE-%03d Node/cp-1", n)] = s
	}
	clusterLevel(want, false)
	got, r := scanReports(rep)
	diff(t, got, want, r)
}

// The agent names the files it records with the roles of snapshot.FileRoles and no other, and
// a kubeadm control-plane node has a file of every role: a role the file controls select is
// one the agent records (checks/node's tests hold each rule to snapshot.FileRoles).
func TestFileRoles(t *testing.T) {
	rep := collectTree(t, "cp-1", kubeadmControlPlane("cp-1"))
	seen := map[snapshot.FileRole]bool{}
	for _, f := range rep.Files {
		if !slices.Contains(snapshot.FileRoles, f.Role) {
			t.Errorf("%s recorded with role %q, which is not in snapshot.FileRoles", f.Path, f.Role)
		}
		seen[f.Role] = true
	}
	for _, r := range snapshot.FileRoles {
		if !seen[r] {
			t.Errorf("no file recorded with role %q on a kubeadm control-plane node", r)
		}
	}
}

func TestFlagOnlyKubelet(t *testing.T) {
	rep := collectTree(t, "legacy-1", flagOnly("legacy-1"))
	if rep.Kubelet == nil || rep.Kubelet.ConfigFile != "" {
		t.Fatalf("kubelet = %+v, want a flag-only kubelet", rep.Kubelet)
	}
	if rep.KubeProxy == nil || rep.KubeProxy.PID != 2002 || rep.KubeProxy.MetricsBindAddress != "" || rep.KubeProxy.Error != "" {
		t.Errorf("kube-proxy = %+v, want the process 2002 with no metrics address (the default)", rep.KubeProxy)
	}
	if got := rep.Kubelet.Sources["readOnlyPort"]; got != "default (flag-only kubelet)" {
		t.Errorf("readOnlyPort source %q", got)
	}
	want := nodeVerdicts("legacy-1", map[int]checks.Status{
		1: fail, 2: fail, 3: fail, 4: fail, // the legacy defaults: anonymous, AlwaysAllow, 10255, no CA
		5: pass, 6: pass, 7: fail, 8: pass, 9: fail, 10: fail, 11: fail, 12: warn, 13: fail, 14: fail, 15: fail,
		41: na, 42: na,
		43: fail, 44: pass, // kube-proxy's --kubeconfig, found from its process, 0644
		45: fail, 46: pass, // kubelet.conf 0644
		47: na, 48: na, // no client CA file
		49: na, 50: na, // no config file
	})
	clusterLevel(want, true)
	got, r := scanReports(rep)
	diff(t, got, want, r)
}

func TestHardenedNode(t *testing.T) {
	rep := collectTree(t, "hard-1", hardened("hard-1"))
	k := rep.Kubelet
	if k == nil || len(k.ConfigDropIns) != 1 {
		t.Fatalf("kubelet = %+v, want one drop-in merged", k)
	}
	if got := k.Sources["readOnlyPort"]; got != "flag --read-only-port=0" {
		t.Errorf("readOnlyPort source %q, want the flag (flags override the file's 10255)", got)
	}
	want := nodeVerdicts("hard-1", map[int]checks.Status{
		1: pass, 2: pass, 3: pass, 4: pass, 5: pass, 6: pass, 7: pass, 8: pass, 9: pass, 10: pass,
		11: pass, 12: pass, 13: pass, 14: pass, 15: pass,
		41: pass, 42: pass, 43: na, 44: na, 45: pass, 46: pass,
		47: pass, 48: pass, // ca.crt 0444: within 0644
		49: pass, 50: pass,
	})
	clusterLevel(want, true)
	got, r := scanReports(rep)
	diff(t, got, want, r)
}

// A pool of identical workers gives one result per control, naming every node; the one
// node that differs is called out.
func TestNodePoolGrouping(t *testing.T) {
	var reps []*snapshot.NodeReport
	for _, n := range []string{"pool-a-1", "pool-a-2", "pool-a-3", "pool-a-4"} {
		reps = append(reps, collectTree(t, n, kubeadmWorker(n)))
	}
	reps = append(reps, collectTree(t, "pool-a-5", flagOnly("pool-a-5")))
	got, rep := scanReports(reps...)
	if s := got["KP-NODE-001 NodeGroup/pool-a-1 and 3 more"]; s != pass {
		t.Errorf("KP-NODE-001 pool group: %q, want PASS (results %v)", s, got)
	}
	if s := got["KP-NODE-001 Node/pool-a-5"]; s != fail {
		t.Errorf("KP-NODE-001 outlier: %q, want FAIL", s)
	}
	for _, c := range rep.Controls {
		if c.ID != "KP-NODE-001" {
			continue
		}
		if len(c.Results) != 2 {
			t.Fatalf("KP-NODE-001: %d results, want 2 (the pool and the outlier): %+v", len(c.Results), c.Results)
		}
		for _, r := range c.Results {
			switch r.Resource.Kind {
			case "NodeGroup":
				if !strings.Contains(r.Evidence.Where, "4 nodes: pool-a-1, pool-a-2, pool-a-3, pool-a-4") {
					t.Errorf("group where = %q, want the node list", r.Evidence.Where)
				}
			case "Node":
				if !strings.Contains(r.Evidence.Observed, "outlier: 1 of 5 nodes") {
					t.Errorf("outlier observed = %q", r.Evidence.Observed)
				}
			}
		}
	}
}

// without returns entries without the one at path.
func without(entries []entry, path string) []entry {
	return slices.DeleteFunc(slices.Clone(entries), func(e entry) bool { return e.path == path })
}

// A node on which no kubelet runs: the kubelet's files and configuration are NOT_APPLICABLE
// there (CIS 4.1 and 4.2 are about the nodes kubelets run on), with the reason, when the agent
// read the process table; when it could not, or the API server shows the node Ready (its
// kubelet runs, and the agent missed it), they are NOT_EVALUATED.
func TestNoKubelet(t *testing.T) {
	rep := collectTree(t, "bare", base("bare"))
	if rep.Kubelet != nil || !rep.ProcessTable || len(rep.Errors) == 0 {
		t.Fatalf("kubelet %+v process table %v errors %v, want none found and said so", rep.Kubelet, rep.ProcessTable, rep.Errors)
	}
	got, r := scanReports(rep)
	for _, id := range []string{"KP-NODE-001", "KP-NODE-041", "KP-NODE-045", "KP-NODE-049"} {
		if got[id+" Node/bare"] != na {
			t.Errorf("%s on a node without kubelet: %q, want NOT_APPLICABLE%s", id, got[id+" Node/bare"], evidence(r, id+" Node/bare"))
		}
	}
	if ev := evidence(r, "KP-NODE-045 Node/bare"); !strings.Contains(ev, "no kubelet runs on this node") {
		t.Errorf("KP-NODE-045: %s, want the reason", ev)
	}

	// The host's /proc not mounted: an empty directory proves nothing.
	var entries []entry
	for _, e := range kubeadmWorker("blind") {
		if !strings.HasPrefix(e.path, "/proc/") || strings.HasPrefix(e.path, "/proc/sys/") {
			entries = append(entries, e)
		}
	}
	blind := collectTree(t, "blind", entries)
	if blind.ProcessTable || !slices.ContainsFunc(blind.Errors, func(e string) bool { return strings.Contains(e, "no process") }) {
		t.Fatalf("empty /proc: process table %v, errors %v", blind.ProcessTable, blind.Errors)
	}
	got, r = scanReports(blind)
	for _, id := range []string{"KP-NODE-001", "KP-NODE-041", "KP-NODE-045"} {
		if got[id+" Node/blind"] != ne {
			t.Errorf("%s with no process table: %q, want NOT_EVALUATED%s", id, got[id+" Node/blind"], evidence(r, id+" Node/blind"))
		}
	}

	// A Ready node: its kubelet runs, whatever the agent saw.
	snap := snapshot.New()
	snap.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	snap.Nodes = []corev1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "bare"},
		Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}}}}
	snap.MergeNodeReports([]snapshot.NodeReport{*rep})
	sel := checks.Selection{Controls: []string{"KP-NODE-001", "KP-NODE-045"}}
	selected, _ := sel.Select(checks.Registered())
	for _, c := range checks.Run(snap, selected, sel).Controls {
		if res := c.Results[0]; res.Status != ne || !strings.Contains(res.Reason, "the node is Ready") {
			t.Errorf("%s on a Ready node the agent found no kubelet on: %+v", c.ID, res)
		}
	}
}

// A control-plane node on which no kubelet runs: its control-plane files are judged (CIS 1.1),
// the kubelet's are NOT_APPLICABLE (CIS 4.1), whatever files the kubelet's default paths hold.
func TestControlPlaneWithoutKubelet(t *testing.T) {
	rep := collectTree(t, "cp-2", without(kubeadmControlPlane("cp-2"), "/proc/1234/cmdline"))
	if !rep.ControlPlane || rep.Kubelet != nil || !rep.ProcessTable {
		t.Fatalf("controlPlane %v kubelet %+v process table %v", rep.ControlPlane, rep.Kubelet, rep.ProcessTable)
	}
	got, r := scanReports(rep)
	want := map[string]checks.Status{}
	for n, s := range map[int]checks.Status{
		20: pass, 21: pass, 22: pass, 23: pass, 24: pass, 25: pass, 26: pass, 27: pass,
		28: fail, 29: pass, 30: pass, 31: fail,
		32: pass, 33: pass, 34: pass, 35: pass, 36: pass, 37: pass, 38: pass, 39: pass, 40: pass,
		// No kubelet: its service file (0644 here), kubeconfig, client CA and config file are
		// not a worker's files.
		41: na, 42: na, 43: na, 44: na, 45: na, 46: na, 47: na, 48: na, 49: na, 50: na,
		// Nor is there a kubelet configuration to judge (CIS 4.2).
		1: na, 2: na, 3: na, 4: na, 5: na, 6: na, 7: na, 8: na, 9: na, 10: na, 11: na, 12: na, 13: na, 14: na, 15: na,
	} {
		want[fmt.Sprintf("KP-NODE-%03d Node/cp-2", n)] = s
	}
	clusterLevel(want, false)
	diff(t, got, want, r)
	if ev := evidence(r, "KP-NODE-041 Node/cp-2"); !strings.Contains(ev, "CIS 4.1 is about the files of the nodes kubelets run on") {
		t.Errorf("KP-NODE-041: %s, want the reason", ev)
	}
}

// A node whose config file leaves out what the others' set, to the same value (anonymous
// authentication off: the default of a kubelet started with a config file), is in the pool's
// group, not an outlier: only where the value came from differs.
func TestNodePoolSourcesDiffer(t *testing.T) {
	var reps []*snapshot.NodeReport
	for _, n := range []string{"pool-b-1", "pool-b-2", "pool-b-3"} {
		reps = append(reps, collectTree(t, n, kubeadmWorker(n)))
	}
	short := strings.Replace(kubeadmKubeletConfig, "  anonymous:\n    enabled: false\n", "", 1)
	if short == kubeadmKubeletConfig {
		t.Fatal("the fixture's config file no longer sets authentication.anonymous.enabled")
	}
	entries := append(kubeadmWorker("pool-b-4"), file("/var/lib/kubelet/config.yaml", 0o644, short))
	reps = append(reps, collectTree(t, "pool-b-4", entries))
	if got := reps[3].Kubelet.Sources["authentication.anonymous.enabled"]; got != "default (config file)" {
		t.Fatalf("pool-b-4's anonymous source %q, want the config file's default", got)
	}
	_, rep := scanReports(reps...)
	for _, c := range rep.Controls {
		if c.ID != "KP-NODE-001" {
			continue
		}
		if len(c.Results) != 1 {
			t.Fatalf("KP-NODE-001: %d results, want 1 (the pool, whatever each kubelet read the value from): %+v", len(c.Results), c.Results)
		}
		r := c.Results[0]
		if r.Status != pass || r.Resource.Name != "pool-b-1 and 3 more" || strings.Contains(r.Evidence.Observed, "outlier") ||
			!strings.Contains(r.Evidence.Where, "3 nodes: pool-b-1, pool-b-2, pool-b-3, node agent: config file /var/lib/kubelet/config.yaml") ||
			!strings.Contains(r.Evidence.Where, "node pool-b-4, node agent: default (config file)") {
			t.Errorf("KP-NODE-001 = %+v", r)
		}
	}
}

// A control plane whose pods the collector could not list is judged from the manifests in its
// node's report: the kubeadm node's flags give the verdicts, the evidence names the manifest,
// and of the etcd container's environment only its ETCD_* flags are recorded.
func TestControlPlaneFromManifests(t *testing.T) {
	etcdManifest := staticPod("etcd", "--data-dir=/var/lib/etcd", "--client-cert-auth=true") +
		"    env:\n    - name: ETCD_PEER_CLIENT_CERT_AUTH\n      value: \"true\"\n    - name: BACKUP_TOKEN\n      value: s3cr3t-t0ken\n"
	entries := append(kubeadmControlPlane("cp-1"), file("/etc/kubernetes/manifests/etcd.yaml", 0o600, etcdManifest))
	rep := collectTree(t, "cp-1", entries)
	var buf bytes.Buffer
	_ = nodeagent.WriteReport(&buf, rep)
	if bytes.Contains(buf.Bytes(), []byte("s3cr3t-t0ken")) || !bytes.Contains(buf.Bytes(), []byte("ETCD_PEER_CLIENT_CERT_AUTH")) {
		t.Errorf("the node report must keep etcd's ETCD_* variables and no other: %s", buf.String())
	}

	snap := snapshot.New()
	snap.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Forbidden, Message: "pods is forbidden"}
	snap.MergeNodeReports([]snapshot.NodeReport{*rep})
	sel := checks.Selection{Layers: []checks.Layer{checks.ControlPlane}}
	selected, _ := sel.Select(checks.Registered())
	r := checks.Run(snap, selected, sel)
	got := map[string]checks.Status{}
	for _, c := range r.Controls {
		for _, res := range c.Results {
			got[c.ID+" "+res.Resource.String()] = res.Status
		}
	}
	const (
		api  = " Component/kube-system/kube-apiserver-cp-1"
		kcm  = " Component/kube-system/kube-controller-manager-cp-1"
		etcd = " Component/kube-system/etcd-cp-1"
	)
	for k, want := range map[string]checks.Status{
		"KP-CP-002" + api:  pass, // --authorization-mode=Node,RBAC
		"KP-CP-003" + api:  pass,
		"KP-CP-005" + api:  fail, // profiling defaults to true
		"KP-CP-045" + api:  warn, // the node report's EncryptionConfiguration: aescbc first
		"KP-CP-034" + kcm:  pass, // --bind-address=127.0.0.1
		"KP-CP-038" + etcd: pass, // --client-cert-auth=true
		"KP-CP-041" + etcd: pass, // ETCD_PEER_CLIENT_CERT_AUTH=true
	} {
		if got[k] != want {
			t.Errorf("%s: got %q, want %q%s", k, got[k], want, evidence(r, k))
		}
	}
	if ev := evidence(r, "KP-CP-005"+api); !strings.Contains(ev, "kube-apiserver manifest /etc/kubernetes/manifests/kube-apiserver.yaml on node cp-1") {
		t.Errorf("KP-CP-005: %s, want the manifest named", ev)
	}
}

// etcd's CA is compared with the API server's by the certificates' fingerprints the node agent
// records (CIS 2.7), whatever the paths: the same CA at two paths, or a cluster CA issued by
// the CA etcd trusts, fails; CAs apart pass. A key in a CA file is not recorded, a .key path is
// not read, and a file not at hand leaves the verdict to a person, saying why.
func TestEtcdCAFingerprints(t *testing.T) {
	cluster, etcdCA, corp := newCA(t, "kubernetes", nil), newCA(t, "etcd-ca", nil), newCA(t, "corp-root", nil)
	underCorp := newCA(t, "kubernetes", corp)
	const secret = "S3CRET-KEY-MATERIAL"
	keyBlock := "-----BEGIN EC PRIVATE KEY-----\n" + secret + "\n-----END EC PRIVATE KEY-----\n"
	for _, tc := range []struct {
		name, trusted     string
		etcdFile, cluster string
		want              checks.Status
		text              string
	}{
		{"CAs apart", "/etc/kubernetes/pki/etcd/ca.crt", etcdCA.pem, cluster.pem, pass, "no certificate in common"},
		{"the cluster CA at etcd's path", "/etc/kubernetes/pki/etcd/ca.crt", cluster.pem, cluster.pem, fail, "etcd trusts the cluster's CA CN=kubernetes"},
		{"the cluster CA issued by etcd's", "/etc/kubernetes/pki/etcd/ca.crt", corp.pem, underCorp.pem, fail, "issued by CN=corp-root, which etcd trusts"},
		{"a key after the certificate", "/etc/kubernetes/pki/etcd/ca.crt", etcdCA.pem + keyBlock, cluster.pem, pass, "CN=etcd-ca"},
		{"a key file named", "/etc/kubernetes/pki/etcd/ca.key", etcdCA.pem, cluster.pem, checks.Manual, "never reads"},
		{"no such file", "/etc/kubernetes/pki/etcd/other.crt", etcdCA.pem, cluster.pem, checks.Manual, "could not read /etc/kubernetes/pki/etcd/other.crt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries := append(kubeadmControlPlane("cp-1"),
				file("/etc/kubernetes/manifests/etcd.yaml", 0o600, staticPod("etcd", "--data-dir=/var/lib/etcd", "--client-cert-auth=true", "--trusted-ca-file="+tc.trusted)),
				file("/etc/kubernetes/pki/etcd/ca.crt", 0o644, tc.etcdFile),
				file("/etc/kubernetes/pki/etcd/ca.key", 0o600, keyBlock),
				file("/etc/kubernetes/pki/ca.crt", 0o644, tc.cluster))
			rep := collectTree(t, "cp-1", entries)
			var buf bytes.Buffer
			_ = nodeagent.WriteReport(&buf, rep)
			if bytes.Contains(buf.Bytes(), []byte(secret)) || bytes.Contains(buf.Bytes(), []byte("PRIVATE KEY")) {
				t.Fatalf("the node report holds key material: %s", buf.String())
			}
			if f := rep.CertificateFile("/etc/kubernetes/pki/ca.crt"); f == nil || len(f.Certificates) != 1 || f.Certificates[0].Subject != "CN=kubernetes" {
				t.Fatalf("the API server's client CA: %+v", f)
			}
			snap := snapshot.New()
			snap.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Forbidden, Message: "pods is forbidden"}
			snap.MergeNodeReports([]snapshot.NodeReport{*rep})
			sel := checks.Selection{Controls: []string{"KP-CP-043"}}
			selected, _ := sel.Select(checks.Registered())
			res := checks.Run(snap, selected, sel).Controls[0].Results
			if len(res) != 1 || res[0].Status != tc.want || res[0].Resource.String() != "Component/kube-system/etcd-cp-1" {
				t.Fatalf("KP-CP-043: %+v, want one %s on etcd-cp-1", res, tc.want)
			}
			if !strings.Contains(res[0].Evidence.Observed+" "+res[0].Reason, tc.text) {
				t.Errorf("KP-CP-043: observed %q, reason %q: want %q", res[0].Evidence.Observed, res[0].Reason, tc.text)
			}
		})
	}
}
