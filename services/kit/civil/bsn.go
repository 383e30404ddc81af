package civil

import "strings"

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

// elevenProof is the BSN check: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11, not 0.
func elevenProof(s string) bool {
	sum := 0
	for i := range 9 {
		d := int(s[i] - '0')
		if i == 8 {
			sum -= d
		} else {
			sum += (9 - i) * d
		}
	}
	return sum != 0 && sum%11 == 0
}
