package messaging

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
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
	alg, ok := key.Algorithm()
	if !ok {
		return errors.New("messaging: the signing key names no algorithm (alg)")
	}
	sa, ok := alg.(jwa.SignatureAlgorithm)
	if !ok {
		if sa, ok = jwa.LookupSignatureAlgorithm(alg.String()); !ok {
			return fmt.Errorf("messaging: %s is no signature algorithm", alg)
		}
	}
	sig, err := jws.Sign(nil, jws.WithKey(sa, key), jws.WithDetachedPayload(SigningInput(*m)))
	if err != nil {
		return err
	}
	hs := m.Headers[:0:0]
	for _, h := range m.Headers {
		if h.Key != HeaderSignature {
			hs = append(hs, h)
		}
	}
	m.Headers = append(hs, kafka.Header{Key: HeaderSignature, Value: sig})
	return nil
}

// VerifyOrigin checks m's signature against keys (public keys with their kid) and returns
// the kid of the key that made it. Any failure is ErrOriginNotProven with why.
func VerifyOrigin(m kafka.Message, keys jwk.Set) (string, error) {
	sig, ok := header(m.Headers, HeaderSignature)
	if !ok || sig == "" {
		return "", fmt.Errorf("%w: the message is not signed (%s)", ErrOriginNotProven, HeaderSignature)
	}
	parsed, err := jws.Parse([]byte(sig), jws.WithCompact())
	if err != nil || len(parsed.Signatures()) != 1 {
		return "", fmt.Errorf("%w: %s is no compact JWS", ErrOriginNotProven, HeaderSignature)
	}
	kid, _ := parsed.Signatures()[0].ProtectedHeaders().KeyID()
	if _, found := keys.LookupKeyID(kid); kid == "" || !found {
		return "", fmt.Errorf("%w: signed with key %q, which is not registered for this sender", ErrOriginNotProven, kid)
	}
	if _, err := jws.Verify([]byte(sig), jws.WithKeySet(keys, jws.WithRequireKid(true)), jws.WithDetachedPayload(SigningInput(m))); err != nil {
		return "", fmt.Errorf("%w: the signature does not match the message and key %q", ErrOriginNotProven, kid)
	}
	return kid, nil
}

// MessageOf is the Kafka message a consumed message was read as (for VerifyOrigin).
func MessageOf(m Message) kafka.Message { return m.raw }

// ParsePublicKeys reads a JWK Set of public signing keys as a sender registers them: each
// with a kid and a key type fit for signatures (EC P-256/P-384/P-521, Ed25519, RSA of 2048
// bits or more), none holding private material. A key without "alg" gets its type's.
func ParsePublicKeys(raw []byte) (jwk.Set, error) {
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
	return set, nil
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
	return k, nil
}

// PublicOf is the public half of a signing key, with its kid and algorithm.
func PublicOf(k jwk.Key) (jwk.Key, error) { return k.PublicKey() }
