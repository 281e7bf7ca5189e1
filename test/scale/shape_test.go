package main

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// The web shape loads a namespace as apps does, and besides: a public Service and an Ingress
// per Deployment and an ExternalName Service, three Secrets per Deployment and a legacy token,
// two ConfigMaps.
func TestWebShape(t *testing.T) {
	ctx := context.Background()
	defer func(s string) { estateShape = s }(estateShape)
	estateShape = shapeWeb
	l := &loader{cs: loaderClient(cluster.Admin), nodes: 3}
	for i := 0; i < l.nodes; i++ {
		if err := l.node(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.loadNamespace(ctx, 500, podsPerNamespace); err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cluster.Admin)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "team-0500"
	svcs, err := cs.CoreV1().Services(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ings, err := cs.NetworkingV1().Ingresses(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	apps := deployments + statefulSets // a Service each
	if got, want := len(svcs.Items), apps+deployments+1; got != want {
		t.Errorf("%d services, want %d", got, want)
	}
	if got, want := len(ings.Items), 1+deployments; got != want {
		t.Errorf("%d ingresses, want %d", got, want)
	}
	if got, want := len(secrets.Items), (deployments+1)+3*deployments+1; got != want {
		t.Errorf("%d secrets, want %d", got, want)
	}
	if len(pods.Items) != podsPerNamespace {
		t.Errorf("%d pods, want %d", len(pods.Items), podsPerNamespace)
	}
}
