package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/segmentio/kafka-go"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/config"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/procurement/internal/service"
)

// running is a procurement service started in-process against the embedded infrastructure.
type running struct {
	url      string
	platform *kit.Platform
	issuer   *auth.DevIssuer
	spans    *tracetest.SpanRecorder
	logs     *syncBuffer
	router   routers.Router
	kafka    string
	prefix   string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func start(t *testing.T) *running {
	t.Helper()
	infra := kittest.Shared(t)
	dir := t.TempDir()
	issuer, err := auth.NewDevIssuer("test-issuer", "werkregio")
	if err != nil {
		t.Fatal(err)
	}
	jwks := filepath.Join(dir, "jwks.json")
	if err := issuer.WritePublicSet(jwks); err != nil {
		t.Fatal(err)
	}
	prefix := fmt.Sprintf("t%d.", time.Now().UnixNano())
	cfg, err := kit.LoadConfig(service.Name, config.FromMap(map[string]string{
		"REGION": "groningen", "KAFKA_BROKERS": infra.Kafka, "KAFKA_TOPIC_PREFIX": prefix, "MONGO_URI": infra.MongoURI,
		"MONGO_DATABASE": "procurement-" + strings.TrimSuffix(prefix, "."), "AUTH_ISSUER": "test-issuer", "AUTH_JWKS_FILE": jwks,
		"OUTBOX_POLL_INTERVAL": "100ms", "KAFKA_CONSUMER_FAST": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	spans := tracetest.NewSpanRecorder()
	logs := &syncBuffer{}
	opts := service.Options()
	opts.SpanProcessors = []sdktrace.SpanProcessor{spans}
	opts.LogOutput = logs
	ctx, cancel := context.WithCancel(context.Background())
	p, err := kit.Start(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := service.Wire(p); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = p.Run(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	raw, _ := contracts.OpenAPI("procurement")
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: "http://" + ln.Addr().String()}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &running{url: "http://" + ln.Addr().String(), platform: p, issuer: issuer, spans: spans, logs: logs, router: router, kafka: infra.Kafka, prefix: prefix}
}

func (r *running) token(t *testing.T, region, org string, roles ...auth.Role) string {
	tok, err := r.issuer.Issue(auth.Principal{Subject: string(roles[0]) + "@" + org, Region: region, Org: org, Roles: roles}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// call sends a request and checks the response against the OpenAPI document, so the code
// and its contract cannot drift apart unnoticed.
func (r *running) call(t *testing.T, token, method, path string, body any, out any) int {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, r.url+path, bytes.NewReader(raw))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(resp.Body)

	route, params, err := r.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s is not in the OpenAPI document: %v", method, path, err)
	}
	req.Body = io.NopCloser(bytes.NewReader(raw))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(respBody)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}); err != nil {
		t.Errorf("%s %s: response does not match the OpenAPI document: %v\n%s", method, path, err, respBody)
	}
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("%s %s: error %d is not problem+json", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(respBody, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, respBody)
		}
	}
	return resp.StatusCode
}

func expect(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d", what, got, want)
	}
}

type obj = map[string]any

func day(offset int) string { return time.Now().AddDate(0, 0, offset).Format(time.DateOnly) }

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
	c, err := messaging.NewConsumer(messaging.FastTimings(messaging.ConsumerConfig{
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
	expect(t, "invalid scheme", r.call(t, buyer, "POST", "/api/v1/schemes", obj{"reference": "x", "title": "", "sector": "zorg", "openFrom": day(5), "openUntil": day(1)}, &p), 422)
	if len(p.Errors) != 3 {
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
	expect(t, "bad status filter", r.call(t, buyer, "GET", "/api/v1/schemes?status=paused", nil, nil), 422)
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

	resp, err := http.Get(r.url + "/api/v1/public/regions/groningen/tender-calendar.ics")
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
	other, _ := http.Get(r.url + "/api/v1/public/regions/flevoland/tender-calendar.ics")
	if other.StatusCode != 404 {
		t.Errorf("another region's feed: %d", other.StatusCode)
	}
	other.Body.Close()
	r.assertAllEventsValid(t)
}

// Every route the service serves is documented in its OpenAPI document.
func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	r := start(t)
	raw, _ := contracts.OpenAPI("procurement")
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range r.platform.Engine.Routes() {
		path := rt.Path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
			}
		}
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(rt.Method) == nil {
			t.Errorf("%s %s is served but not documented", rt.Method, path)
		}
	}
}
