package testcluster

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"time"
)

// startControllers starts kube-controller-manager and kube-scheduler with the flags kubeadm
// gives them (cmd/kubeadm/app/phases/controlplane/manifests.go), each with a kubeconfig of its
// own identity, on secure ports of loopback, and waits for their /healthz.
func (c *Cluster) startControllers(ctx context.Context, bins *Binaries, opts Options, kcmPort, schedulerPort int) error {
	caKey, err := c.ca.keyPEM()
	if err != nil {
		return fmt.Errorf("testcluster: CA key: %w", err)
	}
	if err := writeFile(c.path("ca.key"), caKey); err != nil {
		return err
	}
	kcmConf, schedulerConf := c.path("controller-manager.conf"), c.path("scheduler.conf")
	if err := c.ca.writeKubeconfig(kcmConf, c.host, "system:kube-controller-manager"); err != nil {
		return err
	}
	if err := c.ca.writeKubeconfig(schedulerConf, c.host, "system:kube-scheduler"); err != nil {
		return err
	}
	c.ControllerManagerArgs = mergeFlags([]string{
		"--authentication-kubeconfig=" + kcmConf,
		"--authorization-kubeconfig=" + kcmConf,
		"--bind-address=127.0.0.1",
		"--client-ca-file=" + c.path("ca.crt"),
		"--cluster-name=kubernetes",
		"--cluster-signing-cert-file=" + c.path("ca.crt"),
		"--cluster-signing-key-file=" + c.path("ca.key"),
		"--controllers=*,bootstrapsigner,tokencleaner",
		"--kubeconfig=" + kcmConf,
		"--leader-elect=true",
		"--root-ca-file=" + c.path("ca.crt"),
		"--secure-port=" + strconv.Itoa(kcmPort),
		"--service-account-private-key-file=" + c.path("sa.key"),
		"--use-service-account-credentials=true",
	}, opts.ControllerManagerFlags)
	c.SchedulerArgs = mergeFlags([]string{
		"--authentication-kubeconfig=" + schedulerConf,
		"--authorization-kubeconfig=" + schedulerConf,
		"--bind-address=127.0.0.1",
		"--kubeconfig=" + schedulerConf,
		"--leader-elect=true",
		"--secure-port=" + strconv.Itoa(schedulerPort),
	}, opts.SchedulerFlags)
	// Their serving certificates are self-signed, as kubeadm leaves them; /healthz is open to
	// anyone on both.
	insecure := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	for _, comp := range []struct {
		bin, name string
		args      []string
		port      int
	}{
		{bins.ControllerManager, "kube-controller-manager", c.ControllerManagerArgs, kcmPort},
		{bins.Scheduler, "kube-scheduler", c.SchedulerArgs, schedulerPort},
	} {
		log := c.path(comp.name + ".log")
		if err := c.spawn(exec.Command(comp.bin, comp.args...), log, false); err != nil {
			return err
		}
		url := fmt.Sprintf("https://127.0.0.1:%d/healthz", comp.port)
		if err := waitHTTP(ctx, url, insecure, 60*time.Second, log, c.procs[len(c.procs)-1].exited); err != nil {
			return err
		}
	}
	return nil
}

// kubeletClientFlags are the API server's flags for its connections to kubelets (logs, exec,
// the node proxy), as kubeadm sets them: a client certificate the kubelets' client CA
// verifies, and the InternalIP first (the Hostname address a kubelet reports resolves
// nowhere here). The certificate's user is granted the kubelet API by startNodes.
func (c *Cluster) kubeletClientFlags() ([]string, error) {
	cert, key, err := c.ca.issue(kubeletClientUser, nil, nil, nil, false)
	if err != nil {
		return nil, fmt.Errorf("testcluster: kubelet client certificate: %w", err)
	}
	if err := writeFile(c.path("apiserver-kubelet-client.crt"), cert); err != nil {
		return nil, err
	}
	if err := writeFile(c.path("apiserver-kubelet-client.key"), key); err != nil {
		return nil, err
	}
	return []string{
		"--kubelet-client-certificate=" + c.path("apiserver-kubelet-client.crt"),
		"--kubelet-client-key=" + c.path("apiserver-kubelet-client.key"),
		"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
	}, nil
}

// kubeletClientUser is the API server's identity towards kubelets (kubeadm's common name).
const kubeletClientUser = "kube-apiserver-kubelet-client"
