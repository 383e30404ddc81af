package service_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/testenv/mailpit"
)

func supportRequest(email string) obj {
	return obj{"question": "Mijn bedrijf sluit in maart. Welk ander werk past bij mij?", "situation": []string{"working", "company_closing"},
		"name": "Jan de Vries", "email": email, "phone": "06 12345678", "municipality": "Delfzijl", "consent": true}
}

func requests(t *testing.T, e *env) []struct{ Status, Email string } {
	t.Helper()
	cur, err := e.r.Platform.DB.Collection("supportRequests").Find(t.Context(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var out []struct{ Status, Email string }
	if err := cur.All(t.Context(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A resident asks the regional mobility team for help without an account: the request
// counts once the link in the Dutch confirmation e-mail is followed; a bot filling the
// honeypot stores nothing; a thousand posts are refused after the hour's limit; no BSN is
// taken; an unconfirmed request is erased after 48 hours.
func TestAResidentAsksForSupportAndConfirmsItByEmail(t *testing.T) {
	sink := mailpit.Start(t)
	c := &kittest.Clock{}
	e := start(t, c, "SMTP_ADDR", sink.SMTP, "MAIL_RETRY_INTERVAL", "100ms", "PORTAL_URL", "https://portaal.groningen.example.nl",
		"RMT_REQUESTS_PER_HOUR", "5", "RMT_UNCONFIRMED_CHECK_INTERVAL", "100ms")
	ask := "/api/v1/public/regions/" + kittest.Region + "/support-requests"
	var got struct {
		Status          string
		RetentionMonths int
	}
	expect(t, "asked", e.r.Call(t, "", "POST", ask, supportRequest("jan@example.nl"), &got), 202)
	if got.Status != "unconfirmed" || got.RetentionMonths != 12 {
		t.Fatalf("the answer: %+v", got)
	}
	expect(t, "another region's page", e.r.Call(t, "", "POST", "/api/v1/public/regions/flevoland/support-requests", supportRequest("jan@example.nl"), nil), 404)
	bot := supportRequest("bot@example.nl")
	bot["website"] = "http://spam.example"
	expect(t, "a bot", e.r.Call(t, "", "POST", ask, bot, &got), 202)
	withBSN := supportRequest("piet@example.nl")
	withBSN["question"] = "Mijn BSN is 111222333, kunt u mij helpen met ander werk?"
	var problem struct {
		Errors []struct{ Field, Rule string }
	}
	expect(t, "a BSN typed in", e.r.Call(t, "", "POST", ask, withBSN, &problem), 422)
	if len(problem.Errors) != 1 || problem.Errors[0].Field != "question" || problem.Errors[0].Rule != "must-not-hold-a-bsn-the-team-does-not-need-it" {
		t.Fatalf("the BSN refused: %+v", problem.Errors)
	}
	noConsent := supportRequest("kees@example.nl")
	noConsent["consent"] = false
	expect(t, "without consent", e.r.Call(t, "", "POST", ask, noConsent, nil), 422)
	if rs := requests(t, e); len(rs) != 1 || rs[0].Email != "jan@example.nl" || rs[0].Status != "unconfirmed" {
		t.Fatalf("kept: %+v, want Jan's request only, unconfirmed", rs)
	}

	// the e-mail, in Dutch, with the link that confirms
	var m mailpit.Mail
	kittest.Eventually(t, "the confirmation e-mail", 20*time.Second, func() bool {
		for _, x := range sink.Messages(t) {
			if x.Subject == "Bevestig uw vraag aan het regionaal mobiliteitsteam" {
				m = x
				return true
			}
		}
		return false
	})
	text, _ := sink.Body(t, m.ID)
	link := regexp.MustCompile(`https://portaal\.groningen\.example\.nl/hulp/bevestigen\?code=([A-Za-z0-9_-]+)`).FindStringSubmatch(text)
	if link == nil || strings.Join(m.Addresses(), ",") != "jan@example.nl" || !strings.Contains(text, "wist ze 12 maanden nadat die is beantwoord") {
		t.Fatalf("the e-mail to %v:\n%s", m.Addresses(), text)
	}
	confirm := ask + "/confirmation"
	expect(t, "a wrong code", e.r.Call(t, "", "POST", confirm, obj{"token": strings.Repeat("x", 32)}, nil), 404)
	expect(t, "confirmed", e.r.Call(t, "", "POST", confirm, obj{"token": link[1]}, &got), 200)
	expect(t, "confirmed again", e.r.Call(t, "", "POST", confirm, obj{"token": link[1]}, &got), 200)
	if rs := requests(t, e); got.Status != "confirmed" || len(rs) != 1 || rs[0].Status != "open" {
		t.Fatalf("after confirming: %+v, kept %+v", got, rs)
	}

	// the mobility team's work list: the confirmed request, with the days it waits; an adviser
	// picks it up, another adviser cannot take it too; a work coach sees none of it
	adviser := e.pf.Token(t, "fnv-noord", auth.RoleAdviser)
	other := e.pf.Token(t, "uwv-rmt", auth.RoleAdviser)
	var list struct {
		Items []struct {
			ID, Name, Email, Status, Adviser string
			DaysWaiting                      int
		}
	}
	expect(t, "the work list", e.r.Call(t, adviser, "GET", "/api/v1/support-requests", nil, &list), 200)
	if len(list.Items) != 1 || list.Items[0].Email != "jan@example.nl" || list.Items[0].Status != "open" || list.Items[0].DaysWaiting != 0 {
		t.Fatalf("the work list: %+v", list.Items)
	}
	expect(t, "a work coach", e.r.Call(t, e.coach, "GET", "/api/v1/support-requests", nil, nil), 403)
	id := list.Items[0].ID
	c.Advance(3 * 24 * time.Hour)
	expect(t, "three days on", e.r.Call(t, adviser, "GET", "/api/v1/support-requests", nil, &list), 200)
	if list.Items[0].DaysWaiting != 3 {
		t.Fatalf("waiting %d days, want 3", list.Items[0].DaysWaiting)
	}
	expect(t, "picked up", e.r.Call(t, adviser, "POST", "/api/v1/support-requests/"+id+"/pickup", nil, nil), 200)
	expect(t, "picked up again by the same adviser", e.r.Call(t, adviser, "POST", "/api/v1/support-requests/"+id+"/pickup", nil, nil), 200)
	expect(t, "taken by another", e.r.Call(t, other, "POST", "/api/v1/support-requests/"+id+"/pickup", nil, nil), 409)
	expect(t, "a coordinator cannot pick up", e.r.Call(t, e.coord, "POST", "/api/v1/support-requests/"+id+"/pickup", nil, nil), 403)
	expect(t, "open now", e.r.Call(t, adviser, "GET", "/api/v1/support-requests", nil, &list), 200)
	if len(list.Items) != 0 {
		t.Fatalf("open after the pickup: %+v", list.Items)
	}
	expect(t, "in progress", e.r.Call(t, e.coord, "GET", "/api/v1/support-requests?status=in_progress", nil, &list), 200)
	if len(list.Items) != 1 || list.Items[0].Adviser == "" || list.Items[0].DaysWaiting != 3 {
		t.Fatalf("in progress: %+v", list.Items)
	}

	// the adviser's work: a close before any advice is refused, advice with its category, a
	// referral to the union's career talk (once), then closed as referred; a colleague
	// cannot write on it
	var req struct {
		Status, Outcome string
		Advice          []struct{ Category, Note string }
		Referrals       []struct{ Partner string }
	}
	work := func(token, step string, body obj, want int) {
		t.Helper()
		var out any
		if want == http.StatusOK {
			out = &req
		}
		expect(t, step, e.r.Call(t, token, "POST", "/api/v1/support-requests/"+id+"/"+step, body, out), want)
	}
	work(adviser, "closing", obj{"outcome": "advice_given"}, 409)
	work(other, "advice", obj{"category": "other_work", "note": "Ik neem het over."}, 403)
	work(adviser, "advice", obj{"category": "other_work", "note": "BSN 111222333 genoteerd"}, 422)
	work(adviser, "advice", obj{"category": "other_work", "note": "Besproken: overstap naar de zorg of de logistiek; cv bijwerken."}, 200)
	var partners struct{ Items []struct{ ID, Name string } }
	expect(t, "the catalogue", e.r.Call(t, adviser, "GET", "/api/v1/referral-partners", nil, &partners), 200)
	if len(partners.Items) < 3 || partners.Items[0].ID != "vakbond-loopbaangesprek" {
		t.Fatalf("the catalogue: %+v", partners.Items)
	}
	work(adviser, "referrals", obj{"partner": "nergens"}, 422)
	work(adviser, "referrals", obj{"partner": "vakbond-loopbaangesprek"}, 200)
	work(adviser, "referrals", obj{"partner": "vakbond-loopbaangesprek"}, 409)
	work(adviser, "closing", obj{"outcome": "referred"}, 200)
	if req.Status != "closed" || req.Outcome != "referred" || len(req.Advice) != 1 || req.Advice[0].Category != "other_work" ||
		len(req.Referrals) != 1 || req.Referrals[0].Partner != "vakbond-loopbaangesprek" {
		t.Fatalf("closed: %+v", req)
	}
	work(adviser, "advice", obj{"category": "other", "note": "Nog iets."}, 409)
	expect(t, "closed ones", e.r.Call(t, e.coord, "GET", "/api/v1/support-requests?status=closed", nil, &list), 200)
	if len(list.Items) != 1 {
		t.Fatalf("closed: %+v", list.Items)
	}

	// a thousand posts (days after Jan's): the hour's limit (5 here) and then 429, nothing more kept
	refused := 0
	for i := 0; i < 1000; i++ {
		status, h := e.r.CallWith(t, "", "POST", ask, nil, supportRequest("flood@example.nl"), nil)
		if status == http.StatusTooManyRequests {
			refused++
			if h.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if rs := requests(t, e); refused != 995 || len(rs) != 6 {
		t.Fatalf("%d refused, %d kept: want 995 refused and Jan's and 5 kept (the limit)", refused, len(rs))
	}
	// two days on, the five flood requests nobody confirmed are gone; Jan's stays
	c.Advance(49 * time.Hour)
	kittest.Eventually(t, "unconfirmed requests erased", 20*time.Second, func() bool { return len(requests(t, e)) == 1 })
	if rs := requests(t, e); rs[0].Email != "jan@example.nl" {
		t.Fatalf("kept %+v", rs)
	}
}
