package testcluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"
)

// staticPodNames are the control plane's static pods, as kubeadm names their manifests.
var staticPodNames = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"}

// writeStaticPods writes the control plane's manifests into the control-plane node's
// staticPodPath, in the shape kubeadm gives them (cmd/kubeadm/app/phases/controlplane and
// etcd): host network, system-node-critical, RuntimeDefault seccomp, CPU requests, the
// component's files mounted from the host, and each component's command line as this cluster
// runs it. The kubelet runs them in its fake runtime and creates their mirror pods in
// kube-system, where the scanner reads the control plane's configuration; the processes that
// serve the cluster are the ones Start ran with the same flags.
func (c *Cluster) writeStaticPods(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("testcluster: %w", err)
	}
	src, err := moduleDir()
	if err != nil {
		return err
	}
	// The etcd image kubeadm would name for the etcd release test/cluster builds.
	etcdVersion, err := moduleVersion(filepath.Join(src, "go.mod"), "go.etcd.io/etcd/server/v3")
	if err != nil {
		return err
	}
	endpoint := strings.TrimPrefix(c.host, "https://")
	files := hostPathDir("k8s-certs", c.Dir)
	pods := map[string]*corev1.Pod{
		"kube-apiserver": staticPod("kube-apiserver", c.Version, "250m", c.APIServerArgs, files,
			map[string]string{"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": endpoint}),
		"kube-controller-manager": staticPod("kube-controller-manager", c.Version, "200m", c.ControllerManagerArgs, files, nil),
		"kube-scheduler":          staticPod("kube-scheduler", c.Version, "100m", c.SchedulerArgs, files, nil),
		"etcd": staticPod("etcd", strings.TrimPrefix(etcdVersion, "v")+"-0", "100m", c.etcdArgs(), hostPathDir("etcd-data", c.path("etcd")),
			map[string]string{"kubeadm.kubernetes.io/etcd.advertise-client-urls": c.etcdClient}),
	}
	pods["etcd"].Spec.Containers[0].Resources.Requests[corev1.ResourceMemory] = resource.MustParse("100Mi")
	for _, name := range staticPodNames {
		data, err := yaml.Marshal(pods[name])
		if err != nil {
			return fmt.Errorf("testcluster: manifest %s: %w", name, err)
		}
		if err := writeFile(filepath.Join(dir, name+".yaml"), data); err != nil {
			return err
		}
	}
	return nil
}

// etcdArgs is etcd's command line in etcd's own flags for the server test/cluster/etcd runs:
// that command starts etcd's embed server with exactly these settings.
func (c *Cluster) etcdArgs() []string {
	peer := c.etcdPeer
	return []string{
		"--advertise-client-urls=" + c.etcdClient,
		"--data-dir=" + c.path("etcd"),
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=default=" + peer,
		"--listen-client-urls=" + c.etcdClient,
		"--listen-peer-urls=" + peer,
		"--log-level=error",
		"--name=default",
		"--unsafe-no-fsync=true",
	}
}

func hostPathDir(name, path string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{
		Path: path, Type: ptr.To(corev1.HostPathDirectoryOrCreate)}}}
}

func staticPod(component, version, cpu string, args []string, vol corev1.Volume, annotations map[string]string) *corev1.Pod {
	image := "registry.k8s.io/" + component + ":" + version
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name: component, Namespace: "kube-system", Annotations: annotations,
			Labels: map[string]string{"component": component, "tier": "control-plane"},
		},
		Spec: corev1.PodSpec{
			HostNetwork:       true,
			PriorityClassName: "system-node-critical",
			SecurityContext:   &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name: component, Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
				Command:      append([]string{component}, args...),
				Resources:    corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}},
				VolumeMounts: []corev1.VolumeMount{{Name: vol.Name, MountPath: vol.HostPath.Path, ReadOnly: vol.Name != "etcd-data"}},
			}},
			Volumes: []corev1.Volume{vol},
		},
	}
}
