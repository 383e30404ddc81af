package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// The generated types are the only wire shapes: the services' domain and app decide and
// orchestrate in types that say nothing of JSON or BSON. A field tag there would make a domain
// type an answer or a stored document again; the ports answer in the generated types and the
// adapters store their own documents.
func TestTheDomainAndAppHoldNoWireOrStorageShapes(t *testing.T) {
	dirs, err := filepath.Glob("../../services/*/internal/[da][op][mp]*")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, dir := range dirs {
		if base := filepath.Base(dir); base != "domain" && base != "app" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			ast.Inspect(f, func(n ast.Node) bool {
				if field, ok := n.(*ast.Field); ok && field.Tag != nil {
					t.Errorf("%s: a field tagged %s: a wire shape belongs in the ports (the generated types), a stored one in the adapters", file, field.Tag.Value)
				}
				return true
			})
		}
	}
	if checked < 50 {
		t.Errorf("only %d files of domain and app packages found: the test looks in the wrong place", checked)
	}
}
