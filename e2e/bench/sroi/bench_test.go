package main

import (
	"os"
	"testing"
)

// The harness runs in CI at a small size and prints its figures (measurements, not
// assertions); what is asserted holds at any size: every declaration is valued once and
// the region's totals show exactly what they are worth.
func TestTheHarnessAtASmallSize(t *testing.T) {
	if testing.Short() {
		t.Skip("measures for a minute")
	}
	res, err := Run(os.Stdout, Config{Projects: 200, Declarations: 600, Reads: 50})
	if err != nil {
		t.Fatal(err)
	}
	if res.Declared != res.Expected || res.Projects != 200 {
		t.Fatalf("totals: %d of %d cents declared, %d projects", res.Declared, res.Expected, res.Projects)
	}
}
