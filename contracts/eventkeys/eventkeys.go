// Package eventkeys makes the keys the platform's services sign their events with: one
// Ed25519 key per service of a region, named "<region>/<service>" (the JWK's kid). The
// private JWK goes to the service alone (EVENT_SIGNING_KEY); the public keys of every
// service whose events a service reads go to it as a JWK Set (EVENT_KEYS). The operator,
// `werkregio keys`, the local platform and the tests make them here.
package eventkeys

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// KeyID names a service's key.
func KeyID(region, service string) string { return region + "/" + service }

// JWK is an Ed25519 key as a JSON Web Key (RFC 8037); D is empty in a public key.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	D   string `json:"d,omitempty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// Pair is a service's private key and its public half.
type Pair struct {
	Private, Public JWK
}

// Generate makes a new key for a service of a region.
func Generate(region, service string) (Pair, error) { return New(KeyID(region, service)) }

// New makes a new key named kid (a partner system's, in the tests and the demo).
func New(kid string) (Pair, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Pair{}, err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	public := JWK{Kty: "OKP", Crv: "Ed25519", X: b64(pub), Kid: kid, Alg: "EdDSA", Use: "sig"}
	private := public
	private.D = b64(priv.Seed())
	return Pair{Private: private, Public: public}, nil
}

// PublicOf is the public half of a private JWK (as Generate made it).
func PublicOf(private []byte) (JWK, error) {
	var k JWK
	if err := json.Unmarshal(private, &k); err != nil || k.Kty != "OKP" || k.Crv != "Ed25519" || k.Kid == "" {
		return JWK{}, fmt.Errorf("not an Ed25519 JWK with a kid")
	}
	k.D = ""
	return k, nil
}

// Set is the JWK Set of public keys.
func Set(keys ...JWK) []byte {
	for i := range keys {
		keys[i].D = ""
	}
	raw, _ := json.Marshal(struct {
		Keys []JWK `json:"keys"`
	}{keys})
	return raw
}

// Marshal is a key's JSON.
func (k JWK) Marshal() []byte {
	raw, _ := json.Marshal(k)
	return raw
}
