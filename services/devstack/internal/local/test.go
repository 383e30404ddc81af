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
var needsKubernetes = map[string]bool{"operators/region-operator": true, "charts": true, "e2e/bench/regions": true}

// Test runs go test and golangci-lint (with govet) for every module in the workspace, reporting
// all failures at the end rather than stopping at the first module. The Kubernetes tools the
// operator and chart tests need are built meanwhile (minutes on a new machine, nothing
// after), and those modules' tests run last. Extra args go to go test.
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
	skaffoldReady := make(chan built, 1)
	go func() {
		t, err := k8s.BuildTools(root, os.Stdout)
		// promtool next, before the chart tests ask for it (their alert rules' unit tests)
		if _, perr := k8s.BuildExtraTools(root, "promtool", os.Stdout); perr != nil && err == nil {
			err = perr
		}
		toolsReady <- built{t, err}
		// skaffold last: minutes on a new machine, checked at the very end
		dir, err := k8s.BuildExtraTools(root, "skaffold", os.Stdout)
		skaffoldReady <- built{k8s.Tools{Assets: dir}, err}
	}()
	spectralReady := make(chan built, 1)
	go func() {
		bin, err := installSpectral(root)
		spectralReady <- built{k8s.Tools{Assets: bin}, err}
	}()
	lintReady := make(chan built, 1)
	go func() {
		lint, err := k8s.BuildLint(root, nil)
		lintReady <- built{k8s.Tools{Lint: lint}, err}
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
	step := func(dir string, env []string, args ...string) {
		rel := strings.TrimPrefix(strings.TrimPrefix(dir, root), "/")
		began := time.Now()
		what := filepath.Base(args[0]) + " " + args[1]
		fmt.Printf("== %s %s  (%s)\n", what, strings.Join(args[2:], " "), rel)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.Env = dir, os.Stdout, os.Stderr, env
		if err := cmd.Run(); err != nil {
			failed = append(failed, rel+": "+what)
		}
		fmt.Printf("   %s in %s\n", what, time.Since(began).Round(time.Second))
	}
	test := func(dir string, env []string) {
		step(dir, env, append(append([]string{"go", "test", "-count=1", "-timeout=20m"}, args...), "./...")...)
	}
	lint := func(bin, dir string) {
		step(dir, os.Environ(), bin, "run", "--config", filepath.Join(root, ".golangci.yml"), "./...")
	}
	// No separate go vet: golangci-lint runs govet over every module, and a second pass of
	// the analyzers over every dependency cost a new machine minutes.
	for _, dir := range first {
		test(dir, os.Environ())
	}
	// What needs no Kubernetes tools runs while they build: the tests of the modules that do
	// are compiled (not run), and the linter goes over the modules tested so far.
	for _, dir := range last {
		step(dir, os.Environ(), "go", "test", "-count=1", "-run=^$", "./...")
	}
	l := <-lintReady
	if l.err != nil {
		return l.err
	}
	for _, dir := range first {
		lint(l.tools.Lint, dir)
	}
	fmt.Println("== waiting for the Kubernetes tools...")
	b := <-toolsReady
	if b.err != nil {
		return b.err
	}
	for _, dir := range last {
		test(dir, append(os.Environ(), "KUBEBUILDER_ASSETS="+b.tools.Assets))
		lint(b.tools.Lint, dir)
	}
	// the published API documents against the NL API Design Rules
	if sp := <-spectralReady; sp.err != nil {
		failed = append(failed, "spectral: "+sp.err.Error())
	} else if err := lintContracts(root, sp.tools.Assets); err != nil {
		failed = append(failed, "contracts (spectral): "+err.Error())
	}
	// skaffold.yaml: diagnose and render every profile (offline: no cluster, no registry)
	fmt.Println("== waiting for skaffold...")
	if sk := <-skaffoldReady; sk.err != nil {
		failed = append(failed, "skaffold: "+sk.err.Error())
	} else if err := checkSkaffold(root, filepath.Join(sk.tools.Assets, "skaffold"), b.tools.Helm, nil); err != nil {
		failed = append(failed, "skaffold.yaml: "+err.Error())
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
