package service_test

import (
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/k8s"
)

// mailpit starts the SMTP sink (built from the Go module proxy) and returns its SMTP
// address and web address.
func mailpit(t *testing.T) (smtp, web string) {
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
	smtp, web = free(), free()
	cmd := exec.Command(filepath.Join(dir, "mailpit"), "--smtp", smtp, "--listen", web, "--database", filepath.Join(t.TempDir(), "mail.db"), "--quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	kittest.Eventually(t, "mailpit", 15*time.Second, func() bool {
		c, err := net.Dial("tcp", smtp)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	})
	return smtp, "http://" + web
}

type mail struct {
	ID      string
	Subject string
	To      []struct{ Address string }
}

// body is one e-mail's plain-text and HTML parts, as mailpit read them.
func body(t *testing.T, web, id string) (text, html string) {
	t.Helper()
	resp, err := http.Get(web + "/api/v1/message/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct{ Text, HTML string }
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m.Text, m.HTML
}

func mails(t *testing.T, web string) []mail {
	t.Helper()
	resp, err := http.Get(web + "/api/v1/messages?limit=100")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct{ Messages []mail }
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	return page.Messages
}

// The contractor hears of its obligation by e-mail, and the werkplein of a deadline
// coming: one e-mail per cause, whatever is redelivered or rechecked.
func TestNotificationsAreEmailedOncePerCause(t *testing.T) {
	smtp, web := mailpit(t)
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region, "SMTP_ADDR", smtp)
	// parties known before the award's e-mail is sent: set on a first project, then the
	// award of a second whose deadline is 60 days away (inside the 90-day reminder)
	soon := time.Now().AddDate(0, 0, 60).Format("2006-01-02")
	id := g.award(t, "tnd-mail", 900_000_000, "2025-03-01", time.Now().AddDate(0, -6, 0).Format("2006-01-02"), soon)
	expect(t, "parties", g.r.Update(t, g.buyer, "PUT", "/api/v1/projects/"+id+"/parties", "/api/v1/projects/"+id, obj{
		"buyer":      obj{"name": "Inkoper Groningen", "email": "inkoop@groningen.example.nl"},
		"contractor": obj{"name": "SROI-coördinator", "email": "sroi@bouwnoord.example.nl"},
		"werkplein":  obj{"name": "Werkplein", "email": "werkplein@groningen.example.nl"}}, nil), 200)
	defer func() {
		if t.Failed() {
			for _, m := range mails(t, web) {
				t.Log("mail:", m.Subject)
			}
		}
	}()
	kittest.Eventually(t, "the reminder", 20*time.Second, func() bool {
		for _, m := range mails(t, web) {
			if strings.Contains(m.Subject, "dagen voor") {
				return true
			}
		}
		return false
	})
	// the award's notice (and a reminder computed before the parties were named) waited for
	// an address and went out once the parties were set; the reminder went to the contractor
	// and the werkplein, once, however often rechecked
	time.Sleep(1500 * time.Millisecond)
	n, behind := 0, 0
	for _, m := range mails(t, web) {
		if strings.Contains(m.Subject, "loopt achter") {
			behind++
		}
		if strings.Contains(m.Subject, "dagen voor") {
			n++
			// in Dutch, as HTML with a plain-text part, the reason said in Dutch too
			text, html := body(t, web, m.ID)
			if !strings.Contains(text, "moet uiterlijk") || !strings.Contains(text, "gerealiseerd na") || strings.Contains(text, "realised") ||
				!strings.Contains(html, "<p>De social-return-verplichting") {
				t.Fatalf("the reminder in Dutch, as text and HTML:\n%s\n%s", text, html)
			}
			to := []string{}
			for _, a := range m.To {
				to = append(to, a.Address)
			}
			if strings.Join(to, ",") != "sroi@bouwnoord.example.nl,werkplein@groningen.example.nl" {
				t.Fatalf("reminder to %v", to)
			}
		}
	}
	award := 0
	for _, m := range mails(t, web) {
		if strings.HasPrefix(m.Subject, "Social return: verplichting van") {
			award++
		}
	}
	if award != 1 {
		t.Errorf("%d e-mails of the obligation, want the one that waited for the parties' addresses", award)
	}
	if n != 1 || behind != 1 {
		t.Fatalf("%d reminders, want 1 (%s)", n, strconv.Itoa(len(mails(t, web))))
	}
	p := g.project(t, id)
	// six of eight months passed with nothing approved: behind too, one reminder a quarter
	if len(p.Reminders) != 2 || p.Reminders[0] != "deadline-90" || !strings.HasPrefix(p.Reminders[1], "behind-") || p.Progress.Status != "behind" {
		t.Fatalf("reminders: %v", p.Reminders)
	}
}
