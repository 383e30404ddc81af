package service_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/privacy"
)

// A claim on the topic every region shares counts for the region whose sroi signed it, not
// the region it names: a claim naming Flevoland signed by Groningen's sroi, or signed by no
// one, would block a competitor's candidate for six months; it is dead-lettered with
// "origin not proven" in every region and blocks nothing.
func TestAClaimOnTheSharedTopicCountsForTheRegionThatSignedIt(t *testing.T) {
	pf := kittest.NewPlatform(t)
	gro := startRegion(t, pf, kittest.Region)
	startRegion(t, pf, "flevoland")
	project := gro.award(t, "tnd-o1", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")

	ps, err := privacy.NewPseudonyms(personKey)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(obj{"kind": "candidate", "person": ps.Person(bsnAnna), "region": "flevoland", "projectId": "prj-forged",
		"declarationId": "dcl-forged", "months": []string{"2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11"}, "maxMonths": 6,
		"at": time.Now().UTC().Format(time.RFC3339), "keyFingerprint": ps.Fingerprint()})
	shared := pf.Prefix + "shared." + catalog.TopicSroiCandidateMonths
	claim := func(id string) kafka.Message {
		return kittest.WithSequence(kittest.CloudEvent(id, catalog.TypeCandidateMonthsClaimed, "/werkregio/flevoland/sroi", ps.Person(bsnAnna), raw), 1)
	}
	byGroningen := claim("claim-signed-by-groningen")
	byGroningen.Topic = shared
	if err := messaging.Sign(&byGroningen, kittest.ServiceKey(kittest.Region, catalog.Sroi)); err != nil {
		t.Fatal(err)
	}
	byGroningen.Topic = ""
	kittest.PublishRaw(t, pf.Infra.Kafka, shared, byGroningen, kittest.Unsigned(claim("claim-unsigned")))

	dlq := kittest.ReadUntil(t, pf.Infra.Kafka, messaging.DeadLetterTopic(shared), 20*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 4 })
	if len(dlq) != 4 {
		t.Fatalf("%d dead letters, want both forged claims refused by both regions", len(dlq))
	}
	for _, m := range dlq {
		if reason := kittest.Header(m, messaging.HeaderDLQReason); !strings.HasPrefix(reason, "origin not proven") {
			t.Errorf("%s: %q", kittest.Header(m, messaging.HeaderID), reason)
		}
	}
	if d := gro.declareCandidate(t, project, bsnAnna, "2025-06-01", "2025-11-30"); len(d.Counted) != 6 {
		t.Fatalf("a forged claim blocked months: %+v", d)
	}
}
