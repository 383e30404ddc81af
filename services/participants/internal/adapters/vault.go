package adapters

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Vault seals BSNs with AES-256-GCM and hashes them with HMAC-SHA256 for lookup. The
// ciphertext is bound to its participant (additional data), so a sealed BSN copied onto
// another participant does not open. The lookup key is separate from the encryption key:
// the hash identifies a person only to someone holding the key, and the keys never leave
// the service's configuration.
type Vault struct {
	aead      cipher.AEAD
	keyID     string
	lookupKey []byte
}

// NewVault takes the base64 encryption key (32 bytes) and lookup key (at least 32 bytes).
func NewVault(encryptionKey, lookupKey string) (*Vault, error) {
	ek, err := base64.StdEncoding.DecodeString(encryptionKey)
	if err != nil || len(ek) != 32 {
		return nil, errors.New("BSN_ENCRYPTION_KEY must be 32 bytes, base64 encoded")
	}
	lk, err := base64.StdEncoding.DecodeString(lookupKey)
	if err != nil || len(lk) < 32 {
		return nil, errors.New("BSN_LOOKUP_KEY must be at least 32 bytes, base64 encoded")
	}
	if hmac.Equal(ek, lk[:min(len(lk), 32)]) {
		return nil, errors.New("BSN_LOOKUP_KEY must differ from BSN_ENCRYPTION_KEY")
	}
	block, err := aes.NewCipher(ek)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(append([]byte("werkregio-bsn-key-id|"), ek...))
	return &Vault{aead: aead, keyID: hex.EncodeToString(id[:4]), lookupKey: lk}, nil
}

func additionalData(participantID string) []byte { return []byte("werkregio-bsn|" + participantID) }

func (v *Vault) Seal(participantID, bsn string) (domain.SealedBSN, error) {
	nonce := make([]byte, v.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return domain.SealedBSN{}, err
	}
	ct := v.aead.Seal(nonce, nonce, []byte(bsn), additionalData(participantID))
	return domain.SealedBSN{KeyID: v.keyID, Ciphertext: base64.StdEncoding.EncodeToString(ct)}, nil
}

func (v *Vault) Open(participantID string, s domain.SealedBSN) (string, error) {
	if s.KeyID != v.keyID {
		return "", fmt.Errorf("sealed with key %s, this service holds key %s", s.KeyID, v.keyID)
	}
	raw, err := base64.StdEncoding.DecodeString(s.Ciphertext)
	if err != nil || len(raw) < v.aead.NonceSize() {
		return "", errors.New("sealed BSN is damaged")
	}
	pt, err := v.aead.Open(nil, raw[:v.aead.NonceSize()], raw[v.aead.NonceSize():], additionalData(participantID))
	if err != nil {
		return "", errors.New("sealed BSN does not open for this participant")
	}
	return string(pt), nil
}

func (v *Vault) Lookup(bsn string) string {
	m := hmac.New(sha256.New, v.lookupKey)
	m.Write([]byte(bsn))
	return hex.EncodeToString(m.Sum(nil))
}
