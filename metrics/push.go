package metrics

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus/push"
)

// Job is the Pushgateway job name of kubeposture's pushes.
const Job = "kubeposture"

// Push sends one scan's metrics to the Pushgateway at url, replacing the group of the job
// and the cluster's UID (the kube-system namespace's UID), so that two clusters pushing to
// one gateway do not overwrite each other, and a cluster's next push replaces its last.
func Push(ctx context.Context, url string, sc Scan) error {
	p := push.New(url, Job).Gatherer(Registry(sc)).Grouping("cluster_uid", sc.Report.Cluster.UID)
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("push metrics to %s: %w (is the Pushgateway URL right and reachable?)", url, err)
	}
	return nil
}
