package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/internal/strictyaml"
)

// defaultConfig is the configuration file read when --config is not given, if present.
const defaultConfig = ".kubeposture.yaml"

// configLimit bounds a configuration file: a few flags, not a data set.
const configLimit = 1 << 20

// envPrefix prefixes the environment variables that set a flag: KUBEPOSTURE_FAIL_ON.
const envPrefix = "KUBEPOSTURE_"

// configNotFlags are the flags a configuration file or the environment cannot set.
var configNotFlags = []string{"config", "help"}

// addConfigFlag registers --config on a command whose flags a file can hold.
func addConfigFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "config", "", "read flags from this YAML file (default "+defaultConfig+" in the working directory, if present): keys are the flags' long names; KUBEPOSTURE_<FLAG> environment variables override it, flags override both")
}

// applyConfig sets each flag not given on the command line from the environment
// (KUBEPOSTURE_FAIL_ON for --fail-on), else from the configuration file. An unknown key in
// the file is an error naming the file and the key; a variable of the environment that
// names no flag is left alone (KUBEPOSTURE_IMAGESCAN is not a flag).
func applyConfig(cmd *cobra.Command, path string) error {
	explicit := path != ""
	if !explicit {
		path = defaultConfig
	}
	values, err := readConfig(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		values = nil
	case err != nil:
		return fmt.Errorf("--config: %w", err)
	}
	fl := cmd.Flags()
	var unknown []string
	for key := range values {
		if f := fl.Lookup(key); f == nil || slices.Contains(configNotFlags, key) {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("--config %s: unknown key %q (keys are the long names of 'audit %s' flags)", path, unknown[0], cmd.Name())
	}
	var errs []error
	fl.VisitAll(func(f *pflag.Flag) {
		if len(errs) > 0 || f.Changed || slices.Contains(configNotFlags, f.Name) {
			return
		}
		env := envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if err := fl.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
			return
		}
		if v, ok := values[f.Name]; ok {
			if err := fl.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("--config %s: %s: %w", path, f.Name, err))
			}
		}
	})
	return errors.Join(errs...)
}

// readConfig reads a configuration file: a YAML mapping of flag names to values, a list for
// a flag that takes several. Values are returned as a flag would take them on the command
// line (a list comma-joined).
func readConfig(path string) (map[string]string, error) {
	data, err := sizelimit.ReadFile(path, configLimit, "a configuration file")
	if err != nil {
		return nil, err
	}
	return parseConfig(path, data)
}

func parseConfig(path string, data []byte) (map[string]string, error) {
	js, err := strictyaml.ToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var raw map[string]json.RawMessage
	if string(js) != "null" {
		if err := json.Unmarshal(js, &raw); err != nil {
			return nil, fmt.Errorf("%s: want a mapping of flag names to values", path)
		}
	}
	out := map[string]string{}
	for key, v := range raw {
		s, err := configValue(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, key, err)
		}
		out[key] = s
	}
	return out, nil
}

// configValue renders a value as the command line would give it.
func configValue(v json.RawMessage) (string, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err == nil {
		parts := make([]string, len(list))
		for i, e := range list {
			s, err := scalar(e)
			if err != nil {
				return "", err
			}
			if strings.Contains(s, ",") {
				return "", fmt.Errorf("list item %q holds a comma", s)
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	}
	return scalar(v)
}

func scalar(v json.RawMessage) (string, error) {
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		return "", err
	}
	switch x := x.(type) {
	case string:
		return x, nil
	case bool, float64:
		return strings.TrimSpace(string(v)), nil
	}
	return "", fmt.Errorf("want a string, number, boolean or list of them")
}
