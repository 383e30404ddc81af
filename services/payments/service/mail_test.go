package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/testenv/mailpit"
)

const financeTeam = "financien@groningen.example.nl"

// daytime moves the clock to a working hour in Amsterdam when the test runs at night, so
// the morning e-mail is due.
func daytime(c *kittest.Clock) {
	now := c.Now().In(civil.Amsterdam)
	if now.Hour() < 8 || now.Hour() > 20 {
		noon := time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, civil.Amsterdam)
		if noon.Before(now) {
			noon = noon.AddDate(0, 0, 1)
		}
		c.Advance(noon.Sub(now))
	}
}

// Finance hears of a bank file's rejections as it comes in, and each morning what waits
// for it (to approve, held by reason, the bank's lines no transfer took): in Dutch, as HTML
// with a plain-text part, once per file and once per day however often the checks run.
func TestFinanceIsToldOfRejectionsAndEachMorningOfWhatWaits(t *testing.T) {
	sink := mailpit.Start(t)
	clock := &kittest.Clock{}
	daytime(clock)
	e := startOn(t, kittest.NewPlatform(t), clock, "SMTP_ADDR", sink.SMTP, "PAYMENTS_FINANCE_EMAIL", financeTeam,
		"PAYMENTS_BRIEFING_CHECK_INTERVAL", "100ms", "MAIL_RETRY_INTERVAL", "100ms", "PORTAL_URL", "https://portaal.groningen.example.nl")
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	e.openBudget(t, 10_000_000)
	run, trs := e.twoTransfers(t, 1)
	e.milestone(t, "enr-9", "prt-9", "started", 1, -5, 95_000)
	e.waitTranche(t, "trn-enr-9-started", "payable")

	report := statusReport(run.MessageID, "PART", "", txLine(trs[0].EndToEndID, "ACSC", "380.00", debtorIBAN), txLine(trs[1].EndToEndID, "RJCT", "380.00", debtorIBAN),
		txLine("RNOSUCHRUN-1234", "ACSC", "380.00", debtorIBAN))
	if got := e.bankReport(t, report); got.Rejected != 1 || got.ExceptionCount != 1 {
		t.Fatalf("the bank's answer: %+v", got)
	}
	e.waitHolds(t, trs[1].Tranches[0], "bank-rejected")
	e.bankReport(t, report) // the same file again: nothing new to tell
	rejections := func() []mailpit.Mail {
		var out []mailpit.Mail
		for _, m := range sink.Messages(t) {
			if strings.HasPrefix(m.Subject, "De bank heeft overboekingen geweigerd") {
				out = append(out, m)
			}
		}
		return out
	}
	kittest.Eventually(t, "the rejection's e-mail", 20*time.Second, func() bool { return len(rejections()) > 0 })
	m := rejections()[0]
	text, html := sink.Body(t, m.ID)
	if m.Subject != "De bank heeft overboekingen geweigerd: 1" || strings.Join(m.Addresses(), ",") != financeTeam ||
		!strings.Contains(text, "betaald 1, geweigerd 1, regels niet verwerkt 1") || !strings.Contains(text, "twee medewerkers") ||
		!strings.Contains(text, "https://portaal.groningen.example.nl/financien/afwijkingen") || !strings.Contains(html, `<html lang="nl">`) {
		t.Fatalf("the rejection's e-mail: %q to %v\n%s\n%s", m.Subject, m.Addresses(), text, html)
	}

	// the next morning: one payable (enr-9), one held as the bank rejected it, one line open
	clock.Advance(24 * time.Hour)
	day := clock.Day(0)
	mornings := func() []mailpit.Mail {
		var out []mailpit.Mail
		for _, m := range sink.Messages(t) {
			if strings.HasPrefix(m.Subject, "Betalingen — te keuren") {
				out = append(out, m)
			}
		}
		return out
	}
	kittest.Eventually(t, "the morning e-mail of "+day, 20*time.Second, func() bool {
		for _, m := range mornings() {
			if strings.Contains(m.MessageID, day) {
				return m.Subject == "Betalingen — te keuren: 1, aangehouden: 1" || t.Failed()
			}
		}
		return false
	})
	for _, m := range mornings() {
		if !strings.Contains(m.MessageID, day) {
			continue
		}
		text, _ := sink.Body(t, m.ID)
		for _, want := range []string{"Termijnen die op goedkeuring wachten: 1, samen € 380,00", "Aangehouden wegens geweigerd door de bank: 1",
			"bij geen overboeking horen en op u wachten: 1", "https://portaal.groningen.example.nl/financien/termijnen"} {
			if !strings.Contains(text, want) {
				t.Errorf("the morning e-mail lacks %q:\n%s", want, text)
			}
		}
	}
	// another file, with a line only: its own e-mail; meanwhile the checks ran every 100 ms,
	// and still one e-mail a day and one per file
	e.bankReport(t, statusReport(run.MessageID, "PART", "", txLine("RNOTHERRUN-5678", "ACSC", "380.00", debtorIBAN)))
	kittest.Eventually(t, "the second file's e-mail", 20*time.Second, func() bool {
		for _, m := range sink.Messages(t) {
			if m.Subject == "Het bestand van de bank heeft regels die bij geen overboeking horen: 1" {
				return true
			}
		}
		return false
	})
	today := 0
	for _, m := range mornings() {
		if strings.Contains(m.MessageID, day) {
			today++
		}
	}
	if today != 1 || len(mornings()) > 2 || len(rejections()) != 1 {
		t.Fatalf("%d morning e-mails today, %d over two days, %d of the first bank file", today, len(mornings()), len(rejections()))
	}
}
