// Package proc runs the platform's services as processes of their own for the e2e suites
// that kill them (crash) or their dependencies (faults): built once, started with the
// platform's settings, killed with SIGKILL and started again on the same database, topics
// and addresses.
package proc

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/testenv"
)

// Service is one service's process.
type Service struct {
	t    testing.TB
	Name string
	bin  string
	env  []string
	logs *os.File
	proc *exec.Cmd
	Addr string
	// OpsAddr is its internal listener (readiness, metrics).
	OpsAddr string
	Prefix  string // its topics' prefix
	Issuer  *auth.DevIssuer
}

// Platform is what the services of one test share: the infrastructure's addresses, the
// token issuer, the topics' prefix and a directory for logs.
type Platform struct {
	Kafka, MongoURI string
	Prefix          string
	Issuer          *auth.DevIssuer
	jwks, dir       string
}

// NewPlatform prepares services on the infrastructure at kafka and mongoURI.
func NewPlatform(t testing.TB, kafka, mongoURI, name string) *Platform {
	t.Helper()
	issuer, err := auth.NewDevIssuer("e2e-issuer", "werkregio")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	jwks := filepath.Join(dir, "jwks.json")
	if err := issuer.WritePublicSet(jwks); err != nil {
		t.Fatal(err)
	}
	return &Platform{Kafka: kafka, MongoURI: mongoURI, Prefix: fmt.Sprintf("%s%d.", name, time.Now().UnixNano()), Issuer: issuer, jwks: jwks, dir: dir}
}

// Start builds (cached) and starts a service's binary with the platform's settings and its
// own; it stops with the test. It waits until the service is ready.
func (p *Platform) Start(t testing.TB, name string, extraEnv ...string) *Service {
	t.Helper()
	bin, err := testenv.BuildTool(name, "github.com/werkregio/platform/services/"+name+"/cmd/"+name)
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{t: t, Name: name, bin: bin, Addr: FreeAddr(t), OpsAddr: FreeAddr(t), Prefix: p.Prefix, Issuer: p.Issuer}
	s.env = append(append(os.Environ(), "REGION=groningen", "KAFKA_BROKERS="+p.Kafka, "MONGO_URI="+p.MongoURI,
		"MONGO_DATABASE="+name+"-"+strings.TrimSuffix(p.Prefix, "."), "KAFKA_TOPIC_PREFIX="+p.Prefix, "KAFKA_SHARED_TOPIC_PREFIX="+p.Prefix+"shared.",
		"AUTH_ISSUER=e2e-issuer", "AUTH_JWKS_FILE="+p.jwks, "HTTP_ADDR="+s.Addr, "OPS_ADDR="+s.OpsAddr, "LOG_LEVEL=warn",
		"OUTBOX_POLL_INTERVAL=100ms", "KAFKA_CONSUMER_FAST=true", "KAFKA_CONSUMER_MAX_WAIT=100ms"), extraEnv...)
	for k, v := range kittest.EventKeyEnv("groningen", name) {
		s.env = append(s.env, k+"="+v)
	}
	if s.logs, err = os.Create(filepath.Join(p.dir, name+".log")); err != nil {
		t.Fatal(err)
	}
	s.start()
	t.Cleanup(func() {
		_ = s.proc.Process.Kill()
		_, _ = s.proc.Process.Wait()
		if t.Failed() { // what the service said, before its directory goes
			s.logTail(t, 60)
		}
	})
	s.Ready(60 * time.Second)
	return s
}

// Database is the service's MongoDB database.
func (s *Service) Database() string {
	for _, e := range s.env {
		if v, ok := strings.CutPrefix(e, "MONGO_DATABASE="); ok {
			return v
		}
	}
	return ""
}

func (s *Service) start() {
	s.proc = exec.Command(s.bin)
	s.proc.Env, s.proc.Stdout, s.proc.Stderr = s.env, s.logs, s.logs
	if err := s.proc.Start(); err != nil {
		s.t.Fatal(err)
	}
}

// Kill ends the process with SIGKILL (nothing flushed, nothing committed) and starts it again.
func (s *Service) Kill() {
	_ = s.proc.Process.Signal(syscall.SIGKILL)
	_, _ = s.proc.Process.Wait()
	s.start()
}

// IsReady reports whether the service answers /readyz with 200.
func (s *Service) IsReady() bool {
	c := http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get("http://" + s.OpsAddr + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Ready waits until the service answers /readyz, at most within.
func (s *Service) Ready(within time.Duration) {
	s.t.Helper()
	kittest.Eventually(s.t, s.Name+" ready", within, s.IsReady)
}

// Token is a token of the platform's issuer for a role of an organisation.
func (s *Service) Token(subject, org string, role auth.Role) string {
	tok, err := s.Issuer.Issue(auth.Principal{Subject: subject, Region: "groningen", Org: org, Roles: []auth.Role{role}}, time.Hour)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

// Metrics are the lines of the service's /metrics whose names contain one of names (for a
// failing test to say where the work stood).
func (s *Service) Metrics(names ...string) string {
	c := http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get("http://" + s.OpsAddr + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var kept []string
	for _, line := range strings.Split(string(raw), "\n") {
		for _, n := range names {
			if !strings.HasPrefix(line, "#") && strings.Contains(line, n) {
				kept = append(kept, line)
				break
			}
		}
	}
	return strings.Join(kept, "\n")
}

// FreeAddr is a free local address.
func FreeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// logTail prints the last lines the service logged (warnings and errors: LOG_LEVEL=warn).
func (s *Service) logTail(t testing.TB, lines int) {
	raw, err := os.ReadFile(s.logs.Name())
	if err != nil {
		return
	}
	all := strings.Split(strings.TrimSpace(string(raw)), "\n")
	t.Logf("the last %d of %d lines %s logged:\n%s", min(lines, len(all)), len(all), s.Name, strings.Join(all[max(0, len(all)-lines):], "\n"))
}
