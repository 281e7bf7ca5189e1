// Package componentflags parses the command line of a control-plane container (kube-apiserver,
// kube-controller-manager, kube-scheduler, etcd) into flags, and reads them back as each
// component would: last-wins, defaults, the effective admission plugins.
//
// Kubernetes components use spf13/pflag: "--name=value" and "--name value" both set a flag,
// except that a boolean flag never takes the next word as its value ("--profiling false" sets
// profiling to true and leaves "false" as an argument). Repeats are kept in order; the
// snapshot's lookups apply last-wins. Kubernetes components normalise "_" to "-" in flag
// names (component-base's WordSepNormalizeFunc), so "--anonymous_auth" is "--anonymous-auth";
// names are stored normalised.
//
// Known limit: pflag gives a non-boolean flag the next word even when that word starts with
// "-". Parse does not (it cannot tell every boolean flag of every version apart), so a flag
// left without its value is recorded bare instead of swallowing the next flag.
package componentflags

import (
	"strings"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Parse returns the flags of a container whose command and args are given. The first word of
// command is the program and is skipped; parsing stops at "--", as pflag does. isBool says
// which flags are boolean (nil: none are); it decides whether "--name word" consumes word.
func Parse(command, args []string, isBool func(name string) bool) []snapshot.Flag {
	words := make([]string, 0, len(command)+len(args))
	words = append(words, command...)
	words = append(words, args...)
	if len(command) > 0 && !strings.HasPrefix(command[0], "-") {
		words = words[1:]
	}
	var flags []snapshot.Flag
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "--" {
			break
		}
		name, ok := flagName(w)
		if !ok {
			continue // a positional argument
		}
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			if eq == 0 {
				continue // "--=x" is not a flag pflag accepts
			}
			flags = append(flags, snapshot.Flag{Name: normalize(name[:eq]), Value: name[eq+1:]})
			continue
		}
		name = normalize(name)
		if (isBool == nil || !isBool(name)) && i+1 < len(words) && !strings.HasPrefix(words[i+1], "-") {
			flags = append(flags, snapshot.Flag{Name: name, Value: words[i+1]})
			i++
			continue
		}
		flags = append(flags, snapshot.Flag{Name: name, Bare: true})
	}
	return flags
}

// normalize applies component-base's WordSepNormalizeFunc: "_" and "-" are one separator.
func normalize(name string) string {
	return strings.ReplaceAll(name, "_", "-")
}

// flagName strips one or two leading dashes. "-" and "---x" are not flags.
func flagName(w string) (string, bool) {
	switch {
	case strings.HasPrefix(w, "--"):
		w = w[2:]
	case strings.HasPrefix(w, "-"):
		w = w[1:]
	default:
		return "", false
	}
	if w == "" || strings.HasPrefix(w, "-") {
		return "", false
	}
	return w, true
}

// boolFlags lists the boolean flags of each component that a check reads, so that
// "--flag word" is not misread as giving the flag a value. From the components' option
// definitions in k8s.io/kubernetes (cmd/*/app/options) and etcd's server flags.
var boolFlags = map[string]map[string]bool{
	"kube-apiserver": set("anonymous-auth", "profiling", "contention-profiling", "enable-bootstrap-token-auth",
		"kubelet-https", "service-account-lookup", "audit-log-compress", "enable-priority-and-fairness",
		"allow-privileged", "enable-aggregator-routing", "enable-garbage-collector",
		"service-account-extend-token-expiration", "enable-logs-handler"),
	"kube-controller-manager": set("profiling", "contention-profiling", "use-service-account-credentials",
		"leader-elect", "enable-garbage-collector", "allocate-node-cidrs"),
	"kube-scheduler": set("profiling", "contention-profiling", "leader-elect"),
	"etcd": set("client-cert-auth", "peer-client-cert-auth", "auto-tls", "peer-auto-tls",
		"enable-pprof", "strict-reconfig-check", "force-new-cluster"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// BoolFlags returns the isBool function for a component (kube-apiserver, etcd, ...).
func BoolFlags(component string) func(string) bool {
	m := boolFlags[component]
	return func(name string) bool { return m[name] }
}
