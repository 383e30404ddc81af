package crash

import (
	"fmt"
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

// service is one service's process on the shared embedded infrastructure, started, killed
// with SIGKILL and started again on the same database, topics and address.
type service struct {
	t    *testing.T
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

// startService builds (cached) and starts a service's binary with the platform's settings
// and its own; it stops with the test.
func startService(t *testing.T, name string, extraEnv ...string) *service {
	t.Helper()
	infra := kittest.Shared(t)
	bin, err := testenv.BuildTool(name, "github.com/werkregio/platform/services/"+name+"/cmd/"+name)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := auth.NewDevIssuer("crash-issuer", "werkregio")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	jwks := filepath.Join(dir, "jwks.json")
	if err := issuer.WritePublicSet(jwks); err != nil {
		t.Fatal(err)
	}
	prefix := fmt.Sprintf("crash%s%d.", name, time.Now().UnixNano())
	s := &service{t: t, bin: bin, Addr: freeAddr(t), OpsAddr: freeAddr(t), Prefix: prefix, Issuer: issuer}
	s.env = append(append(os.Environ(), "REGION=groningen", "KAFKA_BROKERS="+infra.Kafka, "MONGO_URI="+infra.MongoURI,
		"MONGO_DATABASE="+name+"-"+strings.TrimSuffix(prefix, "."), "KAFKA_TOPIC_PREFIX="+prefix, "KAFKA_SHARED_TOPIC_PREFIX="+prefix+"shared.", "AUTH_ISSUER=crash-issuer",
		"AUTH_JWKS_FILE="+jwks, "HTTP_ADDR="+s.Addr, "OPS_ADDR="+s.OpsAddr, "LOG_LEVEL=warn", "OUTBOX_POLL_INTERVAL=100ms", "KAFKA_CONSUMER_FAST=true",
		"KAFKA_CONSUMER_MAX_WAIT=100ms"), extraEnv...)
	for k, v := range kittest.EventKeyEnv("groningen", name) {
		s.env = append(s.env, k+"="+v)
	}
	if s.logs, err = os.Create(filepath.Join(dir, name+".log")); err != nil {
		t.Fatal(err)
	}
	s.start()
	t.Cleanup(func() { _ = s.proc.Process.Kill(); _, _ = s.proc.Process.Wait() })
	s.ready()
	return s
}

// Database is the service's MongoDB database.
func (s *service) Database() string {
	for _, e := range s.env {
		if v, ok := strings.CutPrefix(e, "MONGO_DATABASE="); ok {
			return v
		}
	}
	return ""
}

func (s *service) start() {
	s.proc = exec.Command(s.bin)
	s.proc.Env, s.proc.Stdout, s.proc.Stderr = s.env, s.logs, s.logs
	if err := s.proc.Start(); err != nil {
		s.t.Fatal(err)
	}
}

// kill ends the process with SIGKILL (nothing flushed, nothing committed) and starts it again.
func (s *service) kill() {
	_ = s.proc.Process.Signal(syscall.SIGKILL)
	_, _ = s.proc.Process.Wait()
	s.start()
}

// ready waits until the service answers /readyz.
func (s *service) ready() {
	s.t.Helper()
	kittest.Eventually(s.t, "ready", 60*time.Second, func() bool {
		resp, err := http.Get("http://" + s.OpsAddr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
}

// token is a token of the service's issuer for a role of an organisation.
func (s *service) token(subject, org string, role auth.Role) string {
	tok, err := s.Issuer.Issue(auth.Principal{Subject: subject, Region: "groningen", Org: org, Roles: []auth.Role{role}}, time.Hour)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}
