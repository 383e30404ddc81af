package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/participants/service"
)

func TestRegistrationSealsTheBSNOnePersonOnceAndRevealIsAudited(t *testing.T) {
	e := start(t, &kittest.Clock{})
	bsn := bsns[0]
	var p map[string]any
	expect(t, "register", e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput(bsn), &p), 201)
	id, _ := p["id"].(string)
	if _, has := p["bsn"]; has {
		t.Fatal("registration answer holds the BSN")
	}

	var prob problemDoc
	expect(t, "same BSN again", e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput(bsn), &prob), 409)
	if !strings.Contains(prob.Detail, id) || strings.Contains(prob.Detail, bsn) {
		t.Errorf("duplicate answer should name the existing participant, never the BSN: %q", prob.Detail)
	}
	expect(t, "8-digit form of the same BSN", e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput("10000021"), nil), 201)
	expect(t, "its 9-digit form", e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput("010000021"), nil), 409)

	expect(t, "11-proef fails", e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput("123456789"), &prob), 422)
	if strings.Contains(fmt.Sprint(prob), "123456789") {
		t.Errorf("validation answer repeats the BSN: %+v", prob)
	}

	var found struct{ ID string }
	expect(t, "search by BSN", e.r.Call(t, e.coach, "POST", "/api/v1/participants/search", obj{"bsn": bsn}, &found), 200)
	if found.ID != id {
		t.Errorf("search found %q, want %q", found.ID, id)
	}
	expect(t, "search unknown BSN", e.r.Call(t, e.coach, "POST", "/api/v1/participants/search", obj{"bsn": bsns[1]}, nil), 404)

	// Access: providers and other regions see no participants; only a coordinator reveals.
	expect(t, "provider reads participant", e.r.Call(t, e.provA, "GET", "/api/v1/participants/"+id, nil, nil), 403)
	expect(t, "finance lists participants", e.r.Call(t, e.pf.Token(t, "regio", auth.RoleFinance), "GET", "/api/v1/participants", nil, nil), 403)
	expect(t, "other region", e.r.Call(t, e.pf.TokenIn(t, "flevoland", "x", auth.RoleCoordinator), "GET", "/api/v1/participants/"+id, nil, nil), 403)
	expect(t, "work coach reveals", e.r.Call(t, e.coach, "POST", "/api/v1/participants/"+id+"/bsn-reveal", obj{"reason": "UWV check"}, nil), 403)
	expect(t, "reveal without reason", e.r.Call(t, e.coord, "POST", "/api/v1/participants/"+id+"/bsn-reveal", obj{"reason": ""}, nil), 422)
	var revealed struct{ BSN string }
	expect(t, "coordinator reveals", e.r.Call(t, e.coord, "POST", "/api/v1/participants/"+id+"/bsn-reveal", obj{"reason": "aanvraag loonkostensubsidie"}, &revealed), 200)
	if revealed.BSN != bsn {
		t.Fatalf("revealed %q", revealed.BSN)
	}
	var audit struct {
		Items []struct {
			Subject, Action string
			Actor           struct{ Subject string }
		}
	}
	expect(t, "audit", e.r.Call(t, e.coord, "GET", "/api/v1/participants/"+id+"/audit", nil, &audit), 200)
	last := audit.Items[len(audit.Items)-1]
	if len(audit.Items) != 2 || audit.Items[0].Action != "participant.registered" || !strings.HasPrefix(last.Action, "bsn.revealed") ||
		last.Actor.Subject != "coordinator@werkplein-groningen" {
		t.Fatalf("audit trail %+v", audit.Items)
	}

	// The BSN is nowhere in the clear: not in MongoDB, logs, spans.
	for _, coll := range []string{"commits", "identities"} {
		cur, err := e.r.Platform.DB.Collection(coll).Find(context.Background(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.M
		_ = cur.All(context.Background(), &docs)
		raw, _ := json.Marshal(docs)
		if strings.Contains(string(raw), bsn) {
			t.Errorf("collection %s holds the BSN in the clear", coll)
		}
	}
	assertNoBSN(t, e, bsn)
}

func assertNoBSN(t *testing.T, e *env, bsns ...string) {
	t.Helper()
	logs := e.pf.Logs.String()
	var spans strings.Builder
	for _, s := range e.pf.Spans.Ended() {
		fmt.Fprintf(&spans, "%s %v %v %v\n", s.Name(), s.Attributes(), s.Events(), s.Status())
	}
	for _, b := range bsns {
		if strings.Contains(logs, b) {
			t.Errorf("BSN %s in the logs", b)
		}
		if strings.Contains(spans.String(), b) {
			t.Errorf("BSN %s in a span", b)
		}
	}
	if len(logs) == 0 || spans.Len() == 0 {
		t.Fatal("nothing captured: the check would be empty")
	}
}

func TestConcurrentRegistrationsOfOnePersonMakeOneParticipant(t *testing.T) {
	e := start(t, &kittest.Clock{})
	statuses := make([]int, 6)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput(bsns[2]), nil)
		}()
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		switch s {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("status %d", s)
		}
	}
	if created != 1 {
		t.Fatalf("%d registrations of one BSN succeeded, want 1 (%v)", created, statuses)
	}
}

func TestTwoEnrolmentsForTheLastPlaceExactlyOneSucceeds(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 2, "active", false, start1(day(7), 1), start1(day(35), 3))
	a, b := e.register(t, bsns[0]), e.register(t, bsns[1])

	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, id := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(id, day(7)), nil)
		}()
	}
	wg.Wait()
	if oneEach := statuses[0] == 201 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 201; !oneEach {
		t.Fatalf("last place: statuses %v, want one 201 and one 409", statuses)
	}

	// Eight work coaches at once for three places: exactly three get one, seats 1..3.
	ids := []string{a, b}
	for _, bsn := range bsns[2:8] {
		ids = append(ids, e.register(t, bsn))
	}
	var mu sync.Mutex
	seats := map[int]bool{}
	full := 0
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var en map[string]any // an enrolment or a problem
			s := e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(id, day(35)), &en)
			mu.Lock()
			defer mu.Unlock()
			switch s {
			case 201:
				seat, _ := en["seat"].(float64)
				seats[int(seat)] = true
			case 409:
				full++
			}
		}()
	}
	wg.Wait()
	if len(seats) != 3 || !seats[1] || !seats[2] || !seats[3] || full != len(ids)-3 {
		t.Fatalf("seats %v, refused %d of %d", seats, full, len(ids))
	}

	// A dropout before the start frees the place for someone else.
	var list struct{ Items []enrolment }
	expect(t, "list", e.r.Call(t, e.coach, "GET", "/api/v1/enrolments?status=enrolled", nil, &list), 200)
	var dropped string
	for _, en := range list.Items {
		if en.Seat > 0 {
			dropped = en.ID
		}
	}
	expect(t, "dropout", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments/"+dropped+"/dropout", obj{"reason": "verhuisd", "on": day(0)}, nil), 200)
	newcomer := e.register(t, bsns[8])
	expect(t, "enrol in the freed place", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(newcomer, day(35)), nil), 201)

	// The funnel counts them: four enrolled, one dropped out, all at the one provider.
	var outcomes struct {
		ByStatus  map[string]int64
		Providers []struct {
			ProviderKvk string
			ByStatus    map[string]int64
		}
	}
	expect(t, "outcomes", e.r.Call(t, e.coach, "GET", "/api/v1/reports/outcomes", nil, &outcomes), 200)
	if outcomes.ByStatus["enrolled"] != 4 || outcomes.ByStatus["dropped_out"] != 1 || outcomes.ByStatus["started"] != 0 ||
		len(outcomes.Providers) != 1 || outcomes.Providers[0].ByStatus["enrolled"] != 4 || outcomes.Providers[0].ByStatus["dropped_out"] != 1 {
		t.Fatalf("outcomes %+v", outcomes)
	}

	// Suspended contract: no new enrolments.
	e.offerKnown(t, 3, "suspended", false, start1(day(7), 1), start1(day(35), 3), start1(day(63), 5))
	expect(t, "suspended contract", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(a, day(63)), nil), 409)
	// A stale revision arriving late does not undo the suspension.
	e.publish(t, catalog.TopicProvidersOffers, catalog.TypeOfferChanged, "stale", contractID, offerEvent(2, "active", false, start1(day(63), 5)))
	time.Sleep(500 * time.Millisecond)
	if e.offerRevision(t) != 3 {
		t.Fatalf("replica went back to revision %d", e.offerRevision(t))
	}
	expect(t, "still suspended", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(a, day(63)), nil), 409)
}

func attendance(enrolmentID, provider, date string, hours float64, reportID string) obj {
	return obj{"enrolmentId": enrolmentID, "providerKvk": provider, "date": date, "hours": hours, "reportId": reportID}
}

func TestTrajectoryFromEnrolmentToSustainablePlacementOverHTTPAndPartnerTopics(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.offerKnown(t, 1, "active", false, start1(day(-120), 10))
	pid := e.register(t, bsns[0])
	c.Advance(-121 * 24 * time.Hour) // the enrolment is made the day before its start, 120 days ago
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(-120)), &en), 201)
	expect(t, "enrol twice", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(-120)), nil), 409)
	expect(t, "provider enrols", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments", enrolInput(pid, day(-120)), nil), 403)
	c.Advance(121 * 24 * time.Hour)
	id := en.ID

	// Access to the enrolment: its provider yes, another provider no.
	expect(t, "other provider reads", e.r.Call(t, e.provB, "GET", "/api/v1/enrolments/"+id, nil, nil), 404)
	expect(t, "other provider starts", e.r.Call(t, e.provB, "POST", "/api/v1/enrolments/"+id+"/start", obj{"on": day(-120)}, nil), 404)
	var list struct{ Items []enrolment }
	expect(t, "other provider lists", e.r.Call(t, e.provB, "GET", "/api/v1/enrolments", nil, &list), 200)
	if len(list.Items) != 0 {
		t.Fatal("provider B sees provider A's enrolment")
	}
	expect(t, "complete before start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+id+"/complete", obj{"on": day(0)}, nil), 409)
	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+id+"/start", obj{"on": day(-120)}, &en), 200)
	expect(t, "start again", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+id+"/start", obj{"on": day(-119)}, nil), 409)

	// Attendance from the provider's learning system: 40 days of 6.4 h = 256 h, every report
	// sent twice (a replay), plus bad messages between them.
	var msgs []kafka.Message
	for i := range 40 {
		data, _ := json.Marshal(attendance(id, "12345678", day(-119+i), 6.4, fmt.Sprintf("lms-%d", i)))
		msgs = append(msgs, kittest.CloudEvent(fmt.Sprintf("m-%d", i), catalog.TypeAttendanceReported, "/lms/bouwschool", id, data))
		if i == 10 {
			msgs = append(msgs, kafka.Message{Key: []byte(id), Value: []byte(`{"enrolmentId": 12}`)})
		}
		if i == 20 {
			bad, _ := json.Marshal(attendance("enr-unknown", "12345678", day(-100), 6, "lms-x"))
			msgs = append(msgs, kittest.CloudEvent("m-unknown", catalog.TypeAttendanceReported, "/lms/bouwschool", "enr-unknown", bad))
			other, _ := json.Marshal(attendance(id, "23456789", day(-100), 6, "lms-y"))
			msgs = append(msgs, kittest.CloudEvent("m-other", catalog.TypeAttendanceReported, "/lms/other", id, other))
		}
	}
	topic := catalog.TopicPartnersAttendance
	kittest.PublishRaw(t, e.pf.Infra.Kafka, e.pf.Topic(topic), msgs[:25]...)
	expect(t, "complete with too few hours", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+id+"/complete", obj{"on": day(-60)}, nil), 409)
	kittest.PublishRaw(t, e.pf.Infra.Kafka, e.pf.Topic(topic), msgs[25:]...)
	kittest.PublishRaw(t, e.pf.Infra.Kafka, e.pf.Topic(topic), msgs...) // replayed

	var att struct {
		TotalHours float64
		Days       []struct{ Reports int }
	}
	kittest.Eventually(t, "attendance counted", 20*time.Second, func() bool {
		return e.r.Call(t, e.provA, "GET", "/api/v1/enrolments/"+id+"/attendance", nil, &att) == 200 && att.TotalHours >= 255.99
	})
	dlq := kittest.ReadUntil(t, e.pf.Infra.Kafka, messaging.DeadLetterTopic(e.pf.Topic(topic)), 10*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 6 })
	time.Sleep(300 * time.Millisecond)
	expect(t, "attendance", e.r.Call(t, e.provA, "GET", "/api/v1/enrolments/"+id+"/attendance", nil, &att), 200)
	if att.TotalHours < 255.99 || att.TotalHours > 256.01 || len(att.Days) != 40 {
		t.Fatalf("attendance %.2f h over %d days, want 256 h over 40 days (each report once)", att.TotalHours, len(att.Days))
	}
	if len(dlq) != 6 { // three bad messages, each sent twice
		t.Fatalf("%d dead letters, want 6", len(dlq))
	}
	for _, m := range dlq {
		if kittest.Header(m, messaging.HeaderDLQReason) == "" {
			t.Error("dead letter without a reason")
		}
	}
	expect(t, "provider reports hours over HTTP", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+id+"/attendance", obj{"date": day(-70), "hours": 2, "reportId": "http-1"}, &att), 200)
	expect(t, "same report again", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+id+"/attendance", obj{"date": day(-70), "hours": 2, "reportId": "http-1"}, &att), 200)
	if att.TotalHours < 257.99 || att.TotalHours > 258.01 {
		t.Fatalf("after an HTTP report sent twice: %.2f h, want 258", att.TotalHours)
	}

	expect(t, "placement before completion", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments/"+id+"/placements",
		obj{"employerKvk": "87654321", "startDate": day(-50), "hoursPerWeek": 32, "contractType": "fixed_term"}, nil), 409)
	expect(t, "complete", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+id+"/complete", obj{"on": day(-60)}, &en), 200)

	// The employer's system reports a job that started seven months ago (backdated
	// registration): six months of work are reached at once. A confirmation for an unknown
	// enrolment is dead-lettered.
	e.publish(t, catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "pl-unknown", "enr-nope", obj{
		"enrolmentId": "enr-nope", "employerKvk": "87654321", "startDate": day(-10), "hoursPerWeek": 32, "contractType": "permanent", "confirmedBy": "employer", "reportId": "u1"})
	placement := obj{"enrolmentId": id, "employerKvk": "87654321", "startDate": day(-215), "hoursPerWeek": 32, "contractType": "fixed_term", "confirmedBy": "employer", "reportId": "emp-1"}
	e.publish(t, catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "pl-1", id, placement)
	e.publish(t, catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "pl-1", id, placement) // redelivered
	kittest.Eventually(t, "sustainably placed", 15*time.Second, func() bool {
		return e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+id, nil, &en) == 200 && en.Status == "sustainably_placed"
	})
	if len(en.Placements) != 1 {
		t.Fatalf("%d placements after a redelivered report", len(en.Placements))
	}
	expect(t, "dropout after sustainable placement", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments/"+id+"/dropout", obj{"reason": "x", "on": day(0)}, nil), 409)
	pdlq := kittest.ReadUntil(t, e.pf.Infra.Kafka, messaging.DeadLetterTopic(e.pf.Topic(catalog.TopicPartnersPlacements)), 10*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 1 })
	if len(pdlq) != 1 || !strings.Contains(kittest.Header(pdlq[0], messaging.HeaderDLQReason), "enr-nope") {
		t.Fatalf("placement dead letters: %d", len(pdlq))
	}

	// Every milestone once, in order, keyed by the enrolment.
	ms := e.milestones(t, 5)
	var types []string
	for _, m := range ms {
		if string(m.Key) != id {
			t.Errorf("milestone keyed %q", m.Key)
		}
		types = append(types, strings.TrimSuffix(strings.TrimPrefix(kittest.Header(m, messaging.HeaderType), "nl.werkregio.participants.enrolment."), ".v1"))
	}
	if strings.Join(types, ",") != "enrolled,started,completed,placed,sustainably-placed" {
		t.Fatalf("milestones %v", types)
	}
	var audit struct {
		Items []struct {
			Action string
			Actor  struct{ Subject string }
		}
	}
	expect(t, "enrolment audit", e.r.Call(t, e.provA, "GET", "/api/v1/enrolments/"+id+"/audit", nil, &audit), 200)
	// Placement and sustainable placement came in one change, by the employer's system.
	if len(audit.Items) != 4 || audit.Items[1].Actor.Subject != "provider@12345678" || audit.Items[3].Actor.Subject != "partner:employer" {
		t.Errorf("audit %+v", audit.Items)
	}
	// The trail pages like every list: three changes, then the fourth behind the next link.
	var first, second struct {
		Items []struct{ Action string }
		Links struct{ Next *struct{ Href string } } `json:"_links"`
	}
	expect(t, "first page of the audit", e.r.Call(t, e.provA, "GET", "/api/v1/enrolments/"+id+"/audit?limit=3", nil, &first), 200)
	if len(first.Items) != 3 || first.Links.Next == nil {
		t.Fatalf("first page %+v", first)
	}
	expect(t, "next page of the audit", e.r.Call(t, e.provA, "GET", first.Links.Next.Href, nil, &second), 200)
	if len(second.Items) != 1 || second.Links.Next != nil || second.Items[0].Action != audit.Items[3].Action {
		t.Fatalf("second page %+v", second)
	}
	assertNoBSN(t, e, bsns[0])
	for _, m := range ms {
		if strings.Contains(string(m.Value), bsns[0]) || strings.Contains(string(m.Value), "de Vries") {
			t.Error("a milestone event carries the BSN or the name")
		}
	}
}

func TestScheduledCheckMakesAPlacementSustainableAfterSixMonths(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.offerKnown(t, 1, "active", true, start1(day(-30), 10))
	pid := e.register(t, bsns[0])
	c.Advance(-31 * 24 * time.Hour) // enrolled the day before the start, a month ago
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(-30)), &en), 201)
	c.Advance(31 * 24 * time.Hour)
	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+en.ID+"/start", obj{"on": day(-30)}, nil), 200)
	// This product allows placement before completion (e.g. a BBL job).
	expect(t, "place", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments/"+en.ID+"/placements",
		obj{"employerKvk": "87654321", "startDate": day(0), "hoursPerWeek": 24, "contractType": "bbl"}, &en), 200)
	if en.Status != "placed" || en.SustainableOn != time.Now().In(civil.Amsterdam).AddDate(0, 6, 0).Format(time.DateOnly) {
		t.Fatalf("placed: %+v", en)
	}
	time.Sleep(300 * time.Millisecond)
	expect(t, "still placed", e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &en), 200)
	if en.Status != "placed" {
		t.Fatalf("sustainable too early: %s", en.Status)
	}
	c.Advance(time.Until(time.Now().AddDate(0, 6, 1)))
	kittest.Eventually(t, "scheduled check", 10*time.Second, func() bool {
		return e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &en) == 200 && en.Status == "sustainably_placed"
	})
	time.Sleep(300 * time.Millisecond) // later checks must not announce it again
	ms := e.milestones(t, 4)
	if len(ms) != 4 || kittest.Header(ms[3], messaging.HeaderType) != catalog.TypeEnrolmentSustainablyPlaced {
		t.Fatalf("%d milestones", len(ms))
	}
}

func TestPraktijkverklaringenAndBBLAreCountedForTheRegion(t *testing.T) {
	e := start(t, &kittest.Clock{})
	a, b := e.register(t, bsns[0]), e.register(t, bsns[1])
	pv := obj{"issuedOn": day(-5), "qualification": "25200", "workProcesses": []string{"Bereidt werkzaamheden voor", "Plaatst kozijnen"}, "issuedBy": "Noorderpoort"}
	expect(t, "pv a", e.r.Call(t, e.coach, "POST", "/api/v1/participants/"+a+"/praktijkverklaringen", pv, nil), 201)
	expect(t, "pv b", e.r.Call(t, e.coach, "POST", "/api/v1/participants/"+b+"/praktijkverklaringen", pv, nil), 201)
	expect(t, "bad pv", e.r.Call(t, e.coach, "POST", "/api/v1/participants/"+b+"/praktijkverklaringen", obj{"issuedOn": day(5), "qualification": "x", "workProcesses": []string{}, "issuedBy": ""}, nil), 422)
	expect(t, "bbl", e.r.Call(t, e.coach, "POST", "/api/v1/participants/"+a+"/bbl", obj{"startedOn": day(0), "qualification": "25200", "school": "Noorderpoort", "employerKvk": "87654321"}, nil), 200)
	var r struct {
		Issued, Participants, ParticipantsContinuedToBbl int
	}
	expect(t, "report", e.r.Call(t, e.coord, "GET", "/api/v1/reports/praktijkverklaringen", nil, &r), 200)
	if r.Issued != 2 || r.Participants != 2 || r.ParticipantsContinuedToBbl != 1 {
		t.Fatalf("report %+v", r)
	}
}

func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	e := start(t, &kittest.Clock{})
	doc, _ := contracts.OpenAPI(service.Name)
	e.r.RoutesInDocument(t, doc, contracts.OpenAPIFiles())
}

// A registration whose answer was lost (the process died after saving the participant but
// before keeping the idempotent answer): the client's retry with the same Idempotency-Key
// gets that participant, not "already registered".
func TestARegistrationRepeatedAfterItsAnswerWasLostGetsTheParticipant(t *testing.T) {
	e := start(t, &kittest.Clock{})
	key := http.Header{"Idempotency-Key": {"registration-1"}}
	var first, again struct{ ID string }
	if s, _ := e.r.CallWith(t, e.coach, "POST", "/api/v1/participants", key, participantInput(bsns[3]), &first); s != 201 {
		t.Fatalf("register: %d", s)
	}
	// what a crash between the save and the kept answer leaves: no answer for the key
	if _, err := e.r.Platform.DB.Collection("idempotency_keys").DeleteMany(context.Background(), bson.D{}); err != nil {
		t.Fatal(err)
	}
	if s, _ := e.r.CallWith(t, e.coach, "POST", "/api/v1/participants", key, participantInput(bsns[3]), &again); s != 201 || again.ID != first.ID {
		t.Fatalf("the retry: %d %s, want 201 with %s", s, again.ID, first.ID)
	}
	// without the key a second registration of the person stays refused
	if s := e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput(bsns[3]), nil); s != 409 {
		t.Fatalf("a new registration of a registered person: %d, want 409", s)
	}
}

// An enrolment whose answer was lost to an outage (saved, but the store went before the
// idempotent answer was kept): the client's retry with the same Idempotency-Key gets that
// enrolment, while another request for the same start is still refused.
func TestAnEnrolmentRepeatedAfterItsAnswerWasLostGetsTheEnrolment(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 1, "active", false, start1(day(3), 5))
	pid := e.register(t, bsns[4])
	key := http.Header{"Idempotency-Key": {"enrolment-1"}}
	var first, again struct{ ID string }
	if s, _ := e.r.CallWith(t, e.coach, "POST", "/api/v1/enrolments", key, enrolInput(pid, day(3)), &first); s != 201 {
		t.Fatalf("enrol: %d", s)
	}
	if _, err := e.r.Platform.DB.Collection("idempotency_keys").DeleteMany(context.Background(), bson.D{}); err != nil {
		t.Fatal(err)
	}
	if s, _ := e.r.CallWith(t, e.coach, "POST", "/api/v1/enrolments", key, enrolInput(pid, day(3)), &again); s != 201 || again.ID != first.ID {
		t.Fatalf("the retry: %d %s, want 201 with %s", s, again.ID, first.ID)
	}
	if s, _ := e.r.CallWith(t, e.coach, "POST", "/api/v1/enrolments", http.Header{"Idempotency-Key": {"enrolment-2"}}, enrolInput(pid, day(3)), nil); s != 409 {
		t.Fatalf("another request for the same start: %d, want 409", s)
	}
	// and a step of the trajectory likewise: the provider's start, repeated after its answer was lost
	startKey := http.Header{"Idempotency-Key": {"start-1"}}
	if s, _ := e.r.CallWith(t, e.provA, "POST", "/api/v1/enrolments/"+first.ID+"/start", startKey, obj{"on": day(0)}, nil); s != 200 {
		t.Fatalf("start: %d", s)
	}
	if _, err := e.r.Platform.DB.Collection("idempotency_keys").DeleteMany(context.Background(), bson.D{}); err != nil {
		t.Fatal(err)
	}
	var started struct{ Status string }
	if s, _ := e.r.CallWith(t, e.provA, "POST", "/api/v1/enrolments/"+first.ID+"/start", startKey, obj{"on": day(0)}, &started); s != 200 || started.Status != "started" {
		t.Fatalf("the start's retry: %d %s, want 200 started", s, started.Status)
	}
	if s, _ := e.r.CallWith(t, e.provA, "POST", "/api/v1/enrolments/"+first.ID+"/start", http.Header{"Idempotency-Key": {"start-2"}}, obj{"on": day(0)}, nil); s != 409 {
		t.Fatalf("another start: %d, want 409", s)
	}
}
