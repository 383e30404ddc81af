package local

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/werkregio/platform/services/testenv/k8s"
)

// Skaffold builds skaffold once (about 4 GB of build cache and minutes: never part of the
// test command) and checks skaffold.yaml: diagnose for every profile, then an offline
// render of both Helm releases. Extra args run skaffold itself with helm on the PATH, e.g.
// werkregio skaffold run -p e2e --default-repo 127.0.0.1:5005/werkregio.
func Skaffold(args []string) error {
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	dir, err := k8s.BuildExtraTools(root, "skaffold", os.Stderr)
	if err != nil {
		return err
	}
	tools, err := k8s.BuildTools(root, os.Stderr)
	if err != nil {
		return err
	}
	run := func(a ...string) error {
		cmd := exec.Command(filepath.Join(dir, "skaffold"), a...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stdout, os.Stderr
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(tools.Helm)+":"+os.Getenv("PATH"), "SKAFFOLD_UPDATE_CHECK=false", "SKAFFOLD_COLLECT_METRICS=false")
		fmt.Printf("== skaffold %s\n", strings.Join(a, " "))
		return cmd.Run()
	}
	if len(args) > 0 {
		return run(args...)
	}
	for _, check := range [][]string{
		{"diagnose", "--yaml-only"},
		{"diagnose", "--yaml-only", "-p", "e2e"},
		{"render", "--offline=true", "--digest-source=none", "--default-repo", "127.0.0.1:5005/werkregio", "--output", filepath.Join(root, ".cache", "skaffold-render.yaml")},
	} {
		if err := run(check...); err != nil {
			return fmt.Errorf("skaffold %s: %w", check[0], err)
		}
	}
	fmt.Println("skaffold.yaml checks out (diagnose for every profile, offline render of both releases)")
	return nil
}
