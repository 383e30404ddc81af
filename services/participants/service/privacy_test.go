package service_test

import (
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
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
		return a.Operation == "POST /api/v1/participants/{participantId}/bsn-reveal" && a.Status == 200 // the one audited answer that carries it
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
