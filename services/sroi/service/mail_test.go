package service_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/testenv/mailpit"
)

// The contractor hears of its obligation by e-mail, and the werkplein of a deadline
// coming: one e-mail per cause, whatever is redelivered or rechecked.
func TestNotificationsAreEmailedOncePerCause(t *testing.T) {
	sink := mailpit.Start(t)
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region, "SMTP_ADDR", sink.SMTP)
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
			for _, m := range sink.Messages(t) {
				t.Log("mail:", m.Subject)
			}
		}
	}()
	kittest.Eventually(t, "the reminder", 20*time.Second, func() bool {
		for _, m := range sink.Messages(t) {
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
	for _, m := range sink.Messages(t) {
		if strings.Contains(m.Subject, "loopt achter") {
			behind++
		}
		if strings.Contains(m.Subject, "dagen voor") {
			n++
			// in Dutch, as HTML with a plain-text part, the reason said in Dutch too
			text, html := sink.Body(t, m.ID)
			if !strings.Contains(text, "moet uiterlijk") || !strings.Contains(text, "gerealiseerd na") || strings.Contains(text, "realised") ||
				!strings.Contains(html, "<p>De social-return-verplichting") {
				t.Fatalf("the reminder in Dutch, as text and HTML:\n%s\n%s", text, html)
			}
			if to := m.Addresses(); strings.Join(to, ",") != "sroi@bouwnoord.example.nl,werkplein@groningen.example.nl" {
				t.Fatalf("reminder to %v", to)
			}
		}
	}
	award := 0
	for _, m := range sink.Messages(t) {
		if strings.HasPrefix(m.Subject, "Social return: verplichting van") {
			award++
		}
	}
	if award != 1 {
		t.Errorf("%d e-mails of the obligation, want the one that waited for the parties' addresses", award)
	}
	if n != 1 || behind != 1 {
		t.Fatalf("%d reminders, want 1 (%s)", n, strconv.Itoa(len(sink.Messages(t))))
	}
	p := g.project(t, id)
	// six of eight months passed with nothing approved: behind too, one reminder a quarter
	if len(p.Reminders) != 2 || p.Reminders[0] != "deadline-90" || !strings.HasPrefix(p.Reminders[1], "behind-") || p.Progress.Status != "behind" {
		t.Fatalf("reminders: %v", p.Reminders)
	}
}
