package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/participants/service"
)

// The BSN never reaches an error, a dead-letter reason, a log line, a span or a metric,
// whatever field a client or a partner system puts it in: every operation of the API and
// every partner topic is sent input built around a known BSN, written plainly and grouped.
func TestABSNInAnyFieldNeverLeaksIntoErrorsLogsSpansMetricsOrDeadLetters(t *testing.T) {
	bsn, grouped := kittest.LeakBSN[0], kittest.LeakBSN[1]
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 1, "active", false, start1(day(3), 5))
	pid := e.register(t, bsns[0])
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(3)), &en), 201)

	raw, _ := contracts.OpenAPI(service.Name)
	e.pf.CheckNoPersonalDataLeaks(t, e.r, raw, contracts.OpenAPIFiles(), []string{e.coach, e.coord, e.provA, e.admin}, func(a kittest.Answer) bool {
		// the audited answers that carry it
		return (a.Operation == "POST /api/v1/participants/{participantId}/bsn-reveal" || a.Operation == "POST /api/v1/participants/{participantId}/export") && a.Status == 200
	})

	// Partner topics: the BSN in every field, the key, the id and the source.
	att := attendance(bsn, bsn, day(0), 4, bsn)
	att["providerKvk"] = "12345678"
	placement := obj{"enrolmentId": bsn, "employerKvk": "87654321", "startDate": day(0), "hoursPerWeek": 32, "contractType": "permanent", "confirmedBy": "uwv", "reportId": bsn}
	e.publishFrom(t, "/lms/bouwschool", catalog.TopicPartnersAttendance, catalog.TypeAttendanceReported, bsn, bsn, att)
	e.publishFrom(t, bsn, catalog.TopicPartnersAttendance, catalog.TypeAttendanceReported, "a2", en.ID, attendance(en.ID, "12345678", day(0), 4, "r"))
	e.publishFrom(t, "/test/partner", catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, bsn, bsn, placement)
	kittest.PublishRaw(t, e.pf.Infra.Kafka, e.pf.Topic(catalog.TopicPartnersAttendance),
		kittest.CloudEvent("bad-1", catalog.TypeAttendanceReported, "/lms/bouwschool", en.ID, []byte(`{"enrolmentId":"`+en.ID+`","providerKvk":"`+bsn+`","date":"`+grouped+`","hours":"`+bsn+`","reportId":"x"}`)),
		kittest.CloudEvent("bad-2", catalog.TypeAttendanceReported, "/lms/bouwschool", en.ID, []byte(`{"bsn": `+bsn+`}`)),
		kittest.CloudEvent("bad-3", catalog.TypeAttendanceReported, "/lms/bouwschool", en.ID, []byte(`not json `+bsn)))
	for topic, want := range map[string]int{catalog.TopicPartnersAttendance: 5, catalog.TopicPartnersPlacements: 1} {
		dlq := kittest.ReadUntil(t, e.pf.Infra.Kafka, messaging.DeadLetterTopic(e.pf.Topic(topic)), 15*time.Second,
			func(ms []kafka.Message) bool { return len(ms) >= want })
		if len(dlq) < want {
			t.Fatalf("%s: %d dead letters, want %d", topic, len(dlq), want)
		}
		for _, m := range dlq {
			reason := kittest.Header(m, messaging.HeaderDLQReason)
			if reason == "" {
				t.Error("a dead letter without a reason")
			}
			kittest.NoLeak(t, "the dead-letter reason "+reason, reason, bsn, grouped)
		}
	}

	time.Sleep(200 * time.Millisecond) // spans of the last messages end
	e.pf.CheckLogsSpansMetrics(t, e.r)
}

// A participant's data can be exported in one document (audited), and erased: from the
// current record and every earlier version, and from the BSN lookup; the enrolment and its
// amounts remain for payments.
func TestAParticipantIsExportedAndErasedWhileTheFinancialFactsRemain(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 1, "active", false, start1(day(3), 5))
	pid := e.register(t, bsns[0])
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(3)), &en), 201)

	var export struct {
		BSN         string
		Participant struct{ Name string }
		Enrolments  []struct{ ID string }
		Audit       []struct{ Action string }
	}
	expect(t, "export by a work coach", e.r.Call(t, e.coach, "POST", "/api/v1/participants/"+pid+"/export", obj{"reason": "inzageverzoek"}, nil), 403)
	status, h := e.r.CallWith(t, e.coord, "POST", "/api/v1/participants/"+pid+"/export", nil, obj{"reason": "inzageverzoek 2026-12"}, &export)
	expect(t, "export", status, 200)
	if export.BSN != bsns[0] || export.Participant.Name != "J. de Vries" || len(export.Enrolments) != 1 || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("export: %+v", export)
	}
	if last := export.Audit[len(export.Audit)-1].Action; !strings.HasPrefix(last, "participant.exported") {
		t.Errorf("the export is not in the audit trail: last entry %q", last)
	}

	expect(t, "erase without a withdrawal", e.r.Call(t, e.coord, "POST", "/api/v1/participants/"+pid+"/erasure", obj{"basis": "consent-withdrawn", "reason": "x"}, nil), 422)
	withdrawn := participantInput("")
	delete(withdrawn, "bsn")
	withdrawn["consent"] = obj{"purpose": "begeleiding naar werk via werkregio", "givenOn": day(-10), "withdrawnOn": day(0)}
	expect(t, "withdraw", e.r.Update(t, e.coach, "PUT", "/api/v1/participants/"+pid, "/api/v1/participants/"+pid, withdrawn, nil), 200)
	var erased struct {
		Name   string
		Erased struct{ Basis string }
	}
	expect(t, "erase", e.r.Call(t, e.coord, "POST", "/api/v1/participants/"+pid+"/erasure", obj{"basis": "consent-withdrawn", "reason": "toestemming ingetrokken"}, &erased), 200)
	if erased.Name != "" || erased.Erased.Basis != "consent-withdrawn" {
		t.Errorf("after erasure: %+v", erased)
	}
	expect(t, "erase again", e.r.Call(t, e.coord, "POST", "/api/v1/participants/"+pid+"/erasure", obj{"basis": "consent-withdrawn", "reason": "x"}, nil), 200)
	expect(t, "find by the BSN", e.r.Call(t, e.coord, "POST", "/api/v1/participants/search", obj{"bsn": bsns[0]}, nil), 404)
	expect(t, "reveal", e.r.Call(t, e.coord, "POST", "/api/v1/participants/"+pid+"/bsn-reveal", obj{"reason": "x"}, nil), 409)
	expect(t, "change", e.r.Update(t, e.coach, "PUT", "/api/v1/participants/"+pid, "/api/v1/participants/"+pid, withdrawn, nil), 409)

	// Nothing of the person is left in any stored version.
	cur, err := e.r.Platform.DB.Collection("commits").Find(context.Background(), bson.D{{Key: "stream", Value: "participant/" + pid}})
	if err != nil {
		t.Fatal(err)
	}
	var commits []struct{ State string }
	if err := cur.All(context.Background(), &commits); err != nil || len(commits) < 4 {
		t.Fatalf("%d commits, %v", len(commits), err)
	}
	for _, c := range commits {
		if strings.Contains(c.State, "de Vries") || strings.Contains(c.State, "ciphertext") || strings.Contains(c.State, "esco") {
			t.Errorf("a stored version still holds personal data: %s", c.State)
		}
	}
	// The financial facts remain; the person may be registered anew.
	expect(t, "enrolment", e.r.Call(t, e.coord, "GET", "/api/v1/enrolments/"+en.ID, nil, &en), 200)
	expect(t, "register anew", e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput(bsns[0]), nil), 201)
}

// Personal data goes by itself: 30 days after consent was withdrawn, and after two years
// without activity; a participant with an open enrolment keeps theirs.
func TestRetentionErasesAfterAWithdrawalAndAfterTwoQuietYears(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.offerKnown(t, 1, "active", false, start1(day(3), 5))
	withdrawing, quiet, busy := e.register(t, bsns[0]), e.register(t, bsns[1]), e.register(t, bsns[2])
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(busy, day(3)), nil), 201)
	withdrawn := participantInput("")
	delete(withdrawn, "bsn")
	withdrawn["consent"] = obj{"purpose": "begeleiding naar werk via werkregio", "givenOn": day(-10), "withdrawnOn": day(0)}
	expect(t, "withdraw", e.r.Update(t, e.coach, "PUT", "/api/v1/participants/"+withdrawing, "/api/v1/participants/"+withdrawing, withdrawn, nil), 200)

	erasedBasis := func(id string) string {
		var p struct{ Erased *struct{ Basis string } }
		e.r.Call(t, e.coord, "GET", "/api/v1/participants/"+id, nil, &p)
		if p.Erased == nil {
			return ""
		}
		return p.Erased.Basis
	}
	time.Sleep(300 * time.Millisecond)
	if b := erasedBasis(withdrawing); b != "" {
		t.Fatalf("erased at once after the withdrawal (%s)", b)
	}
	c.Advance(31 * 24 * time.Hour)
	kittest.Eventually(t, "erased 30 days after the withdrawal", 10*time.Second, func() bool { return erasedBasis(withdrawing) == "consent-withdrawn" })
	if erasedBasis(quiet) != "" {
		t.Fatal("a participant erased within the retention period")
	}
	c.Advance(731 * 24 * time.Hour)
	kittest.Eventually(t, "erased after two quiet years", 10*time.Second, func() bool { return erasedBasis(quiet) == "retention-ended" })
	if b := erasedBasis(busy); b != "" {
		t.Errorf("a participant with an open enrolment was erased (%s)", b)
	}
}

// The person's pseudonym recognises them across regions; it travels on the events that
// social-return monitoring counts, and no answer of the API shows it to anyone: not the
// provider, not finance, not the work coach.
func TestNoAnswerShowsThePersonsCrossRegionPseudonym(t *testing.T) {
	e := start(t, &kittest.Clock{}, "PERSON_PSEUDONYM_KEY", kittest.RandomKey(32))
	e.offerKnown(t, 1, "active", false, start1(day(0), 5))
	pid := e.register(t, bsns[0])
	var en map[string]any
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(0)), &en), 201)
	id, _ := en["id"].(string)
	var started map[string]any
	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+id+"/start", obj{"on": day(0)}, &started), 200)
	answers := map[string]map[string]any{"enrol": en, "start": started}
	finance := e.pf.Token(t, "regio-groningen", auth.RoleFinance)
	for who, token := range map[string]string{"provider": e.provA, "finance": finance, "coach": e.coach, "coordinator": e.coord} {
		var one map[string]any
		expect(t, who+" reads", e.r.Call(t, token, "GET", "/api/v1/enrolments/"+id, nil, &one), 200)
		answers[who+" reads"] = one
		var page struct{ Items []map[string]any }
		expect(t, who+" lists", e.r.Call(t, token, "GET", "/api/v1/enrolments", nil, &page), 200)
		for _, it := range page.Items {
			answers[who+" lists"] = it
		}
	}
	for what, a := range answers {
		for _, field := range []string{"person", "personKey"} {
			if v, ok := a[field]; ok {
				t.Errorf("%s: the answer shows %s %v", what, field, v)
			}
		}
	}
	// The event still carries it, for social-return monitoring.
	ms := e.milestones(t, 1)
	if !strings.Contains(string(ms[0].Value), `"person":"`) {
		t.Errorf("the milestone event lost the pseudonym: %s", ms[0].Value)
	}
}
