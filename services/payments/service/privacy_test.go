package service_test

import (
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/payments/service"
)

// A BSN put in any field of any request, or in a milestone or bank-account event, never
// reaches an error, a dead-letter reason, a log line, a span or a metric: payments holds
// no personal data of participants and must not start to by accident.
func TestABSNInAnyFieldNeverLeaksIntoErrorsLogsSpansMetricsOrDeadLetters(t *testing.T) {
	bsn := kittest.LeakBSN[0]
	e, _, _, _, _ := fixture(t)
	raw, _ := contracts.OpenAPI(service.Name)
	e.pf.CheckNoPersonalDataLeaks(t, e.r, raw, contracts.OpenAPIFiles(), []string{e.finance, e.buyer, e.prov}, func(kittest.Answer) bool { return false })

	bad := milestoneData(bsn, bsn, "started", -1, 95_000)
	bad["region"] = "drenthe" // refused: another region's milestone, with the BSN as its ids
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentStarted, bsn, 1, bad)
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentStarted, bsn, 1, obj{"enrolmentId": bsn, "bsn": bsn})
	e.publish(t, catalog.TopicProvidersRegistry, catalog.TypeBankAccountChanged, bsn, 1, obj{"providerKvk": provider, "region": "groningen",
		"accountHolder": bsn, "iban": "NL91ABNA0417164301", "status": "confirmed", "revision": 9,
		"address": obj{"street": bsn, "buildingNumber": "1", "postCode": "9711 AB", "town": "Groningen", "country": "NL"}, "at": time.Now().UTC().Format(time.RFC3339)})
	for topic, want := range map[string]int{catalog.TopicParticipantsEnrolments: 2, catalog.TopicProvidersRegistry: 1} {
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
			kittest.NoLeak(t, "the dead-letter reason "+reason, reason, bsn)
		}
	}
	e.pf.CheckLogsSpansMetrics(t, e.r)
}
