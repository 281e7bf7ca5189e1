package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilcache "k8s.io/apimachinery/pkg/util/cache"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/group"
	"k8s.io/apiserver/pkg/authentication/request/bearertoken"
	tokencache "k8s.io/apiserver/pkg/authentication/token/cache"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/client-go/kubernetes"
	authenticationclient "k8s.io/client-go/kubernetes/typed/authentication/v1"
	authorizationclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
	"k8s.io/client-go/rest"
)

// guard admits or refuses a request before h serves it.
type guard func(h http.Handler) http.Handler

// noAuth is --insecure-no-auth: every request is served.
func noAuth(h http.Handler) http.Handler { return h }

const (
	// reviewCacheTTL is how long the API server's answer about a token or a permission is
	// reused: the API server's own default for delegated authentication and authorization,
	// so that a revoked token or binding stops working within seconds.
	reviewCacheTTL = 10 * time.Second
	// reviewTimeout bounds one TokenReview or SubjectAccessReview.
	reviewTimeout = 10 * time.Second
)

// delegatedAuth authenticates a request's bearer token with a TokenReview and authorizes its
// path with a SubjectAccessReview on the non-resource URL, both answered by the cluster's API
// server, as kube-rbac-proxy and controller-runtime's metrics filters do. The header parsing
// and the token cache (HMAC-keyed, one review for concurrent requests with the same token,
// negative answers cached too) are k8s.io/apiserver's; the two reviews are made here rather
// than through its webhook authenticator and authorizer, which link a CEL compiler and an
// egress selector into every run of audit (README "How serve is protected").
type delegatedAuth struct {
	authn     authenticator.Request
	sar       authorizationclient.SubjectAccessReviewInterface
	decisions *utilcache.LRUExpireCache
	log       io.Writer
}

func newDelegatedAuth(cfg *rest.Config, log io.Writer) (*delegatedAuth, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.Timeout = reviewTimeout
	// client-go's default of 5 requests a second would queue reviews behind one another once
	// several clients arrive with new tokens.
	cfg.QPS, cfg.Burst = 50, 100
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("build a client for %s: %w", cfg.Host, err)
	}
	tokens := tokencache.New(tokenReviewer{cs.AuthenticationV1().TokenReviews()}, false, reviewCacheTTL, reviewCacheTTL)
	return &delegatedAuth{
		authn:     group.NewAuthenticatedGroupAdder(bearertoken.New(tokens)),
		sar:       cs.AuthorizationV1().SubjectAccessReviews(),
		decisions: utilcache.NewLRUExpireCache(4096),
		log:       log,
	}, nil
}

// guard serves a request only if its bearer token is valid (else 401) and its user may
// perform the request's verb (get, for GET) on its path as a non-resource URL (else 403). An
// API server that cannot answer is a 500, never a pass.
func (a *delegatedAuth) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, ok, err := a.authn.AuthenticateRequest(r)
		var rerr *reviewError
		if errors.As(err, &rerr) {
			fmt.Fprintf(a.log, "audit serve: %s %s: %v\n", r.Method, r.URL.Path, err)
			http.Error(w, "the request could not be authenticated: the API server did not review the token", http.StatusInternalServerError)
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kubeposture"`)
			http.Error(w, "Unauthorized: send a bearer token the cluster's API server accepts (Authorization: Bearer TOKEN)", http.StatusUnauthorized)
			return
		}
		verb := strings.ToLower(r.Method)
		allowed, err := a.authorize(r.Context(), resp.User, verb, r.URL.Path)
		if err != nil {
			fmt.Fprintf(a.log, "audit serve: %s %s: %v\n", r.Method, r.URL.Path, err)
			http.Error(w, "the request could not be authorized: the API server did not review the access", http.StatusInternalServerError)
			return
		}
		if !allowed {
			http.Error(w, fmt.Sprintf("Forbidden: %q may not %s the non-resource URL %s", resp.User.GetName(), verb, r.URL.Path), http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// authorize asks the API server whether u may perform verb on the non-resource URL path, or
// reuses its answer of the last reviewCacheTTL.
func (a *delegatedAuth) authorize(ctx context.Context, u user.Info, verb, path string) (bool, error) {
	spec := authorizationv1.SubjectAccessReviewSpec{
		User: u.GetName(), UID: u.GetUID(), Groups: u.GetGroups(),
		NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: path, Verb: verb},
	}
	if extra := u.GetExtra(); len(extra) > 0 {
		spec.Extra = make(map[string]authorizationv1.ExtraValue, len(extra))
		for k, v := range extra {
			spec.Extra[k] = v
		}
	}
	key, err := json.Marshal(spec) // maps in sorted order: equal specs, equal keys
	if err != nil {
		return false, err
	}
	if allowed, ok := a.decisions.Get(string(key)); ok {
		return allowed.(bool), nil
	}
	review, err := a.sar.Create(ctx, &authorizationv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
	if err != nil {
		return false, &reviewError{"SubjectAccessReview", err}
	}
	// Allowed only on an explicit allow: a denial, no opinion or an evaluation error is a no.
	allowed := review.Status.Allowed && !review.Status.Denied
	a.decisions.Add(string(key), allowed, reviewCacheTTL)
	return allowed, nil
}

// tokenReviewer authenticates a bearer token with a TokenReview.
type tokenReviewer struct {
	client authenticationclient.TokenReviewInterface
}

func (t tokenReviewer) AuthenticateToken(ctx context.Context, token string) (*authenticator.Response, bool, error) {
	review, err := t.client.Create(ctx, &authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
	if err != nil {
		return nil, false, &reviewError{"TokenReview", err}
	}
	if !review.Status.Authenticated {
		return nil, false, nil
	}
	u := review.Status.User
	info := &user.DefaultInfo{Name: u.Username, UID: u.UID, Groups: u.Groups}
	if len(u.Extra) > 0 {
		info.Extra = make(map[string][]string, len(u.Extra))
		for k, v := range u.Extra {
			info.Extra[k] = v
		}
	}
	return &authenticator.Response{User: info}, true, nil
}

// reviewError is a review the API server did not answer: the request is refused, and the
// cause logged.
type reviewError struct {
	review string
	err    error
}

func (e *reviewError) Error() string {
	msg := fmt.Sprintf("create a %s: %v", e.review, e.err)
	if apierrors.IsForbidden(e.err) {
		msg += " (serve's identity needs create on tokenreviews and subjectaccessreviews: bind it to the ClusterRole system:auth-delegator)"
	}
	return msg
}

func (e *reviewError) Unwrap() error { return e.err }
