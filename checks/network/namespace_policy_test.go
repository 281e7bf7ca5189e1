package network

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestNamespacePolicy(t *testing.T) {
	ns := func(name string) corev1.Namespace { return corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}} }
	pod := func(ns, name string) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	}
	policy := func(ns string) networkingv1.NetworkPolicy {
		return networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "deny"}}
	}
	type verdict struct {
		status   checks.Status
		observed string
	}
	tests := []struct {
		name       string
		namespaces []corev1.Namespace
		pods       []corev1.Pod
		policies   []networkingv1.NetworkPolicy
		want       map[string]verdict
	}{
		{
			name:       "pods and no policy fail",
			namespaces: []corev1.Namespace{ns("shop")},
			pods:       []corev1.Pod{pod("shop", "a"), pod("shop", "b")},
			want:       map[string]verdict{"shop": {checks.Fail, "0 NetworkPolicies, 2 pods"}},
		},
		{
			name:       "a policy passes",
			namespaces: []corev1.Namespace{ns("shop")},
			pods:       []corev1.Pod{pod("shop", "a")},
			policies:   []networkingv1.NetworkPolicy{policy("shop")},
			want:       map[string]verdict{"shop": {checks.Pass, "1 NetworkPolicy, 1 pod"}},
		},
		{
			name:       "a policy passes even without pods",
			namespaces: []corev1.Namespace{ns("shop")},
			policies:   []networkingv1.NetworkPolicy{policy("shop")},
			want:       map[string]verdict{"shop": {checks.Pass, "1 NetworkPolicy, 0 pods"}},
		},
		{
			name:       "empty namespace is not applicable",
			namespaces: []corev1.Namespace{ns("empty")},
			want:       map[string]verdict{"empty": {checks.NotApplicable, "0 NetworkPolicies, 0 pods"}},
		},
		{
			name:       "a policy in another namespace does not count",
			namespaces: []corev1.Namespace{ns("shop"), ns("secure")},
			pods:       []corev1.Pod{pod("shop", "a"), pod("secure", "b")},
			policies:   []networkingv1.NetworkPolicy{policy("secure")},
			want: map[string]verdict{"shop": {checks.Fail, "0 NetworkPolicies"},
				"secure": {checks.Pass, "1 NetworkPolicy"}},
		},
		{
			name:       "pods in a namespace missing from the list are still judged",
			namespaces: []corev1.Namespace{ns("shop")},
			pods:       []corev1.Pod{pod("unlisted", "a")},
			want: map[string]verdict{"shop": {checks.NotApplicable, "0 pods"},
				"unlisted": {checks.Fail, "0 NetworkPolicies, 1 pod"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected(snapshot.ResNamespaces, snapshot.ResPods, snapshot.ResNetworkPolicies)
			s.Namespaces, s.Pods, s.NetworkPolicies = tt.namespaces, tt.pods, tt.policies
			got := namespacePolicy(s)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d results, want %d: %+v", len(got), len(tt.want), got)
			}
			for _, r := range got {
				w, ok := tt.want[r.Resource.Name]
				if !ok {
					t.Errorf("unexpected result for %s", r.Resource)
					continue
				}
				check(t, r, w.status, w.observed)
				if r.Resource.Kind != "Namespace" || r.Evidence.Where != "namespace/"+r.Resource.Name {
					t.Errorf("resource %+v, where %q", r.Resource, r.Evidence.Where)
				}
				if w.status == checks.NotApplicable && r.Reason == "" {
					t.Errorf("%s: NOT_APPLICABLE without reason", r.Resource)
				}
			}
		})
	}
}
