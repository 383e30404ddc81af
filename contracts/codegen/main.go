// Command codegen writes the Go types of the contracts: the data of every event type
// (contracts/events, from the JSON Schemas) and the request and response bodies of every
// service's API (contracts/openapi/<service>api, from the published OpenAPI documents), both
// with oapi-codegen. Run it from anywhere in the workspace after changing a contract:
//
//	go generate ./contracts/...
//
// A test in this module fails while the files on disk differ from what it would write.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	root, err := contractsDir()
	if err != nil {
		fail(err)
	}
	files, err := Generate(root)
	if err != nil {
		fail(err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fail(err)
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			fail(err)
		}
		fmt.Println("wrote contracts/" + name)
	}
}

// contractsDir finds contracts/ from where go generate or go run was started.
func contractsDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		for _, c := range []string{dir, filepath.Join(dir, "contracts")} {
			if _, err := os.Stat(filepath.Join(c, "events", "common.json")); err == nil {
				return c, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("codegen: no contracts/ folder above the working directory")
		}
		dir = parent
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
