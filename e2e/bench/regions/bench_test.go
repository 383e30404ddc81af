package main

import (
	"io"
	"testing"
)

// The harness at a small size, so that it keeps working: every Region becomes Ready, and a
// restarted operator writes nothing for Regions that are as specified.
func TestHarnessAtSmallSize(t *testing.T) {
	res, err := Run(io.Discard, Config{First: 3, Then: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.IdleWrites != 0 {
		t.Errorf("a restarted operator wrote %d times to the API server for idle Regions, want 0", res.IdleWrites)
	}
	if res.RSSPeak == 0 || res.Reconciles == 0 {
		t.Errorf("figures missing: %+v", res)
	}
}
