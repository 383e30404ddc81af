package local

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/werkregio/platform/services/testenv/k8s"
)

// Test runs go vet and go test for every module in the workspace, reporting all failures
// at the end rather than stopping at the first module. Extra args go to go test.
func Test(args []string) error {
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	// The operator and chart tests need a real control plane and helm: build them first,
	// outside any test's timeout (minutes on a new machine, seconds after).
	tools, err := k8s.BuildTools(root, os.Stdout)
	if err != nil {
		return err
	}
	env := append(os.Environ(), "KUBEBUILDER_ASSETS="+tools.Assets)
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return err
	}
	var failed []string
	for _, dir := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(strings.TrimPrefix(dir, root), "/")
		for _, step := range [][]string{{"vet", "./..."}, append([]string{"test", "-count=1", "-timeout=20m"}, append(args, "./...")...)} {
			fmt.Printf("== go %s  (%s)\n", strings.Join(step, " "), rel)
			cmd := exec.Command("go", step...)
			cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.Env = dir, os.Stdout, os.Stderr, env
			if err := cmd.Run(); err != nil {
				failed = append(failed, rel+": go "+step[0])
			}
		}
	}
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
