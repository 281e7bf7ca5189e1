package metrics

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/prometheus/client_golang/prometheus/push"
)

// Job is the Pushgateway job name of kubeposture's pushes.
const Job = "kubeposture"

// Push sends one scan's metrics to the Pushgateway at gateway, replacing the group of the job
// and the cluster's UID (the kube-system namespace's UID), so that two clusters pushing to
// one gateway do not overwrite each other, and a cluster's next push replaces its last. A
// user and password in the URL are sent as HTTP basic authentication and never printed: an
// error names the URL with the password masked (url.URL.Redacted).
func Push(ctx context.Context, gateway string, sc Scan) error {
	u, err := url.Parse(gateway)
	if err != nil {
		// url.Parse's error repeats the URL, password included.
		return errors.New("push metrics: the Pushgateway URL is not a valid URL")
	}
	shown := u.Redacted()
	var user *url.Userinfo
	user, u.User = u.User, nil
	p := push.New(u.String(), Job).Gatherer(Registry(sc)).Grouping("cluster_uid", sc.Report.Cluster.UID)
	if user != nil {
		pass, _ := user.Password()
		p = p.BasicAuth(user.Username(), pass)
	}
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("push metrics to %s: %w (is the Pushgateway URL right and reachable?)", shown, err)
	}
	return nil
}
