// Package embedded starts the embedded Kafka broker and MongoDB-compatible server for tests
// and benchmarks, as a separate process built from services/devstack: real wire protocols,
// nothing mocked.
package embedded

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/werkregio/platform/services/testenv"
)

// Infra is a running embedded Kafka + MongoDB.
type Infra struct {
	Kafka    string
	MongoURI string
	cmd      *exec.Cmd
	// stdin stays open for the life of this process: the child exits when it closes, and
	// holding it here keeps the garbage collector from closing it early.
	stdin io.WriteCloser
}

var (
	shared     *Infra
	sharedErr  error
	sharedOnce sync.Once
)

// Shared starts one infrastructure process per test binary. It stops when the test binary
// exits (the child watches its standard input). WERKREGIO_MONGO_URI, when set, names the
// MongoDB the tests use instead of the embedded one (a replica set: the relays follow change
// streams); Kafka stays embedded.
func Shared(tb testing.TB) *Infra {
	tb.Helper()
	sharedOnce.Do(func() {
		shared, sharedErr = Start("")
		if uri := os.Getenv("WERKREGIO_MONGO_URI"); uri != "" && sharedErr == nil {
			shared.MongoURI = uri
		}
	})
	if sharedErr != nil {
		tb.Fatalf("embedded infrastructure: %v", sharedErr)
	}
	return shared
}

// Start builds (cached) and starts the embedded infrastructure; dataDir "" is temporary.
func Start(dataDir string) (*Infra, error) { return StartOn(dataDir, 0, 0) }

// StartOn starts the embedded infrastructure on given ports (0: any free one): a fault
// test kills it and starts it again on the same data and addresses.
func StartOn(dataDir string, kafkaPort, mongoPort int) (*Infra, error) {
	bin, err := testenv.BuildTool("embedded-infra", "github.com/werkregio/platform/services/devstack/cmd/embedded-infra")
	if err != nil {
		return nil, err
	}
	args := []string{"-exit-on-stdin-close", "-kafka-port", fmt.Sprint(kafkaPort), "-mongo-port", fmt.Sprint(mongoPort)}
	if dataDir != "" {
		args = append(args, "-data-dir", dataDir)
	}
	cmd := exec.Command(bin, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			_ = cmd.Wait()
			return nil, fmt.Errorf("embedded-infra exited before it was ready")
		}
		var ready struct{ Kafka, Mongo string }
		if err := json.Unmarshal([]byte(line), &ready); err != nil {
			return nil, fmt.Errorf("embedded-infra said %q: %w", line, err)
		}
		return &Infra{Kafka: ready.Kafka, MongoURI: ready.Mongo, cmd: cmd, stdin: stdin}, nil
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("embedded-infra not ready after 2 minutes")
	}
}

// Pid is the infrastructure process's id (benchmarks measure its CPU).
func (i *Infra) Pid() int { return i.cmd.Process.Pid }

// Stop ends the process.
func (i *Infra) Stop() {
	if i.cmd != nil && i.cmd.Process != nil {
		_ = i.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = i.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = i.cmd.Process.Kill()
		}
	}
}

// Kill ends the process with SIGKILL: a crash of the database and the broker, nothing
// flushed.
func (i *Infra) Kill() {
	_ = i.cmd.Process.Signal(syscall.SIGKILL)
	_ = i.cmd.Wait()
}

// Pause stops the process with SIGSTOP: a hung dependency whose ports stay open.
func (i *Infra) Pause() { _ = i.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume continues a paused process.
func (i *Infra) Resume() { _ = i.cmd.Process.Signal(syscall.SIGCONT) }
