package imagescan

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

	"github.com/kubeposture/kubeposture/snapshot"
)

// ExecutableName is the scanner's executable, built from cmd/audit-imagescan.
const ExecutableName = "audit-imagescan"

// ExecutableEnv names the variable that points at the scanner's executable, when it is
// neither beside audit nor on PATH.
const ExecutableEnv = "KUBEPOSTURE_IMAGESCAN"

// Request is what audit sends the scanner on its standard input.
type Request struct {
	Options Options  `json:"options"`
	Targets []Target `json:"targets"`
}

// Response is what the scanner writes on its standard output: the result, or why nothing
// could be scanned.
type Response struct {
	Result *Result `json:"result,omitempty"`
	Error  string  `json:"error,omitempty"`
}

// Executable finds the scanner: $KUBEPOSTURE_IMAGESCAN, else audit-imagescan beside the
// running executable (as `go install ./cmd/...` and the container image put it), else on PATH.
func Executable() (string, error) {
	install := "go install github.com/kubeposture/kubeposture/cmd/" + ExecutableName + "@latest (it carries Trivy, kept out of audit for its weight)"
	if p := os.Getenv(ExecutableEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w: point it at the scanner, or install it beside audit: %s", ExecutableEnv, p, err, install)
		}
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), ExecutableName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath(ExecutableName); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("the image scanner %s is not installed beside audit nor on PATH: %s, or set %s",
		ExecutableName, install, ExecutableEnv)
}

// Scan scans every distinct image of s (Targets) with the scanner executable and records the
// results in s.ImageScans and s.Resources[snapshot.ResImages]. An image that cannot be scanned
// gets its Error and the others go on; Scan fails only when nothing can be scanned (no
// database, server unreachable, no scanner), with an error that says what to do.
func Scan(ctx context.Context, s *snapshot.Snapshot, opts Options) error {
	exe, err := Executable()
	if err != nil {
		return err
	}
	req, err := json.Marshal(Request{Options: opts, Targets: Targets(s)})
	if err != nil {
		return err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, exe)
	cmd.Stdin, cmd.Stdout = bytes.NewReader(req), &out
	cmd.Stderr = opts.Progress // one line per image, as it is scanned
	if cmd.Stderr == nil {
		cmd.Stderr = io.Discard
	}
	runErr := cmd.Run()
	var resp Response
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		if runErr != nil {
			return fmt.Errorf("%s: %w", exe, runErr)
		}
		return fmt.Errorf("%s: unreadable answer: %w", exe, err)
	}
	switch {
	case resp.Error != "":
		return errors.New(resp.Error)
	case resp.Result == nil || runErr != nil:
		return fmt.Errorf("%s: no result (%v)", exe, runErr)
	}
	resp.Result.Apply(s)
	return nil
}
