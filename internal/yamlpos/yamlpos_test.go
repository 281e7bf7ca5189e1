package yamlpos

import (
	"testing"

	"github.com/kubeposture/kubeposture/snapshot"
)

const deployment = `# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: app
        image: app:1
        ports:
        - containerPort: 80
      - name: proxy
        image: proxy:1
        ports:
        - containerPort: 8080
          hostPort: 8080
        securityContext:
          privileged: true
        args:
        - |
          one
          two
`

func TestObjectAndResolve(t *testing.T) {
	n, err := Parse([]byte(deployment))
	if err != nil {
		t.Fatal(err)
	}
	pos := Object(n, 10)
	if pos.Lines != (snapshot.LineRange{Start: 12, End: 35, Column: 1}) {
		t.Errorf("object lines %+v, want 12-35 (the document's lines, moved by 10, block scalar included)", pos.Lines)
	}
	for where, want := range map[string][2]int{
		// A whole path, with a prose suffix.
		"spec.template.spec.containers[1].securityContext.privileged of pod-1": {31, 31},
		// An empty index matches the item through which the path goes on.
		"spec.template.spec.hostNetwork, spec.template.spec.containers[].ports[].hostPort": {19, 19},
		"spec.template.spec.containers[].ports[].hostPort":                                 {29, 29},
		// A missing field: the mapping it belongs in.
		"spec.template.spec.securityContext.runAsNonRoot": {18, 35},
		// Nothing that is a field: the object.
		"Namespace/default labels": {12, 35},
		"metadata.name":            {15, 15},
		// A name selector is the item of that name.
		"spec.template.spec.containers[name=proxy].image": {26, 26},
		// Another selector is any item.
		"spec.template.spec.containers[image=x].name": {21, 21},
	} {
		got := Resolve(pos, where, "")
		if got.Start != want[0] || got.End != want[1] {
			t.Errorf("Resolve(%q) = %d-%d, want %d-%d", where, got.Start, got.End, want[0], want[1])
		}
	}
}

func TestResolveObserved(t *testing.T) {
	n, err := Parse([]byte(deployment))
	if err != nil {
		t.Fatal(err)
	}
	pos := Object(n, 0)
	for _, tc := range []struct {
		where, observed string
		want            int
	}{
		// Pod Security's wording: the container by name, the field below it.
		{"spec.template.spec", `container "proxy" must not set securityContext.privileged=true`, 21},
		{"spec.template.spec", `containers "app", "proxy" must not set securityContext.privileged=true`, 21},
		// A field missing in the container named: the container.
		{"spec.template.spec", `container "app" must set securityContext.runAsNonRoot=true`, 11},
		// A pod-level field, given with "=".
		{"spec.template.spec", `host namespaces (hostNetwork=true)`, 9},
		{"spec.template.spec", `template: sets spec.hostNetwork=true`, 9},
		// Nothing observed that is there: the path where names.
		{"spec.template.spec", `no seccomp profile`, 8},
		{"spec", `x`, 6},
	} {
		if got := Resolve(pos, tc.where, tc.observed); got.Start != tc.want {
			t.Errorf("Resolve(%q, %q) = line %d, want %d", tc.where, tc.observed, got.Start, tc.want)
		}
	}
}

func TestResolveFlag(t *testing.T) {
	n, err := Parse([]byte("name: kube-apiserver\nflags:\n- name: profiling\n  value: \"true\"\n- name: anonymous-auth\n  value: \"true\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	pos := Object(n, 0)
	if got := Resolve(pos, "kube-apiserver flag --anonymous-auth (pod kube-system/kube-apiserver-cp-1)", ""); got.Start != 5 || got.End != 6 {
		t.Errorf("flag: lines %d-%d, want 5-6", got.Start, got.End)
	}
	if got := Resolve(pos, "kube-apiserver flag --audit-log-path (pod x)", ""); got.Start != 2 {
		t.Errorf("a flag not given: line %d, want the flags list", got.Start)
	}
}

func TestParseEdges(t *testing.T) {
	for _, doc := range []string{"", "# only a comment\n", "---\n"} {
		if n, err := Parse([]byte(doc)); err != nil || n != nil && n.Kind != 0 && len(n.Content) > 0 {
			t.Errorf("%q: %v, %v", doc, n, err)
		}
	}
	n, err := Parse([]byte(`{"kind": "List", "items": [{"kind": "Pod"}, {"kind": "Service"}]}`))
	if err != nil || len(Items(n)) != 2 {
		t.Fatalf("List in JSON: %v items, %v", len(Items(n)), err)
	}
	if _, err := Parse([]byte("a: [\n")); err == nil {
		t.Error("bad YAML parsed")
	}
}

func FuzzObject(f *testing.F) {
	f.Add([]byte(deployment), "spec.template.spec.containers[].ports[].hostPort")
	f.Add([]byte("a: &x {b: [1, *x]}\n"), "a.b[1]")
	f.Add([]byte("- [[[]]]\n"), "[0][0]")
	f.Fuzz(func(t *testing.T, doc []byte, where string) {
		n, err := Parse(doc)
		if err != nil || n == nil {
			return
		}
		pos := Object(n, 0)
		r := Resolve(pos, where, where)
		if r.Start > r.End || r.Start < 0 {
			t.Fatalf("lines %+v", r)
		}
	})
}
