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
)

// An employer's HR system that may write to the partner topics claims to be UWV and
// confirms a participant's job (which would make a tranche due): unsigned, or signed with
// its own key, the message proves nothing and is dead-lettered with "origin not proven";
// nothing is recorded. UWV's own message, signed with its registered key, counts. After
// UWV rotates its key, a message signed with the old one no longer counts.
func TestAMessageThatClaimsAnotherSendersNameIsNotBelieved(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.trust(t, "/uwv/polis", "uwv", "uwv")
	e.offerKnown(t, 1, "active", true, start1(day(-20), 5))
	en := e.enrolledBack(t, c, bsns[0], 20)
	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+en.ID+"/start", obj{"on": day(-20)}, nil), 200)

	job := obj{"enrolmentId": en.ID, "employerKvk": "55667788", "startDate": day(-10), "hoursPerWeek": 32, "contractType": "permanent",
		"confirmedBy": "uwv", "reportId": "forged"}
	data, _ := json.Marshal(job)
	topic := e.pf.Topic(catalog.TopicPartnersPlacements)
	asUWV := func(id string) kafka.Message {
		return kittest.CloudEvent(id, catalog.TypePlacementConfirmed, "/uwv/polis", en.ID, data)
	}
	signedByHR := asUWV("forged-signed")
	signedByHR.Topic = topic
	if err := messaging.Sign(&signedByHR, kittest.PartnerKey("/test/partner")); err != nil { // the HR system's own, registered key
		t.Fatal(err)
	}
	signedByHR.Topic = ""
	kittest.PublishRaw(t, e.pf.Infra.Kafka, topic, kittest.Unsigned(asUWV("forged-unsigned")), signedByHR)

	dlq := kittest.ReadUntil(t, e.pf.Infra.Kafka, messaging.DeadLetterTopic(topic), 15*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 2 })
	if len(dlq) != 2 {
		t.Fatalf("%d dead letters, want both forgeries", len(dlq))
	}
	for _, m := range dlq {
		if reason := kittest.Header(m, messaging.HeaderDLQReason); !strings.HasPrefix(reason, "origin not proven") {
			t.Errorf("dead letter %s: reason %q", kittest.Header(m, messaging.HeaderID), reason)
		}
	}
	e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &en)
	if len(en.Placements) != 0 || en.Status != "started" {
		t.Fatalf("a forged job counted: %+v", en)
	}

	// UWV itself, signed with its registered key
	kittest.PublishRaw(t, e.pf.Infra.Kafka, topic, asUWV("uwv-1"))
	kittest.Eventually(t, "UWV's job", 15*time.Second, func() bool {
		e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &en)
		return len(en.Placements) == 1
	})

	// UWV rotates to a new key: the old one proves nothing any more
	id := sourceID(t, e, "/uwv/polis")
	expect(t, "rotate", e.r.Update(t, e.admin, "PUT", "/api/v1/partner-sources/"+id+"/keys", "/api/v1/partner-sources/"+id,
		obj{"keys": kittest.PartnerKeys("/uwv/polis-2027")}, nil), 200)
	expect(t, "a private key as the new key", e.r.Update(t, e.admin, "PUT", "/api/v1/partner-sources/"+id+"/keys", "/api/v1/partner-sources/"+id,
		obj{"keys": obj{"keys": []any{obj{"kty": "oct", "kid": "shared", "k": "c2VjcmV0"}}}}, nil), 422)
	kittest.PublishRaw(t, e.pf.Infra.Kafka, topic, asUWV("uwv-old-key"))
	kittest.Eventually(t, "the old key's message refused", 15*time.Second, func() bool {
		for _, d := range e.deadLetters(t, "open") {
			if strings.HasPrefix(d.Reason, "origin not proven") && strings.Contains(d.Reason, "not registered") && d.Source == "/uwv/polis" && d.Type == catalog.TypePlacementConfirmed {
				if n := len(e.deadLetters(t, "open")); n == 3 {
					return true
				}
			}
		}
		return false
	})
}
