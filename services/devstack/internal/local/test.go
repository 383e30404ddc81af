package local

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Test runs go vet and go test for every module in the workspace, reporting all failures
// at the end rather than stopping at the first module. Extra args go to go test.
func Test(args []string) error {
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
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
			cmd.Dir, cmd.Stdout, cmd.Stderr = dir, os.Stdout, os.Stderr
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
