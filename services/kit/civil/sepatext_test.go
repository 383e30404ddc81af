package civil

import "testing"

func TestTextIsWrittenInTheSEPACharacterSet(t *testing.T) {
	cases := map[string]string{
		"Opleidingscentrum Zuidoost-Brabant B.V.": "Opleidingscentrum Zuidoost-Brabant B.V.",
		"Coöperatie Één & Ander":                  "Cooperatie Een + Ander",
		"Straße 12 — Köln":                        "Strasse 12 - Koln",
		"Françoise Ørsted  <info@x.nl>":           "Francoise Orsted info x.nl",
		"tab\there\nnewline":                      "tab here newline",
	}
	for in, want := range cases {
		if got := SEPALatin(in, 140); got != want {
			t.Errorf("SEPALatin(%q) = %q, want %q", in, got, want)
		}
	}
	if got := SEPALatin("Bouwopleiding Noord Groningen Drenthe Friesland Overijssel", 35); len(got) > 35 {
		t.Errorf("%q is longer than 35", got)
	}
}

// A name written only in another script has nothing a bank can take: it is refused where
// it is entered, not written empty in a payment file.
func TestANameWithoutLatinLettersIsNoSEPAName(t *testing.T) {
	for _, name := range []string{"ООО Ромашка", "株式会社", "123 456", "  -- "} {
		if HasLatinLetter(name) {
			t.Errorf("%q has a Latin letter", name)
		}
	}
	for _, name := range []string{"Ørsted", "Coöperatie Één", "ООО Ромашка B.V."} {
		if !HasLatinLetter(name) {
			t.Errorf("%q has no Latin letter", name)
		}
	}
}
