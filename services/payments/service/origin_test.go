package service_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
)

// Anyone who may write to the enrolments topic copies a real enrolment's contract, product
// and price, invents an enrolment id and publishes its enrolment and start. Unsigned, signed
// by another service of the region or by participants of another region, it proves nothing:
// dead-lettered with "origin not proven", no tranche made, nothing committed on the budget.
// The real enrolment, signed by participants of this region, is paid as ever.
func TestAMilestoneParticipantsNeverPublishedMakesNoTranche(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 1_000_000)

	topic := e.pf.Topic(catalog.TopicParticipantsEnrolments)
	forge := func(enrolment string, sign func(*kafka.Message)) {
		for seq, ms := range []string{"enrolled", "started"} {
			raw, _ := json.Marshal(milestoneData(enrolment, "prt-x", ms, -10+seq, 95_000))
			m := kittest.WithSequence(kittest.CloudEvent(fmt.Sprintf("%s-%s", enrolment, ms), milestoneTypes[ms], "/werkregio/groningen/participants", enrolment, raw), seq+1)
			m.Topic = topic
			sign(&m)
			m.Topic = ""
			kittest.PublishRaw(t, e.pf.Infra.Kafka, topic, m)
		}
	}
	signWith := func(region, service string) func(*kafka.Message) {
		return func(m *kafka.Message) {
			if err := messaging.Sign(m, kittest.ServiceKey(region, service)); err != nil {
				t.Fatal(err)
			}
		}
	}
	forge("enr-unsigned", func(m *kafka.Message) { *m = kittest.Unsigned(*m) })
	forge("enr-by-sroi", signWith("groningen", catalog.Sroi))
	forge("enr-by-flevoland", signWith("flevoland", catalog.Participants))

	e.milestone(t, "enr-real", "prt-1", "enrolled", 1, -21, 95_000)
	e.milestone(t, "enr-real", "prt-1", "started", 2, -10, 95_000)
	e.waitTranche(t, "trn-enr-real-started", "payable")

	dead := kittest.ReadUntil(t, e.pf.Infra.Kafka, messaging.DeadLetterTopic(topic), 20*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 6 })
	if len(dead) != 6 {
		t.Fatalf("%d dead letters, want the six forged milestones", len(dead))
	}
	for _, m := range dead {
		if reason := kittest.Header(m, messaging.HeaderDLQReason); !strings.HasPrefix(reason, "origin not proven") {
			t.Errorf("%s: %q", kittest.Header(m, messaging.HeaderID), reason)
		}
	}
	for _, enrolment := range []string{"enr-unsigned", "enr-by-sroi", "enr-by-flevoland"} {
		if got := e.listTranches(t, "enrolment="+enrolment); len(got) != 0 {
			t.Errorf("a forged enrolment %s has tranches: %+v", enrolment, got)
		}
	}
	if got := e.budget(t, b.ID); got.Committed+got.Due != 95_000 {
		t.Fatalf("budget %+v: only the real enrolment's EUR 950 is committed or due", got)
	}
	var letters struct {
		Items []struct{ Reason, Type string }
	}
	admin := e.pf.Token(t, "regio-groningen", auth.RoleAdmin)
	expect(t, "dead letters", e.r.Call(t, admin, "GET", "/api/v1/admin/dead-letters", nil, &letters), 200)
	if len(letters.Items) != 6 {
		t.Fatalf("the administrator sees %d dead letters, want 6", len(letters.Items))
	}
}
