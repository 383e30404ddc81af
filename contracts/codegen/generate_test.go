package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The Go types every producer, consumer and client uses are what the contracts say: a contract
// changed without `go generate ./contracts/...` (or a generated file edited by hand) fails here.
func TestTheGeneratedTypesAreWhatTheContractsSay(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Errorf("contracts/%s is missing: run go generate ./contracts/...", name)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("contracts/%s differs from its contract: run go generate ./contracts/...", name)
		}
	}
	if len(files) != 7 {
		t.Errorf("%d files generated, want the events, the shared API and five APIs", len(files))
	}
}
