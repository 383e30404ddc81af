package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/participants/service"
)

type obj = map[string]any

var expect = kittest.Expect

func day(offset int) string { return kittest.Day(offset) }

type env struct {
	pf    *kittest.Platform
	r     *kittest.Running
	coach string
	coord string
	provA string
	provB string
	admin string
}

func start(t *testing.T, c *kittest.Clock, extra ...string) *env {
	t.Helper()
	pf := kittest.NewPlatform(t)
	settings := map[string]string{"BSN_ENCRYPTION_KEY": kittest.RandomKey(32), "BSN_LOOKUP_KEY": kittest.RandomKey(32), "SUSTAINABILITY_CHECK_INTERVAL": "100ms", "RETENTION_CHECK_INTERVAL": "100ms"}
	for i := 0; i+1 < len(extra); i += 2 {
		settings[extra[i]] = extra[i+1]
	}
	doc, _ := contracts.OpenAPI(service.Name)
	r := pf.StartService(t, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.WireWith(c.Now), OpenAPI: doc, OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: settings})
	e := &env{pf: pf, r: r,
		coach: pf.Token(t, "gemeente-groningen", auth.RoleWorkCoach),
		coord: pf.Token(t, "werkplein-groningen", auth.RoleCoordinator),
		provA: pf.Token(t, "12345678", auth.RoleProvider),
		provB: pf.Token(t, "23456789", auth.RoleProvider),
		admin: pf.Token(t, "regio-groningen", auth.RoleAdmin)}
	e.trust(t, "/lms/bouwschool", "provider", "12345678")
	e.trust(t, "/lms/other", "provider", "23456789")
	e.trust(t, "/test/partner", "employer", "87654321")
	return e
}

// BSNs that pass the 11-proef.
var bsns = []string{"111222333", "123456782", "999999990", "010000021", "010000033", "010000045", "010000057", "010000069", "010000070", "010000082"}

func participantInput(bsn string) obj {
	return obj{"bsn": bsn, "municipality": "Groningen", "name": "J. de Vries", "targetGroups": []string{"participatiewet", "statushouder"},
		"ladderStep": 3, "competencies": []string{"http://data.europa.eu/esco/skill/0a0c4d0f-5a7c-4c4a-9c5e-3a8d1e0e3b1f"},
		"consent": obj{"purpose": "begeleiding naar werk via werkregio", "givenOn": day(-10)}}
}

func (e *env) register(t *testing.T, bsn string) string {
	t.Helper()
	var p struct{ ID string }
	expect(t, "register", e.r.Call(t, e.coach, "POST", "/api/v1/participants", participantInput(bsn), &p), 201)
	return p.ID
}

const contractID = "ctr.sch-1.12345678.1"

// offerEvent is the providers service's offer.changed for contract ctr.sch-1.12345678.1.
func offerEvent(revision int, status string, placementFirst bool, starts ...obj) obj {
	tranches := []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 30}, {"milestone": "sustainably_placed", "percent": 30}}
	return obj{"contractId": contractID, "contractNumber": "OH-2026-BT/12345678/1", "schemeId": "sch-1", "schemeReference": "OH-2026-BT",
		"region": "groningen", "buyer": "gemeente-groningen", "providerKvk": "12345678", "providerName": "Bouwschool Noord",
		"contractStatus": status, "revision": revision, "updatedAt": time.Now().UTC().Format(time.RFC3339),
		"products": []obj{{"productId": "prd-1", "name": "Timmerman basis", "priceCents": 95000, "locations": []string{"Groningen"}, "starts": starts,
			"terms": []obj{{"version": 1, "effectiveFrom": day(-400), "maxPriceCents": 100000, "minAttendanceHours": 256,
				"requiredCertificates": []string{"VCA"}, "tranches": tranches, "placementBeforeCompletion": placementFirst}}}}}
}

func start1(date string, capacity int) obj {
	return obj{"date": date, "location": "Groningen", "capacity": capacity}
}

// publish sends a schema-valid CloudEvent, as the providers service or a partner would.
// publish sends an event from the test's partner system, registered as the HR system of
// employer 87654321 (see start).
func (e *env) publish(t testing.TB, topic, typ, id, key string, data obj) {
	t.Helper()
	e.publishFrom(t, "/test/partner", topic, typ, id, key, data)
}

func (e *env) publishFrom(t testing.TB, source, topic, typ, id, key string, data obj) {
	t.Helper()
	raw, _ := json.Marshal(data)
	if err := contracts.MustEventSchemas().Validate(typ, raw); err != nil {
		t.Fatalf("test event %s breaks its schema: %v", typ, err)
	}
	kittest.PublishRaw(t, e.pf.Infra.Kafka, e.pf.Topic(topic), kittest.CloudEvent(id, typ, source, key, raw))
}

// trust registers a partner system's source (as the region's administrator does).
func (e *env) trust(t testing.TB, source, role, org string) {
	t.Helper()
	expect(t, "register "+source, e.r.Call(t, e.admin, "POST", "/api/v1/partner-sources", obj{"source": source, "role": role, "org": org, "name": "System " + source, "keys": kittest.PartnerKeys(source)}, nil), 201)
}

// offerKnown publishes an offer and waits until enrolment sees it.
func (e *env) offerKnown(t testing.TB, revision int, status string, placementFirst bool, starts ...obj) {
	t.Helper()
	e.publish(t, catalog.TopicProvidersOffers, catalog.TypeOfferChanged, fmt.Sprintf("offer-%d-%d", revision, time.Now().UnixNano()), contractID,
		offerEvent(revision, status, placementFirst, starts...))
	kittest.Eventually(t, "offer replicated", 15*time.Second, func() bool { return e.offerRevision(t) >= revision })
}

type problemDoc struct {
	Detail string
	Errors []struct{ Field, Reason string }
}

// offerRevision reads the replica's revision through MongoDB (the replica has no API).
func (e *env) offerRevision(t testing.TB) int {
	var d struct {
		Revision int `bson:"revision"`
	}
	err := e.r.Platform.DB.Collection("offers").FindOne(context.Background(), map[string]string{"_id": contractID}).Decode(&d)
	if err != nil {
		return 0
	}
	return d.Revision
}

func enrolInput(participantID, startDate string) obj {
	return obj{"participantId": participantID, "contractId": contractID, "productId": "prd-1", "startDate": startDate, "location": "Groningen"}
}

type enrolment struct {
	ID            string
	Status        string
	Seat          int
	SustainableOn string
	Terms         struct{ Version int }
	Placements    []struct{ ID string }
}

func (e *env) milestones(t *testing.T, want int) []kafka.Message {
	t.Helper()
	msgs := kittest.ReadUntil(t, e.pf.Infra.Kafka, e.pf.Topic(catalog.TopicParticipantsEnrolments), 15*time.Second, func(ms []kafka.Message) bool {
		return len(ms) >= want
	})
	for _, m := range msgs {
		typ := kittest.Header(m, messaging.HeaderType)
		if err := contracts.MustEventSchemas().Validate(typ, m.Value); err != nil {
			t.Errorf("%s breaks its schema: %v\n%s", typ, err, m.Value)
		}
	}
	return msgs
}

// enrolledBack registers a participant and enrols them, on the day before it, in a start
// daysAgo days back (the service's clock goes back for the enrolment and returns).
func (e *env) enrolledBack(t *testing.T, c *kittest.Clock, bsn string, daysAgo int) enrolment {
	t.Helper()
	pid := e.register(t, bsn)
	back := time.Duration(daysAgo+1) * 24 * time.Hour
	c.Advance(-back)
	defer c.Advance(back)
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(-daysAgo)), &en), 201)
	return en
}
