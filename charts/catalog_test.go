package charts

import (
	"os"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/werkregio/platform/contracts/catalog"
)

// The platform chart has a services block for every service of the catalog, in its order,
// and nothing else.
func TestThePlatformChartListsTheCatalogsServices(t *testing.T) {
	raw, err := os.ReadFile("platform/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		Services map[string]any `json:"services"`
	}
	if err := yaml.Unmarshal(raw, &values); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, line := range strings.Split(string(raw), "\n") {
		name, _, ok := strings.Cut(strings.TrimPrefix(line, "  "), ":")
		if ok && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && values.Services[name] != nil {
			order = append(order, name)
		}
	}
	var want []string
	for _, s := range catalog.Services {
		want = append(want, s.Name)
	}
	if strings.Join(order, ",") != strings.Join(want, ",") || len(values.Services) != len(want) {
		t.Fatalf("values.yaml services %v, the catalog %v", order, want)
	}
}
