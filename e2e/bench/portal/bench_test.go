package main

import "testing"

// The harness keeps working: at a small size every page of every role answers (the figures
// are the harness's to print, not a test's to time).
func TestTheHarnessMeasuresEveryPage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole platform")
	}
	if err := run(200, 20, 3); err != nil {
		t.Fatal(err)
	}
}
