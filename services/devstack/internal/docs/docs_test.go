// Package docs holds the test that keeps the project's documents readable: a README a
// newcomer reads in minutes with the two commands, every page under docs/ reachable from it,
// and no link to a file that is not there.
package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/werkregio/platform/services/testenv"
)

var link = regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)

func TestTheReadmeIsShortAndEveryPageIsReachable(t *testing.T) {
	root, err := testenv.WorkspaceRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	if n := strings.Count(readme, "\n"); n > 250 {
		t.Errorf("README.md has %d lines; keep it under 250 and put the rest in docs/", n)
	}
	// exactly two set-up commands: start the platform, run every test
	var commands []string
	for _, l := range strings.Split(readme, "\n") {
		if strings.HasPrefix(l, "    go run ./services/devstack/cmd/werkregio ") && !strings.Contains(l, " token ") {
			commands = append(commands, strings.TrimSpace(l))
		}
	}
	if strings.Join(commands, "|") != "go run ./services/devstack/cmd/werkregio up|go run ./services/devstack/cmd/werkregio test" {
		t.Errorf("the README's set-up commands are %q; want up and test", commands)
	}
	pages, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if len(pages) == 0 {
		t.Fatal("no pages under docs/")
	}
	for _, p := range pages {
		if !strings.Contains(readme, "](docs/"+filepath.Base(p)+")") {
			t.Errorf("docs/%s is not linked from the README", filepath.Base(p))
		}
	}
	// every relative link of the README, the pages and the runbook leads to a file
	for _, doc := range append(pages, filepath.Join(root, "README.md"), filepath.Join(root, "charts", "platform", "RUNBOOK.md"),
		filepath.Join(root, "operators", "README.md")) {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(text), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(doc), target)); err != nil {
				rel, _ := filepath.Rel(root, doc)
				t.Errorf("%s links to %s, which is not there", rel, target)
			}
		}
	}
}
