package collect_test

import (
	"bytes"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

func checkByID(t *testing.T, id string) checks.Check {
	t.Helper()
	for _, c := range checks.Registered() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return checks.Check{}
}

// A control-plane control reads the nodes and kube-system's pods only (what names the cluster
// and holds its static pods); a network control its own kinds besides; a resource the plan
// does not know makes it read everything.
func TestPlanFor(t *testing.T) {
	lists := func(p collect.Plan) []string {
		var out []string
		for _, l := range p.Lists() {
			out = append(out, string(l.Kind.Resource)+"@"+l.Namespace)
		}
		slices.Sort(out)
		return out
	}
	cp := collect.PlanFor(checks.Reads([]checks.Check{checkByID(t, "KP-CP-001")}))
	if got, want := lists(cp), []string{"nodes@", "pods@kube-system"}; !slices.Equal(got, want) {
		t.Errorf("KP-CP-001 lists %v, want %v", got, want)
	}
	net := collect.PlanFor(checks.Reads([]checks.Check{checkByID(t, "KP-NET-007")}))
	want := []string{"cronjobs.batch@", "daemonsets.apps@", "deployments.apps@", "jobs.batch@", "namespaces@",
		"networkpolicies.networking.k8s.io@", "nodes@", "pods@", "replicasets.apps@", "statefulsets.apps@"}
	if got := lists(net); !slices.Equal(got, want) {
		t.Errorf("KP-NET-007 lists %v, want %v", got, want)
	}
	all := lists(collect.All)
	if len(all) != len(snapshot.CollectedKinds) {
		t.Errorf("All lists %v, want every collected kind", all)
	}
	if got := lists(collect.PlanFor([]snapshot.Resource{"widgets.example.com"})); !slices.Equal(got, all) {
		t.Errorf("an unknown resource lists %v, want everything", got)
	}
}

// A live collection with a plan holds what the plan's Restrict keeps of a full one: the same
// objects, outcomes and derived facts (the control plane, the cluster's UID and provider).
func TestCollectPlannedAsRestricted(t *testing.T) {
	full := collectAs(t, "", collect.Options{})
	for _, ids := range [][]string{{"KP-CP-001"}, {"KP-NET-007"}, {"KP-WL-005", "KP-CP-047"}, {"KP-NODE-001"}, {"KP-NET-019"}} {
		var cs []checks.Check
		for _, id := range ids {
			cs = append(cs, checkByID(t, id))
		}
		plan := collect.PlanFor(checks.Reads(cs))
		got := collectAs(t, "", collect.Options{Plan: plan})
		want := plan.Restrict(full)
		if a, b := document(t, got), document(t, want); !bytes.Equal(a, b) {
			t.Errorf("%v: the planned collection differs (-) from the full one restricted (+):\n%s", ids, cmp.Diff(string(a), string(b)))
		}
	}
}

// Restrict of All keeps the whole snapshot: a part of the snapshot Restrict does not know (a
// field added since) fails here rather than vanishing from a planned scan. The demo's empty
// fields are given an element first, so that every field is seen.
func TestRestrictAllKeepsEverything(t *testing.T) {
	s, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(s).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() || !f.IsZero() {
			continue
		}
		switch f.Kind() {
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		case reflect.Map:
			f.Set(reflect.MakeMap(f.Type()))
			f.SetMapIndex(reflect.New(f.Type().Key()).Elem(), reflect.New(f.Type().Elem()).Elem())
		case reflect.String:
			f.SetString("x")
		}
	}
	got := reflect.ValueOf(collect.All.Restrict(s)).Elem()
	for i := 0; i < v.NumField(); i++ {
		if name := v.Type().Field(i).Name; v.Type().Field(i).IsExported() && !reflect.DeepEqual(got.Field(i).Interface(), v.Field(i).Interface()) {
			t.Errorf("All.Restrict does not keep the snapshot's %s", name)
		}
	}
}

// document is a snapshot's document with its collection time cleared.
func document(t *testing.T, s *snapshot.Snapshot) []byte {
	t.Helper()
	at := s.CollectedAt
	defer func() { s.CollectedAt = at }()
	s.CollectedAt = time.Time{}
	var b bytes.Buffer
	if err := snapfile.Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
