package local

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/werkregio/platform/services/testenv/k8s"
)

// mailSink is the local SMTP sink: mailpit, built from the Go module proxy, keeps the
// e-mails the services send and shows them in a browser.
type mailSink struct {
	cmd       *exec.Cmd
	smtp, web string
}

func startMailSink(root, dir string, port int) (*mailSink, error) {
	tools, err := k8s.BuildExtraTools(root, "mailpit", os.Stdout)
	if err != nil {
		return nil, err
	}
	smtp := "127.0.0.1:" + strconv.Itoa(port)
	web := "127.0.0.1:" + strconv.Itoa(port+7000)
	cmd := exec.Command(filepath.Join(tools, "mailpit"), "--smtp", smtp, "--listen", web,
		"--database", filepath.Join(dir, "infra", "mailpit.db"), "--quiet")
	logf, err := os.Create(filepath.Join(dir, "logs", "mailpit.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(15 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", smtp, time.Second); err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("mailpit did not listen on %s; see %s", smtp, logf.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return &mailSink{cmd: cmd, smtp: smtp, web: "http://" + web}, nil
}
