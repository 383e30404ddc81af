// Package sepa writes what SEPA credit-transfer files need: text in the SEPA character set
// (civil.SEPALatin), identifiers banks accept.
package sepa

import "strings"

// ID makes an identifier for MsgId, PmtInfId or EndToEndId: at most 35 characters of
// letters, digits and dashes (never a slash: banks refuse a leading, trailing or double
// one), unique as long as its parts are.
func ID(parts ...string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('-')
		}
		for _, r := range p {
			if idRune(r) {
				b.WriteRune(r)
			}
		}
	}
	s := b.String()
	if len(s) > 35 {
		s = s[len(s)-35:] // the end carries what distinguishes (a sequence, a hash)
	}
	return strings.Trim(s, "-")
}

// idRune: the characters of an identifier.
func idRune(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '-'
}
