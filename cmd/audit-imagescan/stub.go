//go:build goexperiment.jsonv2

// Command audit-imagescan, built with the jsonv2 experiment on (Go 1.27's default): Trivy does
// not compile then (see package imagescan), so this build only says how to rebuild it.
package main

import (
	"encoding/json"
	"os"

	"github.com/kubeposture/kubeposture/imagescan"
)

func main() {
	_ = json.NewEncoder(os.Stdout).Encode(imagescan.Response{Error: "this audit-imagescan was built with the jsonv2 experiment on (Go 1.27's default), " +
		"with which Trivy does not compile: reinstall it with `GOEXPERIMENT=nojsonv2 go install github.com/kubeposture/kubeposture/cmd/audit-imagescan@latest` (Go 1.27), or with Go 1.26"})
	os.Exit(1)
}
