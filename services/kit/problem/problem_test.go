package problem_test

import (
	"io/fs"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/problem"
)

// Every kind of problem the platform can answer is documented, and nothing else is: the
// ProblemType enumeration of the shared OpenAPI document is the list clients branch on.
func TestEveryProblemKindIsDocumented(t *testing.T) {
	raw, err := fs.ReadFile(contracts.OpenAPIFiles(), "common.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum []string `yaml:"enum"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	documented := doc.Components.Schemas["ProblemType"].Enum
	var kinds []string
	for _, k := range problem.Kinds {
		kinds = append(kinds, k.Type())
		if !slices.Contains(documented, k.Type()) {
			t.Errorf("%s is not documented in common.yaml's ProblemType", k.Type())
		}
	}
	for _, d := range documented {
		if !slices.Contains(kinds, d) {
			t.Errorf("common.yaml documents %s, which no kind makes", d)
		}
	}
	var slugs []string
	for _, k := range problem.Kinds {
		slugs = append(slugs, k.Slug)
		if got := k.New("").Code; got != k.Slug {
			t.Errorf("a %s problem carries code %q", k.Slug, got)
		}
	}
	if codes := doc.Components.Schemas["ProblemCode"].Enum; !slices.Equal(codes, slugs) {
		t.Errorf("common.yaml's ProblemCode lists %v, the kinds are %v", codes, slugs)
	}
}
