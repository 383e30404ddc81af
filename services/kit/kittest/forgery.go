package kittest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/messaging"
)

// CheckForgedEventsAreRefused publishes, on every topic of the platform's own that the
// running service reads, an event of the topic's first type that is unsigned and one that
// another service signed, and checks that each is dead-lettered with "origin not proven"
// by every consumer group that reads it: with the right to write to a topic, no one makes
// a milestone, a contract or a claim the owner did not publish. Partner topics are proven
// against the partners' registered keys by their consumer (the service's own test).
func (p *Platform) CheckForgedEventsAreRefused(t *testing.T, r *Running) {
	t.Helper()
	checked := 0
	for _, topic := range r.Platform.ConsumedTopics() {
		var spec catalog.Topic
		for _, c := range catalog.Topics {
			if c.Owner != "" && strings.HasSuffix(topic, "."+c.Name) {
				spec = c
			}
		}
		if spec.Owner == "" {
			continue
		}
		stranger := catalog.Procurement
		if spec.Owner == stranger {
			stranger = catalog.Providers
		}
		id := fmt.Sprintf("forged-%d", time.Now().UnixNano())
		forged := func(suffix string) kafka.Message {
			return CloudEvent(id+suffix, spec.Types[0], "/werkregio/"+Region+"/"+spec.Owner, "key-"+id, []byte(`{}`))
		}
		byStranger := signFor(topic, forged("-by-"+stranger), ServiceKey(Region, stranger))
		PublishRaw(t, p.Infra.Kafka, topic, Unsigned(forged("-unsigned")), byStranger)
		refused := map[string]string{}
		ReadUntil(t, p.Infra.Kafka, messaging.DeadLetterTopic(topic), 20*time.Second, func(ms []kafka.Message) bool {
			for _, m := range ms {
				if mid := Header(m, messaging.HeaderID); strings.HasPrefix(mid, id) {
					refused[mid] = Header(m, messaging.HeaderDLQReason)
				}
			}
			return len(refused) == 2
		})
		for _, mid := range []string{id + "-unsigned", id + "-by-" + stranger} {
			if reason, ok := refused[mid]; !ok || !strings.HasPrefix(reason, "origin not proven") {
				t.Errorf("%s: the forged %s was not refused for its origin (%q)", topic, mid, reason)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Log("the service reads none of the platform's own topics")
	}
}
