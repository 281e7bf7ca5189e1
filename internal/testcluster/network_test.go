package testcluster

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func TestFreeBlock(t *testing.T) {
	cidrs := func(ss ...string) []*net.IPNet {
		var out []*net.IPNet
		for _, s := range ss {
			_, n, err := net.ParseCIDR(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
		return out
	}
	for _, tc := range []struct {
		used []string
		size int
		want string
	}{
		{nil, 16, "203.0.113.0"},
		// A /27 in use (another cluster's bridge) and a /30 of proxytest's inside the next.
		{[]string{"203.0.113.1/27", "203.0.113.37/30"}, 16, "203.0.113.48"},
		// The host's own network covers the whole range: the next range.
		{[]string{"203.0.113.7/24"}, 32, "198.51.100.0"},
		{[]string{"203.0.113.7/24", "198.51.100.1/25", "198.51.100.130/32", "198.51.100.200/32"}, 64, "<nil>"},
	} {
		if got := freeBlock(cidrs(tc.used...), tc.size).String(); got != tc.want {
			t.Errorf("used %v, size %d: %s, want %s", tc.used, tc.size, got, tc.want)
		}
	}
}

// TestReapNetworks: the network of a process that died without Stop is removed by the next
// cluster's start; a live owner's is left alone. It makes a bridge and a namespace: root.
func TestReapNetworks(t *testing.T) {
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id    string
		owner int
	}{{"dead01", gone.Process.Pid}, {"live01", os.Getpid()}} {
		nw := &network{id: tc.id, bridge: "kpbr" + tc.id}
		if err := ipCmd("link", "add", nw.bridge, "type", "bridge"); err != nil {
			t.Fatal(err)
		}
		ns := "kp-" + tc.id + "-0"
		if err := ipCmd("netns", "add", ns); err != nil {
			t.Fatal(err)
		}
		nw.nodes = []string{ns}
		t.Cleanup(nw.delete)
		if err := os.MkdirAll(ownersDir(), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ownersDir(), tc.id), []byte(strconv.Itoa(tc.owner)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reapNetworks()
	for _, tc := range []struct {
		id   string
		reap bool
	}{{"dead01", true}, {"live01", false}} {
		_, bridgeErr := net.InterfaceByName("kpbr" + tc.id)
		_, nsErr := os.Stat("/run/netns/kp-" + tc.id + "-0")
		if gone := bridgeErr != nil && os.IsNotExist(nsErr); gone != tc.reap {
			t.Errorf("network %s: removed %v (bridge: %v, namespace: %v), want %v", tc.id, gone, bridgeErr, nsErr, tc.reap)
		}
	}
}
