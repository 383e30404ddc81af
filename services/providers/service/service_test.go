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
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/providers/service"
)

type obj = map[string]any

var expect = kittest.Expect

func start(t *testing.T, c *kittest.Clock) (*kittest.Platform, *kittest.Running) {
	t.Helper()
	pf := kittest.NewPlatform(t)
	doc, _ := contracts.OpenAPI(service.Name)
	r := pf.StartService(t, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.WireWith(c.Now), OpenAPI: doc, OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: map[string]string{"CERTIFICATE_CHECK_INTERVAL": "100ms"}})
	return pf, r
}

func providerInput(kvk, name string, certs ...obj) obj {
	return obj{"kvk": kvk, "name": name, "regions": []string{"groningen", "drenthe"},
		"contact": obj{"name": "A. Planner", "email": "planning@example.nl", "phone": "+31 50 123 4567"}}
}

func TestRegistryIsScopedToTheProviderItself(t *testing.T) {
	c := &kittest.Clock{}
	pf, r := start(t, c)
	a := pf.Token(t, "12345678", auth.RoleProvider)
	b := pf.Token(t, "23456789", auth.RoleProvider)
	coach := pf.Token(t, "gemeente-groningen", auth.RoleWorkCoach)
	admin := pf.Token(t, "regio", auth.RoleAdmin)

	expect(t, "register A", r.Call(t, a, "POST", "/api/v1/providers", providerInput("12345678", "Bouwschool Noord"), nil), 201)
	expect(t, "register A twice", r.Call(t, a, "POST", "/api/v1/providers", providerInput("12345678", "Bouwschool Noord"), nil), 409)
	expect(t, "register someone else", r.Call(t, a, "POST", "/api/v1/providers", providerInput("23456789", "Other"), nil), 403)
	expect(t, "register B", r.Call(t, b, "POST", "/api/v1/providers", providerInput("23456789", "Zorgacademie"), nil), 201)
	expect(t, "administrator registers C", r.Call(t, admin, "POST", "/api/v1/providers", providerInput("34567890", "Transportschool"), nil), 201)

	var problem struct {
		Errors []struct{ Field string }
	}
	bad := providerInput("1234567", "")
	bad["regions"] = []string{"drenthe"}
	bad["contact"] = obj{"name": "", "email": "not-an-address"}
	// The contract's rules (patterns, lengths) are checked first, the registry's own after.
	expect(t, "invalid entry", r.Call(t, admin, "POST", "/api/v1/providers", bad, &problem), 422)
	reported := func(want ...string) {
		t.Helper()
		fields := map[string]bool{}
		for _, e := range problem.Errors {
			fields[e.Field] = true
		}
		for _, f := range want {
			if !fields[f] {
				t.Errorf("no problem reported for %s: %+v", f, problem.Errors)
			}
		}
	}
	reported("kvk", "name", "contact.name")
	bad = providerInput("34567891", "Goed")
	bad["regions"] = []string{"drenthe"}
	bad["contact"] = obj{"name": "Jan", "email": "not-an-address"}
	expect(t, "invalid entry", r.Call(t, admin, "POST", "/api/v1/providers", bad, &problem), 422)
	reported("regions", "contact.email")

	expect(t, "B reads A", r.Call(t, b, "GET", "/api/v1/providers/12345678", nil, nil), 404)
	expect(t, "B edits A", r.Update(t, b, "PUT", "/api/v1/providers/12345678", "/api/v1/providers/12345678", providerInput("12345678", "Taken over"), nil), 404)
	expect(t, "work coach edits A", r.Update(t, coach, "PUT", "/api/v1/providers/12345678", "/api/v1/providers/12345678", providerInput("12345678", "Taken over"), nil), 403)
	expect(t, "work coach reads A", r.Call(t, coach, "GET", "/api/v1/providers/12345678", nil, nil), 200)
	expect(t, "another region", r.Call(t, pf.TokenIn(t, "flevoland", "12345678", auth.RoleProvider), "GET", "/api/v1/providers", nil, nil), 403)
	expect(t, "no token", r.Call(t, "", "GET", "/api/v1/providers", nil, nil), 401)

	var list struct{ Items []struct{ KvK string } }
	expect(t, "B lists", r.Call(t, b, "GET", "/api/v1/providers", nil, &list), 200)
	if len(list.Items) != 1 || list.Items[0].KvK != "23456789" {
		t.Errorf("provider B sees %+v", list.Items)
	}
	expect(t, "coach lists", r.Call(t, coach, "GET", "/api/v1/providers", nil, &list), 200)
	if len(list.Items) != 3 {
		t.Errorf("work coach sees %d providers, want 3", len(list.Items))
	}
	expect(t, "KvK cannot change", r.Update(t, a, "PUT", "/api/v1/providers/12345678", "/api/v1/providers/12345678", providerInput("87654321", "Renamed"), nil), 422)
}

func awarded(contractID, kvk string, terms ...obj) obj {
	return obj{"contractId": contractID, "number": "OH-2026-BT/" + kvk + "/1", "schemeId": "sch-1", "schemeReference": "OH-2026-BT",
		"region": "groningen", "buyer": "gemeente-groningen", "providerKvk": kvk, "providerName": "Bouwschool Noord",
		"products":  []obj{{"productId": "prd-1", "name": "Timmerman basis", "priceCents": 95000, "termsVersion": 1, "terms": terms}},
		"awardedAt": time.Now().UTC().Format(time.RFC3339), "schemeRun": obj{"from": kittest.Day(-60), "until": kittest.Day(400)}}
}

func termsV(version int, from string, tranches ...int) obj {
	ms := []string{"started", "completed", "sustainably_placed"}
	var ts []obj
	for i, p := range tranches {
		ts = append(ts, obj{"milestone": ms[i], "percent": p})
	}
	return obj{"version": version, "effectiveFrom": from, "maxPriceCents": 100000, "minAttendanceHours": 256,
		"requiredCertificates": []string{"VCA"}, "tranches": ts, "placementBeforeCompletion": false}
}

func publish(t *testing.T, pf *kittest.Platform, topic, typ, key string, data obj) {
	t.Helper()
	raw, _ := json.Marshal(data)
	if err := contracts.MustEventSchemas().Validate(typ, raw); err != nil {
		t.Fatalf("test event %s breaks its schema: %v", typ, err)
	}
	kittest.PublishRaw(t, pf.Infra.Kafka, pf.Topic(topic), kittest.CloudEvent(fmt.Sprintf("%s-%d", typ, time.Now().UnixNano()), typ, "/test/procurement", key, raw))
}

type offer struct {
	ContractStatus string
	Revision       int
	Products       []struct {
		Terms  []struct{ Version int }
		Starts []struct {
			Date     string
			Capacity int
		}
	}
}

func TestOfferFollowsProcurementEvents(t *testing.T) {
	c := &kittest.Clock{}
	pf, r := start(t, c)
	a := pf.Token(t, "12345678", auth.RoleProvider)
	b := pf.Token(t, "23456789", auth.RoleProvider)
	coach := pf.Token(t, "gemeente-groningen", auth.RoleWorkCoach)
	const contractID = "ctr.sch-1.12345678.1"

	// The terms change arrives before the award (another topic): neither may be lost.
	publish(t, pf, catalog.TopicProcurementSchemes, catalog.TypeProductTermsChanged, "sch-1", obj{
		"schemeId": "sch-1", "region": "groningen", "productId": "prd-1", "productName": "Timmerman basis",
		"terms": termsV(2, c.Day(30), 40, 40, 20), "changedAt": time.Now().UTC().Format(time.RFC3339)})
	kittest.PublishRaw(t, pf.Infra.Kafka, pf.Topic(catalog.TopicProcurementContracts), kafka.Message{Key: []byte(contractID), Value: []byte("{not json")})
	publish(t, pf, catalog.TopicProcurementContracts, catalog.TypeContractAwarded, contractID, awarded(contractID, "12345678", termsV(1, c.Day(-30), 40, 30, 30)))

	var o offer
	kittest.Eventually(t, "offer with both terms versions", 15*time.Second, func() bool {
		return r.Call(t, a, "GET", "/api/v1/offers/"+contractID, nil, &o) == 200 && len(o.Products[0].Terms) == 2
	})
	if o.ContractStatus != "active" || o.Products[0].Terms[0].Version != 1 || o.Products[0].Terms[1].Version != 2 {
		t.Fatalf("offer %+v", o)
	}
	dlq := kittest.ReadUntil(t, pf.Infra.Kafka, messaging.DeadLetterTopic(pf.Topic(catalog.TopicProcurementContracts)), 10*time.Second,
		func(ms []kafka.Message) bool { return len(ms) > 0 })
	if len(dlq) != 1 || kittest.Header(dlq[0], messaging.HeaderDLQReason) == "" {
		t.Fatalf("malformed contract event not dead-lettered with a reason: %d messages", len(dlq))
	}

	starts := obj{"locations": []string{"Groningen", "Assen"}, "starts": []obj{
		{"date": c.Day(14), "location": "Groningen", "capacity": 12}, {"date": c.Day(42), "location": "Assen", "capacity": 8}}}
	expect(t, "other provider edits", r.Update(t, b, "PUT", "/api/v1/offers/"+contractID+"/products/prd-1", "/api/v1/offers/"+contractID, starts, nil), 404)
	expect(t, "work coach edits", r.Update(t, coach, "PUT", "/api/v1/offers/"+contractID+"/products/prd-1", "/api/v1/offers/"+contractID, starts, nil), 403)
	bad := obj{"locations": []string{"Groningen"}, "starts": []obj{{"date": c.Day(14), "location": "Emmen", "capacity": 0}}}
	expect(t, "invalid starts", r.Update(t, a, "PUT", "/api/v1/offers/"+contractID+"/products/prd-1", "/api/v1/offers/"+contractID, bad, nil), 422)
	expect(t, "unknown product", r.Update(t, a, "PUT", "/api/v1/offers/"+contractID+"/products/nope", "/api/v1/offers/"+contractID, starts, nil), 404)
	// An offer too large to publish is refused at the door, as the contract bounds it.
	many := make([]string, 2500)
	for i := range many {
		many[i] = fmt.Sprintf("Locatie %d", i)
	}
	var prob struct {
		Errors []struct{ Field, Reason string }
	}
	expect(t, "2,500 locations", r.Update(t, a, "PUT", "/api/v1/offers/"+contractID+"/products/prd-1", "/api/v1/offers/"+contractID, obj{"locations": many, "starts": []obj{}}, &prob), 422)
	if len(prob.Errors) != 1 || prob.Errors[0].Field != "locations" {
		t.Errorf("problem %+v", prob.Errors)
	}
	late := obj{"locations": []string{"Groningen"}, "starts": []obj{{"date": c.Day(500), "location": "Groningen", "capacity": 5}}}
	expect(t, "a start after the scheme's run", r.Update(t, a, "PUT", "/api/v1/offers/"+contractID+"/products/prd-1", "/api/v1/offers/"+contractID, late, &prob), 422)
	expect(t, "set starts", r.Update(t, a, "PUT", "/api/v1/offers/"+contractID+"/products/prd-1", "/api/v1/offers/"+contractID, starts, &o), 200)
	if len(o.Products[0].Starts) != 2 || o.Products[0].Starts[0].Capacity != 12 {
		t.Fatalf("starts %+v", o.Products[0].Starts)
	}
	revision := o.Revision

	var list struct{ Items []offer }
	expect(t, "B lists offers", r.Call(t, b, "GET", "/api/v1/offers", nil, &list), 200)
	if len(list.Items) != 0 {
		t.Errorf("provider B sees another provider's offer")
	}
	expect(t, "coach lists offers", r.Call(t, coach, "GET", "/api/v1/offers", nil, &list), 200)
	if len(list.Items) != 1 {
		t.Errorf("work coach sees %d offers, want 1", len(list.Items))
	}

	// A redelivered award changes nothing; a suspension is followed.
	publish(t, pf, catalog.TopicProcurementContracts, catalog.TypeContractAwarded, contractID, awarded(contractID, "12345678", termsV(1, c.Day(-30), 40, 30, 30)))
	publish(t, pf, catalog.TopicProcurementContracts, catalog.TypeContractSuspended, contractID, obj{
		"contractId": contractID, "number": "OH-2026-BT/12345678/1", "schemeId": "sch-1", "region": "groningen", "providerKvk": "12345678",
		"reason": "VCA expired", "at": time.Now().UTC().Format(time.RFC3339)})
	kittest.Eventually(t, "offer follows the suspension", 15*time.Second, func() bool {
		return r.Call(t, a, "GET", "/api/v1/offers/"+contractID, nil, &o) == 200 && o.ContractStatus == "suspended"
	})
	if o.Revision != revision+1 {
		t.Errorf("revision %d after a redelivered award and a suspension, want %d", o.Revision, revision+1)
	}

	// Every offer.changed on the topic is valid and carries its revision.
	msgs := kittest.ReadUntil(t, pf.Infra.Kafka, pf.Topic(catalog.TopicProvidersOffers), 10*time.Second, func(ms []kafka.Message) bool {
		return len(ms) >= o.Revision
	})
	if len(msgs) != o.Revision {
		t.Fatalf("%d offer.changed events for revision %d", len(msgs), o.Revision)
	}
	for _, m := range msgs {
		if err := contracts.MustEventSchemas().Validate(kittest.Header(m, messaging.HeaderType), m.Value); err != nil {
			t.Errorf("offer event breaks its schema: %v", err)
		}
		if string(m.Key) != contractID {
			t.Errorf("offer event keyed %q, want the contract id", m.Key)
		}
	}
}

func certificateEvents(t *testing.T, pf *kittest.Platform, want int) []struct{ Valid, Expired, Renewed []string } {
	t.Helper()
	msgs := kittest.ReadUntil(t, pf.Infra.Kafka, pf.Topic(catalog.TopicProvidersRegistry), 10*time.Second, func(ms []kafka.Message) bool {
		return len(ms) >= want
	})
	var out []struct{ Valid, Expired, Renewed []string }
	for _, m := range msgs {
		if err := contracts.MustEventSchemas().Validate(catalog.TypeCertificatesChanged, m.Value); err != nil {
			t.Errorf("certificate event breaks its schema: %v", err)
		}
		var e struct {
			Valid   []string `json:"validCertificates"`
			Expired []string `json:"expired"`
			Renewed []string `json:"renewed"`
		}
		_ = json.Unmarshal(m.Value, &e)
		out = append(out, struct{ Valid, Expired, Renewed []string }{e.Valid, e.Expired, e.Renewed})
	}
	return out
}

func TestScheduledCheckAnnouncesAnExpiryOnceAndARenewal(t *testing.T) {
	c := &kittest.Clock{}
	pf, r := start(t, c)
	a := pf.Token(t, "12345678", auth.RoleProvider)
	expect(t, "register", r.Call(t, a, "POST", "/api/v1/providers", providerInput("12345678", "Bouwschool Noord"), nil), 201)
	var prov struct {
		Certificates []struct {
			ID, Type string
			Pending  bool
		}
	}
	expect(t, "VCA", r.Call(t, a, "POST", "/api/v1/providers/12345678/certificates", obj{"type": " vca ", "number": "VCA-1", "issuedOn": c.Day(-300), "expiresOn": c.Day(1)}, &prov), 201)
	if prov.Certificates[0].Type != "VCA" || !prov.Certificates[0].Pending {
		t.Fatalf("recorded %+v, want type VCA pending verification", prov.Certificates[0])
	}
	expect(t, "the same certificate again", r.Call(t, a, "POST", "/api/v1/providers/12345678/certificates", obj{"type": "VCA", "number": "vca-1", "issuedOn": c.Day(-300), "expiresOn": c.Day(1)}, nil), 409)
	expect(t, "bad certificate", r.Call(t, a, "POST", "/api/v1/providers/12345678/certificates", obj{"type": "", "issuedOn": c.Day(1), "expiresOn": c.Day(-1)}, nil), 422)
	verify := "/api/v1/providers/12345678/certificates/" + prov.Certificates[0].ID + "/verification"
	expect(t, "the provider verifies its own", r.Call(t, a, "POST", verify, nil, nil), 403)

	// Registration announces the registry's truth (no certificates yet); the recorded VCA
	// counts only once a buyer verified it.
	if ev := certificateEvents(t, pf, 2); len(ev) != 2 || len(ev[0].Valid) != 0 || len(ev[1].Valid) != 0 {
		t.Fatalf("registration and a pending certificate: %+v", ev)
	}
	buyer := pf.Token(t, "gemeente-groningen", auth.RoleBuyer)
	var toVerify struct{ Items []struct{ KvK string } }
	expect(t, "certificates to verify", r.Call(t, buyer, "GET", "/api/v1/providers?certificates=pending", nil, &toVerify), 200)
	if len(toVerify.Items) != 1 || toVerify.Items[0].KvK != "12345678" {
		t.Errorf("the buyer's list of certificates to verify: %+v", toVerify.Items)
	}
	expect(t, "buyer verifies", r.Call(t, buyer, "POST", verify, nil, nil), 200)
	expect(t, "certificates to verify", r.Call(t, buyer, "GET", "/api/v1/providers?certificates=pending", nil, &toVerify), 200)
	if len(toVerify.Items) != 0 {
		t.Errorf("verified, yet still to verify: %+v", toVerify.Items)
	}
	if ev := certificateEvents(t, pf, 3); len(ev) != 3 || len(ev[2].Renewed) != 1 || ev[2].Renewed[0] != "VCA" {
		t.Fatalf("after verification: %+v", ev)
	}
	// verified and expiring tomorrow: operations see it coming (the check runs every 100 ms here)
	kittest.Eventually(t, "expiring certificate in the metrics", 5*time.Second, func() bool {
		v, _ := kittest.Sample(r.Metrics(t), "werkregio_providers_certificates", `state="expiring"`)
		return v == "1"
	})
	expect(t, "contact edit", r.Update(t, a, "PUT", "/api/v1/providers/12345678", "/api/v1/providers/12345678", providerInput("12345678", "Bouwschool Noord BV"), nil), 200)
	// Nobody asks anything: two days later the scheduled check notices the expiry.
	c.Advance(48 * time.Hour)
	ev := certificateEvents(t, pf, 4)
	if len(ev) != 4 || len(ev[3].Expired) != 1 || ev[3].Expired[0] != "VCA" || len(ev[3].Valid) != 0 {
		t.Fatalf("after expiry (an edit of the contact details announces nothing): %+v", ev)
	}
	kittest.Eventually(t, "expired certificate in the metrics", 5*time.Second, func() bool {
		m := r.Metrics(t)
		expired, _ := kittest.Sample(m, "werkregio_providers_certificates", `state="expired"`)
		expiring, _ := kittest.Sample(m, "werkregio_providers_certificates", `state="expiring"`)
		return expired == "1" && expiring == "0"
	})
	// and the RED metrics per route: requests by status code, and their durations
	m := r.Metrics(t)
	if _, ok := kittest.Sample(m, "http_server_request_duration_seconds_count", `http_route="/api/v1/providers/:kvk/certificates"`, `http_response_status_code="409"`); !ok {
		t.Error("no request metrics by route and status code")
	}
	time.Sleep(500 * time.Millisecond) // five more checks
	if ev := certificateEvents(t, pf, 4); len(ev) != 4 {
		t.Fatalf("expiry announced %d times", len(ev)-3)
	}
	expect(t, "renew", r.Call(t, a, "POST", "/api/v1/providers/12345678/certificates", obj{"type": "VCA", "number": "VCA-2", "issuedOn": c.Day(0), "expiresOn": c.Day(365)}, &prov), 201)
	coord := pf.Token(t, "werkplein-groningen", auth.RoleCoordinator)
	expect(t, "coordinator verifies", r.Call(t, coord, "POST", "/api/v1/providers/12345678/certificates/"+prov.Certificates[1].ID+"/verification", nil, nil), 200)
	if ev := certificateEvents(t, pf, 6); len(ev) != 6 || len(ev[5].Renewed) != 1 || ev[5].Valid[0] != "VCA" {
		t.Fatalf("after renewal: %+v", ev)
	}
}

func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	_, r := start(t, &kittest.Clock{})
	doc, _ := contracts.OpenAPI(service.Name)
	r.RoutesInDocument(t, doc, contracts.OpenAPIFiles())
}
