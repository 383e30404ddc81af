// Package testenv is what tests and benchmarks of every module need to find and build the
// workspace's programs. It and its packages depend on the standard library only, so the
// operator and chart modules stay free of the services' dependencies: k8s builds the
// Kubernetes tools, embedded starts the embedded Kafka and MongoDB.
package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// WorkspaceRoot is the directory holding go.work.
func WorkspaceRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil {
		return "", err
	}
	w := strings.TrimSpace(string(out))
	if w == "" || w == "off" {
		return "", fmt.Errorf("not inside the werkregio workspace (no go.work)")
	}
	return filepath.Dir(w), nil
}

var buildMu sync.Mutex

// BuildTool builds a main package of the workspace into a cache directory and returns the
// binary's path. The Go build cache makes repeated builds quick.
func BuildTool(name, pkg string) (string, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	root, err := WorkspaceRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, ".cache", "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, name)
	tmp := fmt.Sprintf("%s.%d.tmp", dst, os.Getpid())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", tmp, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return dst, os.Rename(tmp, dst)
}
