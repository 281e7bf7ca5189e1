package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/util/cert"
)

// serve with --tls-cert-file and --tls-private-key-file answers HTTPS only, and serves a new
// certificate once the files change as a Secret volume changes them: the kubelet writes the
// new files into a new directory and swaps the ..data symlink the file names point through.
func TestServeReloadsTLSCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	for _, name := range []string{"tls.crt", "tls.key"} {
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	publish := func(version, host string) *x509.CertPool {
		t.Helper()
		certPEM, keyPEM, err := cert.GenerateSelfSignedCertKey(host, []net.IP{net.ParseIP("127.0.0.1")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		vdir := filepath.Join(dir, "..v"+version)
		if err := os.Mkdir(vdir, 0o700); err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{"tls.crt": certPEM, "tls.key": keyPEM} {
			if err := os.WriteFile(filepath.Join(vdir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		old, _ := os.Readlink(filepath.Join(dir, "..data"))
		tmp := filepath.Join(dir, "..data_tmp")
		if err := os.Symlink(filepath.Base(vdir), tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
			t.Fatal(err)
		}
		if old != "" {
			os.RemoveAll(filepath.Join(dir, old))
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(certPEM)
		return pool
	}
	firstCA := publish("1", "first.kubeposture.test")

	run := startServe(t, "--snapshot", demo, "--insecure-no-auth", "--tls-cert-file", certFile, "--tls-private-key-file", keyFile)
	// served is the certificate a new connection is served, "" while none is.
	served := func() string {
		conn, err := tls.Dial("tcp", run.addr, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			return ""
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	waitFor := func(host string) {
		t.Helper()
		run.await("the certificate of "+host+" served", func() bool { return strings.HasPrefix(served(), host+"@") })
	}
	waitFor("first.kubeposture.test")

	verified := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: firstCA}}}
	resp, err := verified.Get("https://" + run.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 1 {
		t.Errorf("/healthz over HTTPS: %d %s, want 200 over HTTP/1.1", resp.StatusCode, resp.Proto)
	}
	if code, _ := get(t, run.base()+"/healthz"); code == http.StatusOK {
		t.Error("plain HTTP is answered too")
	}

	publish("2", "second.kubeposture.test")
	waitFor("second.kubeposture.test")

	if exit := run.stop(); !strings.Contains(exit.stderr, "listening on https://") || strings.Contains(exit.stderr, "plain HTTP") {
		t.Errorf("serve did not say it serves HTTPS: %s", exit.stderr)
	}
}

// A certificate without its key (or the reverse) is a usage error naming both flags.
func TestServeTLSFlagsGoTogether(t *testing.T) {
	_, errOut, code := runCLI(t, "serve", "--snapshot", demo, "--insecure-no-auth", "--tls-cert-file", "tls.crt", "--listen", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "--tls-private-key-file") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "serve", "--snapshot", demo, "--insecure-no-auth", "--tls-cert-file", filepath.Join(t.TempDir(), "missing.crt"),
		"--tls-private-key-file", filepath.Join(t.TempDir(), "missing.key"), "--listen", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "missing.crt") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// serve warns about plain HTTP unless --listen is a loopback address.
func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:8080": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "10.0.0.7:8080": false, "kubeposture:8080": false,
	} {
		if got := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
