//go:build !goexperiment.jsonv2

// Command audit-imagescan is kubeposture's image scanner: `audit --scan-images` starts it,
// sends the images to scan and the options on its standard input (imagescan.Request), and
// reads the result on its standard output (imagescan.Response); progress goes to standard
// error. It links Trivy (package imagescan/trivyscan), which audit itself does not, for its
// weight. It is not meant to be run by hand.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"

	"github.com/kubeposture/kubeposture/imagescan"
	"github.com/kubeposture/kubeposture/imagescan/trivyscan"
)

func main() {
	os.Exit(run())
}

func run() int {
	var req imagescan.Request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return answer(imagescan.Response{Error: fmt.Sprintf("%s reads its request from audit on standard input (run audit scan --scan-images): %v", imagescan.ExecutableName, err)})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	req.Options.Progress = os.Stderr
	res, err := trivyscan.ScanTargets(ctx, req.Targets, req.Options)
	if err != nil {
		return answer(imagescan.Response{Error: err.Error()})
	}
	return answer(imagescan.Response{Result: res})
}

// answer writes r to standard output; the exit status says whether it holds a result.
func answer(r imagescan.Response) int {
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if r.Error != "" {
		return 1
	}
	return 0
}
