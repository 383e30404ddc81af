// Package privacy keeps personal data out of what the platform writes about its work:
// error details, dead-letter reasons, log lines and spans. Input is never trusted to be in
// the right field: a partner may put a BSN in a name or an id, and the validator quotes
// what it got. Redact is the last line that catches it.
package privacy

import "regexp"

// Mask replaces a BSN in text.
const Mask = "[BSN]"

// nineDigits finds runs of nine digits, optionally grouped by a space, dot or dash as
// people write a BSN (123.456.782, 123 45 6782), not touching other digits.
var nineDigits = regexp.MustCompile(`\d(?:[ .\-]?\d){8}`)

// Redact replaces every number in s that is a valid BSN (nine digits passing the
// 11-proef) with Mask. Other numbers (KvK numbers have eight digits, amounts, dates) stay.
func Redact(s string) string {
	locs := nineDigits.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return s
	}
	out := make([]byte, 0, len(s))
	last := 0
	for _, l := range locs {
		start, end := l[0], l[1]
		if (start > 0 && isDigit(s[start-1])) || (end < len(s) && isDigit(s[end])) || !elevenProof(s[start:end]) {
			continue
		}
		out = append(out, s[last:start]...)
		out = append(out, Mask...)
		last = end
	}
	return string(append(out, s[last:]...))
}

// RedactError is err with its message redacted (nil stays nil).
func RedactError(err error) error {
	if err == nil {
		return nil
	}
	return redacted{msg: Redact(err.Error()), err: err}
}

type redacted struct {
	msg string
	err error
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// elevenProof is the BSN check: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11.
func elevenProof(s string) bool {
	sum, w := 0, 9
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			continue
		}
		d := int(s[i] - '0')
		if w == 1 {
			sum -= d
		} else {
			sum += w * d
		}
		w--
	}
	return sum%11 == 0 && sum != 0
}

// HoldsBSN reports whether s contains a number that is a valid BSN: free text and ids where
// personal data does not belong refuse it rather than store it.
func HoldsBSN(s string) bool { return Redact(s) != s }
