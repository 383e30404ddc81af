// Package local runs the platform on one machine for development.
package local

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/werkregio/platform/services/testenv"
)

// workspaceRoot is the directory holding go.work.
var workspaceRoot = testenv.WorkspaceRoot

// build compiles a main package of the workspace into dir.
func build(ctx context.Context, root, dir, name, pkg string) (string, error) {
	dst := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", dst, pkg)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	return dst, nil
}
