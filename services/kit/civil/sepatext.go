package civil

// Text in a SEPA credit transfer: banks take the SEPA Latin character set only. Providers
// check a bank account's holder against it when it is registered; payments writes every
// name, address and remittance in it.

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

// SEPALatin writes s in the SEPA character set, at most max characters: accents go (ë → e,
// Ç → C), letters without a Latin form are spelled out (ß → ss, & → +), anything else
// becomes a space, and runs of spaces one. Banks refuse other characters.
func SEPALatin(s string, max int) string {
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

// HasLatinLetter reports whether s keeps a letter in the SEPA character set: a name
// written only in another script would be empty in a payment file, which banks refuse.
func HasLatinLetter(s string) bool {
	for _, r := range SEPALatin(s, len(s)*2+1) {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return true
		}
	}
	return false
}
