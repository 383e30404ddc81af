// Package debian finds a command that a Debian package provides, installing the package
// when it is missing: the project's tests run on a new machine with only Go (and apt).
package debian

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
)

var mu sync.Mutex

// Command returns the path of command, installing pkg with apt-get when it is not on the
// PATH. It says what it does on stderr: an install takes a while the first time.
func Command(command, pkg string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if path, err := exec.LookPath(command); err == nil {
		return path, nil
	}
	fmt.Fprintf(os.Stderr, "installing the Debian package %s (for %s)...\n", pkg, command)
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "--no-install-recommends", pkg}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("apt-get %v: %w: %s", args, err, out)
		}
	}
	return exec.LookPath(command)
}
