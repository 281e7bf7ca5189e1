package nodeagent

import (
	"encoding/hex"
	"testing"
)

// FuzzParseCertificates: any file content gives certificates or an error, never a panic, and
// every certificate recorded has a SHA-256 fingerprint.
func FuzzParseCertificates(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := parseCertificates(data)
		if err == nil && len(certs) == 0 {
			t.Fatal("no error and no certificate")
		}
		for _, c := range certs {
			if b, err := hex.DecodeString(c.SHA256); err != nil || len(b) != 32 {
				t.Fatalf("fingerprint %q", c.SHA256)
			}
		}
	})
}
