// Package synth builds synthetic snapshots of a given size for benchmarks: a realistic mix of
// Deployments (with ReplicaSets and pods), a few privileged workloads, services and network
// policies, spread over pods/50 namespaces.
package synth

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Snapshot returns a snapshot with the given number of pods: Deployments of 5 replicas each,
// 50 pods per namespace, one node per 30 pods, every other namespace with a NetworkPolicy,
// one Service per Deployment (one in ten a NodePort), one workload in ten privileged. Pods
// are of a realistic size (two containers, probes, resources, volumes) and carry what
// admission adds to real ones (a service-account volume named per pod, tolerations).
func Snapshot(pods int) *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster = snapshot.Cluster{UID: "synthetic", Server: "https://synthetic.invalid", Version: "v1.37.2", Provider: snapshot.ProviderKubeadm}
	const perDeployment, perNamespace = 5, 50
	nss := (pods + perNamespace - 1) / perNamespace
	for n := 0; n < nss; n++ {
		ns := fmt.Sprintf("ns-%04d", n)
		s.Namespaces = append(s.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, UID: uid("ns", n)}})
		if n%2 == 0 {
			s.NetworkPolicies = append(s.NetworkPolicies, networkingv1.NetworkPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "default-deny", Namespace: ns},
				Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}},
			})
		}
	}
	for d := 0; d*perDeployment < pods; d++ {
		ns := fmt.Sprintf("ns-%04d", d*perDeployment/perNamespace)
		name := fmt.Sprintf("app-%05d", d)
		tmpl := template(name, d%10 == 0)
		dep := appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: uid("deploy", d)},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(perDeployment)), Template: tmpl}}
		rs := appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name + "-7c9d", Namespace: ns, UID: uid("rs", d),
			OwnerReferences: controller("Deployment", name, dep.UID)}, Spec: appsv1.ReplicaSetSpec{Template: tmpl}}
		s.Deployments = append(s.Deployments, dep)
		s.ReplicaSets = append(s.ReplicaSets, rs)
		for r := 0; r < perDeployment && d*perDeployment+r < pods; r++ {
			p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-7c9d-%d", name, r), Namespace: ns,
				UID: uid("pod", d*perDeployment+r), Labels: tmpl.Labels, Annotations: tmpl.Annotations,
				OwnerReferences: controller("ReplicaSet", rs.Name, rs.UID)},
				Spec: *tmpl.Spec.DeepCopy()}
			p.Spec.NodeName = fmt.Sprintf("node-%04d", (d*perDeployment+r)/30)
			admitted(&p.Spec, d*perDeployment+r)
			s.Pods = append(s.Pods, p)
		}
		svcType := corev1.ServiceTypeClusterIP
		if d%10 == 5 {
			svcType = corev1.ServiceTypeNodePort
		}
		s.Services = append(s.Services, corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: corev1.ServiceSpec{Type: svcType, Ports: []corev1.ServicePort{{Port: 80, NodePort: int32(30000 + d%2000)}}}})
	}
	for n := 0; n*30 < pods; n++ {
		name := fmt.Sprintf("node-%04d", n)
		s.Nodes = append(s.Nodes, corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}})
		s.Kubelets = append(s.Kubelets, snapshot.Kubelet{Node: name, Collection: snapshot.Collection{State: snapshot.Collected, Count: 1},
			Config: &kubeletv1beta1.KubeletConfiguration{
				Authentication: kubeletv1beta1.KubeletAuthentication{Anonymous: kubeletv1beta1.KubeletAnonymousAuthentication{Enabled: ptr.To(false)}},
				Authorization:  kubeletv1beta1.KubeletAuthorization{Mode: kubeletv1beta1.KubeletAuthorizationModeWebhook},
			}})
	}
	api := []string{"kube-apiserver", "--authorization-mode=Node,RBAC", "--anonymous-auth=false"}
	s.ControlPlane = []snapshot.Component{{Name: "kube-apiserver", Namespace: "kube-system", Pod: "kube-apiserver-cp-1",
		Node: "cp-1", Mirror: true, Command: api, Flags: componentflags.Parse(api, nil, componentflags.BoolFlags("kube-apiserver"))}}

	for r, n := range map[snapshot.Resource]int{
		snapshot.ResPods: len(s.Pods), snapshot.ResDeployments: len(s.Deployments), snapshot.ResReplicaSets: len(s.ReplicaSets),
		snapshot.ResNamespaces: len(s.Namespaces), snapshot.ResNetworkPolicies: len(s.NetworkPolicies),
		snapshot.ResServices: len(s.Services), snapshot.ResNodes: len(s.Nodes), snapshot.ResKubeletConfigs: len(s.Kubelets),
		snapshot.ResControlPlane: 1, snapshot.ResStatefulSets: 0, snapshot.ResDaemonSets: 0, snapshot.ResJobs: 0,
		snapshot.ResCronJobs: 0, snapshot.ResIngresses: 0, snapshot.ResSecrets: 0, snapshot.ResConfigMaps: 0,
		snapshot.ResServiceAccounts: 0, snapshot.ResRoles: 0, snapshot.ResClusterRoles: 0, snapshot.ResRoleBindings: 0,
		snapshot.ResClusterRoleBindings: 0, snapshot.ResValidatingWebhookConfigurations: 0, snapshot.ResMutatingWebhookConfigurations: 0,
	} {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected, Count: n}
	}
	return s
}

// template is an application pod template of the size real ones have: two containers with
// resources, probes, environment, a config map and a secret mounted.
func template(name string, privileged bool) corev1.PodTemplateSpec {
	sc := &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false), RunAsNonRoot: ptr.To(true),
		Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	if privileged {
		sc = &corev1.SecurityContext{Privileged: ptr.To(true)}
	}
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
	}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz",
		Port: intstr.FromInt32(8080), Scheme: corev1.URISchemeHTTP}}, TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name},
			Annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{
				{Name: "app", Image: "registry.example.com/" + name + ":1.0", SecurityContext: sc,
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}},
					Env: []corev1.EnvVar{{Name: "MODE", Value: "prod"}, {Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{
						FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}}},
					Resources: res, LivenessProbe: probe, ReadinessProbe: probe,
					VolumeMounts:           []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app", ReadOnly: true}},
					TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: corev1.TerminationMessageReadFile,
					ImagePullPolicy: corev1.PullIfNotPresent},
				{Name: "sidecar", Image: "registry.example.com/proxy:2.1", SecurityContext: sc, Resources: res,
					Args:                   []string{"--listen=:15001", "--upstream=127.0.0.1:8080"},
					TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: corev1.TerminationMessageReadFile,
					ImagePullPolicy: corev1.PullIfNotPresent},
			},
			Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: name + "-config"}, DefaultMode: ptr.To(int32(420))}}}},
			RestartPolicy: corev1.RestartPolicyAlways, DNSPolicy: corev1.DNSClusterFirst,
			TerminationGracePeriodSeconds: ptr.To(int64(30)), SchedulerName: "default-scheduler",
		},
	}
}

// admitted adds to a pod's spec what admission adds to a real one: the service-account token
// volume, whose name has a random suffix per pod, mounted in every container, and the default
// tolerations.
func admitted(spec *corev1.PodSpec, i int) {
	vol := fmt.Sprintf("kube-api-access-%05x", i*7919%0xfffff)
	spec.Volumes = append(spec.Volumes, corev1.Volume{Name: vol, VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
		DefaultMode: ptr.To(int32(420)),
		Sources: []corev1.VolumeProjection{
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{ExpirationSeconds: ptr.To(int64(3607)), Path: "token"}},
			{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"},
				Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}},
		}}}})
	for i := range spec.Containers {
		spec.Containers[i].VolumeMounts = append(spec.Containers[i].VolumeMounts, corev1.VolumeMount{Name: vol,
			MountPath: "/var/run/secrets/kubernetes.io/serviceaccount", ReadOnly: true})
	}
	for _, k := range []string{"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"} {
		spec.Tolerations = append(spec.Tolerations, corev1.Toleration{Key: k, Operator: corev1.TolerationOpExists,
			Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(300))})
	}
}

func controller(kind, name string, u types.UID) []metav1.OwnerReference {
	return []metav1.OwnerReference{{Kind: kind, Name: name, UID: u, Controller: ptr.To(true)}}
}

func uid(kind string, i int) types.UID {
	return types.UID(fmt.Sprintf("%s-%08d", kind, i))
}
