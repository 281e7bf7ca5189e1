package testcluster

import (
	"net"
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
