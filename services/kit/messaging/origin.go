package messaging

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/segmentio/kafka-go"
)

// HeaderSignature carries a message's proof of origin: a JWS in compact serialisation with
// a detached payload (RFC 7515, appendix F), signed with the sender's key and naming it in
// "kid". The payload is SigningInput: the topic, the CloudEvents attributes and a digest of
// the data, so a signed message cannot be moved to another topic or region, nor changed.
const HeaderSignature = "ce_signature"

// ErrOriginNotProven starts every reason a message's origin was not accepted.
var ErrOriginNotProven = errors.New("origin not proven")

// SigningInput is what a message's signature covers, one line each: a version tag, the
// topic (with its region prefix), ce_id, ce_source, ce_type, ce_subject, ce_time (as sent),
// the Kafka key and the base64url SHA-256 of the data.
func SigningInput(m kafka.Message) []byte {
	h := func(k string) string { v, _ := header(m.Headers, k); return v }
	sum := sha256.Sum256(m.Value)
	return []byte(strings.Join([]string{"werkregio-event-v1", m.Topic, h(HeaderID), h(HeaderSource), h(HeaderType), h(HeaderSubject),
		h(HeaderTime), string(m.Key), base64.RawURLEncoding.EncodeToString(sum[:])}, "\n"))
}

// Sign adds the signature header to m (replacing one it has) with a private key that names
// its kid and algorithm: how a partner system proves it sent a message.
func Sign(m *kafka.Message, key jwk.Key) error {
	s, err := NewSigner(key)
	if err != nil {
		return err
	}
	return s.Sign(m)
}

// Signer signs messages with one private key (EdDSA, ES256/384/512 or RS256), its
// protected header made once.
type Signer struct {
	protected string
	sign      func(input []byte) ([]byte, error)
}

// NewSigner prepares signing with key, which names its kid and algorithm.
func NewSigner(key jwk.Key) (*Signer, error) {
	kid, _ := key.KeyID()
	alg, ok := key.Algorithm()
	if !ok || kid == "" {
		return nil, errors.New("messaging: the signing key names no algorithm (alg) or no kid")
	}
	var raw any
	if err := jwk.Export(key, &raw); err != nil {
		return nil, err
	}
	header, _ := json.Marshal(map[string]string{"alg": alg.String(), "kid": kid})
	s := &Signer{protected: base64.RawURLEncoding.EncodeToString(header)}
	hashed := func(h crypto.Hash, input []byte) []byte { d := h.New(); d.Write(input); return d.Sum(nil) }
	switch k := raw.(type) {
	case ed25519.PrivateKey:
		if alg.String() == "EdDSA" {
			s.sign = func(input []byte) ([]byte, error) { return ed25519.Sign(k, input), nil }
		}
	case *ecdsa.PrivateKey:
		h := map[string]crypto.Hash{"ES256": crypto.SHA256, "ES384": crypto.SHA384, "ES512": crypto.SHA512}[alg.String()]
		if h != 0 {
			size := (k.Curve.Params().BitSize + 7) / 8
			s.sign = func(input []byte) ([]byte, error) {
				r, sv, err := ecdsa.Sign(rand.Reader, k, hashed(h, input))
				if err != nil {
					return nil, err
				}
				out := make([]byte, 2*size)
				r.FillBytes(out[:size])
				sv.FillBytes(out[size:])
				return out, nil
			}
		}
	case *rsa.PrivateKey:
		if alg.String() == "RS256" {
			s.sign = func(input []byte) ([]byte, error) {
				return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, hashed(crypto.SHA256, input))
			}
		}
	}
	if s.sign == nil {
		return nil, fmt.Errorf("messaging: cannot sign with %s and this key", alg)
	}
	return s, nil
}

// Sign adds the signature header to m (replacing one it has), for m's topic.
func (s *Signer) Sign(m *kafka.Message) error {
	input := make([]byte, 0, len(s.protected)+1+base64.RawURLEncoding.EncodedLen(256))
	input = append(append(input, s.protected...), '.')
	input = base64.RawURLEncoding.AppendEncode(input, SigningInput(*m))
	sig, err := s.sign(input)
	if err != nil {
		return err
	}
	value := []byte(s.protected + ".." + base64.RawURLEncoding.EncodeToString(sig))
	hs := m.Headers[:0:0]
	for _, h := range m.Headers {
		if h.Key != HeaderSignature {
			hs = append(hs, h)
		}
	}
	m.Headers = append(hs, kafka.Header{Key: HeaderSignature, Value: value})
	return nil
}

// VerifyOrigin checks m's signature against keys and returns the kid of the key that made
// it. Any failure is ErrOriginNotProven with why. It verifies with the standard library's
// ed25519, ecdsa and rsa directly (every consumed message passes here).
func VerifyOrigin(m kafka.Message, keys *Keys) (string, error) {
	sig, ok := header(m.Headers, HeaderSignature)
	if !ok || sig == "" {
		return "", fmt.Errorf("%w: the message is not signed (%s)", ErrOriginNotProven, HeaderSignature)
	}
	protected, signature, ok := strings.Cut(sig, "..")
	if !ok || strings.Contains(signature, ".") {
		return "", fmt.Errorf("%w: %s is no compact JWS with a detached payload", ErrOriginNotProven, HeaderSignature)
	}
	rawHeader, err1 := base64.RawURLEncoding.DecodeString(protected)
	rawSig, err2 := base64.RawURLEncoding.DecodeString(signature)
	var h struct {
		Alg  string   `json:"alg"`
		Kid  string   `json:"kid"`
		B64  *bool    `json:"b64"`
		Crit []string `json:"crit"`
	}
	if err1 != nil || err2 != nil || json.Unmarshal(rawHeader, &h) != nil || h.B64 != nil || len(h.Crit) > 0 {
		return "", fmt.Errorf("%w: %s is no compact JWS this platform reads", ErrOriginNotProven, HeaderSignature)
	}
	k, found := keys.byKid[h.Kid]
	if h.Kid == "" || !found {
		return "", fmt.Errorf("%w: signed with key %q, which is not registered for this sender", ErrOriginNotProven, h.Kid)
	}
	if h.Alg != k.alg {
		return "", fmt.Errorf("%w: key %q signs with %s, not %s", ErrOriginNotProven, h.Kid, k.alg, h.Alg)
	}
	input := make([]byte, 0, len(protected)+1+base64.RawURLEncoding.EncodedLen(256))
	input = append(append(input, protected...), '.')
	input = base64.RawURLEncoding.AppendEncode(input, SigningInput(m))
	if !k.verify(input, rawSig) {
		return "", fmt.Errorf("%w: the signature does not match the message and key %q", ErrOriginNotProven, h.Kid)
	}
	return h.Kid, nil
}

// Keys are public signing keys by kid, ready to verify with.
type Keys struct {
	byKid map[string]publicKey
}

type publicKey struct {
	alg    string
	verify func(input, sig []byte) bool
}

// Len is how many keys there are.
func (k *Keys) Len() int { return len(k.byKid) }

// Has reports whether a key of that kid is among them.
func (k *Keys) Has(kid string) bool { _, ok := k.byKid[kid]; return ok }

// Add adds a public key (a service's own, to the keys it trusts).
func (k *Keys) Add(key jwk.Key) error {
	kid, _ := key.KeyID()
	alg, err := signingAlgorithm(key)
	if err != nil {
		return err
	}
	if have, ok := key.Algorithm(); ok {
		alg, _ = jwa.LookupSignatureAlgorithm(have.String())
	}
	var raw any
	if err := jwk.Export(key, &raw); err != nil {
		return err
	}
	v, err := verifierFor(alg.String(), raw)
	if err != nil {
		return fmt.Errorf("key %s: %w", kid, err)
	}
	k.byKid[kid] = publicKey{alg: alg.String(), verify: v}
	return nil
}

// verifierFor verifies signatures of alg with the raw public key pub.
func verifierFor(alg string, pub any) (func(input, sig []byte) bool, error) {
	switch key := pub.(type) {
	case ed25519.PublicKey:
		if alg == "EdDSA" {
			return func(input, sig []byte) bool { return ed25519.Verify(key, input, sig) }, nil
		}
	case *ecdsa.PublicKey:
		h := map[string]crypto.Hash{"ES256": crypto.SHA256, "ES384": crypto.SHA384, "ES512": crypto.SHA512}[alg]
		if h != 0 {
			size := (key.Curve.Params().BitSize + 7) / 8
			return func(input, sig []byte) bool {
				if len(sig) != 2*size {
					return false
				}
				d := h.New()
				d.Write(input)
				r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
				return ecdsa.Verify(key, d.Sum(nil), r, s)
			}, nil
		}
	case *rsa.PublicKey:
		h := map[string]crypto.Hash{"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512, "PS256": crypto.SHA256, "PS384": crypto.SHA384, "PS512": crypto.SHA512}[alg]
		if h != 0 {
			pss := strings.HasPrefix(alg, "PS")
			return func(input, sig []byte) bool {
				d := h.New()
				d.Write(input)
				if pss {
					return rsa.VerifyPSS(key, h, d.Sum(nil), sig, nil) == nil
				}
				return rsa.VerifyPKCS1v15(key, h, d.Sum(nil), sig) == nil
			}, nil
		}
	}
	return nil, fmt.Errorf("alg %s does not fit the key", alg)
}

// MessageOf is the Kafka message a consumed message was read as (for VerifyOrigin).
func MessageOf(m Message) kafka.Message { return m.raw }

// ParsePublicKeys reads a JWK Set of public signing keys as a sender registers them: each
// with a kid and a key type fit for signatures (EC P-256/P-384/P-521, Ed25519, RSA of 2048
// bits or more), none holding private material. A key without "alg" gets its type's.
func ParsePublicKeys(raw []byte) (*Keys, error) {
	var probe struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil || len(probe.Keys) == 0 {
		return nil, errors.New("a JWK Set with at least one key is needed")
	}
	for i, k := range probe.Keys {
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
			if _, ok := k[private]; ok {
				return nil, fmt.Errorf("key %d holds private material (%q): register the public key only", i, private)
			}
		}
	}
	set, err := jwk.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a JWK Set: %w", err)
	}
	seen := map[string]bool{}
	for i := range set.Len() {
		k, _ := set.Key(i)
		kid, _ := k.KeyID()
		if kid == "" || seen[kid] {
			return nil, fmt.Errorf("key %d: every key needs a kid of its own", i)
		}
		seen[kid] = true
		alg, err := signingAlgorithm(k)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", kid, err)
		}
		if have, ok := k.Algorithm(); ok && have.String() != alg.String() {
			if _, isSig := jwa.LookupSignatureAlgorithm(have.String()); !isSig {
				return nil, fmt.Errorf("key %s: alg %s is no signature algorithm", kid, have)
			}
			continue
		}
		if err := k.Set(jwk.AlgorithmKey, alg); err != nil {
			return nil, err
		}
	}
	keys := &Keys{byKid: map[string]publicKey{}}
	for i := range set.Len() {
		k, _ := set.Key(i)
		if err := keys.Add(k); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func signingAlgorithm(k jwk.Key) (jwa.SignatureAlgorithm, error) {
	switch key := k.(type) {
	case jwk.ECDSAPublicKey:
		crv, _ := key.Crv()
		switch crv {
		case jwa.P256():
			return jwa.ES256(), nil
		case jwa.P384():
			return jwa.ES384(), nil
		case jwa.P521():
			return jwa.ES512(), nil
		}
		return jwa.SignatureAlgorithm{}, fmt.Errorf("curve %s is not accepted", crv)
	case jwk.OKPPublicKey:
		crv, _ := key.Crv()
		if crv != jwa.Ed25519() {
			return jwa.SignatureAlgorithm{}, fmt.Errorf("curve %s is not accepted", crv)
		}
		return jwa.EdDSA(), nil
	case jwk.RSAPublicKey:
		n, _ := key.N()
		if len(n)*8 < 2048 {
			return jwa.SignatureAlgorithm{}, errors.New("an RSA key needs 2048 bits or more")
		}
		return jwa.RS256(), nil
	}
	return jwa.SignatureAlgorithm{}, fmt.Errorf("key type %s does not sign", k.KeyType())
}

// ParseSigningKey reads a service's private signing key (a JWK with its kid): the key its
// producer signs every event with. A key without "alg" gets its type's.
func ParseSigningKey(raw []byte) (jwk.Key, error) {
	k, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("not a JWK: %w", err)
	}
	if kid, _ := k.KeyID(); kid == "" {
		return nil, errors.New("the signing key needs a kid")
	}
	switch k.(type) {
	case jwk.ECDSAPrivateKey, jwk.OKPPrivateKey, jwk.RSAPrivateKey:
	default:
		return nil, errors.New("the signing key must be a private asymmetric key")
	}
	pub, err := k.PublicKey()
	if err != nil {
		return nil, err
	}
	alg, err := signingAlgorithm(pub)
	if err != nil {
		return nil, err
	}
	if _, ok := k.Algorithm(); !ok {
		if err := k.Set(jwk.AlgorithmKey, alg); err != nil {
			return nil, err
		}
	}
	if _, err := NewSigner(k); err != nil {
		return nil, err
	}
	return k, nil
}
