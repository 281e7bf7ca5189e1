package collect

import (
	"fmt"
	"path/filepath"

	"github.com/kubeposture/kubeposture/internal/admissionconfig"
	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/snapshot"
)

// ReadAdmissionConfig reads the API server's --admission-control-config-file and keeps the
// PodSecurity plugin's configuration. A PodSecurityConfiguration file given directly is taken
// too, since that is what the plugin entry's path names.
func ReadAdmissionConfig(path string) (*snapshot.PodSecurityConfig, error) {
	data, err := sizelimit.ReadFile(path, sizelimit.ConfigFile, "a configuration file")
	if err != nil {
		return nil, fmt.Errorf("admission configuration: %w", err)
	}
	dir := filepath.Dir(path)
	c, err := admissionconfig.Parse(data, func(p string) ([]byte, error) {
		// The API server resolves a relative plugin path against the configuration file's
		// directory (k8s.io/apiserver pkg/admission/config.go).
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		return sizelimit.ReadFile(p, sizelimit.ConfigFile, "a configuration file")
	})
	if err != nil {
		return nil, fmt.Errorf("admission configuration %s: %w (give the file the API server's --admission-control-config-file names)", path, err)
	}
	c.Path = path
	return c, nil
}
