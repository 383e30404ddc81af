package local

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// traceViewer is the local trace viewer (cmd/traceview): OTLP in, pages and Jaeger's query
// API out.
type traceViewer struct {
	cmd       *exec.Cmd
	otlp, web string
}

func startTraceViewer(bin, dir string, otlpPort, webPort int) (*traceViewer, error) {
	cmd := exec.Command(bin, "-otlp-addr", "127.0.0.1:"+strconv.Itoa(otlpPort), "-http-addr", "127.0.0.1:"+strconv.Itoa(webPort))
	logf, err := os.Create(filepath.Join(dir, "logs", "traceview.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var ready struct{ OTLP, Web string }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || json.Unmarshal([]byte(line), &ready) != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("the trace viewer did not start (ports %d and %d taken?); see %s", otlpPort, webPort, logf.Name())
	}
	return &traceViewer{cmd: cmd, otlp: ready.OTLP, web: ready.Web}, nil
}
