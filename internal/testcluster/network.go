package testcluster

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// network joins the hollow nodes to the API server as machines on a LAN: a bridge on this
// host carries the API server's address, and each node has a network namespace of its own,
// joined to the bridge by a veth pair. The API server proxies to kubelets only on addresses
// that are not loopback (/api/v1/nodes/NAME/proxy), and each kubelet binds its ports (10250,
// 10255, 10248) as on a machine of its own. Addresses come from the documentation ranges
// (RFC 5737), in a block no interface of this host uses.
type network struct {
	bridge string
	host   net.IP // the bridge's address, where the API server listens
	prefix int
	block  net.IP
	size   int
	id     string
	nodes  []string // namespaces created, for delete
}

// blockRanges are where network looks for a free block: TEST-NET-3, then TEST-NET-2 (whose
// random /30s nodeagent/proxytest also uses; a block is checked against addresses in use).
var blockRanges = []string{"203.0.113.0/24", "198.51.100.0/24"}

// newNetwork creates the bridge for a network of hosts addresses (the API server's and the
// nodes'). Creating it needs root and iproute2.
func newNetwork(hosts int) (*network, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("testcluster: hollow nodes run in network namespaces of their own: run as root (CI does), with iproute2")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return nil, fmt.Errorf("testcluster: hollow nodes need iproute2's ip command: %w", err)
	}
	// A block of 2^k addresses holds its network and broadcast addresses and the hosts.
	size := 1 << bits.Len(uint(hosts+1))
	if size > 256 {
		return nil, fmt.Errorf("testcluster: %d hollow nodes do not fit a /24 of the documentation ranges", hosts-1)
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	nw := &network{id: hex.EncodeToString(b), size: size, prefix: 32 - bits.TrailingZeros(uint(size))}
	nw.bridge = "kpbr" + nw.id
	// Choosing a block and taking it is one step for every cluster on this host.
	unlock, err := lock(filepath.Join(os.TempDir(), "kubeposture-testcluster-network.lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	reapNetworks()
	used, err := addressesInUse()
	if err != nil {
		return nil, err
	}
	nw.block = freeBlock(used, size)
	if nw.block == nil {
		return nil, fmt.Errorf("testcluster: no free /%d in %s for the hollow nodes' network", nw.prefix, strings.Join(blockRanges, ", "))
	}
	nw.host = nw.addr(1)
	if err := ipCmd("link", "add", nw.bridge, "type", "bridge"); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(ownersDir(), 0o755); err == nil {
		err = os.WriteFile(filepath.Join(ownersDir(), nw.id), []byte(strconv.Itoa(os.Getpid())), 0o644)
	}
	for _, args := range [][]string{
		{"addr", "add", fmt.Sprintf("%s/%d", nw.host, nw.prefix), "dev", nw.bridge},
		{"link", "set", nw.bridge, "up"},
	} {
		if err := ipCmd(args...); err != nil {
			nw.delete()
			return nil, err
		}
	}
	return nw, nil
}

// addr is the i-th address of the block (1 is the bridge's).
func (nw *network) addr(i int) net.IP {
	ip := make(net.IP, 4)
	binary.BigEndian.PutUint32(ip, binary.BigEndian.Uint32(nw.block.To4())+uint32(i))
	return ip
}

// add creates a host's namespace, joined to the bridge, with the block's next address. It has
// no default route: nothing in it reaches beyond the bridge's block (a probe of a fake pod
// address fails at once instead of leaving the machine). It returns the namespace's name and
// the address.
func (nw *network) add() (string, net.IP, error) {
	i := len(nw.nodes)
	if i+3 >= nw.size {
		return "", nil, fmt.Errorf("testcluster: the network's /%d is full", nw.prefix)
	}
	ns := fmt.Sprintf("kp-%s-%d", nw.id, i)
	veth := fmt.Sprintf("kpv%s%d", nw.id, i)
	ip := nw.addr(i + 2)
	if err := ipCmd("netns", "add", ns); err != nil {
		return "", nil, err
	}
	nw.nodes = append(nw.nodes, ns)
	for _, args := range [][]string{
		{"link", "add", veth, "type", "veth", "peer", "name", veth + "p"},
		{"link", "set", veth, "master", nw.bridge},
		{"link", "set", veth, "up"},
		{"link", "set", veth + "p", "netns", ns},
		{"-n", ns, "link", "set", veth + "p", "name", "eth0"},
		{"-n", ns, "addr", "add", fmt.Sprintf("%s/%d", ip, nw.prefix), "dev", "eth0"},
		{"-n", ns, "link", "set", "eth0", "up"},
		{"-n", ns, "link", "set", "lo", "up"},
	} {
		if err := ipCmd(args...); err != nil {
			return "", nil, err
		}
	}
	return ns, ip, nil
}

// delete removes the namespaces (their veth ends go with them) and the bridge.
func (nw *network) delete() {
	for _, ns := range nw.nodes {
		_ = exec.Command("ip", "netns", "delete", ns).Run()
	}
	_ = exec.Command("ip", "link", "delete", nw.bridge).Run()
	_ = os.Remove(filepath.Join(ownersDir(), nw.id))
}

// ownersDir records which process owns each network (a file per network id holding the PID),
// so that the network of a process that died without Stop (a panicking test: its servers die
// with it, the network stays) is removed by the next cluster that starts.
func ownersDir() string { return filepath.Join(os.TempDir(), "kubeposture-testcluster-networks") }

// reapNetworks removes the networks whose owner is gone. The caller holds the network lock.
func reapNetworks() {
	entries, err := os.ReadDir(ownersDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(ownersDir(), e.Name()))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		stale := &network{id: e.Name(), bridge: "kpbr" + e.Name()}
		if nss, err := os.ReadDir("/run/netns"); err == nil {
			for _, ns := range nss {
				if strings.HasPrefix(ns.Name(), "kp-"+e.Name()+"-") {
					stale.nodes = append(stale.nodes, ns.Name())
				}
			}
		}
		stale.delete()
	}
}

func ipCmd(args ...string) error {
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("testcluster: ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// addressesInUse lists the IPv4 networks of this host's interfaces.
func addressesInUse() ([]*net.IPNet, error) {
	out, err := exec.Command("ip", "-o", "-4", "addr", "show").Output()
	if err != nil {
		return nil, fmt.Errorf("testcluster: ip -o -4 addr show: %w", err)
	}
	var nets []*net.IPNet
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "inet" {
				if _, n, err := net.ParseCIDR(f[i+1]); err == nil {
					nets = append(nets, n)
				}
			}
		}
	}
	return nets, nil
}

// freeBlock returns the first aligned block of size addresses in blockRanges that overlaps
// none of used, or nil.
func freeBlock(used []*net.IPNet, size int) net.IP {
	for _, r := range blockRanges {
		_, rn, _ := net.ParseCIDR(r)
		base := binary.BigEndian.Uint32(rn.IP.To4())
		for off := 0; off+size <= 256; off += size {
			start := make(net.IP, 4)
			binary.BigEndian.PutUint32(start, base+uint32(off))
			block := &net.IPNet{IP: start, Mask: net.CIDRMask(32-bits.TrailingZeros(uint(size)), 32)}
			free := true
			for _, u := range used {
				if block.Contains(u.IP) || u.Contains(start) {
					free = false
					break
				}
			}
			if free {
				return start
			}
		}
	}
	return nil
}
