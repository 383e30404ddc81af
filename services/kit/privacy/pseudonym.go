package privacy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
)

// NormalizeBSN returns the 9-digit form of a burgerservicenummer and whether it passes the
// 11-proef: 9×d1 + 8×d2 + … + 2×d8 − 1×d9 is a multiple of 11 (and not 0). An 8-digit
// number is an old BSN written without its leading zero.
//
// The BSN itself is personal data: callers seal it or turn it into a pseudonym; it must
// never reach logs, traces, events or URLs, and errors never repeat it.
func NormalizeBSN(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 || strings.Trim(s, "0123456789") != "" || !elevenProof(s) {
		return "", false
	}
	return s, true
}

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
