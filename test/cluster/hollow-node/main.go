// Command hollow-node runs the kubelet's own code on a machine without a container runtime,
// for kubeposture's whole-cluster tests.
//
// It reads its command line and config file as the kubelet does (the same flags, the legacy
// defaults of a flag-only kubelet, --config loaded by the kubelet's loader, flags over the
// file, the kubelet's validation), then calls the kubelet's own entry point,
// k8s.io/kubernetes/cmd/kubelet/app.Run: client certificates and their rotation, the
// authenticator and authorizer of its API, serving TLS (self-signed, from files, or bootstrapped
// through a CSR), /configz, node registration and status, the pod workers, static pods and
// their mirror pods are the kubelet's. What a host without a runtime lacks comes from kubemark
// (k8s.io/kubernetes/pkg/kubemark), as upstream's hollow nodes use it: a fake CRI runtime
// served on the configured --container-runtime-endpoint (its containers start and never end;
// its images have no user, so the kubelet takes them for root), a fake cAdvisor (the node
// reports its fake OS and kernel, and a machine of 32 CPUs and 128 GiB rather than kubemark's
// single CPU, so that a node holds its 110 pods with realistic requests), a stub container manager (no cgroups, no kernel
// tunables: protectKernelDefaults checks nothing), a fake prober (containers are ready once
// started), fake mounts and OOM adjustment.
//
// Beyond the kubelet's flags it takes two of its own, for a node started in namespaces of its
// own: --hollow-hostname=NAME sets the host name of its UTS namespace, so that the node is
// named as a real host names it, without --hostname-override; --hollow-cgroup2 mounts a
// read-only cgroup v2 hierarchy at /sys/fs/cgroup in its mount namespace when the host has
// cgroup v1, which the kubelet refuses (failCgroupV1, checked by its configuration's
// validation). The stub container manager creates no cgroups, so nothing is written there.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	cadvisorapi "github.com/google/cadvisor/lib/model"
	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	cliflag "k8s.io/component-base/cli/flag"
	"k8s.io/component-base/logs"
	logsapi "k8s.io/component-base/logs/api/v1"
	_ "k8s.io/component-base/metrics/prometheus/restclient" // client metrics, as upstream's kubemark registers them
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/component-base/version/verflag"
	fakeremote "k8s.io/cri-client/pkg/fake"
	"k8s.io/klog/v2"
	kubeletapp "k8s.io/kubernetes/cmd/kubelet/app"
	"k8s.io/kubernetes/cmd/kubelet/app/options"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	kubeletconfigvalidation "k8s.io/kubernetes/pkg/kubelet/apis/config/validation"
	cadvisortest "k8s.io/kubernetes/pkg/kubelet/cadvisor/testing"
	"k8s.io/kubernetes/pkg/kubelet/cm"
	"k8s.io/kubernetes/pkg/kubelet/eviction"
	"k8s.io/kubernetes/pkg/kubelet/kubeletconfig/configfiles"
	"k8s.io/kubernetes/pkg/kubemark"
	utilfs "k8s.io/kubernetes/pkg/util/filesystem"
)

const (
	hostnameFlag = "--hollow-hostname="
	cgroup2Flag  = "--hollow-cgroup2"
	// fakeImageSize is the size the fake runtime gives every image it "pulls".
	fakeImageSize = 64 << 20
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hollow-node:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var kubeletArgs []string
	for _, a := range args {
		if name, ok := strings.CutPrefix(a, hostnameFlag); ok {
			if err := syscall.Sethostname([]byte(name)); err != nil {
				return fmt.Errorf("%s%s: %w (start it in a UTS namespace of its own, as root)", hostnameFlag, name, err)
			}
			continue
		}
		if a == cgroup2Flag {
			if err := mountCgroup2(); err != nil {
				return fmt.Errorf("%s: %w", cgroup2Flag, err)
			}
			continue
		}
		kubeletArgs = append(kubeletArgs, a)
	}
	s, err := parse(kubeletArgs)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// The runtime: kubemark's fake CRI server, on the endpoint the kubelet is configured to
	// dial (the kubelet connects to it with its own CRI client).
	if s.ContainerRuntimeEndpoint == "" {
		return errors.New("--container-runtime-endpoint (or containerRuntimeEndpoint in --config) must name the unix socket where the fake runtime is served")
	}
	runtime := fakeremote.NewFakeRemoteRuntime()
	// The kubelet refuses an image whose size is 0, the fake image service's default.
	runtime.ImageService.SetFakeImageSize(fakeImageSize)
	if err := runtime.Start(s.ContainerRuntimeEndpoint); err != nil {
		return fmt.Errorf("start the fake runtime on %s: %w", s.ContainerRuntimeEndpoint, err)
	}
	defer runtime.Stop()

	hostname := s.HostnameOverride
	if hostname == "" {
		if hostname, err = os.Hostname(); err != nil {
			return err
		}
	}
	// kubemark's dependencies; the kubelet's Run builds the API clients (with client
	// certificate rotation when rotateCertificates is set), the authenticator and authorizer,
	// the CRI clients and the event recorder itself when they are nil.
	deps := kubemark.NewHollowKubelet(&s.KubeletFlags, &s.KubeletConfiguration, nil, nil,
		machine{&cadvisortest.Fake{NodeName: hostname}}, nil, nil, cm.NewStubContainerManager()).KubeletDeps
	deps.KubeClient, deps.HeartbeatClient, deps.RemoteRuntimeService, deps.RemoteImageService = nil, nil, nil, nil
	// kubemark's fake recorder drops events and skips the kernel log's OOM watcher; the
	// kubelet's own recorder sends the node's events to the API server.
	deps.Recorder = nil
	// Serving TLS as the kubelet's UnsecuredDependencies sets it up: the configured files, a
	// self-signed pair written to --cert-dir, or none yet with serverTLSBootstrap.
	if deps.TLSOptions, err = kubeletapp.InitializeTLS(ctx, &s.KubeletFlags, &s.KubeletConfiguration); err != nil {
		return err
	}
	return kubeletapp.Run(ctx, s, deps, utilfeature.DefaultFeatureGate)
}

// machine is kubemark's fake cAdvisor with a bigger machine.
type machine struct{ *cadvisortest.Fake }

func (m machine) MachineInfo(logger klog.Logger) (*cadvisorapi.MachineInfo, error) {
	info, err := m.Fake.MachineInfo(logger)
	if err == nil {
		info.NumCores, info.MemoryCapacity = 32, 128<<30
	}
	return info, err
}

// mountCgroup2 mounts cgroup v2 read-only at /sys/fs/cgroup unless it is there already. It
// refuses in its parent's mount namespace (the host's, when not started in one of its own),
// where it would hide the host's hierarchy.
func mountCgroup2() error {
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return nil
	}
	self, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil {
		return err
	}
	if parent, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", os.Getppid())); err != nil || parent == self {
		return errors.New("not in a mount namespace of its own (start it with ip netns exec or unshare -m)")
	}
	return unix.Mount("cgroup2", "/sys/fs/cgroup", "cgroup2", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
}

// parse reads the command line and config file as the kubelet's NewKubeletCommand does
// (cmd/kubelet/app/server.go): flags over legacy defaults, then, with --config, the file
// loaded by the kubelet's loader with the flags parsed again over it, then validation.
func parse(args []string) (*options.KubeletServer, error) {
	fs := pflag.NewFlagSet("kubelet", pflag.ContinueOnError)
	fs.SetNormalizeFunc(cliflag.WordSepNormalizeFunc)
	flags := options.NewKubeletFlags()
	config, err := options.NewKubeletConfiguration()
	if err != nil {
		return nil, err
	}
	flags.AddFlags(fs)
	options.AddKubeletConfigFlags(fs, config)
	options.AddGlobalFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("failed to parse kubelet flag: %w", err)
	}
	if len(fs.Args()) > 0 {
		return nil, fmt.Errorf("unknown command %s", fs.Args()[0])
	}
	verflag.PrintAndExitIfRequested()
	if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(config.FeatureGates); err != nil {
		return nil, err
	}
	if err := options.ValidateKubeletFlags(flags); err != nil {
		return nil, fmt.Errorf("failed to validate kubelet flags: %w", err)
	}
	if flags.KubeletDropinConfigDirectory != "" {
		return nil, errors.New("--config-dir is not supported by hollow-node")
	}
	if flags.KubeletConfigFile != "" {
		if config, err = loadConfigFile(flags.KubeletConfigFile); err != nil {
			return nil, err
		}
		if err := flagPrecedence(config, args); err != nil {
			return nil, err
		}
		if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(config.FeatureGates); err != nil {
			return nil, err
		}
	}
	logs.InitLogs()
	if err := logsapi.ValidateAndApplyAsField(&config.Logging, utilfeature.DefaultFeatureGate, field.NewPath("logging")); err != nil {
		return nil, fmt.Errorf("initialize logging: %w", err)
	}
	if err := kubeletconfigvalidation.ValidateKubeletConfiguration(config, utilfeature.DefaultFeatureGate); err != nil {
		return nil, fmt.Errorf("failed to validate kubelet configuration: %w", err)
	}
	return &options.KubeletServer{KubeletFlags: *flags, KubeletConfiguration: *config}, nil
}

// loadConfigFile is the kubelet's loadConfigFile: its file loader, and the default hard
// eviction thresholds when the file sets none.
func loadConfigFile(name string) (*kubeletconfig.KubeletConfiguration, error) {
	path, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	loader, err := configfiles.NewFsLoader(&utilfs.DefaultFs{}, path)
	if err != nil {
		return nil, fmt.Errorf("failed to load kubelet config file %s: %w", name, err)
	}
	kc, err := loader.Load(context.Background())
	if err != nil {
		return nil, fmt.Errorf("failed to load kubelet config file %s: %w", name, err)
	}
	if kc.EvictionHard == nil {
		kc.EvictionHard = eviction.DefaultEvictionHard
	} else if kc.MergeDefaultEvictionSettings {
		for k, v := range eviction.DefaultEvictionHard {
			if _, ok := kc.EvictionHard[k]; !ok {
				kc.EvictionHard[k] = v
			}
		}
	}
	return kc, nil
}

// flagPrecedence is the kubelet's kubeletConfigFlagPrecedence: the command line parsed again
// over the loaded file, with throwaway flags and no-op global flags so that nothing is parsed
// twice, and the file's feature gates kept where the flags name none.
func flagPrecedence(kc *kubeletconfig.KubeletConfiguration, args []string) error {
	globals := pflag.NewFlagSet("", pflag.ContinueOnError)
	globals.SetNormalizeFunc(cliflag.WordSepNormalizeFunc)
	options.AddGlobalFlags(globals)
	fs := pflag.NewFlagSet("", pflag.ContinueOnError)
	fs.SetNormalizeFunc(cliflag.WordSepNormalizeFunc)
	globals.VisitAll(func(f *pflag.Flag) { fs.VarP(cliflag.NoOp{}, f.Name, f.Shorthand, f.Usage) })
	options.NewKubeletFlags().AddFlags(fs)
	options.AddKubeletConfigFlags(fs, kc)
	original := kc.FeatureGates
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return err
	}
	for k, v := range original {
		if _, ok := kc.FeatureGates[k]; !ok {
			kc.FeatureGates[k] = v
		}
	}
	return nil
}
