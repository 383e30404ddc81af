// Command werkregio is the developer's entry point. It is deliberately small (the standard
// library only), so `go run` starts it in seconds on a new machine: it then builds the real
// tool (cmd/werkregio-tool, with the platform's dependencies) and says what it is doing
// from the first second, and runs it with the same arguments.
//
//	werkregio up      start the platform locally on the embedded Kafka and MongoDB
//	werkregio test    run every test of every module (what CI runs)
//	werkregio help    every command
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	root, err := workspaceRoot()
	if err != nil {
		fail(err)
	}
	bin := filepath.Join(root, ".cache", "bin", "werkregio-tool")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		fail(err)
	}
	fmt.Fprintln(os.Stderr, "werkregio: preparing the tool (the first time on a machine this compiles the platform's dependencies: a few minutes)...")
	start := time.Now()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(os.Stderr, "werkregio: still compiling (%s)...\n", time.Since(start).Round(time.Second))
			}
		}
	}()
	cmd := exec.Command("go", "build", "-o", bin, "./services/devstack/cmd/werkregio-tool")
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
	err = cmd.Run()
	close(done)
	if err != nil {
		fail(fmt.Errorf("building the tool: %w", err))
	}
	if d := time.Since(start); d > 5*time.Second {
		fmt.Fprintf(os.Stderr, "werkregio: tool ready in %s\n", d.Round(time.Second))
	}
	// Replace this process, so signals (Ctrl-C) and the exit status are the tool's own.
	if err := syscall.Exec(bin, append([]string{bin}, os.Args[1:]...), os.Environ()); err != nil {
		fail(err)
	}
}

func workspaceRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil {
		return "", err
	}
	w := strings.TrimSpace(string(out))
	if w == "" || w == "off" {
		return "", fmt.Errorf("run werkregio inside the werkregio workspace (no go.work found)")
	}
	return filepath.Dir(w), nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "werkregio:", err)
	os.Exit(1)
}
