package local

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/werkregio/platform/services/testenv/k8s"
)

// needsKubernetes are the modules whose tests run against a control plane and helm.
var needsKubernetes = map[string]bool{"operators/region-operator": true, "charts": true}

// Test runs go vet and go test for every module in the workspace, reporting all failures
// at the end rather than stopping at the first module. The Kubernetes tools the operator and
// chart tests need are built meanwhile (minutes on a new machine, nothing after), and those
// modules run last. Extra args go to go test.
func Test(args []string) error {
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	start := time.Now()
	type built struct {
		tools k8s.Tools
		err   error
	}
	toolsReady := make(chan built, 1)
	go func() {
		t, err := k8s.BuildTools(root, os.Stdout)
		toolsReady <- built{t, err}
	}()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return err
	}
	var first, last []string
	for _, dir := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(strings.TrimPrefix(dir, root), "/")
		if needsKubernetes[rel] {
			last = append(last, dir)
		} else {
			first = append(first, dir)
		}
	}
	var failed []string
	run := func(dir string, env []string) {
		rel := strings.TrimPrefix(strings.TrimPrefix(dir, root), "/")
		for _, step := range [][]string{{"vet", "./..."}, append([]string{"test", "-count=1", "-timeout=20m"}, append(args, "./...")...)} {
			began := time.Now()
			fmt.Printf("== go %s  (%s)\n", strings.Join(step, " "), rel)
			cmd := exec.Command("go", step...)
			cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.Env = dir, os.Stdout, os.Stderr, env
			if err := cmd.Run(); err != nil {
				failed = append(failed, rel+": go "+step[0])
			}
			fmt.Printf("   %s in %s\n", step[0], time.Since(began).Round(time.Second))
		}
	}
	for _, dir := range first {
		run(dir, os.Environ())
	}
	fmt.Println("== waiting for the Kubernetes tools...")
	b := <-toolsReady
	if b.err != nil {
		return b.err
	}
	for _, dir := range last {
		run(dir, append(os.Environ(), "KUBEBUILDER_ASSETS="+b.tools.Assets))
	}
	// The linter, over every module, with the workspace's one configuration.
	for _, dir := range append(first, last...) {
		rel := strings.TrimPrefix(strings.TrimPrefix(dir, root), "/")
		began := time.Now()
		fmt.Printf("== golangci-lint run  (%s)\n", rel)
		cmd := exec.Command(b.tools.Lint, "run", "--config", filepath.Join(root, ".golangci.yml"), "./...")
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			failed = append(failed, rel+": golangci-lint")
		}
		fmt.Printf("   lint in %s\n", time.Since(began).Round(time.Second))
	}
	fmt.Printf("== %d modules in %s\n", len(first)+len(last), time.Since(start).Round(time.Second))
	if len(failed) > 0 {
		return fmt.Errorf("failed:\n  %s", strings.Join(failed, "\n  "))
	}
	fmt.Println("all modules passed")
	return nil
}

// Tools builds (once) and prints where the Kubernetes tools are, for running the operator
// against its envtest control plane by hand.
func Tools(args []string) error {
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	t, err := k8s.BuildTools(root, os.Stderr)
	if err != nil {
		return err
	}
	fmt.Printf("export KUBEBUILDER_ASSETS=%s\nexport HELM=%s\nexport CONTROLLER_GEN=%s\nexport KUBECTL=%s\n", t.Assets, t.Helm, t.ControllerGen, t.Kubectl)
	return nil
}
