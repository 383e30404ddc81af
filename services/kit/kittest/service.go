package kittest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/config"
	"github.com/werkregio/platform/services/kit/httpserver"
	kit "github.com/werkregio/platform/services/kit/service"
)

// Region is the region every in-process test platform serves.
const Region = "groningen"

// Platform is one test's set of services on the shared embedded infrastructure: a topic
// prefix of its own (so tests do not see each other's events), one token issuer, and every
// service's spans and logs captured.
type Platform struct {
	Infra  *Infra
	Prefix string
	Issuer *auth.DevIssuer
	Spans  *tracetest.SpanRecorder
	Logs   *SyncBuffer
	jwks   string
}

// NewPlatform prepares a test platform; StartService adds services to it.
func NewPlatform(t testing.TB) *Platform {
	t.Helper()
	infra := Shared(t)
	issuer, err := auth.NewDevIssuer("test-issuer", "werkregio")
	if err != nil {
		t.Fatal(err)
	}
	jwks := filepath.Join(t.TempDir(), "jwks.json")
	if err := issuer.WritePublicSet(jwks); err != nil {
		t.Fatal(err)
	}
	return &Platform{Infra: infra, Prefix: fmt.Sprintf("t%d.", time.Now().UnixNano()), Issuer: issuer,
		Spans: tracetest.NewSpanRecorder(), Logs: &SyncBuffer{}, jwks: jwks}
}

// Topic is a topic name with this platform's prefix.
func (p *Platform) Topic(name string) string { return p.Prefix + name }

// Token issues a token of the platform's region for org with roles.
func (p *Platform) Token(t testing.TB, org string, roles ...auth.Role) string {
	return p.TokenIn(t, Region, org, roles...)
}

// TokenIn issues a token of another region.
func (p *Platform) TokenIn(t testing.TB, region, org string, roles ...auth.Role) string {
	t.Helper()
	tok, err := p.Issuer.Issue(auth.Principal{Subject: string(roles[0]) + "@" + org, Name: "Test " + string(roles[0]), Region: region, Org: org, Roles: roles}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Service describes a service to start in-process.
type Service struct {
	Name    string
	Options kit.Options
	Wire    func(*kit.Platform) error
	// OpenAPI is the service's document; every Call's response is validated against it.
	OpenAPI []byte
	// OpenAPIRefs resolves the document's references to other documents (common.yaml).
	OpenAPIRefs fs.FS
	// Env adds or overrides environment settings.
	Env map[string]string
}

// Running is a started service.
type Running struct {
	URL string
	// OpsURL is its internal listener: /healthz, /readyz, /metrics.
	OpsURL   string
	Platform *kit.Platform
	router   routers.Router
}

// Launch starts a service in-process with the given environment and serves it on a free
// port until stop is called (benchmarks; tests use StartService).
func Launch(name string, env map[string]string, opts kit.Options, wire func(*kit.Platform) error) (url string, p *kit.Platform, stop func(), err error) {
	url, _, p, stop, err = launch(name, env, opts, wire)
	return url, p, stop, err
}

func launch(name string, env map[string]string, opts kit.Options, wire func(*kit.Platform) error) (url, opsURL string, p *kit.Platform, stop func(), err error) {
	cfg, err := kit.LoadConfig(name, config.FromMap(env))
	if err != nil {
		return "", "", nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	kp, err := kit.Start(ctx, cfg, opts)
	if err != nil {
		cancel()
		return "", "", nil, nil, err
	}
	if err := wire(kp); err != nil {
		cancel()
		kp.Close()
		return "", "", nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		kp.Close()
		return "", "", nil, nil, err
	}
	ops, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = ln.Close()
		cancel()
		kp.Close()
		return "", "", nil, nil, err
	}
	done := make(chan struct{})
	go func() { _ = kp.Run(ctx, ln, ops); close(done) }()
	return "http://" + ln.Addr().String(), "http://" + ops.Addr().String(), kp, func() { cancel(); <-done }, nil
}

// StartService starts a service in-process against the embedded infrastructure and stops it
// when the test ends.
func (p *Platform) StartService(t testing.TB, s Service) *Running {
	t.Helper()
	env := map[string]string{
		"REGION": Region, "KAFKA_BROKERS": p.Infra.Kafka, "KAFKA_TOPIC_PREFIX": p.Prefix, "MONGO_URI": p.Infra.MongoURI,
		"MONGO_DATABASE": s.Name + "-" + strings.TrimSuffix(p.Prefix, "."), "AUTH_ISSUER": "test-issuer", "AUTH_JWKS_FILE": p.jwks,
		"OUTBOX_POLL_INTERVAL": "50ms", "KAFKA_CONSUMER_FAST": "true", "KAFKA_CONSUMER_MAX_WAIT": "100ms",
	}
	for k, v := range s.Env {
		env[k] = v
	}
	for k, v := range EventKeyEnv(env["REGION"], s.Name) {
		if _, set := s.Env[k]; !set {
			env[k] = v
		}
	}
	opts := s.Options
	opts.SpanProcessors = []sdktrace.SpanProcessor{p.Spans}
	opts.LogOutput = p.Logs
	url, opsURL, kp, stop, err := launch(s.Name, env, opts, s.Wire)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)

	r := &Running{URL: url, OpsURL: opsURL, Platform: kp}
	if s.OpenAPI != nil {
		doc, err := LoadOpenAPI(s.OpenAPI, s.OpenAPIRefs)
		if err != nil {
			t.Fatal(err)
		}
		doc.Servers = openapi3.Servers{{URL: r.URL}}
		if r.router, err = gorillamux.NewRouter(doc); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// Call sends a request and checks the response against the OpenAPI document, so the code
// and its contract cannot drift apart unnoticed; errors must be problem+json. It decodes
// the body into out when given and returns the status.
func (r *Running) Call(t testing.TB, token, method, path string, body any, out any) int {
	t.Helper()
	status, _ := r.CallWith(t, token, method, path, nil, body, out)
	return status
}

// Update changes a resource the way a careful client does: it reads the ETag of the
// resource at etagPath and sends the change with If-Match; on 412 (the resource changed
// in between, e.g. a replica that events still update) it reads it again and resends, for
// up to 30 seconds, as a client would.
func (r *Running) Update(t testing.TB, token, method, path, etagPath string, body any, out any) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, h := r.CallWith(t, token, "GET", etagPath, nil, nil, nil)
		if status != http.StatusOK {
			return status
		}
		status, _ = r.CallWith(t, token, method, path, http.Header{"If-Match": {h.Get("ETag")}}, body, out)
		if status != http.StatusPreconditionFailed || time.Now().After(deadline) {
			return status
		}
	}
}

// CallWith is Call with request headers (If-Match, Idempotency-Key, ...); it also returns
// the response's headers.
func (r *Running) CallWith(t testing.TB, token, method, path string, header http.Header, body any, out any) (int, http.Header) {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, r.URL+path, bytes.NewReader(raw))
	for k, v := range header {
		req.Header[k] = v
	}
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
	if r.router != nil {
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
	}
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("%s %s: error %d is not problem+json", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(respBody, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, respBody)
		}
	}
	return resp.StatusCode, resp.Header
}

// Expect fails the test when a call's status is not the wanted one.
func Expect(t testing.TB, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d", what, got, want)
	}
}

// LoadOpenAPI loads a document, resolving its references to other documents in refs.
func LoadOpenAPI(doc []byte, refs fs.FS) (*openapi3.T, error) {
	return httpserver.LoadOpenAPI(doc, refs)
}

// RoutesInDocument checks that every route the engine serves is in the OpenAPI document.
func (r *Running) RoutesInDocument(t testing.TB, doc []byte, refs fs.FS) {
	t.Helper()
	d, err := LoadOpenAPI(doc, refs)
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range r.Platform.Engine.Routes() {
		path := route.Path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
			}
		}
		item := d.Paths.Find(path)
		if item == nil || item.GetOperation(route.Method) == nil {
			t.Errorf("route %s %s is not in the OpenAPI document", route.Method, path)
		}
	}
	r.publishesItsContract(t, d)
}

// publishesItsContract checks that the service serves its document, without a token, as one
// JSON document a client reads alone (no reference to another file), and that every answer
// of the API, an error too, says the document's version (API-Version).
func (r *Running) publishesItsContract(t testing.TB, d *openapi3.T) {
	t.Helper()
	status, header := r.CallWith(t, "", "GET", httpserver.OpenAPIPath, nil, nil, nil)
	if status != http.StatusOK || header.Get(httpserver.APIVersionHeader) != d.Info.Version {
		t.Fatalf("GET %s: %d, API-Version %q (want 200 and %s)", httpserver.OpenAPIPath, status, header.Get(httpserver.APIVersionHeader), d.Info.Version)
	}
	resp, err := http.Get(r.URL + httpserver.OpenAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(raw), ".yaml#") {
		t.Errorf("the published document refers to another file")
	}
	published, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("the published document does not load alone: %v", err)
	}
	if err := published.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		t.Errorf("the published document does not validate: %v", err)
	}
	if len(published.Paths.Map()) != len(d.Paths.Map()) || published.Info.Version != d.Info.Version {
		t.Errorf("the published document has %d paths (want %d), version %s", len(published.Paths.Map()), len(d.Paths.Map()), published.Info.Version)
	}
	if status, header := r.CallWith(t, "", "GET", "/api/v1/admin/dead-letters", nil, nil, nil); status != http.StatusUnauthorized ||
		header.Get(httpserver.APIVersionHeader) != d.Info.Version {
		t.Errorf("an answer without a token: %d, API-Version %q", status, header.Get(httpserver.APIVersionHeader))
	}
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Clock is a test clock for services wired with a clock: it runs with real time and moves
// forward on Advance, to reach expiry dates and six months of work without waiting.
type Clock struct{ offset atomic.Int64 }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// Day is the clock's day plus offset, as YYYY-MM-DD.
func (c *Clock) Day(offset int) string { return DayFrom(c.Now(), offset) }

// Day is the Dutch calendar day offset days from today (the services date by
// Europe/Amsterdam, so a test near midnight UTC must too).
func Day(offset int) string { return DayFrom(time.Now(), offset) }

// DayFrom is the Dutch calendar day offset days from t.
func DayFrom(t time.Time, offset int) string {
	return t.In(civil.Amsterdam).AddDate(0, 0, offset).Format(time.DateOnly)
}

// RandomKey is a fresh base64 key of n bytes (e.g. a BSN key for a test service).
func RandomKey(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
