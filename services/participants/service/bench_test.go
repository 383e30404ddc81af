package service_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/participants/service"
)

// BenchmarkPartnerAttendance measures attendance reports from the partner topic to counted
// facts: consume, schema validation, enrolment checks and the batched, idempotent insert.
// Run: go test ./services/participants/service -run ^$ -bench PartnerAttendance -benchtime 20000x
func BenchmarkPartnerAttendance(b *testing.B) {
	pf := kittest.NewPlatform(b)
	doc, _ := contracts.OpenAPI(service.Name)
	r := pf.StartService(b, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.Wire, OpenAPI: doc, OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: map[string]string{"BSN_ENCRYPTION_KEY": kittest.RandomKey(32), "BSN_LOOKUP_KEY": kittest.RandomKey(32)}})
	e := &env{pf: pf, r: r, coach: pf.Token(b, "gemeente-groningen", auth.RoleWorkCoach), provA: pf.Token(b, "12345678", auth.RoleProvider),
		admin: pf.Token(b, "regio-groningen", auth.RoleAdmin)}
	e.trust(b, "/bench/lms", "provider", "12345678") // its messages are signed (kittest.PublishRaw)
	e.offerKnown(b, 1, "active", false, start1(day(-400), 50))
	const enrolments = 20
	ids := make([]string, enrolments)
	for i := range ids {
		var p struct{ ID string }
		in := participantInput(bsnFor(i))
		kittest.Expect(b, "register", r.Call(b, e.coach, "POST", "/api/v1/participants", in, &p), 201)
		var en enrolment
		kittest.Expect(b, "enrol", r.Call(b, e.coach, "POST", "/api/v1/enrolments", enrolInput(p.ID, day(-400)), &en), 201)
		ids[i] = en.ID
	}
	msgs := make([]kafka.Message, b.N)
	for i := range msgs {
		id := ids[i%enrolments]
		data, _ := json.Marshal(attendance(id, "12345678", day(-400+(i/enrolments)%400), 0.25, fmt.Sprintf("r%d", i)))
		msgs[i] = kittest.CloudEvent(fmt.Sprintf("m%d", i), catalog.TypeAttendanceReported, "/bench/lms", id, data)
	}
	b.ResetTimer()
	begin := time.Now()
	for i := 0; i < len(msgs); i += 5000 {
		kittest.PublishRaw(b, pf.Infra.Kafka, pf.Topic(catalog.TopicPartnersAttendance), msgs[i:min(i+5000, len(msgs))]...)
	}
	coll := r.Platform.DB.Collection("attendance")
	for {
		n, err := coll.EstimatedDocumentCount(b.Context())
		if err == nil && int(n) >= b.N {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "reports/s")
}

// bsnFor makes the i-th 9-digit number that passes the 11-proef.
func bsnFor(i int) string {
	for n := 100000000 + i*100; ; n++ {
		s := fmt.Sprintf("%09d", n)
		sum := 0
		for j := range 8 {
			sum += (9 - j) * int(s[j]-'0')
		}
		sum -= int(s[8] - '0')
		if sum != 0 && sum%11 == 0 {
			return s
		}
	}
}
