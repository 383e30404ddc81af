package domain

import "strings"

// NormalizeBSN returns the 9-digit form of a burgerservicenummer and whether it passes the
// 11-proef: 9×d1 + 8×d2 + … + 2×d8 − 1×d9 is a multiple of 11 (and not 0). An 8-digit
// number is an old BSN written without its leading zero.
//
// The BSN itself is personal data: callers seal it (encrypt) and look it up by keyed hash;
// it must never reach logs, traces, events or URLs, and errors never repeat it.
func NormalizeBSN(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 {
		return "", false
	}
	sum := 0
	for i, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
		d := int(r - '0')
		if i == 8 {
			sum -= d
		} else {
			sum += (9 - i) * d
		}
	}
	if sum == 0 || sum%11 != 0 {
		return "", false
	}
	return s, true
}

// SealedBSN is the encrypted BSN as stored; only the vault that sealed it can open it.
type SealedBSN struct {
	KeyID      string `json:"keyId"`
	Ciphertext string `json:"ciphertext"`
}
