package evidence

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
)

// SigningKey signs manifests: an ed25519 key (the manifest is signed as is, PureEdDSA) or an
// ECDSA key (its SHA-256 digest is signed, the signature ASN.1 DER encoded), as openssl and
// cosign sign blobs.
type SigningKey struct {
	signer crypto.Signer
	// PublicPEM is the public key, PEM "PUBLIC KEY" (PKIX), as openssl and cosign read it.
	PublicPEM []byte
}

// ParseSigningKey reads a PEM private key: PKCS#8 ("PRIVATE KEY", as `openssl genpkey`
// writes) holding an ed25519 or ECDSA key, or SEC1 ("EC PRIVATE KEY", as `openssl ecparam
// -genkey` writes). Encrypted keys are refused with a hint: decrypt them with openssl first.
func ParseSigningKey(data []byte) (*SigningKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block: want a private key as 'openssl genpkey -algorithm ed25519' writes it")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "ENCRYPTED PRIVATE KEY", "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY":
		return nil, fmt.Errorf("the key is encrypted (%s): write it decrypted with 'openssl pkey -in KEY -out PLAIN.pem' and keep that file private", block.Type)
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key (want PRIVATE KEY or EC PRIVATE KEY)", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", block.Type, err)
	}
	var signer crypto.Signer
	switch k := key.(type) {
	case ed25519.PrivateKey:
		signer = k
	case *ecdsa.PrivateKey:
		signer = k
	default:
		return nil, fmt.Errorf("a %T key cannot sign evidence: use ed25519 or ECDSA", key)
	}
	pub, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		return nil, err
	}
	return &SigningKey{signer: signer, PublicPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})}, nil
}

// ReadSigningKey reads a private key file (of at most sizelimit.KeyFile bytes); errors name it.
func ReadSigningKey(path string) (*SigningKey, error) {
	data, err := sizelimit.ReadFile(path, sizelimit.KeyFile, "a key file")
	if err != nil {
		return nil, err
	}
	k, err := ParseSigningKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// Sign signs a manifest.
func (k *SigningKey) Sign(manifest []byte) ([]byte, error) {
	switch s := k.signer.(type) {
	case ed25519.PrivateKey:
		return ed25519.Sign(s, manifest), nil
	case *ecdsa.PrivateKey:
		sum := sha256.Sum256(manifest)
		return ecdsa.SignASN1(rand.Reader, s, sum[:])
	}
	return nil, fmt.Errorf("evidence: cannot sign with a %T key", k.signer)
}

// ParsePublicKey reads a PEM "PUBLIC KEY" (PKIX) holding an ed25519 or ECDSA key.
func ParsePublicKey(data []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("no PEM PUBLIC KEY block: want a public key as 'openssl pkey -pubout' writes it")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	switch key.(type) {
	case ed25519.PublicKey, *ecdsa.PublicKey:
		return key, nil
	}
	return nil, fmt.Errorf("a %T key is not supported: use ed25519 or ECDSA", key)
}

// verifySignature checks a manifest signature made by Sign.
func verifySignature(pub crypto.PublicKey, manifest, sig []byte) bool {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return ed25519.Verify(k, manifest, sig)
	case *ecdsa.PublicKey:
		sum := sha256.Sum256(manifest)
		return ecdsa.VerifyASN1(k, sum[:], sig)
	}
	return false
}

// KeyFingerprint names a public key: the SHA-256 of its PKIX encoding.
func KeyFingerprint(pub crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "unknown"
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// DSSE envelopes come from github.com/secure-systems-lab/go-securesystemslib/dsse (its PAE
// and envelope are the specification's). dsseSigner signs with the bundle's key as the
// manifest is signed (ed25519 over the PAE bytes, ECDSA over their SHA-256) and gives
// KeyFingerprint as the keyid, which the library's verifier matches: every bundle this tool
// has signed verifies (testdata/signed-before-dsse-library).

// dsseSigner signs DSSE envelopes with a SigningKey.
type dsseSigner struct{ key *SigningKey }

func (s dsseSigner) Sign(_ context.Context, data []byte) ([]byte, error) { return s.key.Sign(data) }
func (s dsseSigner) KeyID() (string, error) {
	return KeyFingerprint(s.key.signer.Public()), nil
}

// dsseVerifier checks DSSE envelope signatures made by dsseSigner.
type dsseVerifier struct{ pub crypto.PublicKey }

func (v dsseVerifier) Verify(_ context.Context, data, sig []byte) error {
	if !verifySignature(v.pub, data, sig) {
		return errors.New("signature does not verify")
	}
	return nil
}
func (v dsseVerifier) KeyID() (string, error)   { return KeyFingerprint(v.pub), nil }
func (v dsseVerifier) Public() crypto.PublicKey { return v.pub }

// envelope signs an in-toto statement in a DSSE envelope.
func (k *SigningKey) envelope(statement []byte) ([]byte, error) {
	signer, err := dsse.NewEnvelopeSigner(dsseSigner{k})
	if err != nil {
		return nil, err
	}
	env, err := signer.SignPayload(context.Background(), PayloadType, statement)
	if err != nil {
		return nil, err
	}
	return marshal(env)
}

// openEnvelope checks a DSSE envelope's signature with pub and returns its payload.
func openEnvelope(data []byte, pub crypto.PublicKey) ([]byte, error) {
	var env dsse.Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("not a DSSE envelope: %w", err)
	}
	if env.PayloadType != PayloadType {
		return nil, fmt.Errorf("payloadType is %q, want %q", env.PayloadType, PayloadType)
	}
	payload, err := env.DecodeB64Payload()
	if err != nil {
		return nil, fmt.Errorf("payload is not base64: %w", err)
	}
	verifier, err := dsse.NewEnvelopeVerifier(dsseVerifier{pub})
	if err != nil {
		return nil, err
	}
	// The library's error counts signatures against a threshold (one here): say it plainly.
	if _, err := verifier.Verify(context.Background(), &env); err != nil {
		if errors.Is(err, dsse.ErrNoSignature) {
			return nil, errors.New("the envelope has no signature")
		}
		return nil, fmt.Errorf("no signature verifies with key %s", KeyFingerprint(pub))
	}
	return payload, nil
}
