package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// profiling writes a Go profile of the run, as kubectl's --profile does: for measuring a
// scan of a big cluster (test/scale) and for a user's report of a slow one. The flags are
// hidden: they are for whoever profiles, not part of the audit.
type profiling struct {
	kind, output string
	file         *os.File
}

func (p *profiling) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&p.kind, "profile", "none", "profile to write: none, cpu, heap (in use at the end), allocs (every allocation)")
	fs.StringVar(&p.output, "profile-output", "profile.pprof", "file of --profile")
	_ = fs.MarkHidden("profile")
	_ = fs.MarkHidden("profile-output")
}

// start begins the profile; it runs once the flags are parsed.
func (p *profiling) start(*cobra.Command, []string) error {
	switch p.kind {
	case "none":
		return nil
	case "cpu", "heap", "allocs":
	default:
		return fmt.Errorf("--profile %q: want none, cpu, heap or allocs", p.kind)
	}
	f, err := os.Create(p.output)
	if err != nil {
		return fmt.Errorf("--profile-output: %w", err)
	}
	p.file = f
	if p.kind == "cpu" {
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			p.file = nil
			return fmt.Errorf("--profile cpu: %w", err)
		}
	}
	return nil
}

// stop writes the profile; it runs after the command, whether it failed or not.
func (p *profiling) stop() error {
	if p.file == nil {
		return nil
	}
	defer func() { p.file = nil }()
	switch p.kind {
	case "cpu":
		pprof.StopCPUProfile()
	case "heap":
		runtime.GC() // the heap profile shows what the last collection kept
		if err := pprof.Lookup("heap").WriteTo(p.file, 0); err != nil {
			p.file.Close()
			return fmt.Errorf("--profile heap: %w", err)
		}
	case "allocs":
		runtime.GC() // the profile counts what was allocated up to the last collection
		if err := pprof.Lookup("allocs").WriteTo(p.file, 0); err != nil {
			p.file.Close()
			return fmt.Errorf("--profile allocs: %w", err)
		}
	}
	if err := p.file.Close(); err != nil {
		return fmt.Errorf("--profile-output: %w", err)
	}
	return nil
}
