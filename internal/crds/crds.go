// Package crds installs third-party CustomResourceDefinitions into a test cluster from the
// projects' own Go modules, as the module proxy serves them, at pinned versions: tests run
// against the CRDs the projects publish, never hand-written copies.
package crds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// Source is a module that publishes CRDs, the version the tests install, and the files (paths
// in the module) that hold them.
type Source struct {
	Module, Version string
	Files           []string
}

// The sources the add-on tests install. Linkerd (github.com/linkerd/linkerd2) and the Secrets
// Store CSI driver (sigs.k8s.io/secrets-store-csi-driver) are not served by the module proxy,
// so their kinds are tested without their CRDs.
var (
	// Istio's CRDs: PeerAuthentication, DestinationRule and the rest of the mesh's API.
	Istio = Source{Module: "istio.io/api", Version: "v1.32.0",
		Files: []string{"kubernetes/customresourcedefinitions.gen.yaml"}}
	// ExternalSecrets: the External Secrets Operator's ExternalSecret, SecretStore and
	// ClusterSecretStore.
	ExternalSecrets = Source{Module: "github.com/external-secrets/external-secrets", Version: "v0.16.2",
		Files: []string{
			"config/crds/bases/external-secrets.io_externalsecrets.yaml",
			"config/crds/bases/external-secrets.io_secretstores.yaml",
			"config/crds/bases/external-secrets.io_clustersecretstores.yaml",
		}}
	// GatewayAPI: the standard channel's GatewayClass, Gateway and HTTPRoute.
	GatewayAPI = Source{Module: "sigs.k8s.io/gateway-api", Version: "v1.6.3",
		Files: []string{
			"config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml",
			"config/crd/standard/gateway.networking.k8s.io_gateways.yaml",
			"config/crd/standard/gateway.networking.k8s.io_httproutes.yaml",
		}}
)

// Dir returns the directory of src's module in the module cache, downloading it through the
// module proxy when it is not there (`go mod download -json`, outside any module, so that no
// go.mod or go.sum is touched).
func Dir(ctx context.Context, src Source) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	tmp, err := os.MkdirTemp("", "crds-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, goBin, "mod", "download", "-json", src.Module+"@"+src.Version)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GO111MODULE=on")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil || info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %v %s %s", src.Module, src.Version, runErr, info.Error, stderr.String())
	}
	return info.Dir, nil
}

// Read returns the CustomResourceDefinitions of src's files.
func Read(ctx context.Context, src Source) ([]*unstructured.Unstructured, error) {
	dir, err := Dir(ctx, src)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, f := range src.Files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return nil, fmt.Errorf("%s@%s: %w", src.Module, src.Version, err)
		}
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return nil, fmt.Errorf("%s@%s %s: %w", src.Module, src.Version, f, err)
			}
			u := &unstructured.Unstructured{Object: obj}
			if u.GetKind() == "CustomResourceDefinition" {
				out = append(out, u)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s@%s: no CustomResourceDefinition in %v", src.Module, src.Version, src.Files)
	}
	return out, nil
}

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// Install creates the CRDs of srcs in the cluster cfg reaches (an existing one is left as it
// is) and waits until discovery serves every kind they define.
func Install(ctx context.Context, cfg *rest.Config, srcs ...Source) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	want := map[string][]string{} // group version -> plurals
	for _, src := range srcs {
		defs, err := Read(ctx, src)
		if err != nil {
			return err
		}
		for _, d := range defs {
			d.SetResourceVersion("")
			if _, err := dyn.Resource(crdResource).Create(ctx, d, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("create CRD %s from %s@%s: %w", d.GetName(), src.Module, src.Version, err)
			}
			group, _, _ := unstructured.NestedString(d.Object, "spec", "group")
			plural, _, _ := unstructured.NestedString(d.Object, "spec", "names", "plural")
			versions, _, _ := unstructured.NestedSlice(d.Object, "spec", "versions")
			for _, v := range versions {
				m, _ := v.(map[string]any)
				if served, _ := m["served"].(bool); served {
					gv := group + "/" + fmt.Sprint(m["name"])
					want[gv] = append(want[gv], plural)
				}
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for gv, plurals := range want {
		for {
			rl, err := disc.ServerResourcesForGroupVersion(gv)
			if err == nil && servesAll(rl, plurals) {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("CRDs of %s not served after a minute: %v", gv, err)
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}

func servesAll(rl *metav1.APIResourceList, plurals []string) bool {
	for _, p := range plurals {
		if !slices.ContainsFunc(rl.APIResources, func(r metav1.APIResource) bool { return r.Name == p }) {
			return false
		}
	}
	return true
}

// Apply creates the objects of manifest (YAML documents) in the cluster cfg reaches, finding
// each kind's resource through discovery, so that a test writes custom resources as their
// projects document them.
func Apply(ctx context.Context, cfg *rest.Config, manifest string) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if len(obj) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: obj}
		gvk := u.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("%s %s: %w", gvk, u.GetName(), err)
		}
		var res dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			res = dyn.Resource(m.Resource).Namespace(u.GetNamespace())
		}
		if _, err := res.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create %s %s/%s: %w", gvk.Kind, u.GetNamespace(), u.GetName(), err)
		}
	}
}
