package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func withAPIServer(snap *snapshot.Snapshot, args ...string) {
	cmd := []string{"kube-apiserver"}
	snap.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	snap.ControlPlane = append(snap.ControlPlane, snapshot.Component{Name: "kube-apiserver", Namespace: "kube-system",
		Pod: "kube-apiserver-cp-1", Node: "cp-1", Mirror: true, Command: cmd, Args: args,
		Flags: componentflags.Parse(cmd, args, componentflags.BoolFlags("kube-apiserver"))})
}

func TestIdentityProvider(t *testing.T) {
	view := []rbacv1.PolicyRule{rule(s("get"), s(""), s("pods"))}
	alice := rbacv1.Subject{Kind: rbacv1.UserKind, Name: "alice"}
	for _, tc := range []struct {
		name     string
		args     []string
		subject  *rbacv1.Subject
		files    *snapshot.ControlPlaneFiles
		provider snapshot.Provider
		noAPI    bool
		want     checks.Status
	}{
		{name: "certificates only, alice bound", subject: &alice, want: checks.Fail},
		{name: "certificates only, a group bound", subject: &rbacv1.Subject{Kind: rbacv1.GroupKind, Name: "ops"}, want: checks.Fail},
		{name: "certificates only, system: names only", subject: &rbacv1.Subject{Kind: rbacv1.UserKind, Name: "system:kube-scheduler"}, want: checks.Pass},
		{name: "kubeadm's break-glass group", subject: &rbacv1.Subject{Kind: rbacv1.GroupKind, Name: "kubeadm:cluster-admins"}, want: checks.Pass},
		{name: "the API server's kubelet client", subject: &rbacv1.Subject{Kind: rbacv1.UserKind, Name: "kube-apiserver-kubelet-client"}, want: checks.Pass},
		{name: "service accounts are not people", subject: &rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "ci", Namespace: "team"}, want: checks.Pass},
		{name: "oidc flags", args: []string{"--oidc-issuer-url=https://idp.example.com"}, subject: &alice, want: checks.Pass},
		{name: "webhook", args: []string{"--authentication-token-webhook-config-file=/etc/kubernetes/webhook.yaml"}, subject: &alice, want: checks.Pass},
		{name: "authentication config not given", args: []string{"--authentication-config=/etc/kubernetes/authn.yaml"}, subject: &alice, want: checks.NotEvaluated},
		{name: "authentication config with jwt", args: []string{"--authentication-config=/etc/kubernetes/authn.yaml"}, subject: &alice,
			files: &snapshot.ControlPlaneFiles{Authentication: &snapshot.AuthenticationConfig{JWT: []snapshot.JWTAuthenticator{{Issuer: "https://idp.example.com"}}}}, want: checks.Pass},
		{name: "authentication config without jwt", args: []string{"--authentication-config=/etc/kubernetes/authn.yaml"}, subject: &alice,
			files: &snapshot.ControlPlaneFiles{Authentication: &snapshot.AuthenticationConfig{}}, want: checks.Fail},
		{name: "managed", subject: &alice, provider: snapshot.ProviderEKS, noAPI: true, want: checks.NotApplicable},
		{name: "api server not seen", subject: &alice, noAPI: true, want: checks.NotEvaluated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			snap.Cluster.Provider = tc.provider
			if !tc.noAPI {
				withAPIServer(snap, tc.args...)
			}
			snap.Files = tc.files
			if tc.subject != nil {
				bind(snap, "reader", view, "ClusterRoleBinding", *tc.subject, nil)
			}
			if got := checks.Aggregate(identityProvider(snap)); got != tc.want {
				t.Errorf("%s, want %s: %+v", got, tc.want, identityProvider(snap))
			}
		})
	}
}
