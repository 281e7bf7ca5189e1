// Command localcluster starts kubeposture's test cluster (a real kube-apiserver and etcd on
// loopback), writes a kubeconfig for it, and runs until interrupted: for trying audit without
// a cluster, and for benchmarks.
//
//	go run ./test/localcluster -kubeconfig /tmp/kp.kubeconfig -seed
//	audit scan --kubeconfig /tmp/kp.kubeconfig
//
// With -snapshot FILE it seeds nothing unless -seed is given, collects a snapshot into FILE
// and exits; examples/snapshots/demo.json is regenerated with
//
//	go run ./test/localcluster -seed -snapshot examples/snapshots/demo.json
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
	var extra multiFlag
	flag.Var(&extra, "apiserver-flag", "extra kube-apiserver flag, e.g. --apiserver-flag=--profiling=true (repeatable)")
	flag.Parse()
	if err := run(*kubeconfig, *seed, *snapPath, extra); err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string, seed bool, snapPath string, extra []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := testcluster.Start(ctx, testcluster.Options{APIServerFlags: extra, Log: os.Stderr})
	if err != nil {
		return err
	}
	defer c.Stop()
	if seed {
		cs, err := c.Client()
		if err != nil {
			return err
		}
		if err := estate.Seed(ctx, cs, estate.DemoAPIServerArgs); err != nil {
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
	fmt.Fprintf(os.Stderr, "localcluster: try: go run ./cmd/audit scan --kubeconfig %s\n", kubeconfig)
	fmt.Fprintln(os.Stderr, "localcluster: press Ctrl-C to stop")
	<-ctx.Done()
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
