package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// kubeFlags are kubectl's connection flags (--kubeconfig, --context, --namespace/-n, --server,
// --token, --as…) with kubectl's rules: --kubeconfig, else KUBECONFIG, else ~/.kube/config,
// and the pod's service account when run in a cluster with none of them. They are client-go's
// own (clientcmd), which cli-runtime's ConfigFlags wraps: cli-runtime's package also brings
// kustomize, whose Go plugin loader made every symbol of the binary dynamic (23 MB more
// binary, 22 MB more memory resident in every run, `audit version` included).
type kubeFlags struct {
	rules     *clientcmd.ClientConfigLoadingRules
	overrides clientcmd.ConfigOverrides
	userExtra []string // --as-user-extra KEY=VALUE
}

func newKubeFlags() *kubeFlags {
	return &kubeFlags{rules: clientcmd.NewDefaultClientConfigLoadingRules()}
}

// addFlags registers the connection flags on a command that talks to a cluster, with
// completion of --context from the kubeconfig and of -n from the cluster's namespaces.
func (k *kubeFlags) addFlags(cmd *cobra.Command) {
	k.addFlagSet(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("context", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cfg, err := k.rules.Load()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return slices.Sorted(maps.Keys(cfg.Contexts)), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("namespace", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return k.namespaceNames(cmd.Context()), cobra.ShellCompDirectiveNoFileComp
	})
}

// namespaceNames lists the cluster's namespaces for completion, when it answers quickly.
func (k *kubeFlags) namespaceNames(ctx context.Context) []string {
	cfg, err := k.ToRESTConfig()
	if err != nil {
		return nil
	}
	cfg.Timeout = 3 * time.Second
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	list, err := client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil
	}
	var out []string
	for _, ns := range list.Items {
		out = append(out, ns.Name)
	}
	return out
}

func (k *kubeFlags) addFlagSet(fs *pflag.FlagSet) {
	fs.StringVar(&k.rules.ExplicitPath, clientcmd.RecommendedConfigPathFlag, "", "Path to the kubeconfig file to use for CLI requests.")
	names := clientcmd.RecommendedConfigOverrideFlags("")
	names.AuthOverrideFlags.Username.LongName = "" // basic auth is gone from Kubernetes
	names.AuthOverrideFlags.Password.LongName = ""
	names.ClusterOverrideFlags.APIServer.ShortName = "s" // as kubectl
	clientcmd.BindOverrideFlags(&k.overrides, fs, names)
	fs.StringArrayVar(&k.userExtra, "as-user-extra", nil, "User extras to impersonate for the operation, KEY=VALUE; repeat the flag for several values or keys.")
}

// ToRESTConfig is the client configuration the flags and the kubeconfig files select.
func (k *kubeFlags) ToRESTConfig() (*rest.Config, error) {
	if len(k.userExtra) > 0 {
		extra := map[string][]string{}
		for _, kv := range k.userExtra {
			key, value, ok := strings.Cut(kv, "=")
			if !ok || key == "" {
				return nil, fmt.Errorf("--as-user-extra %q: want KEY=VALUE", kv)
			}
			extra[key] = append(extra[key], value)
		}
		k.overrides.AuthInfo.ImpersonateUserExtra = extra
	}
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(k.rules, &k.overrides).ClientConfig()
}

// namespace is --namespace, "" when not given.
func (k *kubeFlags) namespace() string { return k.overrides.Context.Namespace }
