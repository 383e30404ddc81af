package main

import (
	"os"
	"testing"
)

// The harness runs in CI at a small size and prints its figures (they are measurements,
// not assertions); what is asserted is what must hold at any size: no tranche lost or
// duplicated, a budget that books exactly what the tranches hold, and complete files.
func TestTheHarnessAtASmallSize(t *testing.T) {
	if testing.Short() {
		t.Skip("measures for a minute")
	}
	res, err := Run(os.Stdout, Config{Milestones: 300, Paced: 25, Rate: 5, RunSizes: []int{1000, 10000}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lost != 0 || res.Duplicates != 0 {
		t.Fatalf("%d tranches lost, %d duplicated", res.Lost, res.Duplicates)
	}
	for _, r := range res.Runs {
		if r.Bytes < int64(r.Transfers)*300 {
			t.Errorf("the file of %d transfers is %d bytes", r.Transfers, r.Bytes)
		}
	}
}
