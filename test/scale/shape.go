package main

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The estate's shapes (-shape). The scan's cost over the floor depends on the mix of what it
// reads and on the size of its report, so it is measured on more than one.
const (
	// shapeApps is load.go's namespace of workloads: 50 pods in Deployments, StatefulSets, a
	// DaemonSet and a CronJob, with a Service per workload, one Ingress, a Secret and a
	// ConfigMap per Deployment (about 2.15 objects per pod).
	shapeApps = "apps"
	// shapeWeb is the same namespace exposed and configured as a web team's is: besides
	// apps, each Deployment has a public Service (LoadBalancer or NodePort; one in seven with
	// an external IP), an Ingress of its own (one in three for a wildcard host, one in three
	// without TLS), its TLS certificate, an API token and registry credentials as Secrets, and
	// the namespace an ExternalName Service, a legacy service-account token Secret and two
	// more ConfigMaps (about 2.9 objects per pod): more of what the network and secret
	// controls judge.
	shapeWeb = "web"
)

// estateShape is the -shape of the run.
var estateShape = shapeApps

// loadNamespace loads namespace idx of the estate's shape.
func (l *loader) loadNamespace(ctx context.Context, idx, budget int) error {
	if err := l.namespace(ctx, idx, budget); err != nil {
		return err
	}
	if estateShape != shapeWeb {
		return nil
	}
	n := &nsLoader{loader: l, ns: fmt.Sprintf("team-%04d", idx), idx: idx}
	for _, step := range []func(context.Context) error{n.webServices, n.webIngresses, n.webSecrets, n.webConfig} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (n *nsLoader) webServices(ctx context.Context) error {
	for d := 0; d < deployments; d++ {
		app := fmt.Sprintf("app-%d", d)
		k := n.idx*deployments + d
		typ := corev1.ServiceTypeNodePort
		if k%2 == 0 {
			typ = corev1.ServiceTypeLoadBalancer
		}
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: app + "-public"}, Spec: corev1.ServiceSpec{Type: typ,
			Selector: map[string]string{"app": app},
			Ports:    []corev1.ServicePort{{Name: "https", Port: 443, TargetPort: intstr.FromInt32(8080), Protocol: corev1.ProtocolTCP}}}}
		if k%7 == 3 {
			svc.Spec.ExternalIPs = []string{fmt.Sprintf("203.0.113.%d", 1+k%250)}
		}
		if err := n.createService(ctx, svc); err != nil {
			return err
		}
	}
	return n.createService(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "payments-api"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "api.payments.example.com"}})
}

func (n *nsLoader) createService(ctx context.Context, svc *corev1.Service) error {
	_, err := create(ctx, n.loader, "service "+n.ns+"/"+svc.Name, func(ctx context.Context) (*corev1.Service, error) {
		return n.cs.CoreV1().Services(n.ns).Create(ctx, svc, metav1.CreateOptions{})
	})
	if errors.Is(err, errExists) {
		err = nil
	}
	return err
}

func (n *nsLoader) webIngresses(ctx context.Context) error {
	pathType := networkingv1.PathTypePrefix
	for d := 0; d < deployments; d++ {
		app := fmt.Sprintf("app-%d", d)
		k := n.idx*deployments + d
		host := app + "." + n.ns + ".example.com"
		if k%3 == 1 {
			host = "*." + n.ns + ".example.com"
		}
		ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: app},
			Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
				HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &pathType,
					Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: app + "-public",
						Port: networkingv1.ServiceBackendPort{Number: 443}}}}}}}}}}}
		if k%3 != 2 {
			ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{host}, SecretName: app + "-tls"}}
		}
		_, err := create(ctx, n.loader, "ingress "+n.ns+"/"+app, func(ctx context.Context) (*networkingv1.Ingress, error) {
			return n.cs.NetworkingV1().Ingresses(n.ns).Create(ctx, ing, metav1.CreateOptions{})
		})
		if err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	return nil
}

func (n *nsLoader) webSecrets(ctx context.Context) error {
	var secrets []corev1.Secret
	for d := 0; d < deployments; d++ {
		app := fmt.Sprintf("app-%d", d)
		secrets = append(secrets,
			corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: app + "-tls"}, Type: corev1.SecretTypeTLS,
				Data: map[string][]byte{"tls.crt": []byte("synthetic-cert"), "tls.key": []byte("synthetic-key")}},
			corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: app + "-api-token"}, Type: corev1.SecretTypeOpaque,
				Data: map[string][]byte{"token": []byte("synthetic-token")}},
			corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: app + "-registry"}, Type: corev1.SecretTypeDockerConfigJson,
				Data: map[string][]byte{corev1.DockerConfigJsonKey: []byte(`{"auths":{"registry.example.com":{"auth":"c3ludGhldGljOnNlY3JldA=="}}}`)}})
	}
	// A long-lived token of the kind the token controller filled before 1.24.
	secrets = append(secrets, corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "app-0-token",
		Annotations: map[string]string{corev1.ServiceAccountNameKey: "app-0"}}, Type: corev1.SecretTypeServiceAccountToken})
	for i := range secrets {
		s := &secrets[i]
		_, err := create(ctx, n.loader, "secret "+n.ns+"/"+s.Name, func(ctx context.Context) (*corev1.Secret, error) {
			return n.cs.CoreV1().Secrets(n.ns).Create(ctx, s, metav1.CreateOptions{})
		})
		if err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	return nil
}

func (n *nsLoader) webConfig(ctx context.Context) error {
	for _, cm := range []corev1.ConfigMap{
		{ObjectMeta: metav1.ObjectMeta{Name: "nginx-conf"}, Data: map[string]string{"nginx.conf": "server { listen 8080; location / { proxy_pass http://127.0.0.1:8081; } }\n"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "feature-flags"}, Data: map[string]string{"checkout": "on", "search": "off", "DATABASE_URL": "postgres://app@db-0.db-0:5432/app"}},
	} {
		_, err := create(ctx, n.loader, "configmap "+n.ns+"/"+cm.Name, func(ctx context.Context) (*corev1.ConfigMap, error) {
			return n.cs.CoreV1().ConfigMaps(n.ns).Create(ctx, &cm, metav1.CreateOptions{})
		})
		if err != nil && !errors.Is(err, errExists) {
			return err
		}
	}
	return nil
}
