package privacy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
)

// Pseudonyms turns a BSN into a person's keyed pseudonym: HMAC-SHA256 under the platform's
// pseudonym key (PERSON_PSEUDONYM_KEY), the same in every region that holds the key, so a
// person is recognised across regions without the BSN leaving the service that received it.
// Without the key the pseudonym says nothing about the person.
type Pseudonyms struct{ key []byte }

// NewPseudonyms takes the base64 key of at least 32 bytes.
func NewPseudonyms(base64Key string) (*Pseudonyms, error) {
	k, err := base64.StdEncoding.DecodeString(base64Key)
	if err != nil || len(k) < 32 {
		return nil, errors.New("PERSON_PSEUDONYM_KEY must be at least 32 bytes, base64 encoded")
	}
	return &Pseudonyms{key: k}, nil
}

// Person is the pseudonym of a normalised BSN.
func (p *Pseudonyms) Person(bsn string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte("werkregio-person|" + bsn))
	return hex.EncodeToString(m.Sum(nil))
}

// Fingerprint names the key without revealing it: every region must pseudonymise with the
// same key for a person to count once across regions, and claims and milestones carry the
// fingerprint so a region whose key differs is found out instead of silently counting
// people twice.
func (p *Pseudonyms) Fingerprint() string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte("werkregio-pseudonym-key-fingerprint"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}
