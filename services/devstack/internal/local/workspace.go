// Package local runs the platform on one machine for development.
package local

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/werkregio/platform/services/testenv"
)

// workspaceRoot is the directory holding go.work.
var workspaceRoot = testenv.WorkspaceRoot

// program is a main package of the workspace to build.
type program struct{ name, pkg string }

// buildAll compiles programs into dir, two at a time (the Go build cache is shared, and a
// second build overlaps the first one's link step), saying what it does as it goes. It
// returns the binaries by name.
func buildAll(ctx context.Context, root, dir string, progs []program) (map[string]string, error) {
	out := map[string]string{}
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, p := range progs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			fmt.Printf("  building %s...\n", p.name)
			dst := filepath.Join(dir, p.name)
			cmd := exec.CommandContext(ctx, "go", "build", "-o", dst, p.pkg)
			cmd.Dir = root
			var errOut bytes.Buffer
			cmd.Stderr = &errOut
			err := cmd.Run()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("build %s: %w\n%s", p.pkg, err, errOut.String())
				}
				return
			}
			fmt.Printf("  built %s (%s)\n", p.name, time.Since(start).Round(100*time.Millisecond))
			out[p.name] = dst
		}()
	}
	wg.Wait()
	return out, firstErr
}
