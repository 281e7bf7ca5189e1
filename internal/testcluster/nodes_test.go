package testcluster

import (
	"strings"
	"testing"
)

func TestNodeSpecs(t *testing.T) {
	var got []string
	for _, n := range nodeSpecs(8) {
		got = append(got, n.Name+"="+string(n.Profile))
	}
	want := "cp-1=control-plane hardened-1=hardened weak-1=weak legacy-1=legacy hardened-2=hardened weak-2=weak legacy-2=legacy hardened-3=hardened"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", strings.Join(got, " "), want)
	}
}
