// Package mailpit runs the SMTP sink the tests send e-mail to (built from the Go module
// proxy) and reads what arrived through its API.
package mailpit

import (
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/k8s"
)

// Sink is a running mailpit: SMTP takes mail, Web answers its API.
type Sink struct {
	SMTP string
	Web  string
}

// Start runs mailpit for the test and stops it after.
func Start(t testing.TB) *Sink {
	t.Helper()
	root, err := testenv.WorkspaceRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := k8s.BuildExtraTools(root, "mailpit", nil)
	if err != nil {
		t.Fatal(err)
	}
	free := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}
	s := &Sink{SMTP: free()}
	web := free()
	s.Web = "http://" + web
	cmd := exec.Command(filepath.Join(dir, "mailpit"), "--smtp", s.SMTP, "--listen", web, "--database", filepath.Join(t.TempDir(), "mail.db"), "--quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", s.SMTP); err == nil {
			_ = c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not listen on %s", s.SMTP)
		}
	}
}

// Mail is one e-mail as mailpit lists it.
type Mail struct {
	ID        string
	MessageID string // the sender's Message-ID, without its angle brackets
	Subject   string
	To        []struct{ Address string }
}

// Addresses are the mail's addressees.
func (m Mail) Addresses() []string {
	out := make([]string, len(m.To))
	for i, a := range m.To {
		out[i] = a.Address
	}
	return out
}

// Messages lists what arrived, newest first (the first hundred).
func (s *Sink) Messages(t testing.TB) []Mail {
	t.Helper()
	var page struct{ Messages []Mail }
	s.get(t, "/api/v1/messages?limit=100", &page)
	return page.Messages
}

// Body is one e-mail's plain-text and HTML parts.
func (s *Sink) Body(t testing.TB, id string) (text, html string) {
	t.Helper()
	var m struct{ Text, HTML string }
	s.get(t, "/api/v1/message/"+id, &m)
	return m.Text, m.HTML
}

func (s *Sink) get(t testing.TB, path string, into any) {
	t.Helper()
	resp, err := http.Get(s.Web + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatal(err)
	}
}
