package local

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/werkregio/platform/services/testenv/k8s"
)

// Skaffold builds skaffold once (minutes and about 4 GB of build cache; the test command
// builds it in the background too) and checks skaffold.yaml: diagnose and an offline
// render of both Helm releases for every profile. Extra args run skaffold itself with helm
// on the PATH, e.g. werkregio skaffold run -p e2e --default-repo 127.0.0.1:5005/werkregio.
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
	return checkSkaffold(root, filepath.Join(dir, "skaffold"), tools.Helm, args)
}

// skaffoldProfiles are the profiles skaffold.yaml declares, and "" (no profile).
func skaffoldProfiles(root string) ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "skaffold.yaml"))
	if err != nil {
		return nil, err
	}
	_, profiles, ok := strings.Cut(string(raw), "\nprofiles:\n")
	if !ok {
		return []string{""}, nil
	}
	out := []string{""}
	for _, line := range strings.Split(profiles, "\n") {
		if name, ok := strings.CutPrefix(line, "  - name: "); ok {
			out = append(out, strings.TrimSpace(name))
		} else if line != "" && !strings.HasPrefix(line, " ") {
			break // the next top-level key
		}
	}
	return out, nil
}

// offlineHelm is a directory with a helm that renders for a current Kubernetes: offline,
// helm assumes 1.20, which the charts' kubeVersion (>= 1.30) refuses, and skaffold passes
// none of deploy.helm's flags to an offline render (v2.16 builds that renderer from the
// releases alone). Against a cluster, helm asks it.
func offlineHelm(helm string) (string, error) {
	dir, err := os.MkdirTemp("", "werkregio-helm-")
	if err != nil {
		return "", err
	}
	script := "#!/bin/sh\nfor a in \"$@\"; do if [ \"$a\" = template ]; then exec " + helm + " \"$@\" --kube-version " + k8s.KubernetesVersion + "; fi; done\nexec " + helm + " \"$@\"\n"
	return dir, os.WriteFile(filepath.Join(dir, "helm"), []byte(script), 0o755)
}

func checkSkaffold(root, skaffold, helm string, args []string) error {
	helmDir, err := offlineHelm(helm)
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(helmDir) }()
	run := func(a ...string) error {
		cmd := exec.Command(skaffold, a...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stdout, os.Stderr
		cmd.Env = append(os.Environ(), "PATH="+helmDir+":"+os.Getenv("PATH"), "SKAFFOLD_UPDATE_CHECK=false", "SKAFFOLD_COLLECT_METRICS=false")
		fmt.Printf("== skaffold %s\n", strings.Join(a, " "))
		return cmd.Run()
	}
	if len(args) > 0 {
		return run(args...)
	}
	out, err := os.MkdirTemp("", "skaffold-render-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(out) }()
	profiles, err := skaffoldProfiles(root)
	if err != nil {
		return err
	}
	for _, profile := range profiles {
		p := []string{}
		if profile != "" {
			p = []string{"-p", profile}
		}
		for _, check := range [][]string{
			append([]string{"diagnose", "--yaml-only"}, p...),
			append([]string{"render", "--offline=true", "--digest-source=none", "--default-repo", "127.0.0.1:5005/werkregio",
				"--output", filepath.Join(out, "render-"+profile+".yaml")}, p...),
		} {
			if err := run(check...); err != nil {
				return fmt.Errorf("skaffold %s: %w", strings.Join(check, " "), err)
			}
		}
	}
	fmt.Println("skaffold.yaml checks out (diagnose and an offline render of both releases, for every profile)")
	return nil
}
