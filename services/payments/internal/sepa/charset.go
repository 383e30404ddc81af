// Package sepa writes what SEPA credit-transfer files need: text in the SEPA character set,
// identifiers banks accept.
package sepa

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// allowed is the SEPA Latin character set (EPC217-08): letters, digits, space and
// / - ? : ( ) . , ' +.
func allowed(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || strings.ContainsRune(" /-?:().,'+", r)
}

// special are letters that do not decompose into a Latin letter and a mark.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "AE", 'ø': "o", 'Ø': "O", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D",
	'œ': "oe", 'Œ': "OE", 'þ': "th", 'Þ': "TH", 'ı': "i", '&': "+", '€': "EUR", '’': "'", '‘': "'", '–': "-", '—': "-",
}

// Latin writes s in the SEPA character set, at most max characters: accents go (ë → e,
// Ç → C), letters without a Latin form are spelled out (ß → ss, & → +), anything else
// becomes a space, and runs of spaces one. Banks refuse other characters.
func Latin(s string, max int) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // the accent of the letter before
		case allowed(r):
			b.WriteRune(r)
		case special[r] != "":
			b.WriteString(special[r])
		default:
			b.WriteRune(' ')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if len(out) > max {
		out = strings.TrimSpace(out[:max])
	}
	return out
}

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
