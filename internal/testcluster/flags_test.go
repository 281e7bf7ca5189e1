package testcluster

import (
	"reflect"
	"testing"
)

func TestMergeFlags(t *testing.T) {
	got := mergeFlags(
		[]string{"--authorization-mode=Node,RBAC", "--profiling=false", "--secure-port=1"},
		[]string{"--authorization-mode=RBAC", "--audit-log-path=-"})
	want := []string{"--profiling=false", "--secure-port=1", "--authorization-mode=RBAC", "--audit-log-path=-"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
