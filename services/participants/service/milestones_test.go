package service_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// A terms change published after an enrolment but effective on or before its start applies
// to it: the started milestone, which payments pays by, carries the new tranche split.
func TestEnrolledBeforeATermsChangeStartedAfterItGetsTheNewTerms(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 1, "active", false, start1(day(0), 5))
	pid := e.register(t, bsns[0])
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(0)), &en), 201)
	if en.Terms.Version != 1 {
		t.Fatalf("terms at enrolment: version %d", en.Terms.Version)
	}

	// The buyer changes the terms from today on (Bouw & Techniek: 40/40/20); the offer follows.
	changed := offerEvent(2, "active", false, start1(day(0), 5))
	product := changed["products"].([]obj)[0]
	product["terms"] = append(product["terms"].([]obj), obj{"version": 2, "effectiveFrom": day(0), "maxPriceCents": 100000, "minAttendanceHours": 256,
		"requiredCertificates": []string{"VCA"}, "placementBeforeCompletion": false,
		"tranches": []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 40}, {"milestone": "sustainably_placed", "percent": 20}}})
	e.publish(t, catalog.TopicProvidersOffers, catalog.TypeOfferChanged, "offer-2-terms", contractID, changed)
	kittest.Eventually(t, "offer with the new terms", 15*time.Second, func() bool { return e.offerRevision(t) >= 2 })

	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+en.ID+"/start", obj{"on": day(0)}, &en), 200)
	if en.Terms.Version != 2 {
		t.Errorf("started after the change: terms version %d, want 2", en.Terms.Version)
	}
	// enrolled, the terms followed before the start (terms-changed), started
	msgs := e.milestones(t, 3)
	var started struct {
		Milestone string
		Terms     struct {
			Version  int
			Tranches []struct{ Percent int }
		}
	}
	_ = json.Unmarshal(msgs[2].Value, &started)
	if started.Milestone != "started" || started.Terms.Version != 2 || started.Terms.Tranches[1].Percent != 40 {
		t.Errorf("started milestone: %+v, want terms version 2 (40/40/20)", started)
	}
}

// The provider that is paid reports the hours that open the payment gate: however many
// reports, from HTTP and the partner topic at once, a day never gets more than 24 hours,
// and hours outside the trajectory never count.
func TestADayNeverCountsMoreThan24HoursFromAllReports(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.offerKnown(t, 1, "active", false, start1(day(-5), 5))
	en := e.enrolledBack(t, c, bsns[0], 5)
	path := "/api/v1/enrolments/" + en.ID + "/attendance"
	expect(t, "before the start", e.r.Call(t, e.provA, "POST", path, obj{"date": day(-6), "hours": 3, "reportId": "early"}, nil), 422)
	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+en.ID+"/start", obj{"on": day(-4)}, nil), 200)
	expect(t, "before the recorded start", e.r.Call(t, e.provA, "POST", path, obj{"date": day(-5), "hours": 3, "reportId": "early"}, nil), 422)
	expect(t, "tomorrow", e.r.Call(t, e.provA, "POST", path, obj{"date": day(1), "hours": 3, "reportId": "future"}, nil), 422)

	// Ten reports of 3 hours for one day: eight fit.
	accepted := 0
	for i := range 10 {
		var prob problemDoc
		switch status := e.r.Call(t, e.provA, "POST", path, obj{"date": day(-4), "hours": 3, "reportId": fmt.Sprintf("r%d", i)}, &prob); status {
		case 200:
			accepted++
		case 422:
			if len(prob.Errors) != 1 || !strings.Contains(prob.Errors[0].Reason, "24 hours") {
				t.Errorf("refusal %+v", prob)
			}
		default:
			t.Fatalf("report %d: %d", i, status)
		}
	}
	if accepted != 8 {
		t.Errorf("%d reports of 3 h accepted for one day, want 8", accepted)
	}
	expect(t, "an accepted report again", e.r.Call(t, e.provA, "POST", path, obj{"date": day(-4), "hours": 3, "reportId": "r0"}, nil), 200)

	// 25 hours in a day on the partner topic, while the provider reports the same day over
	// HTTP at the same moment: the day ends at 24 hours at most; the refused report is
	// dead-lettered with its reason.
	msgs := []kafka.Message{}
	for i := range 5 {
		data, _ := json.Marshal(attendance(en.ID, "12345678", day(-3), 5, fmt.Sprintf("lms-%d", i)))
		msgs = append(msgs, kittest.CloudEvent(fmt.Sprintf("m-%d", i), catalog.TypeAttendanceReported, "/lms/bouwschool", en.ID, data))
	}
	var wg sync.WaitGroup
	wg.Go(func() { kittest.PublishRaw(t, e.pf.Infra.Kafka, e.pf.Topic(catalog.TopicPartnersAttendance), msgs...) })
	for i := range 4 {
		wg.Go(func() {
			e.r.Call(t, e.provA, "POST", path, obj{"date": day(-3), "hours": 5, "reportId": fmt.Sprintf("h%d", i)}, nil)
		})
	}
	wg.Wait()
	dlq := kittest.ReadUntil(t, e.pf.Infra.Kafka, messaging.DeadLetterTopic(e.pf.Topic(catalog.TopicPartnersAttendance)), 15*time.Second,
		func(ms []kafka.Message) bool { return len(ms) >= 1 })
	if !strings.Contains(kittest.Header(dlq[0], messaging.HeaderDLQReason), "24 hours") {
		t.Errorf("dead letter reason %q", kittest.Header(dlq[0], messaging.HeaderDLQReason))
	}
	var att struct {
		TotalHours float64
		Days       []struct {
			Date  string
			Hours float64
		}
	}
	kittest.Eventually(t, "partner reports processed", 15*time.Second, func() bool {
		e.r.Call(t, e.provA, "GET", path, nil, &att)
		return len(att.Days) == 2
	})
	time.Sleep(300 * time.Millisecond) // let any late report land
	e.r.Call(t, e.provA, "GET", path, nil, &att)
	for _, d := range att.Days {
		if d.Hours > 24 {
			t.Errorf("%s: %.1f hours credited", d.Date, d.Hours)
		}
	}
	if att.Days[0].Hours != 24 || att.Days[1].Hours != 20 {
		t.Errorf("days %+v, want 24 h and 20 h (four reports of 5 h of nine fit)", att.Days)
	}
}

// A partner's confirmation that omits the end date keeps the end recorded (a short job never
// becomes a lasting one by silence); a correction that shortens a job withdraws a
// sustainable placement that no longer holds, with an event payments acts on.
func TestPlacementEndDatesAreKeptAndAShortenedJobWithdrawsSustainablePlacement(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.offerKnown(t, 1, "active", true, start1(day(-320), 5)) // placement before completion allowed
	en := e.enrolledBack(t, c, bsns[0], 320)
	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+en.ID+"/start", obj{"on": day(-320)}, nil), 200)
	expect(t, "a two-month job", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments/"+en.ID+"/placements",
		obj{"employerKvk": "87654321", "startDate": day(-300), "endDate": day(-240), "hoursPerWeek": 32, "contractType": "fixed_term"}, &en), 200)

	e.publish(t, catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "pl-1", en.ID, obj{
		"enrolmentId": en.ID, "employerKvk": "87654321", "startDate": day(-300), "hoursPerWeek": 32, "contractType": "fixed_term", "confirmedBy": "employer", "reportId": "c1"})
	var got struct {
		Status     string
		Placements []struct {
			EndDate     string
			ConfirmedBy []string
		}
	}
	kittest.Eventually(t, "confirmation applied", 15*time.Second, func() bool {
		e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &got)
		return len(got.Placements) == 1 && len(got.Placements[0].ConfirmedBy) == 1
	})
	if got.Placements[0].EndDate != day(-240) || got.Status != "placed" {
		t.Fatalf("after a confirmation without an end date: %+v, want the end %s kept and status placed", got, day(-240))
	}

	// A new open-ended job of seven months: sustainably placed. Then the employer's system
	// corrects it: it ended after two months. The milestone is withdrawn.
	expect(t, "a lasting job", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments/"+en.ID+"/placements",
		obj{"employerKvk": "11223344", "startDate": day(-220), "hoursPerWeek": 36, "contractType": "permanent"}, &en), 200)
	if en.Status != "sustainably_placed" {
		t.Fatalf("status %s after seven months of work", en.Status)
	}
	e.trust(t, "/hr/11223344", "employer", "11223344")
	e.publishFrom(t, "/hr/11223344", catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "pl-2", en.ID, obj{
		"enrolmentId": en.ID, "employerKvk": "11223344", "startDate": day(-220), "endDate": day(-160), "hoursPerWeek": 36, "contractType": "permanent",
		"confirmedBy": "employer", "reportId": "c2"})
	kittest.Eventually(t, "correction applied", 15*time.Second, func() bool {
		e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &got)
		return got.Status == "placed"
	})
	msgs := e.milestones(t, 5) // enrolled, started, placed, sustainably placed, withdrawn
	var types []string
	for _, m := range msgs {
		types = append(types, kittest.Header(m, messaging.HeaderType))
	}
	if types[len(types)-1] != catalog.TypeEnrolmentSustainableWithdrawn {
		t.Errorf("milestones %v, want the withdrawal last", types)
	}
}

// Every partner message is bound to a registered system: hours only from the system of the
// enrolment's provider, jobs only from UWV or the job's employer; the rest is
// dead-lettered with the reason, and the messages after it are processed.
func TestPartnerMessagesCountOnlyFromTheRegisteredSystemOfTheRightOrganisation(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.offerKnown(t, 1, "active", true, start1(day(-20), 5))
	en := e.enrolledBack(t, c, bsns[0], 20)
	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+en.ID+"/start", obj{"on": day(-20)}, nil), 200)

	hours := func(source, provider, reportID string, d int) kafka.Message {
		data, _ := json.Marshal(attendance(en.ID, provider, day(d), 4, reportID))
		return kittest.CloudEvent("m-"+reportID, catalog.TypeAttendanceReported, source, en.ID, data)
	}
	expect(t, "revoke", e.r.Update(t, e.admin, "DELETE", "/api/v1/partner-sources/"+sourceID(t, e, "/lms/other"), "/api/v1/partner-sources/"+sourceID(t, e, "/lms/other"), nil, nil), 200)
	kittest.PublishRaw(t, e.pf.Infra.Kafka, e.pf.Topic(catalog.TopicPartnersAttendance),
		hours("/lms/unknown", "12345678", "a", -19),     // nobody registered this system
		hours("/lms/other", "12345678", "b", -18),       // provider B's (revoked) system claims A's hours
		hours("/test/partner", "12345678", "c", -17),    // an employer's system reports hours
		hours("/lms/bouwschool", "12345678", "ok", -16), // A's own system: counts
	)
	job := obj{"enrolmentId": en.ID, "employerKvk": "87654321", "startDate": day(-10), "hoursPerWeek": 32, "contractType": "permanent", "reportId": "j"}
	asUWV := obj{"confirmedBy": "uwv"}
	for k, v := range job {
		asUWV[k] = v
	}
	e.publishFrom(t, "/lms/bouwschool", catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "p1", en.ID, asUWV) // the provider confirms its own job
	other := obj{"confirmedBy": "employer"}
	for k, v := range job {
		other[k] = v
	}
	other["employerKvk"] = "99887766"
	e.publish(t, catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "p2", en.ID, other) // employer 87654321 confirms another employer's job

	dlq := kittest.ReadUntil(t, e.pf.Infra.Kafka, messaging.DeadLetterTopic(e.pf.Topic(catalog.TopicPartnersAttendance)), 15*time.Second,
		func(ms []kafka.Message) bool { return len(ms) >= 3 })
	for _, m := range dlq {
		reason := kittest.Header(m, messaging.HeaderDLQReason)
		if !strings.Contains(reason, "not a registered partner system") && !strings.Contains(reason, "revoked") && !strings.Contains(reason, "registered as") {
			t.Errorf("attendance dead letter reason %q", reason)
		}
	}
	pdlq := kittest.ReadUntil(t, e.pf.Infra.Kafka, messaging.DeadLetterTopic(e.pf.Topic(catalog.TopicPartnersPlacements)), 15*time.Second,
		func(ms []kafka.Message) bool { return len(ms) >= 2 })
	if len(pdlq) != 2 {
		t.Fatalf("%d placement dead letters, want 2", len(pdlq))
	}
	var att struct{ TotalHours float64 }
	kittest.Eventually(t, "A's own hours", 15*time.Second, func() bool {
		e.r.Call(t, e.provA, "GET", "/api/v1/enrolments/"+en.ID+"/attendance", nil, &att)
		return att.TotalHours == 4
	})
	e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &en)
	if len(en.Placements) != 0 || en.Status != "started" {
		t.Errorf("a job confirmed by the wrong systems counted: %+v", en)
	}
}

func sourceID(t *testing.T, e *env, source string) string {
	t.Helper()
	var list struct {
		Items []struct{ ID, Source string }
	}
	expect(t, "sources", e.r.Call(t, e.admin, "GET", "/api/v1/partner-sources", nil, &list), 200)
	for _, s := range list.Items {
		if s.Source == source {
			return s.ID
		}
	}
	t.Fatalf("source %s not registered", source)
	return ""
}

// A start further back than the grace is registered late only by a coordinator, with a
// reason that goes into the audit trail.
func TestALateEnrolmentNeedsACoordinatorAndAReason(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 1, "active", false, start1(day(-60), 5))
	pid := e.register(t, bsns[0])
	late := enrolInput(pid, day(-60))
	expect(t, "work coach", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", late, nil), 422)
	late["lateRegistration"] = "overgenomen uit het vorige systeem"
	expect(t, "work coach with a reason", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", late, nil), 403)
	var en enrolment
	expect(t, "coordinator", e.r.Call(t, e.coord, "POST", "/api/v1/enrolments", late, &en), 201)
	var trail struct{ Items []struct{ Action string } }
	expect(t, "audit", e.r.Call(t, e.coord, "GET", "/api/v1/enrolments/"+en.ID+"/audit", nil, &trail), 200)
	if len(trail.Items) != 1 || !strings.Contains(trail.Items[0].Action, "overgenomen uit het vorige systeem") {
		t.Errorf("audit %+v", trail.Items)
	}
}

// enrolmentID is the deterministic id the service gives an enrolment (the same participant
// in the same start is one enrolment).
func enrolmentID(participant, date string) string {
	h := sha256.Sum256([]byte(strings.Join([]string{participant, contractID, "prd-1", date, "Groningen"}, "|")))
	return "enr-" + hex.EncodeToString(h[:10])
}

// An enrolment writes its place and then itself. A crash between the two leaves a place
// held by an enrolment that does not exist: the request retried gets that same place, and
// otherwise the place is free again after its lease; it is never lost and never sold twice.
func TestAPlaceTakenByACrashedEnrolmentIsNeverLostNorSoldTwice(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.offerKnown(t, 1, "active", false, start1(day(3), 2))
	b, x, y := e.register(t, bsns[1]), e.register(t, bsns[2]), e.register(t, bsns[3])
	seats := e.r.Platform.DB.Collection("seats")
	key := contractID + "|prd-1|" + day(3) + "|Groningen"
	crash := func(n int, enrolment string) { // what the first write leaves when the process dies before the second
		_, err := seats.InsertOne(context.Background(), bson.D{{Key: "_id", Value: fmt.Sprintf("%s|%d", key, n)}, {Key: "start", Value: key},
			{Key: "n", Value: n}, {Key: "enrolmentId", Value: enrolment}, {Key: "claimedAt", Value: c.Now().UTC()}})
		if err != nil {
			t.Fatal(err)
		}
	}
	crash(1, enrolmentID(b, day(3)))     // B's enrolment died after taking place 1
	crash(2, "enr-0000000000000000dead") // and another request that is never retried took place 2

	expect(t, "X while both places are held", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(x, day(3)), nil), 409)
	var en enrolment
	expect(t, "B retried", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(b, day(3)), &en), 201)
	if en.Seat != 1 {
		t.Errorf("B got place %d, want its own place 1", en.Seat)
	}
	c.Advance(3 * time.Minute) // the never-retried request's lease passes
	expect(t, "X after the lease", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(x, day(3)), &en), 201)
	if en.Seat != 2 {
		t.Errorf("X got place %d, want the orphaned place 2", en.Seat)
	}
	expect(t, "Y when full", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(y, day(3)), nil), 409)
	n, err := seats.CountDocuments(context.Background(), bson.D{{Key: "start", Value: key}})
	if err != nil || n != 2 {
		t.Errorf("%d places taken (%v), want 2", n, err)
	}
}

// Terms apply by the start date, and are shown and committed so: until its start an
// enrolment follows every change of its product's terms and price that will be in force
// on its start day — the enrolment shows the version expected, and a terms-changed event
// (which payments corrects its commitments and forecast by) carries the new split; a
// version that takes effect after its start does not apply to it.
func TestTermsThatApplyByTheStartDateAreShownAndCommittedSo(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 1, "active", false, start1(day(7), 5))
	pid := e.register(t, bsns[0])
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(7)), &en), 201)

	withTerms := func(revision, price int, versions ...obj) obj {
		o := offerEvent(revision, "active", false, start1(day(7), 5))
		product := o["products"].([]obj)[0]
		product["priceCents"] = price
		product["terms"] = append(product["terms"].([]obj), versions...)
		return o
	}
	v := func(version int, from string, percents ...int) obj {
		return obj{"version": version, "effectiveFrom": from, "maxPriceCents": 100000, "minAttendanceHours": 256,
			"requiredCertificates": []string{"VCA"}, "placementBeforeCompletion": false,
			"tranches": []obj{{"milestone": "started", "percent": percents[0]}, {"milestone": "completed", "percent": percents[1]},
				{"milestone": "sustainably_placed", "percent": percents[2]}}}
	}
	// the buyer's 40/40/20 from today (before the start): the enrolment follows it
	e.publish(t, catalog.TopicProvidersOffers, catalog.TypeOfferChanged, "offer-2", contractID, withTerms(2, 95000, v(2, day(0), 40, 40, 20)))
	kittest.Eventually(t, "the enrolment shows the version expected on its start", 15*time.Second, func() bool {
		expect(t, "enrolment", e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &en), 200)
		return en.Terms.Version == 2
	})
	msgs := e.milestones(t, 2)
	var changed struct {
		Milestone, Reason string
		PriceCents        int64
		Terms             struct {
			Version  int
			Tranches []struct{ Percent int }
		}
	}
	if typ := kittest.Header(msgs[1], messaging.HeaderType); typ != catalog.TypeEnrolmentTermsChanged {
		t.Fatalf("second event %s, want terms-changed", typ)
	}
	_ = json.Unmarshal(msgs[1].Value, &changed)
	if changed.Milestone != "enrolled" || changed.Terms.Version != 2 || changed.Terms.Tranches[1].Percent != 40 || !strings.Contains(changed.Reason, "version 2") {
		t.Fatalf("terms-changed %+v", changed)
	}

	// a version from after the start does not apply; a new contracted price does
	e.publish(t, catalog.TopicProvidersOffers, catalog.TypeOfferChanged, "offer-3", contractID,
		withTerms(3, 98000, v(2, day(0), 40, 40, 20), v(3, day(8), 50, 30, 20)))
	kittest.Eventually(t, "the price followed", 15*time.Second, func() bool {
		msgs = e.milestones(t, 3)
		return len(msgs) >= 3
	})
	_ = json.Unmarshal(msgs[2].Value, &changed)
	if changed.Terms.Version != 2 || changed.PriceCents != 98000 {
		t.Fatalf("after a version from after the start and a new price: %+v", changed)
	}
	// redelivered, the offer changes nothing more
	e.publish(t, catalog.TopicProvidersOffers, catalog.TypeOfferChanged, "offer-3-again", contractID,
		withTerms(3, 98000, v(2, day(0), 40, 40, 20), v(3, day(8), 50, 30, 20)))
	e.offerKnown(t, 4, "active", false, start1(day(7), 5)) // a marker after the redelivery (back to v1 only: no version 2 any more)
	kittest.Eventually(t, "back to version 1", 15*time.Second, func() bool {
		expect(t, "enrolment", e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &en), 200)
		return en.Terms.Version == 1
	})
	if n := len(e.milestones(t, 4)); n != 4 {
		t.Fatalf("%d events, want the enrolment, two changes and the return to version 1", n)
	}
}
