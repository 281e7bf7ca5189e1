// Package authnconfig reads the JWT authenticators of an apiserver.config.k8s.io
// AuthenticationConfiguration (kube-apiserver --authentication-config) with k8s.io/apiserver's
// own types, conversion and validation, so that a file the API server would refuse is reported
// as such, and the checks read the fields as the API server does after defaulting.
package authnconfig

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	api "k8s.io/apiserver/pkg/apis/apiserver"
	"k8s.io/apiserver/pkg/apis/apiserver/install"
	"k8s.io/apiserver/pkg/apis/apiserver/validation"
	authenticationcel "k8s.io/apiserver/pkg/authentication/cel"

	"github.com/kubeposture/kubeposture/internal/strictyaml"
	"github.com/kubeposture/kubeposture/snapshot"
)

var codecs = func() serializer.CodecFactory {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return serializer.NewCodecFactory(scheme, serializer.EnableStrict)
}()

// JWT decodes data (YAML or JSON; apiVersion apiserver.config.k8s.io/v1, v1beta1 or v1alpha1,
// v1 when absent) into the internal type, validates it as the API server does at start-up
// (ValidateAuthenticationConfiguration, with the default CEL compiler) and summarises its JWT
// authenticators. Validation errors are returned in Invalid, not as an error: the file was read,
// and the API server would refuse it, which is a finding.
func JWT(data []byte) (jwt []snapshot.JWTAuthenticator, invalid []string, err error) {
	j, err := strictyaml.ToJSON(data)
	if err != nil {
		return nil, nil, err
	}
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := strictyaml.Unmarshal(j, &meta); err != nil {
		return nil, nil, err
	}
	if meta.APIVersion == "" {
		// The API server needs apiVersion; a copy given to audit without it is read as v1.
		var doc map[string]any
		if err := strictyaml.Unmarshal(j, &doc); err != nil {
			return nil, nil, err
		}
		doc["apiVersion"] = "apiserver.config.k8s.io/v1"
		if j, err = json.Marshal(doc); err != nil {
			return nil, nil, err
		}
	}
	obj, _, err := codecs.UniversalDecoder().Decode(j, nil, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("decoding AuthenticationConfiguration: %w", err)
	}
	cfg, ok := obj.(*api.AuthenticationConfiguration)
	if !ok {
		return nil, nil, fmt.Errorf("decoded a %T, want AuthenticationConfiguration", obj)
	}
	for _, e := range validation.ValidateAuthenticationConfiguration(authenticationcel.NewDefaultCompiler(), cfg, nil) {
		invalid = append(invalid, e.Error())
	}
	for _, a := range cfg.JWT {
		m := a.ClaimMappings
		s := snapshot.JWTAuthenticator{
			Issuer: a.Issuer.URL, DiscoveryURL: a.Issuer.DiscoveryURL, Audiences: a.Issuer.Audiences,
			UsernameClaim: m.Username.Claim, UsernamePrefix: m.Username.Prefix, UsernameExpression: m.Username.Expression,
			GroupsClaim: m.Groups.Claim, GroupsPrefix: m.Groups.Prefix, GroupsExpression: m.Groups.Expression,
			ClaimValidationRules: len(a.ClaimValidationRules), UserValidationRules: len(a.UserValidationRules),
		}
		jwt = append(jwt, s)
	}
	return jwt, invalid, nil
}
