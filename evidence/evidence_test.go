package evidence

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/privatefile"
	"github.com/kubeposture/kubeposture/snapshot"
)

func testInput() Input {
	s := snapshot.New()
	s.Cluster = snapshot.Cluster{UID: "uid-1", Server: "https://cp.example.test:6443", Version: "v1.33.1", Provider: snapshot.ProviderKubeadm}
	s.CollectedAt = time.Date(2025, 6, 1, 12, 30, 0, 0, time.UTC)
	rep := checks.Run(s, nil, checks.Selection{})
	return Input{
		Files: map[string][]byte{
			"snapshot.json": []byte(`{"apiVersion":"kubeposture.io/v1alpha1"}` + "\n"),
			"report.json":   []byte(`{"schemaVersion":"kubeposture.io/report/v1alpha1"}` + "\n"),
			"report.html":   []byte("<!DOCTYPE html><title>report</title>\n"),
			"report.sarif":  []byte(`{"version":"2.1.0"}` + "\n"),
		},
		Report: rep, ToolVersion: "v0.1.0-test", CatalogVersion: "sha256:abc",
		CreatedAt: time.Date(2025, 6, 1, 13, 0, 0, 0, time.UTC),
	}
}

func pemKey(t *testing.T, k crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func ed25519Key(t *testing.T) *SigningKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseSigningKey(pemKey(t, priv))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecdsaKey(t *testing.T) *SigningKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	// SEC1, as 'openssl ecparam -genkey' writes it.
	k, err := ParseSigningKey(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func publicKey(t *testing.T, k *SigningKey) crypto.PublicKey {
	t.Helper()
	pub, err := ParsePublicKey(k.PublicPEM)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func publicKeyOf(t *testing.T, pemData []byte) crypto.PublicKey {
	t.Helper()
	pub, err := ParsePublicKey(pemData)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func mustVerify(t *testing.T, path string, key crypto.PublicKey) *Result {
	t.Helper()
	res, err := Verify(path, key)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// wantProblem asserts that verification failed naming file, with a message containing msg.
func wantProblem(t *testing.T, res *Result, file, msg string) {
	t.Helper()
	if res.OK() {
		t.Fatalf("verification passed; want a problem with %s", file)
	}
	for _, p := range res.Problems {
		if p.File == file && strings.Contains(p.Message, msg) {
			return
		}
	}
	t.Errorf("problems %v do not name %s with %q", res.Problems, file, msg)
}

func TestBundleContents(t *testing.T) {
	files, err := Build(testInput(), ed25519Key(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"snapshot.json", "report.json", "report.html", "report.sarif", ManifestName, SignatureName, PublicKeyName, StatementName, EnvelopeName} {
		if _, ok := files[name]; !ok {
			t.Errorf("bundle lacks %s", name)
		}
	}
	var m Manifest
	if err := json.Unmarshal(files[ManifestName], &m); err != nil {
		t.Fatal(err)
	}
	if m.ToolVersion != "v0.1.0-test" || m.CatalogVersion != "sha256:abc" || m.Cluster.UID != "uid-1" || m.CreatedAt.IsZero() || len(m.Files) != 6 {
		t.Errorf("manifest: %+v", m)
	}
	var st Statement
	if err := json.Unmarshal(files[StatementName], &st); err != nil {
		t.Fatal(err)
	}
	payload, err := openEnvelope(files[EnvelopeName], publicKeyOf(t, files[PublicKeyName]))
	if err != nil || !bytes.Equal(payload, files[StatementName]) {
		t.Errorf("the DSSE envelope does not carry the statement: %v", err)
	}
	if st.Type != "https://in-toto.io/Statement/v1" || len(st.Subject) != 4 || st.Predicate.Cluster.UID != "uid-1" || st.Predicate.Summary.Total.Score != -1 {
		t.Errorf("statement: %+v", st)
	}
	for _, s := range st.Subject {
		if s.Digest["sha256"] != digest(files[s.Name]) {
			t.Errorf("subject %s digest %s", s.Name, s.Digest["sha256"])
		}
	}
}

func TestVerifyRoundTrip(t *testing.T) {
	for _, kind := range []string{"ed25519", "ecdsa", "unsigned"} {
		for _, ext := range []string{"", ".tar.gz"} {
			t.Run(kind+ext, func(t *testing.T) {
				var key *SigningKey
				switch kind {
				case "ed25519":
					key = ed25519Key(t)
				case "ecdsa":
					key = ecdsaKey(t)
				}
				path := filepath.Join(t.TempDir(), "bundle"+ext)
				if err := Write(path, testInput(), key); err != nil {
					t.Fatal(err)
				}
				var trusted crypto.PublicKey
				if key != nil {
					trusted = publicKey(t, key)
				}
				res := mustVerify(t, path, trusted)
				if !res.OK() || res.Signed != (key != nil) || res.Manifest == nil {
					t.Fatalf("verify: %+v", res)
				}
				// Without a key the bundle's own is used, and the result says so.
				if res := mustVerify(t, path, nil); !res.OK() || res.KeyFromBundle != (key != nil) {
					t.Errorf("verify without a key: %+v", res)
				}
				if err := Write(path, testInput(), key); err == nil {
					t.Errorf("a second Write over the bundle succeeded")
				}
			})
		}
	}
}

// TestTamper changes one byte of each bundled file in turn, in a directory and in an
// archive: verification fails naming that file.
func TestTamper(t *testing.T) {
	key := ed25519Key(t)
	pub := publicKey(t, key)
	files, err := Build(testInput(), key)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"snapshot.json", "report.json", "report.html", "report.sarif", StatementName, EnvelopeName} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bundle")
			if err := privatefile.WriteDir(dir, files); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, name)
			data, _ := os.ReadFile(path)
			data[len(data)/2] ^= 0x01
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			res := mustVerify(t, dir, pub)
			wantProblem(t, res, name, "content changed")
			for _, p := range res.Problems {
				if p.File == SignatureName {
					t.Errorf("a changed %s is reported as a bad signature: %v", name, p)
				}
			}

			// The same in an archive.
			changed := map[string][]byte{}
			for n, d := range files {
				changed[n] = d
			}
			changed[name] = data
			var buf bytes.Buffer
			if err := archive(&buf, changed); err != nil {
				t.Fatal(err)
			}
			arch := filepath.Join(t.TempDir(), "bundle.tar.gz")
			if err := os.WriteFile(arch, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			wantProblem(t, mustVerify(t, arch, pub), name, "content changed")
		})
	}
}

func TestTamperManifestAndKey(t *testing.T) {
	key := ed25519Key(t)
	pub := publicKey(t, key)
	files, err := Build(testInput(), key)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, change func(map[string][]byte), trusted crypto.PublicKey, file, msg string) {
		t.Run(name, func(t *testing.T) {
			c := map[string][]byte{}
			for n, d := range files {
				c[n] = append([]byte(nil), d...)
			}
			change(c)
			res, err := VerifyFiles(c, trusted)
			if err != nil {
				t.Fatal(err)
			}
			wantProblem(t, res, file, msg)
		})
	}
	// An altered manifest (a digest rewritten to match a changed file, or just its
	// metadata) breaks the signature.
	check("manifest tool version", func(c map[string][]byte) {
		c[ManifestName] = bytes.Replace(c[ManifestName], []byte("v0.1.0-test"), []byte("v0.1.0-tesT"), 1)
	}, pub, SignatureName, "does not verify")
	check("manifest digest rewritten", func(c map[string][]byte) {
		c["report.html"] = append(c["report.html"], ' ')
		var m Manifest
		json.Unmarshal(c[ManifestName], &m)
		for i := range m.Files {
			if m.Files[i].Name == "report.html" {
				m.Files[i].SHA256, m.Files[i].Size = digest(c["report.html"]), int64(len(c["report.html"]))
			}
		}
		c[ManifestName], _ = marshal(m)
	}, pub, SignatureName, "does not verify")
	// The right bundle checked against another key.
	check("wrong key", func(map[string][]byte) {}, publicKey(t, ecdsaKey(t)), SignatureName, "does not verify with key sha256:")
	// A forger who re-signs with his own key and swaps signer.pub.pem passes without a key
	// (integrity only, as the result says) but fails against the expected key.
	forger := ed25519Key(t)
	resign := func(c map[string][]byte) {
		c[ManifestName] = bytes.Replace(c[ManifestName], []byte("uid-1"), []byte("uid-2"), 1)
		c[SignatureName], _ = forger.Sign(c[ManifestName])
		c[PublicKeyName] = forger.PublicPEM
	}
	check("re-signed by another key", resign, pub, SignatureName, "does not verify")
	check("signature removed", func(c map[string][]byte) { delete(c, SignatureName) }, pub, SignatureName, "not signed")
	check("file removed", func(c map[string][]byte) { delete(c, "report.sarif") }, pub, "report.sarif", "missing")
	check("file added", func(c map[string][]byte) { c["extra.txt"] = []byte("x") }, pub, "extra.txt", "not listed")
	check("public key removed", func(c map[string][]byte) { delete(c, PublicKeyName) }, nil, PublicKeyName, "missing")
	// A statement that attests another digest than the manifest lists, in a bundle whose
	// manifest was rebuilt to match it (unsigned, so only the statement check can see it).
	check("statement disagrees with manifest", func(c map[string][]byte) {
		delete(c, SignatureName)
		delete(c, PublicKeyName)
		c[StatementName] = bytes.Replace(c[StatementName], []byte(digest(c["report.json"])), []byte(digest([]byte("other"))), 1)
		var m Manifest
		json.Unmarshal(c[ManifestName], &m)
		for i := range m.Files {
			if m.Files[i].Name == StatementName {
				m.Files[i].SHA256, m.Files[i].Size = digest(c[StatementName]), int64(len(c[StatementName]))
			}
		}
		c[ManifestName], _ = marshal(m)
	}, nil, StatementName, `subject "report.json" has sha256`)
	// An envelope re-signed by another key over another statement, in a bundle whose
	// manifest was rebuilt to match (checked without a key, against the bundle's own).
	check("envelope re-signed", func(c map[string][]byte) {
		c[EnvelopeName], _ = forger.envelope([]byte(`{"_type":"https://in-toto.io/Statement/v1"}`))
		var m Manifest
		json.Unmarshal(c[ManifestName], &m)
		for i := range m.Files {
			if m.Files[i].Name == EnvelopeName {
				m.Files[i].SHA256, m.Files[i].Size = digest(c[EnvelopeName]), int64(len(c[EnvelopeName]))
			}
		}
		c[ManifestName], _ = marshal(m)
		c[SignatureName], _ = key.Sign(c[ManifestName])
	}, pub, EnvelopeName, "no signature verifies")
	check("signature truncated", func(c map[string][]byte) { c[SignatureName] = c[SignatureName][:10] }, pub, SignatureName, "does not verify")
}

// TestOpenSSLVerifies: the signature is in the form openssl verifies, for both key types,
// with the exact commands the package documentation gives; and openssl rejects an altered
// manifest too, so the check can fail.
func TestOpenSSLVerifies(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		// CI installs openssl (.ci/run) and must run this test; a developer without it still
		// has the signatures verified with Go's crypto in TestVerifyRoundTrip.
		if os.Getenv("CI") != "" {
			t.Fatal("openssl is not installed: .ci/run should have installed it")
		}
		t.Skip("openssl is not installed; the signatures are still verified with Go's crypto in TestVerifyRoundTrip")
	}
	for _, kind := range []string{"ed25519", "ecdsa"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			// The key is made by openssl itself, as a user would.
			keyPath := filepath.Join(dir, "key.pem")
			gen := []string{"genpkey", "-algorithm", "ed25519", "-out", keyPath}
			if kind == "ecdsa" {
				gen = []string{"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath}
			}
			if out, err := exec.Command(openssl, gen...).CombinedOutput(); err != nil {
				t.Fatalf("openssl %v: %v\n%s", gen, err, out)
			}
			key, err := ReadSigningKey(keyPath)
			if err != nil {
				t.Fatal(err)
			}
			bundle := filepath.Join(dir, "bundle")
			if err := Write(bundle, testInput(), key); err != nil {
				t.Fatal(err)
			}
			verify := func() ([]byte, error) {
				args := []string{"pkeyutl", "-verify", "-pubin", "-inkey", PublicKeyName, "-rawin", "-in", ManifestName, "-sigfile", SignatureName}
				if kind == "ecdsa" {
					args = []string{"dgst", "-sha256", "-verify", PublicKeyName, "-signature", SignatureName, ManifestName}
				}
				cmd := exec.Command(openssl, args...)
				cmd.Dir = bundle
				return cmd.CombinedOutput()
			}
			if out, err := verify(); err != nil {
				t.Fatalf("openssl does not verify the manifest: %v\n%s", err, out)
			}
			m := filepath.Join(bundle, ManifestName)
			data, _ := os.ReadFile(m)
			os.WriteFile(m, bytes.Replace(data, []byte("uid-1"), []byte("uid-9"), 1), 0o644)
			if out, err := verify(); err == nil {
				t.Fatalf("openssl verifies an altered manifest:\n%s", out)
			}
		})
	}
}

func TestParseSigningKeyRejects(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"public":    "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
		"encrypted": "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
		"garbage":   "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
	} {
		if _, err := ParseSigningKey([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseSigningKey([]byte("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n")); err == nil || !strings.Contains(err.Error(), "openssl pkey") {
		t.Errorf("an encrypted key's error does not say how to decrypt it: %v", err)
	}
}

func TestReadArchiveRejects(t *testing.T) {
	files, err := Build(testInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	files["../escape"] = []byte("x")
	var buf bytes.Buffer
	if err := archive(&buf, files); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadArchive(&buf); err == nil || !strings.Contains(err.Error(), "plain file names") {
		t.Errorf("an entry outside the bundle was accepted: %v", err)
	}
	if _, err := ReadArchive(strings.NewReader("not gzip")); err == nil {
		t.Errorf("a non-gzip archive was accepted")
	}
	if _, err := Verify(t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), ManifestName) {
		t.Errorf("an empty directory: %v", err)
	}
}

// FuzzVerifyArchive: a bundle is untrusted input; reading and verifying it must not panic.
func FuzzVerifyArchive(f *testing.F) {
	files, _ := Build(testInput(), nil)
	var buf bytes.Buffer
	archive(&buf, files)
	f.Add(buf.Bytes())
	f.Add([]byte{0x1f, 0x8b})
	f.Add(sparseArchive(1 << 20))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := newContents()
		if err := walkArchive(bytes.NewReader(data), c.add); err != nil {
			return
		}
		res, err := c.verify(nil)
		if err == nil && res.OK() && res.Manifest == nil {
			t.Fatalf("a bundle without a valid manifest verified")
		}
	})
}

// TestBundlesSignedBefore: bundles whose envelopes were built by hand, before they came from
// the dsse library (testdata/signed-before-dsse-library, written by commit 3cb2307 from
// testInput), still verify, with their own key and with it given; and the library signs the
// same envelope bytes (ed25519 signatures are deterministic: the ed25519 bundle's key is
// fixtureKey).
func TestBundlesSignedBefore(t *testing.T) {
	for _, kind := range []string{"ed25519", "ecdsa"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join("testdata", "signed-before-dsse-library", kind+".tar.gz")
			files, err := readArchiveFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pub := publicKeyOf(t, files[PublicKeyName])
			for _, key := range []crypto.PublicKey{nil, pub} {
				if res := mustVerify(t, path, key); !res.OK() || !res.Signed {
					t.Errorf("key %v: signed %v, problems %v", key != nil, res.Signed, res.Problems)
				}
			}
			if _, err := openEnvelope(files[EnvelopeName], pub); err != nil {
				t.Errorf("envelope: %v", err)
			}
			if kind != "ed25519" {
				return
			}
			env, err := fixtureKey(t).envelope(files[StatementName])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(env, files[EnvelopeName]) {
				t.Errorf("the envelope signed now differs from the one signed before:\n%s\nbefore:\n%s", env, files[EnvelopeName])
			}
		})
	}
}

// fixtureKey is the ed25519 key of testdata/signed-before-dsse-library/ed25519.tar.gz: a test
// key from the seed 0, 1, ..., 31, which signs nothing else.
func fixtureKey(t *testing.T) *SigningKey {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	k, err := ParseSigningKey(pemKey(t, ed25519.NewKeyFromSeed(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// FuzzOpenEnvelope: a bundle's DSSE envelope is untrusted input; opening it must not panic,
// and it yields a payload only under a signature of the key.
func FuzzOpenEnvelope(f *testing.F) {
	files, err := readArchiveFile(filepath.Join("testdata", "signed-before-dsse-library", "ed25519.tar.gz"))
	if err != nil {
		f.Fatal(err)
	}
	pub, err := ParsePublicKey(files[PublicKeyName])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(files[EnvelopeName])
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}`))
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"!"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		payload, err := openEnvelope(data, pub)
		if err == nil && !bytes.Equal(payload, files[StatementName]) {
			t.Fatalf("an envelope of another payload opened: %q", payload)
		}
	})
}

// readArchiveFile reads an archive's files into memory.
func readArchiveFile(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadArchive(f)
}
