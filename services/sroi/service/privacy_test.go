package service_test

import (
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/sroi/service"
)

// A BSN in any field of any request, in an award or on the shared topic never reaches an
// answer, a dead-letter reason, a log line, a span or a metric; a declared candidate's BSN
// becomes a pseudonym and is found nowhere, not even in the events.
func TestABSNNeverLeaksAndADeclaredBSNIsFoundNowhere(t *testing.T) {
	bsn := kittest.LeakBSN[0]
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	id := g.award(t, "tnd-priv", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	d := g.declareCandidate(t, id, bsn, "2025-06-01", "2025-11-30")
	expect(t, "approve", g.r.Call(t, g.buyer, "POST", "/api/v1/declarations/"+d.ID+"/approve", nil, nil), 200)
	raw, _ := contracts.OpenAPI(service.Name)
	pf.CheckNoPersonalDataLeaks(t, g.r, raw, contracts.OpenAPIFiles(), []string{g.buyer, g.contractor, g.coord}, nil)

	g.publish(t, catalog.TopicProcurementTenders, catalog.TypeTenderAwarded, bsn, obj{"tenderId": bsn, "region": "drenthe"})
	kittest.PublishRaw(t, pf.Infra.Kafka, pf.Prefix+"shared."+catalog.TopicSroiCandidateMonths, kittest.WithSequence(kittest.CloudEvent("bad-claim",
		catalog.TypeCandidateMonthsClaimed, "/werkregio/groningen/test", bsn, []byte(`{"person":"`+bsn+`","region":"groningen"}`)), 1))
	for _, topic := range []string{g.prefix + catalog.TopicProcurementTenders, pf.Prefix + "shared." + catalog.TopicSroiCandidateMonths} {
		dlq := kittest.ReadUntil(t, pf.Infra.Kafka, messaging.DeadLetterTopic(topic), 15*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 1 })
		if len(dlq) == 0 {
			t.Fatalf("%s: nothing dead-lettered", topic)
		}
		for _, m := range dlq {
			reason := kittest.Header(m, messaging.HeaderDLQReason)
			if reason == "" {
				t.Error("a dead letter without a reason")
			}
			kittest.NoLeak(t, "the dead-letter reason "+reason, reason, bsn)
		}
	}
	// the events: projects, declarations, notifications, the shared claims (pseudonyms only)
	for _, topic := range []string{g.prefix + catalog.TopicSroiProjects, g.prefix + catalog.TopicSroiDeclarations, g.prefix + catalog.TopicSroiNotifications,
		pf.Prefix + "shared." + catalog.TopicSroiCandidateMonths} {
		for _, m := range kittest.ReadUntil(t, pf.Infra.Kafka, topic, 10*time.Second, func([]kafka.Message) bool { return true }) {
			if kittest.Header(m, messaging.HeaderID) == "bad-claim" {
				continue // the test's own bad message
			}
			kittest.NoLeak(t, "an event on "+topic, string(m.Value)+string(m.Key), bsn)
		}
	}
	pf.CheckLogsSpansMetrics(t, g.r)
}
