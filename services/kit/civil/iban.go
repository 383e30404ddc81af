package civil

// Bank accounts: providers register them (providers) and are paid to them (payments).

import (
	"regexp"
	"strings"
)

// ibanLength is the IBAN length per country of the SEPA scheme (EPC409-09).
var ibanLength = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
	"ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
	"IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
	"PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}

// NormalizeIBAN removes spaces and makes letters upper case, as an IBAN is compared and
// written in a payment file ("NL91 abna 0417 1643 00" is NL91ABNA0417164300).
func NormalizeIBAN(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }

// IBANProblem says why an IBAN cannot be paid to, or "" when it can: a SEPA country, the
// length of that country, and the mod-97 check (ISO 13616) that catches a mistyped digit.
func IBANProblem(raw string) string {
	iban := NormalizeIBAN(raw)
	if len(iban) < 5 {
		return "is not an IBAN"
	}
	want, ok := ibanLength[iban[:2]]
	switch {
	case !ok:
		return "is not of a SEPA country"
	case len(iban) != want:
		return "has the wrong length for its country"
	}
	for _, r := range iban {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
			return "holds a character that is not a letter or digit"
		}
	}
	if mod97(iban[4:]+iban[:4]) != 1 {
		return "fails the check digits (a typing error?)"
	}
	return ""
}

// mod97 computes the number the letters spell (A = 10 … Z = 35) modulo 97, digit by digit.
func mod97(s string) int {
	rem := 0
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			v := int(r-'A') + 10
			rem = (rem*100 + v) % 97
		} else {
			rem = (rem*10 + int(r-'0')) % 97
		}
	}
	return rem
}

var bicPattern = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)

// ValidBIC reports whether s is a BIC (ISO 9362): 8 or 11 characters.
func ValidBIC(s string) bool { return bicPattern.MatchString(s) }
