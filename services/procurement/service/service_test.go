package service_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/procurement/service"
)

// running is a procurement service started in-process against the embedded infrastructure.
type running struct {
	*kittest.Running
	pf       *kittest.Platform
	platform *kit.Platform
	spans    *tracetest.SpanRecorder
	logs     *kittest.SyncBuffer
	kafka    string
	prefix   string
}

func start(t *testing.T) *running {
	t.Helper()
	pf := kittest.NewPlatform(t)
	doc, _ := contracts.OpenAPI(service.Name)
	r := pf.StartService(t, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.Wire, OpenAPI: doc, OpenAPIRefs: contracts.OpenAPIFiles()})
	return &running{Running: r, pf: pf, platform: r.Platform, spans: pf.Spans, logs: pf.Logs, kafka: pf.Infra.Kafka, prefix: pf.Prefix}
}

func (r *running) token(t *testing.T, region, org string, roles ...auth.Role) string {
	return r.pf.TokenIn(t, region, org, roles...)
}

func (r *running) call(t *testing.T, token, method, path string, body any, out any) int {
	t.Helper()
	return r.Call(t, token, method, path, body, out)
}

var expect = kittest.Expect

type obj = map[string]any

func day(offset int) string { return kittest.Day(offset) }

func terms(tranches ...int) obj {
	ms := []string{"started", "completed", "sustainably_placed"}
	var ts []obj
	for i, p := range tranches {
		ts = append(ts, obj{"milestone": ms[i], "percent": p})
	}
	return obj{"maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{"VCA"}, "tranches": ts}
}

// openScheme creates and publishes a scheme with one product as the buyer.
func (r *running) openScheme(t *testing.T, buyer string) (schemeID, productID string) {
	var s, p struct{ ID string }
	expect(t, "create scheme", r.call(t, buyer, "POST", "/api/v1/schemes", obj{
		"reference": "OH-2026-BT", "title": "Bouw & Techniek", "sector": "bouw-en-techniek", "openFrom": day(-1), "openUntil": day(200),
	}, &s), 201)
	expect(t, "add product", r.call(t, buyer, "POST", "/api/v1/schemes/"+s.ID+"/products", obj{"name": "Timmerman", "terms": terms(40, 30, 30)}, &p), 201)
	expect(t, "publish", r.call(t, buyer, "POST", "/api/v1/schemes/"+s.ID+"/publish", nil, nil), 200)
	return s.ID, p.ID
}

func application(productID string, price int, validUntil string) obj {
	return obj{"providerName": "Bouwopleiding Noord", "acceptsConditions": true,
		"products":     []obj{{"productId": productID, "priceCents": price, "plannedAttendanceHours": 280}},
		"certificates": []obj{{"name": "VCA", "validUntil": validUntil}}}
}

func TestOpenHouseFlowEndsInAContractAwardedCloudEventWithTrace(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	provider := r.token(t, "groningen", "12345678", auth.RoleProvider)
	schemeID, productID := r.openScheme(t, buyer)

	// Terms change for later enrolments: 40/30/30 -> 40/40/20.
	change := terms(40, 40, 20)
	change["effectiveFrom"] = day(10)
	var v2 struct{ Version int }
	expect(t, "change terms", r.call(t, buyer, "POST", "/api/v1/schemes/"+schemeID+"/products/"+productID+"/terms", change, &v2), 201)
	if v2.Version != 2 {
		t.Fatalf("terms version %d", v2.Version)
	}

	var rejected struct {
		Application struct {
			Status   string
			Failures []struct{ Requirement string }
		}
	}
	expect(t, "apply too expensive", r.call(t, provider, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 150000, day(-1)), &rejected), 201)
	if rejected.Application.Status != "rejected" || len(rejected.Application.Failures) != 2 {
		t.Fatalf("rejection %+v", rejected)
	}

	var accepted struct {
		Application struct{ Status, ContractID string }
		Contract    struct {
			ID, Number string
			Products   []struct{ TermsVersion int }
		}
	}
	expect(t, "apply", r.call(t, provider, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 95000, day(300)), &accepted), 201)
	if accepted.Application.Status != "accepted" || accepted.Contract.ID == "" || accepted.Contract.Products[0].TermsVersion != 1 {
		t.Fatalf("acceptance %+v", accepted)
	}
	expect(t, "apply twice", r.call(t, provider, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 95000, day(300)), nil), 409)

	// The contract.awarded CloudEvent reaches Kafka with its headers and trace context.
	topic := r.prefix + "procurement.contracts.v1"
	msgs := kittest.ReadUntil(t, r.kafka, topic, 30*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 1 })
	if len(msgs) != 1 {
		t.Fatalf("%d messages on %s", len(msgs), topic)
	}
	m := msgs[0]
	if kittest.Header(m, "ce_type") != "nl.werkregio.procurement.contract.awarded.v1" || kittest.Header(m, "ce_specversion") != "1.0" ||
		kittest.Header(m, "ce_source") != "/werkregio/groningen/procurement" || string(m.Key) != accepted.Contract.ID {
		t.Errorf("headers %v key %s", m.Headers, m.Key)
	}
	tp := kittest.Header(m, "traceparent")
	if len(tp) != 55 {
		t.Fatalf("traceparent %q", tp)
	}
	if err := contracts.MustEventSchemas().Validate(kittest.Header(m, "ce_type"), m.Value); err != nil {
		t.Error(err)
	}

	// One trace from the HTTP request through Kafka into a consumer's span.
	var serverTrace string
	for _, s := range r.spans.Ended() {
		if s.Name() == "POST /api/v1/schemes/:schemeId/applications" && strings.Contains(tp, s.SpanContext().TraceID().String()) {
			serverTrace = s.SpanContext().TraceID().String()
		}
	}
	if serverTrace == "" {
		t.Fatal("the event's traceparent does not belong to the HTTP request's trace")
	}
	processed := make(chan struct{}, 1)
	c, err := messaging.NewConsumer(kittest.FastConsumer(messaging.ConsumerConfig{
		Brokers: []string{r.kafka}, GroupID: "payments-test", Topics: []string{topic}, Validator: contracts.MustEventSchemas(),
		DeadLetters: r.platform.Producer, TracerProvider: r.platform.Telemetry.Tracers,
		Handler: func(context.Context, []messaging.Message) error { processed <- struct{}{}; return nil },
	}))
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(context.Background())
	go func() { _ = c.Run(cctx) }()
	select {
	case <-processed:
	case <-time.After(30 * time.Second):
		t.Fatal("consumer got nothing")
	}
	cancel()
	time.Sleep(100 * time.Millisecond)
	names := map[string]bool{}
	for _, s := range r.spans.Ended() {
		if s.SpanContext().TraceID().String() == serverTrace {
			names[s.Name()] = true
		}
	}
	for _, want := range []string{"POST /api/v1/schemes/:schemeId/applications", "send " + topic, "process " + topic} {
		if !names[want] {
			t.Errorf("trace lacks span %q; has %v", want, names)
		}
	}

	// The provider withdraws; the buyer sees the ended contract.
	expect(t, "withdraw", r.call(t, provider, "POST", "/api/v1/contracts/"+accepted.Contract.ID+"/withdraw", nil, nil), 200)
	var list struct {
		Items []struct{ Status, EndReason string }
	}
	expect(t, "list", r.call(t, buyer, "GET", "/api/v1/contracts?status=ended", nil, &list), 200)
	if len(list.Items) != 1 || list.Items[0].EndReason != "withdrawn" {
		t.Errorf("contracts %+v", list)
	}
	// Every event this flow published matches its schema.
	r.assertAllEventsValid(t)
}

func (r *running) assertAllEventsValid(t *testing.T) {
	t.Helper()
	ev := contracts.MustEventSchemas()
	for _, topic := range []string{"procurement.schemes.v1", "procurement.applications.v1", "procurement.contracts.v1", "procurement.tenders.v1"} {
		for _, m := range kittest.ReadUntil(t, r.kafka, r.prefix+topic, 5*time.Second, func([]kafka.Message) bool { return true }) {
			if err := ev.Validate(kittest.Header(m, "ce_type"), m.Value); err != nil {
				t.Errorf("%s: %v", topic, err)
			}
		}
	}
}

func TestAccessIsScopedByRegionRoleAndOrganisation(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	otherBuyer := r.token(t, "groningen", "gemeente-assen", auth.RoleBuyer)
	provA := r.token(t, "groningen", "12345678", auth.RoleProvider)
	provB := r.token(t, "groningen", "87654321", auth.RoleProvider)
	flevoland := r.token(t, "flevoland", "gemeente-almere", auth.RoleBuyer, auth.RoleAdmin)
	schemeID, productID := r.openScheme(t, buyer)
	var res struct{ Contract struct{ ID string } }
	expect(t, "apply", r.call(t, provA, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 90000, day(300)), &res), 201)

	expect(t, "no token", r.call(t, "", "GET", "/api/v1/schemes", nil, nil), 401)
	expect(t, "garbage token", r.call(t, "abc.def.ghi", "GET", "/api/v1/schemes", nil, nil), 401)
	expect(t, "other region", r.call(t, flevoland, "GET", "/api/v1/schemes/"+schemeID, nil, nil), 403)
	expect(t, "other region list", r.call(t, flevoland, "GET", "/api/v1/contracts", nil, nil), 403)
	expect(t, "provider creates scheme", r.call(t, provA, "POST", "/api/v1/schemes", obj{"reference": "OH-X", "title": "x", "sector": "zorg", "openFrom": day(0), "openUntil": day(9)}, nil), 403)
	expect(t, "other buyer closes", r.call(t, otherBuyer, "POST", "/api/v1/schemes/"+schemeID+"/close", nil, nil), 403)
	expect(t, "buyer applies", r.call(t, buyer, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 90000, day(300)), nil), 403)
	expect(t, "other provider reads contract", r.call(t, provB, "GET", "/api/v1/contracts/"+res.Contract.ID, nil, nil), 404)
	expect(t, "other provider withdraws", r.call(t, provB, "POST", "/api/v1/contracts/"+res.Contract.ID+"/withdraw", nil, nil), 404)
	var list struct{ Items []any }
	expect(t, "other provider lists", r.call(t, provB, "GET", "/api/v1/contracts", nil, &list), 200)
	if len(list.Items) != 0 {
		t.Errorf("provider B sees %d contracts of provider A", len(list.Items))
	}
	expect(t, "own provider lists", r.call(t, provA, "GET", "/api/v1/contracts", nil, &list), 200)
	if len(list.Items) != 1 {
		t.Errorf("provider A sees %d contracts", len(list.Items))
	}
	expect(t, "buyer suspends", r.call(t, buyer, "POST", "/api/v1/contracts/"+res.Contract.ID+"/suspend", obj{"reason": "VCA verlopen"}, nil), 200)

	// A draft is invisible to others.
	var draft struct{ ID string }
	expect(t, "draft", r.call(t, buyer, "POST", "/api/v1/schemes", obj{"reference": "OH-DRAFT", "title": "d", "sector": "zorg", "openFrom": day(0), "openUntil": day(9)}, &draft), 201)
	expect(t, "provider reads draft", r.call(t, provA, "GET", "/api/v1/schemes/"+draft.ID, nil, nil), 404)
}

func TestBadInputGetsProblemDetails(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	var p struct {
		Status int
		Errors []struct{ Field string }
	}
	// The contract's rules come first (a bound, a pattern), then the scheme's own.
	expect(t, "invalid scheme", r.call(t, buyer, "POST", "/api/v1/schemes", obj{"reference": "x", "title": "", "sector": "zorg", "openFrom": day(5), "openUntil": day(1)}, &p), 422)
	if len(p.Errors) != 2 || p.Errors[0].Field != "reference" || p.Errors[1].Field != "title" {
		t.Errorf("errors %+v", p.Errors)
	}
	expect(t, "invalid scheme", r.call(t, buyer, "POST", "/api/v1/schemes", obj{"reference": "OH-2026-X", "title": "Zorg", "sector": "zorg", "openFrom": day(5), "openUntil": day(1)}, &p), 422)
	if len(p.Errors) != 1 || p.Errors[0].Field != "openUntil" {
		t.Errorf("errors %+v", p.Errors)
	}
	expect(t, "unknown field", r.call(t, buyer, "POST", "/api/v1/schemes", obj{"reference": "OH-1", "titel": "typo"}, nil), 400)
	expect(t, "wrong type", r.call(t, buyer, "POST", "/api/v1/schemes", obj{"reference": 12}, nil), 400)
	schemeID, productID := r.openScheme(t, buyer)
	bad := terms(40, 30, 20)
	bad["maxPriceCents"] = -1
	expect(t, "bad terms", r.call(t, buyer, "POST", "/api/v1/schemes/"+schemeID+"/products/"+productID+"/terms", bad, &p), 422)
	expect(t, "close", r.call(t, buyer, "POST", "/api/v1/schemes/"+schemeID+"/close", nil, nil), 200)
	provider := r.token(t, "groningen", "12345678", auth.RoleProvider)
	expect(t, "apply to closed scheme", r.call(t, provider, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 90000, day(300)), nil), 409)
	expect(t, "unknown scheme", r.call(t, buyer, "GET", "/api/v1/schemes/sch-nope", nil, nil), 404)
	// A list's query is read strictly: a bad filter, page size or cursor, or a parameter the
	// list does not know, is a 400 that names it, never a silently different list.
	for _, q := range []string{"status=paused", "limit=-1", "limit=abc", "limit=100000", "after=not-a-cursor", "stauts=open", "updatedSince=yesterday"} {
		var prob struct {
			Errors []struct{ Field string } `json:"errors"`
		}
		expect(t, "bad query "+q, r.call(t, buyer, "GET", "/api/v1/schemes?"+q, nil, &prob), 400)
		if len(prob.Errors) != 1 || !strings.HasPrefix(q, prob.Errors[0].Field+"=") {
			t.Errorf("%s: the problem names %+v", q, prob.Errors)
		}
	}
}

func TestTenderCalendarAsJSONAndICalendar(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	for i, title := range []string{"Versterking Loppersum, fase 3", "Onderhoud verlichting"} {
		expect(t, "announce", r.call(t, buyer, "POST", "/api/v1/tenders", obj{"title": title, "sector": "bouw", "expectedPublication": day(30 - i*10), "estimatedValueCents": 1250000000, "sroiBasisPoints": 500}, nil), 201)
	}
	var past struct{ ID string }
	expect(t, "announce past", r.call(t, buyer, "POST", "/api/v1/tenders", obj{"title": "Brede school", "sector": "bouw", "expectedPublication": day(-5), "estimatedValueCents": 640000000, "sroiBasisPoints": 500}, &past), 201)
	var awarded struct {
		Status string
		Award  struct{ ContractValueExclVatCents int64 }
	}
	expect(t, "award", r.call(t, buyer, "POST", "/api/v1/tenders/"+past.ID+"/award", obj{"contractorKvk": "45678901", "contractorName": "Bouwbedrijf Eemsdelta", "contractValueExclVatCents": 612500000, "sroiBasisPoints": 500, "publicationDate": day(-5), "awardedOn": day(0)}, &awarded), 200)
	if awarded.Status != "awarded" || awarded.Award.ContractValueExclVatCents != 612500000 {
		t.Errorf("%+v", awarded)
	}
	var cal struct{ Items []struct{ Title string } }
	expect(t, "calendar", r.call(t, buyer, "GET", "/api/v1/tender-calendar", nil, &cal), 200)
	if len(cal.Items) != 2 || cal.Items[0].Title != "Onderhoud verlichting" {
		t.Errorf("calendar %+v", cal.Items)
	}

	resp, err := http.Get(r.URL + "/api/v1/public/regions/groningen/tender-calendar.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Errorf("content type %s", resp.Header.Get("Content-Type"))
	}
	feed, err := ics.ParseCalendar(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	events := feed.Events()
	if len(events) != 2 {
		t.Fatalf("%d events in the feed", len(events))
	}
	start, err := events[0].GetAllDayStartAt()
	if err != nil || start.Format(time.DateOnly) != day(20) {
		t.Errorf("first event starts %v (%v)", start, err)
	}
	if s := events[1].GetProperty(ics.ComponentPropertySummary); s == nil || s.Value != "Aanbesteding: Versterking Loppersum, fase 3" {
		t.Errorf("summary %+v", s)
	}
	other, _ := http.Get(r.URL + "/api/v1/public/regions/flevoland/tender-calendar.ics")
	if other.StatusCode != 404 {
		t.Errorf("another region's feed: %d", other.StatusCode)
	}
	other.Body.Close()
	r.assertAllEventsValid(t)
}

// Every route the service serves is documented in its OpenAPI document.
func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	r := start(t)
	raw, _ := contracts.OpenAPI(service.Name)
	r.RoutesInDocument(t, raw, contracts.OpenAPIFiles())
}
