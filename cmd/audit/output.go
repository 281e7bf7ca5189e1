package main

import (
	"fmt"
	"io"
	"os"
)

// writeFile creates the file at path (--output) and writes it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// sameFile refuses an output file that is an input file (the snapshot is the evidence; a
// saved result is what is rendered): outFlag names out, inFlag in.
func sameFile(outFlag, out, inFlag, in string) error {
	if out == "" || in == "" || in == "-" {
		return nil
	}
	oi, err := os.Stat(out)
	if err != nil {
		return nil // not there yet: not the input
	}
	ii, err := os.Stat(in)
	if err == nil && os.SameFile(oi, ii) {
		return fmt.Errorf("%s %s is %s: writing it would destroy the input; give another file", outFlag, out, inFlag)
	}
	return nil
}
