package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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

// The estate of one namespace: 50 pods, as the "N/50 namespaces" asks.
//
//	7 Deployments × 5 replicas (each with its ReplicaSet)  35 pods
//	2 StatefulSets × 3 replicas                              6 pods
//	1 DaemonSet on 3 nodes                                   3 pods
//	1 CronJob with 3 Jobs × 2 pods                           6 pods
//
// and, in proportion: 4 service accounts, a Role and 2 RoleBindings, 1 or 2 network
// policies, a Service per Deployment and StatefulSet, a ConfigMap and a Secret per
// Deployment (plus a TLS secret), an Ingress. About 107 objects per namespace.
const (
	podsPerNamespace = 50
	deployments      = 7
	deployReplicas   = 5
	statefulSets     = 2
	stsReplicas      = 3
	daemonPods       = 3
	jobsPerCron      = 3
	podsPerJob       = 2
)

// loadStats is what the loader did.
type loadStats struct {
	Namespaces int     `json:"namespaces"`
	Nodes      int     `json:"nodes"`
	Pods       int     `json:"pods"`
	Objects    int64   `json:"objectsCreated"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"objectsPerSecond"`
	// RunningSeconds is, with controllers, the time from the start of the load until every
	// planned pod ran.
	RunningSeconds float64 `json:"runningSeconds,omitempty"`
}

// loader creates objects concurrently. On a cluster of an API server alone, what controllers
// would create (ReplicaSets, pods, Jobs, default service accounts) is created here with the
// owner references they would set, as internal/estate does. With nodeNames (a whole cluster:
// controllers, scheduler, hollow nodes), it creates only what a user creates, and the
// controllers make the pods; pods then counts the pods planned.
type loader struct {
	cs        kubernetes.Interface
	objects   atomic.Int64
	pods      atomic.Int64
	nodes     int
	nodeNames []string // the whole cluster's schedulable nodes; nil without controllers
}

// load creates the estate of pods pods with workers namespaces loaded at once, and reports
// progress to log every few seconds. nodeNames are the schedulable nodes of a whole cluster
// (nil: a cluster without controllers, where load creates nodes and pods itself).
func load(ctx context.Context, cs kubernetes.Interface, pods, workers int, nodeNames []string, log io.Writer) (loadStats, error) {
	start := time.Now()
	l := &loader{cs: cs, nodes: max(3, pods/100), nodeNames: nodeNames}
	if nodeNames != nil {
		l.nodes = len(nodeNames)
	}
	nss := (pods + podsPerNamespace - 1) / podsPerNamespace

	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				el := time.Since(start).Seconds()
				fmt.Fprintf(log, "scale: loading: %d objects (%d pods) in %.0f s, %.0f objects/s\n",
					l.objects.Load(), l.pods.Load(), el, float64(l.objects.Load())/el)
			}
		}
	}()

	for i := 0; i < l.nodes && l.nodeNames == nil; i++ {
		if err := l.node(ctx, i); err != nil {
			return loadStats{}, err
		}
	}
	if err := l.clusterWide(ctx, nss); err != nil {
		return loadStats{}, err
	}

	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for n := 0; n < nss; n++ {
		budget := min(podsPerNamespace, pods-n*podsPerNamespace)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := l.loadNamespace(ctx, n, budget); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
	}
	wg.Wait()
	if firstErr != nil {
		return loadStats{}, firstErr
	}
	el := time.Since(start).Seconds()
	return loadStats{Namespaces: nss, Nodes: l.nodes, Pods: int(l.pods.Load()), Objects: l.objects.Load(),
		Seconds: el, PerSecond: float64(l.objects.Load()) / el}, nil
}

// waitRunning waits until want pods of the estate's namespaces run (the controllers,
// scheduler and kubelets of a whole cluster make them), reporting progress to log, and
// returns how long it waited. A list the busy server does not answer in time is tried again.
func waitRunning(ctx context.Context, cs kubernetes.Interface, want int, log io.Writer) (float64, error) {
	start := time.Now()
	last := start
	for {
		running, err := runningPods(ctx, cs)
		switch {
		case err == nil && running >= want:
			return time.Since(start).Seconds(), nil
		case time.Since(start) > 30*time.Minute:
			return 0, fmt.Errorf("%d of %d pods running after 30 minutes (last error: %v)", running, want, err)
		case time.Since(last) > 10*time.Second:
			last = time.Now()
			fmt.Fprintf(log, "scale: %d of %d pods running after %.0f s\n", running, want, time.Since(start).Seconds())
			if err != nil {
				fmt.Fprintf(log, "scale: listing pods: %v (trying again)\n", err)
			}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// runningPods counts the running pods of the estate's namespaces.
func runningPods(ctx context.Context, cs kubernetes.Interface) (int, error) {
	running := 0
	opts := metav1.ListOptions{FieldSelector: "status.phase=Running", Limit: 500}
	for {
		l, err := cs.CoreV1().Pods("").List(ctx, opts)
		if err != nil {
			return running, fmt.Errorf("list running pods: %w", err)
		}
		for _, p := range l.Items {
			if strings.HasPrefix(p.Namespace, "team-") {
				running++
			}
		}
		if opts.Continue = l.Continue; opts.Continue == "" {
			return running, nil
		}
	}
}

// create runs one create call, retrying what an overloaded server answers (429, timeouts,
// dropped connections). An object that already exists (a retried create that had in fact
// succeeded) counts as created.
func create[T any](ctx context.Context, l *loader, what string, f func(context.Context) (T, error)) (T, error) {
	var zero T
	wait := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		v, err := f(ctx)
		if err == nil {
			l.objects.Add(1)
			return v, nil
		}
		if apierrors.IsAlreadyExists(err) {
			l.objects.Add(1)
			return zero, errExists
		}
		retriable := apierrors.IsTooManyRequests(err) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) ||
			apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) || errors.Is(err, io.EOF) ||
			errors.Is(err, io.ErrUnexpectedEOF)
		if !retriable || attempt >= 8 || ctx.Err() != nil {
			return zero, fmt.Errorf("create %s: %w", what, err)
		}
		time.Sleep(wait)
		wait = min(2*wait, 5*time.Second)
	}
}

// errExists is returned by create for an object that was already there: callers that need
// the object's UID read it back.
var errExists = errors.New("already exists")

func (l *loader) node(ctx context.Context, i int) error {
	name := fmt.Sprintf("node-%04d", i)
	_, err := create(ctx, l, "node "+name, func(ctx context.Context) (*corev1.Node, error) {
		return l.cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name,
			Labels: map[string]string{"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
				"topology.kubernetes.io/zone": fmt.Sprintf("zone-%c", 'a'+i%3)}}}, metav1.CreateOptions{})
	})
	if errors.Is(err, errExists) {
		err = nil
	}
	return err
}

// clusterWide creates the cluster-scoped RBAC of operators: one ClusterRole and binding per
// 20 namespaces (the API server bootstraps about 70 more).
func (l *loader) clusterWide(ctx context.Context, nss int) error {
	for i := 0; i < max(1, nss/20); i++ {
		name := fmt.Sprintf("operator-%03d", i)
		rules := []rbacv1.PolicyRule{{APIGroups: []string{"", "apps"}, Resources: []string{"pods", "deployments", "configmaps"},
			Verbs: []string{"get", "list", "watch", "update", "patch"}}}
		if i%2 == 1 { // some operators ask for far too much
			rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"*"}})
		}
		if _, err := create(ctx, l, "clusterrole "+name, func(ctx context.Context) (*rbacv1.ClusterRole, error) {
			return l.cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{})
		}); err != nil && !errors.Is(err, errExists) {
			return err
		}
		ns := fmt.Sprintf("team-%04d", i*20)
		if _, err := create(ctx, l, "clusterrolebinding "+name, func(ctx context.Context) (*rbacv1.ClusterRoleBinding, error) {
			return l.cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
				RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
				Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "app-0", Namespace: ns}}}, metav1.CreateOptions{})
		}); err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	return nil
}

// nsLoader loads one namespace; pods counts down the namespace's pod budget.
type nsLoader struct {
	*loader
	ns   string
	idx  int
	pods int
}

func (l *loader) namespace(ctx context.Context, idx, budget int) error {
	n := &nsLoader{loader: l, ns: fmt.Sprintf("team-%04d", idx), idx: idx, pods: budget}
	labels := map[string]string{"team": n.ns}
	if idx%3 == 0 { // warn only: enforcing would turn away the estate's deliberate weaknesses
		labels["pod-security.kubernetes.io/warn"] = "baseline"
	}
	if _, err := create(ctx, l, "namespace "+n.ns, func(ctx context.Context) (*corev1.Namespace, error) {
		return l.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n.ns, Labels: labels}}, metav1.CreateOptions{})
	}); err != nil && !errors.Is(err, errExists) {
		return err
	}
	steps := []func(context.Context) error{n.serviceAccounts, n.rbac, n.networkPolicies, n.configAndSecrets,
		n.deployments, n.statefulSets, n.daemonSet, n.cronJob, n.ingress}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (n *nsLoader) serviceAccounts(ctx context.Context) error {
	// The ServiceAccount admission plugin rejects pods whose account does not exist; the
	// controller manager creates "default", or the loader does without one.
	names := []string{"app-0", "app-1", "app-2"}
	if n.nodeNames == nil {
		names = append(names, "default")
	}
	for _, name := range names {
		_, err := create(ctx, n.loader, "serviceaccount "+n.ns+"/"+name, func(ctx context.Context) (*corev1.ServiceAccount, error) {
			return n.cs.CoreV1().ServiceAccounts(n.ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		})
		if err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	return nil
}

func (n *nsLoader) rbac(ctx context.Context) error {
	if _, err := create(ctx, n.loader, "role "+n.ns+"/config-reader", func(ctx context.Context) (*rbacv1.Role, error) {
		return n.cs.RbacV1().Roles(n.ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "config-reader"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}}, metav1.CreateOptions{})
	}); err != nil && !errors.Is(err, errExists) {
		return err
	}
	bindings := []rbacv1.RoleBinding{{ObjectMeta: metav1.ObjectMeta{Name: "config-reader"},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "config-reader"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "app-0", Namespace: n.ns},
			{Kind: "ServiceAccount", Name: "app-1", Namespace: n.ns}}}}
	role := "view"
	if n.idx%10 == 0 { // one team in ten gave its default account edit rights
		role = "edit"
	}
	bindings = append(bindings, rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "default-" + role},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "default", Namespace: n.ns}}})
	for i := range bindings {
		b := &bindings[i]
		if _, err := create(ctx, n.loader, "rolebinding "+n.ns+"/"+b.Name, func(ctx context.Context) (*rbacv1.RoleBinding, error) {
			return n.cs.RbacV1().RoleBindings(n.ns).Create(ctx, b, metav1.CreateOptions{})
		}); err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	return nil
}

func (n *nsLoader) networkPolicies(ctx context.Context) error {
	var pols []networkingv1.NetworkPolicy
	if n.idx%2 == 0 { // half the teams have a default deny
		pols = append(pols, networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default-deny"},
			Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}})
	}
	port := intstr.FromInt32(8080)
	pols = append(pols, networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "allow-ingress-controller"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"tier": "web"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{
					MatchLabels: map[string]string{"kubernetes.io/metadata.name": "ingress-nginx"}}}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: &port}},
			}},
		}})
	for i := range pols {
		p := &pols[i]
		if _, err := create(ctx, n.loader, "networkpolicy "+n.ns+"/"+p.Name, func(ctx context.Context) (*networkingv1.NetworkPolicy, error) {
			return n.cs.NetworkingV1().NetworkPolicies(n.ns).Create(ctx, p, metav1.CreateOptions{})
		}); err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	return nil
}

func (n *nsLoader) configAndSecrets(ctx context.Context) error {
	var cms []string
	if n.nodeNames == nil {
		cms = append(cms, "kube-root-ca.crt") // published in every namespace by the controller manager
	}
	for d := 0; d < deployments; d++ {
		cms = append(cms, fmt.Sprintf("app-%d-config", d))
	}
	for _, name := range cms {
		data := map[string]string{"app.yaml": "log-level: info\nlisten: :8080\nfeatures: [a, b, c]\n", "MODE": "prod"}
		if name == "kube-root-ca.crt" {
			data = map[string]string{"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB...synthetic...\n-----END CERTIFICATE-----\n"}
		}
		if _, err := create(ctx, n.loader, "configmap "+n.ns+"/"+name, func(ctx context.Context) (*corev1.ConfigMap, error) {
			return n.cs.CoreV1().ConfigMaps(n.ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: data}, metav1.CreateOptions{})
		}); err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	secrets := []corev1.Secret{{ObjectMeta: metav1.ObjectMeta{Name: "web-tls"}, Type: corev1.SecretTypeTLS,
		Data: map[string][]byte{"tls.crt": []byte("synthetic-cert"), "tls.key": []byte("synthetic-key")}}}
	for d := 0; d < deployments; d++ {
		secrets = append(secrets, corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("app-%d-db", d)},
			Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"password": []byte("synthetic-password")}})
	}
	for i := range secrets {
		s := &secrets[i]
		if _, err := create(ctx, n.loader, "secret "+n.ns+"/"+s.Name, func(ctx context.Context) (*corev1.Secret, error) {
			return n.cs.CoreV1().Secrets(n.ns).Create(ctx, s, metav1.CreateOptions{})
		}); err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	return nil
}

// podSpec is a realistic application pod: resources, probes, config and secret volumes, the
// security context the posture variant k asks for (naming its user, as a non-root image
// does: a kubelet refuses a runAsNonRoot container whose image user it cannot tell). One workload in ten is privileged (fails
// baseline), one in four runs as root without a security context (fails restricted), one in
// five reads its database password from the environment.
func podSpec(name string, k int, sa string) corev1.PodSpec {
	sc := &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false), RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To(int64(10001)), ReadOnlyRootFilesystem: ptr.To(true),
		Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	switch {
	case k%10 == 0:
		sc = &corev1.SecurityContext{Privileged: ptr.To(true)}
	case k%4 == 1:
		sc = nil
	}
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
	}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}},
		PeriodSeconds: 10}
	env := []corev1.EnvVar{{Name: "MODE", Value: "prod"}, {Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{
		FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}
	if k%5 == 2 {
		env = append(env, corev1.EnvVar{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("app-%d-db", k%deployments)}, Key: "password"}}})
	}
	return corev1.PodSpec{
		ServiceAccountName: sa,
		Containers: []corev1.Container{
			{Name: "app", Image: "registry.example.com/" + name + ":1.4." + fmt.Sprint(k%7),
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}, Env: env, Resources: res,
				ReadinessProbe: probe, LivenessProbe: probe, SecurityContext: sc,
				VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app", ReadOnly: true},
					{Name: "db", MountPath: "/var/run/secrets/db", ReadOnly: true}}},
			{Name: "proxy", Image: "registry.example.com/mesh/proxy:2.1.0", Resources: res, SecurityContext: sc,
				Args: []string{"--listen=:15001", "--upstream=127.0.0.1:8080"}},
		},
		Volumes: []corev1.Volume{
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("app-%d-config", k%deployments)}}}},
			{Name: "db", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: fmt.Sprintf("app-%d-db", k%deployments)}}},
		},
	}
}

func template(app string, tier string, spec corev1.PodSpec) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{
		Labels:      map[string]string{"app": app, "tier": tier},
		Annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
	}, Spec: spec}
}

func owner(apiVersion, kind, name string, uid types.UID) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
}

// takePods takes up to want pods from the namespace's budget.
func (n *nsLoader) takePods(want int) int {
	got := min(want, n.pods)
	n.pods -= got
	return got
}

// createPods creates the pods of one workload concurrently (the namespaces are loaded
// concurrently too). With controllers, it only counts them: the workload's controller
// creates them.
func (n *nsLoader) createPods(ctx context.Context, names []string, tmpl corev1.PodTemplateSpec, owners []metav1.OwnerReference, node func(i int) string) error {
	if n.nodeNames != nil {
		n.loader.pods.Add(int64(len(names)))
		return nil
	}
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: tmpl.Labels, Annotations: tmpl.Annotations,
				OwnerReferences: owners}, Spec: *tmpl.Spec.DeepCopy()}
			p.Spec.NodeName = node(i)
			_, err := create(ctx, n.loader, "pod "+n.ns+"/"+name, func(ctx context.Context) (*corev1.Pod, error) {
				return n.cs.CoreV1().Pods(n.ns).Create(ctx, p, metav1.CreateOptions{})
			})
			if err == nil || errors.Is(err, errExists) {
				n.loader.pods.Add(1)
				err = nil
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (n *nsLoader) nodeName(i int) string {
	if n.nodeNames != nil {
		return n.nodeNames[i%len(n.nodeNames)]
	}
	return fmt.Sprintf("node-%04d", i%n.nodes)
}

func (n *nsLoader) service(ctx context.Context, name string, selector map[string]string, typ corev1.ServiceType, headless bool) error {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ServiceSpec{Type: typ, Selector: selector,
		Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080), Protocol: corev1.ProtocolTCP}}}}
	if headless {
		svc.Spec.ClusterIP = corev1.ClusterIPNone
	}
	_, err := create(ctx, n.loader, "service "+n.ns+"/"+name, func(ctx context.Context) (*corev1.Service, error) {
		return n.cs.CoreV1().Services(n.ns).Create(ctx, svc, metav1.CreateOptions{})
	})
	if errors.Is(err, errExists) {
		err = nil
	}
	return err
}

func (n *nsLoader) deployments(ctx context.Context) error {
	for d := 0; d < deployments; d++ {
		k := n.idx*deployments + d
		app := fmt.Sprintf("app-%d", d)
		tier := "backend"
		if d == 0 {
			tier = "web"
		}
		tmpl := template(app, tier, podSpec(app, k, fmt.Sprintf("app-%d", d%3)))
		replicas := n.takePods(deployReplicas)
		dep, err := create(ctx, n.loader, "deployment "+n.ns+"/"+app, func(ctx context.Context) (*appsv1.Deployment, error) {
			return n.cs.AppsV1().Deployments(n.ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: app},
				Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(replicas)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}},
					Template: tmpl}}, metav1.CreateOptions{})
		})
		if errors.Is(err, errExists) {
			dep, err = n.cs.AppsV1().Deployments(n.ns).Get(ctx, app, metav1.GetOptions{})
		}
		if err != nil {
			return err
		}
		if n.nodeNames != nil {
			n.loader.pods.Add(int64(replicas)) // the deployment controller's ReplicaSet makes them
		} else if err := n.replicaSet(ctx, app, k, tmpl, replicas, dep); err != nil {
			return err
		}
		typ := corev1.ServiceTypeClusterIP
		if k%10 == 5 {
			typ = corev1.ServiceTypeNodePort
		}
		if err := n.service(ctx, app, map[string]string{"app": app}, typ, false); err != nil {
			return err
		}
	}
	return nil
}

// replicaSet creates a Deployment's ReplicaSet and pods as the deployment and replicaset
// controllers would.
func (n *nsLoader) replicaSet(ctx context.Context, app string, k int, tmpl corev1.PodTemplateSpec, replicas int, dep *appsv1.Deployment) error {
	hash := fmt.Sprintf("%08x", 0x5d8f7c9b+k)[:8]
	rsTmpl := *tmpl.DeepCopy()
	rsTmpl.Labels["pod-template-hash"] = hash
	rsName := app + "-" + hash
	rs, err := create(ctx, n.loader, "replicaset "+n.ns+"/"+rsName, func(ctx context.Context) (*appsv1.ReplicaSet, error) {
		return n.cs.AppsV1().ReplicaSets(n.ns).Create(ctx, &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: rsName, Labels: rsTmpl.Labels, OwnerReferences: owner("apps/v1", "Deployment", app, dep.UID)},
			Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(int32(replicas)), Selector: &metav1.LabelSelector{MatchLabels: rsTmpl.Labels},
				Template: rsTmpl}}, metav1.CreateOptions{})
	})
	if errors.Is(err, errExists) {
		rs, err = n.cs.AppsV1().ReplicaSets(n.ns).Get(ctx, rsName, metav1.GetOptions{})
	}
	if err != nil {
		return err
	}
	names := make([]string, replicas)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%05x", rsName, k*deployReplicas+i)
	}
	return n.createPods(ctx, names, rsTmpl, owner("apps/v1", "ReplicaSet", rsName, rs.UID),
		func(i int) string { return n.nodeName(k*deployReplicas + i) })
}

func (n *nsLoader) statefulSets(ctx context.Context) error {
	for s := 0; s < statefulSets; s++ {
		k := n.idx*statefulSets + s
		app := fmt.Sprintf("db-%d", s)
		spec := podSpec(app, k+3, "app-2")
		tmpl := template(app, "data", spec)
		replicas := n.takePods(stsReplicas)
		sts, err := create(ctx, n.loader, "statefulset "+n.ns+"/"+app, func(ctx context.Context) (*appsv1.StatefulSet, error) {
			return n.cs.AppsV1().StatefulSets(n.ns).Create(ctx, &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: app},
				Spec: appsv1.StatefulSetSpec{Replicas: ptr.To(int32(replicas)), ServiceName: app,
					Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}, Template: tmpl}}, metav1.CreateOptions{})
		})
		if errors.Is(err, errExists) {
			sts, err = n.cs.AppsV1().StatefulSets(n.ns).Get(ctx, app, metav1.GetOptions{})
		}
		if err != nil {
			return err
		}
		names := make([]string, replicas)
		for i := range names {
			names[i] = fmt.Sprintf("%s-%d", app, i)
		}
		if err := n.createPods(ctx, names, tmpl, owner("apps/v1", "StatefulSet", app, sts.UID),
			func(i int) string { return n.nodeName(k*stsReplicas + i) }); err != nil {
			return err
		}
		if err := n.service(ctx, app, map[string]string{"app": app}, corev1.ServiceTypeClusterIP, true); err != nil {
			return err
		}
	}
	return nil
}

// daemonSet is a log shipper reading the node's logs through hostPath: baseline forbids it,
// as it does for the real ones.
func (n *nsLoader) daemonSet(ctx context.Context) error {
	app := "log-shipper"
	spec := podSpec(app, 1, "app-1")
	spec.Volumes = append(spec.Volumes, corev1.Volume{Name: "varlog", VolumeSource: corev1.VolumeSource{
		HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}})
	spec.Containers[0].VolumeMounts = append(spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "varlog", MountPath: "/var/log", ReadOnly: true})
	replicas := n.takePods(daemonPods)
	if n.nodeNames != nil {
		// The namespace's log shipper runs on its pool of replicas nodes, not on every node.
		pool := make([]string, replicas)
		for i := range pool {
			pool[i] = n.nodeName(n.idx + i)
		}
		spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
				Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: pool}}}}}}}
	}
	tmpl := template(app, "infra", spec)
	ds, err := create(ctx, n.loader, "daemonset "+n.ns+"/"+app, func(ctx context.Context) (*appsv1.DaemonSet, error) {
		return n.cs.AppsV1().DaemonSets(n.ns).Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: app},
			Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}, Template: tmpl}}, metav1.CreateOptions{})
	})
	if errors.Is(err, errExists) {
		ds, err = n.cs.AppsV1().DaemonSets(n.ns).Get(ctx, app, metav1.GetOptions{})
	}
	if err != nil {
		return err
	}
	names := make([]string, replicas)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%05x", app, n.idx*daemonPods+i)
	}
	return n.createPods(ctx, names, tmpl, owner("apps/v1", "DaemonSet", app, ds.UID),
		func(i int) string { return n.nodeName(n.idx + i) })
}

func (n *nsLoader) cronJob(ctx context.Context) error {
	app := "nightly-report"
	spec := podSpec(app, n.idx+2, "default")
	spec.RestartPolicy = corev1.RestartPolicyOnFailure
	tmpl := template(app, "batch", spec)
	cj, err := create(ctx, n.loader, "cronjob "+n.ns+"/"+app, func(ctx context.Context) (*batchv1.CronJob, error) {
		return n.cs.BatchV1().CronJobs(n.ns).Create(ctx, &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: app},
			Spec: batchv1.CronJobSpec{Schedule: "0 2 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl}}}},
			metav1.CreateOptions{})
	})
	if errors.Is(err, errExists) {
		cj, err = n.cs.BatchV1().CronJobs(n.ns).Get(ctx, app, metav1.GetOptions{})
	}
	if err != nil {
		return err
	}
	// The Jobs of past nights. With controllers they are created as `kubectl create job
	// --from=cronjob/...` creates one (owned by the CronJob), and the job controller makes
	// their pods.
	for j := 0; j < jobsPerCron; j++ {
		name := fmt.Sprintf("%s-%d", app, 29000000+j*1440)
		replicas := n.takePods(podsPerJob)
		job, err := create(ctx, n.loader, "job "+n.ns+"/"+name, func(ctx context.Context) (*batchv1.Job, error) {
			return n.cs.BatchV1().Jobs(n.ns).Create(ctx, &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name,
				OwnerReferences: owner("batch/v1", "CronJob", app, cj.UID)},
				Spec: batchv1.JobSpec{Parallelism: ptr.To(int32(podsPerJob)), Template: *tmpl.DeepCopy()}}, metav1.CreateOptions{})
		})
		if errors.Is(err, errExists) {
			job, err = n.cs.BatchV1().Jobs(n.ns).Get(ctx, name, metav1.GetOptions{})
		}
		if err != nil {
			return err
		}
		names := make([]string, replicas)
		for i := range names {
			names[i] = fmt.Sprintf("%s-%05x", name, n.idx*podsPerJob+i)
		}
		// The Job API added its selector labels to the template: the pods carry them, as
		// the job controller's would.
		if err := n.createPods(ctx, names, job.Spec.Template, owner("batch/v1", "Job", name, job.UID),
			func(i int) string { return n.nodeName(n.idx + j + i) }); err != nil {
			return err
		}
	}
	return nil
}

func (n *nsLoader) ingress(ctx context.Context) error {
	pathType := networkingv1.PathTypePrefix
	host := n.ns + ".example.com"
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &pathType,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "app-0",
					Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}}}}}
	if n.idx%4 != 3 { // one in four without TLS
		ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{host}, SecretName: "web-tls"}}
	}
	_, err := create(ctx, n.loader, "ingress "+n.ns+"/web", func(ctx context.Context) (*networkingv1.Ingress, error) {
		return n.cs.NetworkingV1().Ingresses(n.ns).Create(ctx, ing, metav1.CreateOptions{})
	})
	if errors.Is(err, errExists) {
		err = nil
	}
	return err
}
