// Command localcluster starts kubeposture's test cluster, writes a kubeconfig for it, and runs
// until interrupted: for trying audit without a cluster, and for benchmarks. By default it is
// a real kube-apiserver and etcd on loopback; -controllers adds kube-controller-manager and
// kube-scheduler, and -nodes N adds N hollow nodes (the kubelet's own code with a fake
// container runtime, each in a network namespace: run as root), the first a kubeadm-style
// control-plane node.
//
//	go run ./test/localcluster -kubeconfig /tmp/kp.kubeconfig -seed
//	sudo go run ./test/localcluster -kubeconfig /tmp/kp.kubeconfig -seed -controllers -nodes 4
//	audit scan --kubeconfig /tmp/kp.kubeconfig
//
// With -snapshot FILE it seeds nothing unless -seed is given, collects a snapshot into FILE
// and exits; examples/snapshots/demo.json is regenerated with
//
//	go run ./test/localcluster -seed -snapshot examples/snapshots/demo.json
//
// and from the whole cluster (every layer evaluated) with
//
//	sudo go run ./test/localcluster -seed -controllers -nodes 4 -snapshot examples/snapshots/demo.json
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/estate"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "kubeposture-local.kubeconfig", "where to write the admin kubeconfig")
	seed := flag.Bool("seed", false, "create the example estate (the demo's namespaces, workloads and weaknesses)")
	snapPath := flag.String("snapshot", "", "collect a snapshot into this file and exit instead of running until interrupted")
	controllers := flag.Bool("controllers", false, "also run kube-controller-manager and kube-scheduler")
	nodes := flag.Int("nodes", 0, "also run this many hollow nodes (needs -controllers and root): cp-1, then hardened-1, weak-1, legacy-1, hardened-2, ...")
	var extra multiFlag
	flag.Var(&extra, "apiserver-flag", "extra kube-apiserver flag, e.g. --apiserver-flag=--profiling=true (repeatable)")
	flag.Parse()
	opts := testcluster.Options{APIServerFlags: extra, Controllers: *controllers, Nodes: *nodes, Log: os.Stderr}
	if err := run(*kubeconfig, *seed, *snapPath, opts); err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string, seed bool, snapPath string, opts testcluster.Options) error {
	if opts.Nodes > 0 && !opts.Controllers {
		return fmt.Errorf("-nodes needs -controllers (the controller manager signs the kubelets' serving certificates)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := testcluster.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer c.Stop()
	if seed {
		cs, err := c.Client()
		if err != nil {
			return err
		}
		if opts.Controllers {
			// Applied as a user applies it: the controllers, the scheduler and the nodes make
			// the rest.
			err = estate.Apply(ctx, cs)
			if err == nil && opts.Nodes > 0 {
				fmt.Fprintln(os.Stderr, "localcluster: waiting for the estate's workloads to run")
				err = estate.WaitRunning(ctx, cs)
			}
		} else {
			err = estate.Seed(ctx, cs, estate.DemoAPIServerArgs)
		}
		if err != nil {
			return err
		}
	}
	if snapPath != "" {
		snap, err := collect.Collect(ctx, c.Admin, collect.Options{})
		if err != nil {
			return err
		}
		if err := snapfile.WriteFile(snapPath, snap); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "localcluster: wrote %s\n", snapPath)
		return nil
	}
	if err := c.WriteKubeconfig(kubeconfig); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "localcluster: Kubernetes %s is up; kubeconfig written to %s\n", c.Version, kubeconfig)
	for _, n := range c.Nodes {
		fmt.Fprintf(os.Stderr, "localcluster: node %s (%s) at %s, network namespace %s, files in %s\n", n.Name, n.Profile, n.Address, n.NetNS, n.Dir)
	}
	fmt.Fprintf(os.Stderr, "localcluster: try: go run ./cmd/audit scan --kubeconfig %s\n", kubeconfig)
	fmt.Fprintln(os.Stderr, "localcluster: press Ctrl-C to stop")
	<-ctx.Done()
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
