// Package session keeps a signed-in user's session on the server (any replica serves any
// request), sealed with AES-256-GCM under the portal's key and bound to its id, so a copy of
// the store yields no token; the browser holds only a random id. A session ends after a
// short idle time, at its maximum age, or when the user signs out, for every copy of its
// cookie. The sign-in state, before there is a session, is a sealed cookie.
package session

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
)

// KeySize is the length of the session key in bytes (AES-256).
const KeySize = 32

// sealer encrypts and authenticates values; the cookie's name is bound to its content, so a
// sealed sign-in state cannot be replayed as a session.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != KeySize {
		return nil, errors.New("session: the key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(name))), nil
}

func (s *sealer) open(name, value string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return errors.New("session: not a sealed value")
	}
	plain, err := s.aead.Open(nil, raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():], []byte(name))
	if err != nil {
		return errors.New("session: the seal does not hold")
	}
	return json.Unmarshal(plain, v)
}

// tokenLength is the length of a RandomToken.
const tokenLength = 43

// RandomToken is 32 random bytes, URL-safe: session ids, CSRF tokens, OIDC state and
// nonce, PKCE.
func RandomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
