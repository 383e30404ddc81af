package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/providers/service"
	"github.com/werkregio/platform/services/testenv/mailpit"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func trancheEvent(id, kvk, status, runID string, cents int, at time.Time, holds ...string) obj {
	ev := obj{"trancheId": id, "region": kittest.Region, "enrolmentId": "enr-" + id, "contractId": "ctr-1", "providerKvk": kvk, "productId": "prd-1",
		"milestone": "started", "milestoneOn": at.Format(time.DateOnly), "termsVersion": 1, "percent": 40, "amountCents": cents, "status": status,
		"holds": []obj{}, "at": at.UTC().Format(time.RFC3339Nano)}
	for _, h := range holds {
		ev["holds"] = append(ev["holds"].([]obj), obj{"code": h, "reason": "a reason in English"})
	}
	if runID != "" {
		ev["runId"], ev["endToEndId"] = runID, "E2E-"+id
	}
	return ev
}

// notices counts the tranche notices kept.
func notices(t *testing.T, r *kittest.Running) int64 {
	t.Helper()
	n, err := r.Platform.DB.Collection("trancheNotices").CountDocuments(t.Context(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A provider's contact hears by e-mail, in Dutch, what was paid to it per payment run and
// what is held and why, at most once a day, never twice for a redelivered event and never
// for history; and that a verified certificate is about to expire, once per warning.
func TestProvidersAreToldOfTheirPaymentsAndOfCertificatesAboutToExpire(t *testing.T) {
	sink := mailpit.Start(t)
	c := &kittest.Clock{}
	pf := kittest.NewPlatform(t)
	doc, _ := contracts.OpenAPI(service.Name)
	r := pf.StartService(t, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.WireWith(c.Now), OpenAPI: doc, OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: map[string]string{"CERTIFICATE_CHECK_INTERVAL": "100ms", "SMTP_ADDR": sink.SMTP, "MAIL_RETRY_INTERVAL": "100ms",
			"PROVIDERS_PAYMENT_MAIL_INTERVAL": "100ms", "PORTAL_URL": "https://portaal.groningen.example.nl"}})
	a := pf.Token(t, "12345678", auth.RoleProvider)
	expect(t, "register", r.Call(t, a, "POST", "/api/v1/providers", providerInput("12345678", "Bouwschool Noord"), nil), 201)
	var prov struct{ Certificates []struct{ ID string } }
	expect(t, "VCA", r.Call(t, a, "POST", "/api/v1/providers/12345678/certificates", obj{"type": "VCA", "number": "VCA-1", "issuedOn": c.Day(-300), "expiresOn": c.Day(20)}, &prov), 201)
	expect(t, "verified", r.Call(t, pf.Token(t, "gemeente-groningen", auth.RoleBuyer), "POST", "/api/v1/providers/12345678/certificates/"+prov.Certificates[0].ID+"/verification", nil, nil), 200)
	subjects := func(prefix string) []mailpit.Mail {
		var out []mailpit.Mail
		for _, m := range sink.Messages(t) {
			if strings.HasPrefix(m.Subject, prefix) {
				out = append(out, m)
			}
		}
		return out
	}
	kittest.Eventually(t, "the certificate's warning", 20*time.Second, func() bool { return len(subjects("Uw certificaat VCA verloopt")) > 0 })
	text, _ := sink.Body(t, subjects("Uw certificaat VCA verloopt")[0].ID)
	if !strings.Contains(text, "Het certificaat VCA (nummer VCA-1) van Bouwschool Noord verloopt op") || !strings.Contains(text, "https://portaal.groningen.example.nl/organisatie") {
		t.Fatalf("the warning:\n%s", text)
	}

	// a run paid two tranches, one more is held; one paid event is delivered twice, one is a
	// year old (a replay of history), one is of a provider this region does not know
	now := c.Now()
	for _, ev := range []obj{
		trancheEvent("trn-1", "12345678", "paid", "RUN-7", 38_000, now),
		trancheEvent("trn-2", "12345678", "paid", "RUN-7", 57_000, now),
		trancheEvent("trn-2", "12345678", "paid", "RUN-7", 57_000, now),
		trancheEvent("trn-3", "12345678", "held", "", 38_000, now, "bank-account-unconfirmed"),
		trancheEvent("trn-0", "12345678", "paid", "RUN-1", 99_000, now.AddDate(-1, 0, 0)),
		trancheEvent("trn-9", "99999999", "paid", "RUN-7", 10_000, now),
	} {
		typ := catalog.TypeTranchePaid
		if ev["status"] == "held" {
			typ = catalog.TypeTrancheHeld
		}
		publish(t, pf, catalog.TopicPaymentsTranches, typ, ev["trancheId"].(string), ev)
	}
	// a run's answers settle for ten minutes before the provider is told
	kittest.Eventually(t, "the notices kept", 20*time.Second, func() bool { return notices(t, r) == 4 })
	c.Advance(11 * time.Minute)
	kittest.Eventually(t, "the payment advice", 20*time.Second, func() bool { return len(subjects("Uw termijnen")) > 0 })
	advice := subjects("Uw termijnen")[0]
	text, _ = sink.Body(t, advice.ID)
	if advice.Subject != "Uw termijnen — betaald: 2, aangehouden: 1" || strings.Join(advice.Addresses(), ",") != "planning@example.nl" ||
		!strings.Contains(text, "Betaalrun RUN-7: betaalde termijnen 2, samen € 950,00") ||
		!strings.Contains(text, "Aangehouden wegens nieuw IBAN nog niet bevestigd: 1") || !strings.Contains(text, "https://portaal.groningen.example.nl/betalingen") {
		t.Fatalf("the payment advice %q to %v:\n%s", advice.Subject, advice.Addresses(), text)
	}

	// paid later the same day: told the next day, in an e-mail of its own
	publish(t, pf, catalog.TopicPaymentsTranches, catalog.TypeTranchePaid, "trn-4", trancheEvent("trn-4", "12345678", "paid", "RUN-8", 38_000, c.Now()))
	kittest.Eventually(t, "the later notice kept", 20*time.Second, func() bool { return notices(t, r) == 5 })
	c.Advance(24 * time.Hour)
	kittest.Eventually(t, "the next day's advice", 20*time.Second, func() bool { return len(subjects("Uw termijnen")) == 2 })
	// six days before it expires: the certificate's second warning; every check ran every 100 ms meanwhile
	c.Advance(13 * 24 * time.Hour)
	kittest.Eventually(t, "the certificate's last warning", 20*time.Second, func() bool { return len(subjects("Uw certificaat VCA verloopt")) == 2 })
	if n := len(subjects("Uw termijnen")); n != 2 {
		t.Fatalf("%d payment e-mails, want one a day with news", n)
	}
}
