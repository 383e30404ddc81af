package sepa

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
		if got := Latin(in, 140); got != want {
			t.Errorf("Latin(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Latin("Bouwopleiding Noord Groningen Drenthe Friesland Overijssel", 35); len(got) > 35 {
		t.Errorf("%q is longer than 35", got)
	}
}

func TestIdentifiersAreAtMost35LettersDigitsAndDashes(t *testing.T) {
	id := ID("run", "groningen", "2026-12-01", "trn-enr-0e40c59e8c04fbdf4422-sustainably_placed")
	if len(id) > 35 || id == "" {
		t.Fatalf("%q", id)
	}
	for _, r := range id {
		if !idRune(r) {
			t.Fatalf("%q holds %q", id, r)
		}
	}
	if ID("a/b", "c") != "ab-c" {
		t.Errorf("%q", ID("a/b", "c"))
	}
}
