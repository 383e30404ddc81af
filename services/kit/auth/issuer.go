package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// DevIssuer signs tokens with a local Ed25519 key. The local platform and the tests use it;
// production trusts the region's identity provider through a JWKS instead.
type DevIssuer struct {
	Issuer   string
	Audience string
	key      jwk.Key
	public   jwk.Set
}

// Key file names inside a key directory.
const (
	PrivateKeyFile = "signing-key.jwk.json"
	PublicSetFile  = "jwks.json"
)

// NewDevIssuer generates a fresh key.
func NewDevIssuer(issuer, audience string) (*DevIssuer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	key, err := jwk.Import(priv)
	if err != nil {
		return nil, err
	}
	return newDevIssuer(issuer, audience, key)
}

func newDevIssuer(issuer, audience string, key jwk.Key) (*DevIssuer, error) {
	if err := jwk.AssignKeyID(key); err != nil {
		return nil, err
	}
	if err := key.Set(jwk.AlgorithmKey, jwa.EdDSA()); err != nil {
		return nil, err
	}
	pub, err := jwk.PublicKeyOf(key)
	if err != nil {
		return nil, err
	}
	set := jwk.NewSet()
	if err := set.AddKey(pub); err != nil {
		return nil, err
	}
	return &DevIssuer{Issuer: issuer, Audience: audience, key: key, public: set}, nil
}

// LoadOrCreateDevIssuer keeps the key in dir so tokens stay valid across restarts.
func LoadOrCreateDevIssuer(dir, issuer, audience string) (*DevIssuer, error) {
	path := filepath.Join(dir, PrivateKeyFile)
	if raw, err := os.ReadFile(path); err == nil {
		key, err := jwk.ParseKey(raw)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return newDevIssuer(issuer, audience, key)
	}
	iss, err := NewDevIssuer(issuer, audience)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	priv, err := json.Marshal(iss.key)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, priv, 0o600); err != nil {
		return nil, err
	}
	return iss, iss.WritePublicSet(filepath.Join(dir, PublicSetFile))
}

// WritePublicSet writes the JWKS that services verify against.
func (d *DevIssuer) WritePublicSet(path string) error {
	raw, err := json.MarshalIndent(d.public, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}

// Issue signs a token for the principal, valid for ttl.
func (d *DevIssuer) Issue(p Principal, ttl time.Duration) (string, error) {
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = string(r)
	}
	now := time.Now()
	b := jwt.NewBuilder().
		Issuer(d.Issuer).
		Audience([]string{d.Audience}).
		Subject(p.Subject).
		IssuedAt(now).
		Expiration(now.Add(ttl)).
		Claim(ClaimRegion, p.Region).
		Claim(ClaimRoles, roles)
	if p.Org != "" {
		b = b.Claim(ClaimOrg, p.Org)
	}
	if p.Name != "" {
		b = b.Claim(ClaimName, p.Name)
	}
	tok, err := b.Build()
	if err != nil {
		return "", err
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.EdDSA(), d.key))
	return string(signed), err
}

// PublicJWKS is the JWKS of the issuer's key, as an identity provider serves it.
func (d *DevIssuer) PublicJWKS() ([]byte, error) { return json.Marshal(d.public) }

// SignClaims signs arbitrary claims with the issuer's key (EdDSA): an OpenID Connect ID
// token of the local identity provider, whose issuer is its URL.
func (d *DevIssuer) SignClaims(claims map[string]any) (string, error) {
	tok := jwt.New()
	for k, v := range claims {
		if err := tok.Set(k, v); err != nil {
			return "", err
		}
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.EdDSA(), d.key))
	return string(signed), err
}
