package civil

import (
	"testing"

	"github.com/werkregio/platform/contracts/messages"
)

func TestIBANsAreCheckedForCountryLengthAndCheckDigits(t *testing.T) {
	valid := []string{"NL91ABNA0417164300", "nl91 abna 0417 1643 00", "DE89370400440532013000", "BE68539007547034", "GB29NWBK60161331926819"}
	for _, iban := range valid {
		if p := IBANProblem(iban); p != "" {
			t.Errorf("%s: %s", iban, p)
		}
	}
	invalid := map[string]string{
		"NL91ABNA0417164301":     "check digits",
		"NL91ABNA041716430":      "length",
		"US64SVBKUS6S3300958879": "SEPA",
		"NL91ABNA04171643.0":     "character",
		"":                       "not an IBAN",
	}
	for iban, why := range invalid {
		p := IBANProblem(iban)
		if p == "" || !contains(p, why) {
			t.Errorf("%q: %q, want a problem about %s", iban, p, why)
		}
		if messages.DutchValue(p) == p { // said to a provider at the IBAN field
			t.Errorf("%q has no Dutch in contracts/messages", p)
		}
	}
	if !ValidBIC("ABNANL2A") || !ValidBIC("INGBNL2AXXX") || ValidBIC("ABNA NL2A") {
		t.Error("BIC check")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
