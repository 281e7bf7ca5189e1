package workload

import (
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// namespace adds a Namespace with the given labels (k=v pairs).
func namespace(s *snapshot.Snapshot, name string, kv ...string) {
	l := map[string]string{"kubernetes.io/metadata.name": name}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	s.Namespaces = append(s.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l}})
}

const (
	enforce        = "pod-security.kubernetes.io/enforce"
	enforceVersion = "pod-security.kubernetes.io/enforce-version"
	warnLabel      = "pod-security.kubernetes.io/warn"
	auditLabel     = "pod-security.kubernetes.io/audit"
)

func withPSA(cfg *snapshot.PodSecurityConfig) func(*snapshot.Snapshot) {
	return func(s *snapshot.Snapshot) {
		cfg.Path = "/etc/kubernetes/admission.yaml"
		s.Files = &snapshot.ControlPlaneFiles{PodSecurity: cfg}
	}
}

func privilegedDefaults() snapshot.PodSecurityDefaults {
	return snapshot.PodSecurityDefaults{Enforce: "privileged", EnforceVersion: "latest", Audit: "privileged",
		AuditVersion: "latest", Warn: "privileged", WarnVersion: "latest"}
}

func TestPSSEnforce(t *testing.T) {
	rootPod := with(func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.RunAsNonRoot = nil }) // baseline, not restricted
	hostNet := with(func(s *corev1.PodSpec) { s.HostNetwork = true })                               // not even baseline
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
	}{
		{
			name: "unlabelled namespace: privileged by default, everything allowed",
			build: func(s *snapshot.Snapshot) {
				namespace(s, "a")
				s.Pods = append(s.Pods, pod("a", "p", nil, hostNet))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Pass, observed: []string{"enforce privileged"}}},
		},
		{
			name: "restricted namespace: a root pod that predates the label fails, the deployment is folded",
			build: func(s *snapshot.Snapshot) {
				namespace(s, "r", enforce, "restricted")
				addDeployment(s, "r", "web", rootPod, rootPod, rootPod, rootPod)
			},
			want: []want{{res: res("Deployment", "r", "web"), status: checks.Fail,
				observed: []string{"template and 3 of 3 pods", "runAsNonRoot != true"}}},
		},
		{
			name: "baseline namespace allows the root pod but not host networking",
			build: func(s *snapshot.Snapshot) {
				namespace(s, "b", enforce, "baseline")
				s.Pods = append(s.Pods, pod("b", "root", nil, rootPod), pod("b", "net", nil, hostNet))
			},
			want: []want{
				{res: res("Pod", "b", "root"), status: checks.Pass},
				{res: res("Pod", "b", "net"), status: checks.Fail, observed: []string{"hostNetwork=true"}},
			},
		},
		{
			name: "judged at the namespace's own version: restricted v1.21 does not require dropping ALL",
			build: func(s *snapshot.Snapshot) {
				namespace(s, "old", enforce, "restricted", enforceVersion, "v1.21")
				namespace(s, "new", enforce, "restricted")
				keepCaps := with(func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.Capabilities = nil })
				s.Pods = append(s.Pods, pod("old", "p", nil, keepCaps), pod("new", "p", nil, keepCaps))
			},
			want: []want{
				{res: res("Pod", "old", "p"), status: checks.Pass},
				{res: res("Pod", "new", "p"), status: checks.Fail, observed: []string{"unrestricted capabilities"}},
			},
		},
		{
			name: "cluster default from the admission configuration applies to unlabelled namespaces",
			build: func(s *snapshot.Snapshot) {
				d := privilegedDefaults()
				d.Enforce = "baseline"
				withPSA(&snapshot.PodSecurityConfig{Defaults: d})(s)
				namespace(s, "a")
				s.Pods = append(s.Pods, pod("a", "net", nil, hostNet))
			},
			want: []want{{res: res("Pod", "a", "net"), status: checks.Fail, observed: []string{"hostNetwork=true"}}},
		},
		{
			name: "exempt namespace and exempt runtime class are allowed",
			build: func(s *snapshot.Snapshot) {
				withPSA(&snapshot.PodSecurityConfig{Defaults: privilegedDefaults(), Exemptions: snapshot.PodSecurityExemptions{
					Namespaces: []string{"x"}, RuntimeClasses: []string{"gvisor"}}})(s)
				namespace(s, "x", enforce, "restricted")
				namespace(s, "r", enforce, "restricted")
				sandboxed := hostNet
				sandboxed.RuntimeClassName = ptr("gvisor")
				s.Pods = append(s.Pods, pod("x", "net", nil, hostNet), pod("r", "sandboxed", nil, sandboxed))
			},
			want: []want{
				{res: res("Pod", "x", "net"), status: checks.Pass, observed: []string{"exempt"}},
				{res: res("Pod", "r", "sandboxed"), status: checks.Pass},
			},
		},
		{
			name: "an unreadable enforce label is judged fail-closed at restricted, as the plugin does",
			build: func(s *snapshot.Snapshot) {
				namespace(s, "typo", enforce, "basline")
				s.Pods = append(s.Pods, pod("typo", "root", nil, rootPod))
			},
			want: []want{{res: res("Pod", "typo", "root"), status: checks.Fail, observed: []string{"runAsNonRoot", "invalid labels"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := collected()
			tc.build(s)
			expect(t, pssEnforce(s), tc.want)
		})
	}
}

func TestNamespaceEnforced(t *testing.T) {
	podHook := admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "kyverno-resource-validating-webhook-cfg"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "validate.kyverno.svc",
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"kyverno"}}}},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, Resources: []string{"pods"}}}}}},
	}
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
	}{
		{
			name: "labels",
			build: func(s *snapshot.Snapshot) {
				namespace(s, "none")
				namespace(s, "priv", enforce, "privileged")
				namespace(s, "warnonly", warnLabel, "restricted", auditLabel, "baseline")
				namespace(s, "base", enforce, "baseline")
				namespace(s, "restr", enforce, "restricted", enforceVersion, "v1.30")
				namespace(s, "typo", enforce, "Restricted")
				namespace(s, "kube-system", enforce, "privileged")
			},
			want: []want{
				{res: checks.Resource{Kind: "Namespace", Name: "none"}, status: checks.Fail, observed: []string{"enforce unlabelled (default privileged)"}},
				{res: checks.Resource{Kind: "Namespace", Name: "priv"}, status: checks.Fail, observed: []string{"enforce=privileged"}},
				{res: checks.Resource{Kind: "Namespace", Name: "warnonly"}, status: checks.Fail,
					observed: []string{"warn restricted:latest", "audit baseline:latest", "reported, not refused"}},
				{res: checks.Resource{Kind: "Namespace", Name: "base"}, status: checks.Pass, observed: []string{"baseline:latest"}},
				{res: checks.Resource{Kind: "Namespace", Name: "restr"}, status: checks.Pass, observed: []string{"restricted:v1.30"}},
				{res: checks.Resource{Kind: "Namespace", Name: "typo"}, status: checks.Warn, observed: []string{"cannot read"}},
				{res: checks.Resource{Kind: "Namespace", Name: "kube-system"}, status: checks.Warn, observed: []string{"kube-system"}},
			},
		},
		{
			name: "cluster defaults and exemptions from the admission configuration",
			build: func(s *snapshot.Snapshot) {
				d := privilegedDefaults()
				d.Enforce = "baseline"
				withPSA(&snapshot.PodSecurityConfig{Defaults: d, Exemptions: snapshot.PodSecurityExemptions{Namespaces: []string{"legacy"}}})(s)
				namespace(s, "none")
				namespace(s, "legacy", enforce, "restricted")
			},
			want: []want{
				{res: checks.Resource{Kind: "Namespace", Name: "none"}, status: checks.Pass, observed: []string{"default baseline"}},
				{res: checks.Resource{Kind: "Namespace", Name: "legacy"}, status: checks.Fail, observed: []string{"exempt"}},
			},
		},
		{
			name: "a policy webhook judging pods turns the failure into a warning, where its selector matches",
			build: func(s *snapshot.Snapshot) {
				s.ValidatingWebhookConfigurations = append(s.ValidatingWebhookConfigurations, podHook)
				namespace(s, "apps")
				namespace(s, "kyverno")
			},
			want: []want{
				{res: checks.Resource{Kind: "Namespace", Name: "apps"}, status: checks.Warn, observed: []string{"kyverno-resource-validating-webhook-cfg/validate.kyverno.svc"}},
				{res: checks.Resource{Kind: "Namespace", Name: "kyverno"}, status: checks.Fail},
			},
		},
		{
			name: "plugin disabled on the API server: labels enforce nothing",
			build: func(s *snapshot.Snapshot) {
				s.ControlPlane = append(s.ControlPlane, snapshot.Component{Name: "kube-apiserver", Namespace: "kube-system", Pod: "kube-apiserver-cp1",
					Flags: componentflags.Parse([]string{"kube-apiserver"}, []string{"--disable-admission-plugins=PodSecurity"}, componentflags.BoolFlags("kube-apiserver"))})
				namespace(s, "restr", enforce, "restricted")
			},
			want: []want{{res: checks.Resource{Kind: "Namespace", Name: "restr"}, status: checks.Fail, observed: []string{"PodSecurity admission plugin is off"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := collected()
			tc.build(s)
			expect(t, namespaceEnforced(s), tc.want)
		})
	}
}

func TestNamespaceVersion(t *testing.T) {
	s := collected()
	s.Cluster.Version = "v1.37.2"
	namespace(s, "latest", enforce, "restricted")
	namespace(s, "old", enforce, "restricted", enforceVersion, "v1.24")
	namespace(s, "oldbase", enforce, "baseline", enforceVersion, "v1.36")
	namespace(s, "current", enforce, "baseline", enforceVersion, "v1.37")
	namespace(s, "priv", enforceVersion, "v1.20")
	expect(t, namespaceVersion(s), []want{
		{res: checks.Resource{Kind: "Namespace", Name: "latest"}, status: checks.Pass},
		// restricted at v1.24 misses the v1.25 restricted changes and the later baseline ones.
		{res: checks.Resource{Kind: "Namespace", Name: "old"}, status: checks.Warn,
			observed: []string{"allowPrivilegeEscalation (v1.25)", "runAsNonRoot (v1.35)", "sysctls (v1.37)", "cluster v1.37.2"}},
		// baseline at v1.36 misses only the baseline check changed at v1.37.
		{res: checks.Resource{Kind: "Namespace", Name: "oldbase"}, status: checks.Warn, observed: []string{"checks changed since: sysctls (v1.37)"}},
		{res: checks.Resource{Kind: "Namespace", Name: "current"}, status: checks.Pass, observed: []string{"no baseline check has changed since v1.37"}},
		{res: checks.Resource{Kind: "Namespace", Name: "priv"}, status: checks.NotApplicable},
	})
	for _, r := range namespaceVersion(s) {
		if r.Resource.Name == "oldbase" && strings.Contains(r.Evidence.Observed, "runAsNonRoot") {
			t.Errorf("baseline namespace listed a restricted check: %s", r.Evidence.Observed)
		}
	}
}

func apiserverWith(s *snapshot.Snapshot, node string, args ...string) {
	s.ControlPlane = append(s.ControlPlane, snapshot.Component{Name: "kube-apiserver", Namespace: "kube-system",
		Pod: "kube-apiserver-" + node, Node: node,
		Flags: componentflags.Parse([]string{"kube-apiserver"}, args, componentflags.BoolFlags("kube-apiserver"))})
}

func TestPodSecurityConfigSources(t *testing.T) {
	s := collected()
	if got := podSecurityExemptions(s); len(got) != 1 || got[0].Status != checks.NotEvaluated || !strings.Contains(got[0].Reason, "not visible") {
		t.Errorf("no API server visible: %+v, want one NOT_EVALUATED", got)
	}
	apiserverWith(s, "cp1", "--authorization-mode=Node,RBAC")
	if got := podSecurityExemptions(s); len(got) != 1 || got[0].Status != checks.Pass || !strings.Contains(got[0].Evidence.Where, "without --admission-control-config-file") {
		t.Errorf("API server without the flag: %+v, want one PASS (built-in configuration)", got)
	}
	s = collected()
	apiserverWith(s, "cp1", "--admission-control-config-file=/etc/kubernetes/adm.yaml")
	if got := podSecurityExemptions(s); len(got) != 1 || got[0].Status != checks.NotEvaluated || !strings.Contains(got[0].Reason, "/etc/kubernetes/adm.yaml") {
		t.Errorf("file named, not read: %+v, want NOT_EVALUATED naming it", got)
	}
	namespace(s, "none")
	d := privilegedDefaults()
	d.Enforce = "restricted"
	s.NodeReports = append(s.NodeReports, snapshot.NodeReport{Node: "cp1", PodSecurity: &snapshot.PodSecurityConfig{
		Path: "/etc/kubernetes/adm.yaml", Source: "inline", Defaults: d,
		Exemptions: snapshot.PodSecurityExemptions{Namespaces: []string{"legacy"}}}})
	got := podSecurityExemptions(s)
	if len(got) != 1 || got[0].Status != checks.Fail || !strings.Contains(got[0].Evidence.Where, "node report of cp1") {
		t.Errorf("from the node report: %+v, want the exemption of legacy to FAIL", got)
	}
	if r := namespaceEnforced(s); len(r) != 1 || r[0].Status != checks.Pass || !strings.Contains(r[0].Evidence.Observed, "default restricted") {
		t.Errorf("namespace under the node report's defaults: %+v, want PASS at the default restricted", r)
	}
}

func TestPodSecurityExemptions(t *testing.T) {
	s := collected()
	withPSA(&snapshot.PodSecurityConfig{Defaults: privilegedDefaults()})(s)
	got := podSecurityExemptions(s)
	if len(got) != 1 || got[0].Status != checks.Pass {
		t.Fatalf("no exemptions: %+v, want one PASS", got)
	}
	withPSA(&snapshot.PodSecurityConfig{Defaults: privilegedDefaults(), Exemptions: snapshot.PodSecurityExemptions{
		Usernames:      []string{"system:serviceaccount:kube-system:replicaset-controller"},
		Namespaces:     []string{"kube-system", "legacy"},
		RuntimeClasses: []string{"gvisor"},
	}})(s)
	statuses := map[string]checks.Status{}
	for _, r := range podSecurityExemptions(s) {
		statuses[r.Evidence.Observed[:strings.Index(r.Evidence.Observed, " exempt")]] = r.Status
	}
	wantStatuses := map[string]checks.Status{
		"user system:serviceaccount:kube-system:replicaset-controller": checks.Fail,
		"namespace kube-system": checks.Warn,
		"namespace legacy":      checks.Fail,
		"runtime class gvisor":  checks.Warn,
	}
	if len(statuses) != len(wantStatuses) {
		t.Errorf("got %v, want %v", statuses, wantStatuses)
	}
	for k, v := range wantStatuses {
		if statuses[k] != v {
			t.Errorf("%s: %s, want %s", k, statuses[k], v)
		}
	}
}
