package nodeagent

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kubeposture/kubeposture/snapshot"
)

// caFlags are the static pods' flags that name CA files the checks compare by the
// certificates' fingerprints: etcd's client CA and the API server's (CIS 2.7, a CA of etcd's
// own). Flags read as the components read them (staticFlag: etcd's ETCD_* variables too).
var caFlags = []struct{ component, flag string }{
	{"etcd", "trusted-ca-file"},
	{"kube-apiserver", "client-ca-file"},
}

// maxCertificateFile bounds what is read of a CA file: a bundle of a few hundred certificates
// (a system trust store is about 200 KiB) fits; anything larger is not a CA file to compare.
const maxCertificateFile = 1 << 20

// readCertificates records the public identity of the certificates in each CA file of caFlags:
// fingerprint (SHA-256 of the DER encoding), subject and issuer. It reads PEM CERTIFICATE blocks
// and keeps nothing else of the file: a key in it is neither decoded nor recorded, and a path
// ending in .key is not opened at all.
func (a *agent) readCertificates() {
	seen := map[string]bool{}
	for _, cf := range caFlags {
		p, ok := a.staticFlag(cf.component, cf.flag)
		if !ok || p == "" || seen[p] {
			continue
		}
		seen[p] = true
		f := snapshot.CertificateFile{Path: p}
		var err error
		if f.Certificates, err = a.certificates(p); err != nil {
			f.Error = err.Error()
		}
		a.rep.Certificates = append(a.rep.Certificates, f)
	}
}

func (a *agent) certificates(p string) ([]snapshot.Certificate, error) {
	if strings.HasSuffix(p, ".key") {
		return nil, fmt.Errorf("not read: a .key file holds a private key, which the node agent never reads")
	}
	fh, err := os.Open(a.host(p))
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxCertificateFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxCertificateFile {
		return nil, fmt.Errorf("larger than %d bytes: not a CA file", maxCertificateFile)
	}
	return parseCertificates(data)
}

// parseCertificates returns the identity of each PEM CERTIFICATE block of data, in order.
// Other blocks are skipped unread.
func parseCertificates(data []byte) ([]snapshot.Certificate, error) {
	var out []snapshot.Certificate
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %v", n, err)
		}
		sum := sha256.Sum256(block.Bytes)
		out = append(out, snapshot.Certificate{SHA256: hex.EncodeToString(sum[:]), Subject: cert.Subject.String(), Issuer: cert.Issuer.String()})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no PEM certificate in the file")
	}
	return out, nil
}
