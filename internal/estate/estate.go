// Package estate seeds a cluster with kubeposture's example estate: a small, realistic set of
// namespaces, workloads, services and a kubeadm-style control plane, with deliberate
// weaknesses in every layer. The integration tests assert the exact findings on it, and
// examples/snapshots/demo.json is collected from it.
//
// Seed is for a cluster of an API server alone: what the controller manager, the scheduler
// and the kubelets would create (nodes, ReplicaSets, pods, Jobs, default service accounts,
// the control plane's mirror pods) is created here, with the owner references the controllers
// would set. Apply is for a whole cluster (internal/testcluster with controllers and nodes):
// it creates what a user applies, the same workloads and a StatefulSet and a DaemonSet
// besides, and the cluster makes the rest.
package estate

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// Namespaces the estate creates (besides kube-system, which exists).
var Namespaces = []string{"shop", "legacy", "batch", "empty"}

// DemoAPIServerArgs is the control plane of the demo: a kubeadm-style API server that leaves
// anonymous auth and profiling at their insecure defaults.
var DemoAPIServerArgs = []string{
	"--advertise-address=10.0.0.10",
	"--allow-privileged=true",
	"--authorization-mode=Node,RBAC",
	"--client-ca-file=/etc/kubernetes/pki/ca.crt",
	"--enable-admission-plugins=NodeRestriction",
	"--etcd-servers=https://127.0.0.1:2379",
	"--secure-port=6443",
	"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
	"--service-cluster-ip-range=10.96.0.0/12",
	"--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
	"--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
}

// Seed creates the estate. apiserverArgs are recorded as the kube-apiserver static pod's
// command line (the real server's flags in tests, DemoAPIServerArgs for the demo).
func Seed(ctx context.Context, cs kubernetes.Interface, apiserverArgs []string) error {
	s := &seeder{ctx: ctx, cs: cs}
	s.nodes()
	s.namespaces()
	s.controlPlane(apiserverArgs)
	s.shop()
	s.legacy()
	s.batch()
	return s.err
}

// Apply creates the estate as a user applies it to a whole cluster: namespaces, Deployments,
// a StatefulSet, a DaemonSet, a CronJob, services, policies, RBAC and a secret. The
// controllers create the ReplicaSets, pods, Jobs and service accounts, the scheduler places
// the pods, the kubelets run them; WaitRunning waits for that.
func Apply(ctx context.Context, cs kubernetes.Interface) error {
	s := &seeder{ctx: ctx, cs: cs, applied: true}
	s.namespaces()
	s.shop()
	s.legacy()
	s.batch()
	s.nodeAgent()
	return s.err
}

// seeder keeps the first error, so that Seed reads as a list of objects. With applied, it
// creates only what a user applies.
type seeder struct {
	ctx     context.Context
	cs      kubernetes.Interface
	applied bool
	err     error
}

func (s *seeder) check(what string, err error) {
	if err != nil && s.err == nil && !apierrors.IsAlreadyExists(err) {
		s.err = fmt.Errorf("seed %s: %w", what, err)
	}
}

func (s *seeder) nodes() {
	for _, n := range []struct{ name, role string }{{"cp-1", "control-plane"}, {"worker-1", ""}} {
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.name, Labels: map[string]string{
			"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux"}}}
		if n.role != "" {
			node.Labels["node-role.kubernetes.io/"+n.role] = ""
		}
		_, err := s.cs.CoreV1().Nodes().Create(s.ctx, node, metav1.CreateOptions{})
		s.check("node "+n.name, err)
	}
}

func (s *seeder) namespaces() {
	labels := map[string]map[string]string{
		"shop": {"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted"},
	}
	for _, ns := range Namespaces {
		_, err := s.cs.CoreV1().Namespaces().Create(s.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: labels[ns]}}, metav1.CreateOptions{})
		s.check("namespace "+ns, err)
	}
	if s.applied {
		return // the controller manager creates each namespace's default service account
	}
	// The ServiceAccount admission plugin needs each namespace's default service account,
	// which the controller manager would create.
	for _, ns := range append([]string{"kube-system", "default"}, Namespaces...) {
		_, err := s.cs.CoreV1().ServiceAccounts(ns).Create(s.ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
		s.check("service account "+ns+"/default", err)
	}
}

// controlPlane creates kubeadm-style mirror pods for the four components on cp-1.
func (s *seeder) controlPlane(apiserverArgs []string) {
	mk := func(component string, command []string) {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{
				Name: component + "-cp-1", Namespace: "kube-system",
				Labels: map[string]string{"component": component, "tier": "control-plane"},
				Annotations: map[string]string{
					"kubernetes.io/config.mirror": "demo-" + component, "kubernetes.io/config.source": "file",
					"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": "10.0.0.10:6443",
				},
			},
			Spec: corev1.PodSpec{
				NodeName: "cp-1", HostNetwork: true, PriorityClassName: "system-node-critical",
				AutomountServiceAccountToken: ptr.To(false),
				Containers: []corev1.Container{{
					Name: component, Image: "registry.k8s.io/" + component + ":v1.37.2", Command: command,
					VolumeMounts: []corev1.VolumeMount{{Name: "k8s-certs", MountPath: "/etc/kubernetes/pki", ReadOnly: true}},
				}},
				Volumes: []corev1.Volume{{Name: "k8s-certs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc/kubernetes/pki"}}}},
			},
		}
		_, err := s.cs.CoreV1().Pods("kube-system").Create(s.ctx, pod, metav1.CreateOptions{})
		s.check("pod kube-system/"+pod.Name, err)
	}
	mk("kube-apiserver", append([]string{"kube-apiserver"}, apiserverArgs...))
	mk("kube-controller-manager", []string{"kube-controller-manager", "--bind-address=127.0.0.1", "--profiling=false", "--use-service-account-credentials=true"})
	mk("kube-scheduler", []string{"kube-scheduler", "--bind-address=127.0.0.1", "--profiling=false"})
	mk("etcd", []string{"etcd", "--client-cert-auth=true", "--data-dir=/var/lib/etcd"})
}

// restrictedContext is a container security context that the restricted level allows. It
// names a user, as images that run as non-root do: a kubelet refuses to start a runAsNonRoot
// container whose image user it cannot tell is not root.
func restrictedContext() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		RunAsNonRoot:             ptr.To(true),
		RunAsUser:                ptr.To(int64(10001)),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		ReadOnlyRootFilesystem:   ptr.To(true),
	}
}

// shop is the well-run namespace: restricted pods, a default-deny policy, TLS ingress.
func (s *seeder) shop() {
	tmpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: ptr.To(false),
			Containers: []corev1.Container{{Name: "web", Image: "registry.example.com/shop/web@sha256:" + digest,
				Ports: []corev1.ContainerPort{{ContainerPort: 8080}}, SecurityContext: restrictedContext()}},
		},
	}
	s.deployment("shop", "web", tmpl, 3)
	s.service("shop", "web", corev1.ServiceTypeClusterIP, nil)
	s.policy("shop", "default-deny", networkingv1.NetworkPolicySpec{
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}})
	// web takes traffic from the ingress controller's pods only, and sends DNS only.
	s.policy("shop", "web", networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		Ingress: []networkingv1.NetworkPolicyIngressRule{{
			From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{},
				PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "ingress-nginx"}}}},
			Ports: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromInt32(8080))}}}},
		Egress: []networkingv1.NetworkPolicyEgressRule{{
			To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}},
				PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}}}},
			Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptr.To(corev1.ProtocolUDP), Port: ptr.To(intstr.FromInt32(53))}}}},
	})
	s.ingress("shop", "web", "shop.example.com", true)
	if s.applied {
		s.cache()
	}
}

// cache is shop's StatefulSet: restricted pods with their resources set, behind a headless
// service, isolated by the namespace's default-deny policy.
func (s *seeder) cache() {
	labels := map[string]string{"app": "cache"}
	_, err := s.cs.CoreV1().Services("shop").Create(s.ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "cache"},
		Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, Selector: labels,
			Ports: []corev1.ServicePort{{Name: "redis", Port: 6379, Protocol: corev1.ProtocolTCP}}},
	}, metav1.CreateOptions{})
	s.check("service shop/cache", err)
	_, err = s.cs.AppsV1().StatefulSets("shop").Create(s.ctx, &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "cache"},
		Spec: appsv1.StatefulSetSpec{
			Replicas: ptr.To(int32(2)), ServiceName: "cache",
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					AutomountServiceAccountToken: ptr.To(false),
					Containers: []corev1.Container{{Name: "redis", Image: "registry.example.com/shop/cache@sha256:" + digest,
						Ports:           []corev1.ContainerPort{{ContainerPort: 6379}},
						SecurityContext: restrictedContext(),
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
							Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}}},
					Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
				},
			},
		},
	}, metav1.CreateOptions{})
	s.check("statefulset shop/cache", err)
}

// nodeAgent is a log shipper on every node, the control plane's included (it tolerates every
// taint, as node agents do): it reads the node's /var/log through a read-only hostPath and
// runs as root with the default service account's token.
func (s *seeder) nodeAgent() {
	labels := map[string]string{"app": "log-shipper"}
	_, err := s.cs.AppsV1().DaemonSets("kube-system").Create(s.ctx, &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "log-shipper"},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
					Containers: []corev1.Container{{Name: "shipper", Image: "registry.example.com/infra/log-shipper:3.2.1",
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
							Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "varlog", MountPath: "/var/log", ReadOnly: true}}}},
					Volumes: []corev1.Volume{{Name: "varlog", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}}},
				},
			},
		},
	}, metav1.CreateOptions{})
	s.check("daemonset kube-system/log-shipper", err)
}

// legacy is the neglected namespace: a privileged host-network admin tool reading a secret
// from its environment, exposed through a load balancer and a node port, no policy.
func (s *seeder) legacy() {
	tmpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "admin-tool"}},
		Spec: corev1.PodSpec{
			HostNetwork: true,
			Containers: []corev1.Container{{
				Name: "admin", Image: "admin-tool:latest",
				SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
				Env: []corev1.EnvVar{{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{
					SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}}},
			}},
		},
	}
	s.deployment("legacy", "admin-tool", tmpl, 2)
	_, err := s.cs.CoreV1().Secrets("legacy").Create(s.ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Annotations: map[string]string{
			// kubectl apply and kapp (carvel-dev/kapp#137) leave the whole manifest here,
			// values included; Argo CD and Helm their own marks: the collector keeps none.
			"kubectl.kubernetes.io/last-applied-configuration": `{"apiVersion":"v1","kind":"Secret","stringData":{"password":"` + LeakCanary + `"}}`,
			"kapp.k14s.io/original":                            `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"legacy"},"stringData":{"password":"` + LeakCanary + `"}}`,
			"argocd.argoproj.io/tracking-id":                   "legacy:/Secret:legacy/db",
			"meta.helm.sh/release-name":                        "legacy",
			"meta.helm.sh/release-namespace":                   "legacy",
		}, Labels: map[string]string{"app.kubernetes.io/managed-by": "Helm"}},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{"password": []byte(LeakCanary)},
	}, metav1.CreateOptions{})
	s.check("secret legacy/db", err)
	s.service("legacy", "admin-lb", corev1.ServiceTypeLoadBalancer, nil)
	s.service("legacy", "admin-nodeport", corev1.ServiceTypeNodePort, nil, "198.51.100.20") // CVE-2020-8554 exposure
	s.ingress("legacy", "admin", "*.legacy.example.com", false)
	_, err = s.cs.RbacV1().RoleBindings("legacy").Create(s.ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "admin-tool-edit"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "edit"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "default", Namespace: "legacy"}},
	}, metav1.CreateOptions{})
	s.check("rolebinding legacy/admin-tool-edit", err)
}

// LeakCanary is the value of the estate's secret. It must never appear in a snapshot.
const LeakCanary = "canary-5f3c9d1e-never-in-a-snapshot"

const digest = "4b1f0c3a7e2d9b8c6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b"

// batch runs a nightly report as root: fine for baseline, not for restricted.
func (s *seeder) batch() {
	tmpl := corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		RestartPolicy: corev1.RestartPolicyOnFailure,
		Containers:    []corev1.Container{{Name: "report", Image: "registry.example.com/batch/report:1.4.2"}},
	}}
	spec := batchv1.CronJobSpec{Schedule: "0 2 * * *",
		JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl}}}
	if s.applied {
		// Every minute, so that the cronjob controller runs it while a test waits; its fake
		// container never ends, and Forbid keeps it to that one Job.
		spec.Schedule, spec.ConcurrencyPolicy = "* * * * *", batchv1.ForbidConcurrent
	}
	cj, err := s.cs.BatchV1().CronJobs("batch").Create(s.ctx, &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly-report"}, Spec: spec,
	}, metav1.CreateOptions{})
	s.check("cronjob batch/nightly-report", err)
	if err != nil || s.applied {
		return
	}
	jobTmpl := tmpl.DeepCopy()
	job, err := s.cs.BatchV1().Jobs("batch").Create(s.ctx, &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly-report-29000000", OwnerReferences: owner("batch/v1", "CronJob", cj.Name, cj.UID)},
		Spec:       batchv1.JobSpec{Template: *jobTmpl},
	}, metav1.CreateOptions{})
	s.check("job batch/nightly-report-29000000", err)
	if err != nil {
		return
	}
	// The Job API adds selector labels to the template; the pod carries them as the job
	// controller would.
	s.pod("batch", job.Name+"-x7k2p", job.Spec.Template, owner("batch/v1", "Job", job.Name, job.UID))
}

func (s *seeder) deployment(ns, name string, tmpl corev1.PodTemplateSpec, replicas int) {
	d, err := s.cs.AppsV1().Deployments(ns).Create(s.ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(replicas)),
			Selector: &metav1.LabelSelector{MatchLabels: tmpl.Labels}, Template: tmpl},
	}, metav1.CreateOptions{})
	s.check("deployment "+ns+"/"+name, err)
	if err != nil || s.applied {
		return
	}
	rsTmpl := *tmpl.DeepCopy()
	rsTmpl.Labels = map[string]string{"pod-template-hash": "5d8f7c9b4"}
	for k, v := range tmpl.Labels {
		rsTmpl.Labels[k] = v
	}
	rs, err := s.cs.AppsV1().ReplicaSets(ns).Create(s.ctx, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name + "-5d8f7c9b4", Labels: rsTmpl.Labels, OwnerReferences: owner("apps/v1", "Deployment", d.Name, d.UID)},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(int32(replicas)),
			Selector: &metav1.LabelSelector{MatchLabels: rsTmpl.Labels}, Template: rsTmpl},
	}, metav1.CreateOptions{})
	s.check("replicaset "+ns+"/"+name, err)
	if err != nil {
		return
	}
	for i := 0; i < replicas; i++ {
		s.pod(ns, fmt.Sprintf("%s-%c%c%c", rs.Name, 'a'+i, 'k'+i, 'q'+i), rsTmpl, owner("apps/v1", "ReplicaSet", rs.Name, rs.UID))
	}
}

func (s *seeder) pod(ns, name string, tmpl corev1.PodTemplateSpec, owners []metav1.OwnerReference) {
	_, err := s.cs.CoreV1().Pods(ns).Create(s.ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: tmpl.Labels, OwnerReferences: owners},
		Spec:       tmpl.Spec,
	}, metav1.CreateOptions{})
	s.check("pod "+ns+"/"+name, err)
}

func owner(apiVersion, kind, name string, uid types.UID) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
}

func (s *seeder) service(ns, name string, typ corev1.ServiceType, sourceRanges []string, externalIPs ...string) {
	_, err := s.cs.CoreV1().Services(ns).Create(s.ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.ServiceSpec{Type: typ, Selector: map[string]string{"app": name},
			LoadBalancerSourceRanges: sourceRanges, ExternalIPs: externalIPs,
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}}},
	}, metav1.CreateOptions{})
	s.check("service "+ns+"/"+name, err)
}

func (s *seeder) policy(ns, name string, spec networkingv1.NetworkPolicySpec) {
	_, err := s.cs.NetworkingV1().NetworkPolicies(ns).Create(s.ctx, &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}, metav1.CreateOptions{})
	s.check("networkpolicy "+ns+"/"+name, err)
}

func (s *seeder) ingress(ns, name, host string, tls bool) {
	pathType := networkingv1.PathTypePrefix
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &pathType,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}}}},
	}
	if tls {
		ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{host}, SecretName: name + "-tls"}}
	}
	_, err := s.cs.NetworkingV1().Ingresses(ns).Create(s.ctx, ing, metav1.CreateOptions{})
	s.check("ingress "+ns+"/"+name, err)
}
