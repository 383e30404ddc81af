package charts

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/k8s"
)

// The PrometheusRule's alerts are what Prometheus accepts (promtool check rules), and each one
// fires on the series that should fire it, with its labels and annotations, not before its
// `for` (promtool test rules over alerts_test.yaml, written for region flevoland). Every
// alert of the chart has a test there.
func TestEveryAlertFiresOnTheSeriesThatShouldFireIt(t *testing.T) {
	tools := k8s.K8sTools(t)
	root, err := testenv.WorkspaceRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := k8s.BuildExtraTools(root, "promtool", os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	promtool := filepath.Join(dir, "promtool")
	docs := renderDocs(t, tools, "platform", "-n", "werkregio-flevoland", "-f", "platform/ci/direct-values.yaml",
		"--set", "monitoring.prometheusRule.enabled=true")
	var groups any
	for _, d := range docs {
		if d.Kind == "PrometheusRule" {
			groups = d.Spec["groups"]
		}
	}
	if groups == nil {
		t.Fatal("no PrometheusRule rendered")
	}
	rules, err := yaml.Marshal(map[string]any{"groups": groups})
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "rules.yaml"), rules, 0o644); err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile("alerts_test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "alerts_test.yaml"), append([]byte("rule_files: [rules.yaml]\n"), tests...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "alerts_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = work
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	tested := map[string]bool{}
	for _, m := range regexp.MustCompile(`alertname: (\w+)\n\s+exp_alerts:\n\s+- exp_labels`).FindAllStringSubmatch(string(tests), -1) {
		tested[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`alert: (\w+)`).FindAllStringSubmatch(string(rules), -1) {
		if !tested[m[1]] {
			t.Errorf("%s has no test in alerts_test.yaml that fires it", m[1])
		}
	}
}
