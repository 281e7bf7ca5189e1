package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"

	"k8s.io/apiserver/pkg/server/dynamiccertificates"
)

// servingTLS is the TLS configuration of --tls-cert-file and --tls-private-key-file, or nil
// when neither is given. The pair is read again whenever either file changes (a Secret
// volume's update, cert-manager's renewal), and checked every minute besides, by
// k8s.io/apiserver's dynamiccertificates, as the API server serves its own certificate; a
// pair that does not load (the key written before the certificate) is retried and the
// previous one served meanwhile. The watchers stop with ctx.
func servingTLS(ctx context.Context, certFile, keyFile string) (*tls.Config, error) {
	switch {
	case certFile == "" && keyFile == "":
		return nil, nil
	case certFile == "" || keyFile == "":
		return nil, fmt.Errorf("--tls-cert-file and --tls-private-key-file go together: give both, or neither to serve plain HTTP")
	}
	pair, err := dynamiccertificates.NewDynamicServingContentFromFiles("serving-cert", certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert-file %s, --tls-private-key-file %s: %w", certFile, keyFile, err)
	}
	// HTTP/1.1 only, as controller-runtime's metrics server by default: HTTP/2's rapid reset
	// (CVE-2023-44487) starts work faster than the in-flight limit refuses it.
	base := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	certs := dynamiccertificates.NewDynamicServingCertificateController(base, nil, pair, nil, nil)
	pair.AddListener(certs)
	if err := certs.RunOnce(); err != nil {
		return nil, fmt.Errorf("--tls-cert-file %s, --tls-private-key-file %s: %w", certFile, keyFile, err)
	}
	go pair.Run(ctx, 1)
	go certs.Run(1, ctx.Done())
	return &tls.Config{MinVersion: base.MinVersion, NextProtos: base.NextProtos, GetConfigForClient: certs.GetConfigForClient}, nil
}

// loopback reports whether the --listen address is reachable from this host only.
func loopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
