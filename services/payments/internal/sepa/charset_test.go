package sepa

import "testing"

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
