package traceview_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/werkregio/platform/services/devstack/internal/traceview"
)

// Three services export with the OpenTelemetry SDK's own OTLP/HTTP exporter (protobuf),
// one span each, the next a child of the one before (as a Kafka message carries the trace
// context from producer to consumer): the query API finds one trace with all three, as
// Jaeger's API would give it, and its page shows the waterfall.
func TestATraceAcrossThreeServicesIsFoundByTheQueryAPI(t *testing.T) {
	srv := httptest.NewServer(traceview.NewStore(100).Handler())
	defer srv.Close()
	ctx := context.Background()
	for _, service := range []string{"participants", "payments", "sroi"} {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(srv.URL+"/v1/traces"))
		if err != nil {
			t.Fatal(err)
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(service))))
		var span trace.Span
		ctx, span = tp.Tracer("test").Start(ctx, "consume groningen.participants.enrolments.v1", trace.WithSpanKind(trace.SpanKindConsumer))
		span.End()
		if err := tp.Shutdown(context.Background()); err != nil { // flushes
			t.Fatal(err)
		}
	}
	traceID := trace.SpanContextFromContext(ctx).TraceID().String()

	var found struct {
		Data []struct {
			TraceID string `json:"traceID"`
			Spans   []struct {
				SpanID     string `json:"spanID"`
				References []struct {
					RefType string `json:"refType"`
				} `json:"references"`
			} `json:"spans"`
			Processes map[string]struct {
				ServiceName string `json:"serviceName"`
			} `json:"processes"`
		} `json:"data"`
	}
	get(t, srv.URL+"/api/traces?service=payments&minServices=3", &found)
	if len(found.Data) != 1 || found.Data[0].TraceID != traceID || len(found.Data[0].Spans) != 3 || len(found.Data[0].Processes) != 3 {
		t.Fatalf("want the one trace %s with three spans of three services, got %+v", traceID, found)
	}
	if refs := found.Data[0].Spans[2].References; len(refs) != 1 || refs[0].RefType != "CHILD_OF" {
		t.Errorf("the third span is the second's child: %+v", refs)
	}
	var services struct{ Data []string }
	get(t, srv.URL+"/api/services", &services)
	if strings.Join(services.Data, ",") != "participants,payments,sroi" {
		t.Errorf("services: %v", services.Data)
	}
	page := text(t, srv.URL+"/trace/"+traceID)
	for _, want := range []string{"participants", "payments", "sroi", "3 spans", "consume groningen.participants.enrolments.v1"} {
		if !strings.Contains(page, want) {
			t.Errorf("the trace page lacks %q", want)
		}
	}
	if list := text(t, srv.URL+"/?service=sroi"); !strings.Contains(list, "/trace/"+traceID) {
		t.Error("the search page does not link the trace")
	}
	if resp, err := http.Get(srv.URL + "/api/traces/0123456789abcdef0123456789abcdef"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown trace: %v %v", resp.StatusCode, err)
	}
}

// The store keeps the newest traces: beyond its limit the oldest received go.
func TestTheOldestTracesGoFirst(t *testing.T) {
	s := traceview.NewStore(2)
	for _, id := range []string{"a", "b", "c"} {
		s.Add([]*traceview.Span{{TraceID: id, SpanID: id + "1", Service: "procurement", Name: "GET /api/v1/schemes"}})
	}
	if s.Trace("a") != nil || s.Trace("b") == nil || s.Trace("c") == nil {
		t.Error("want b and c kept, a gone")
	}
}

func get(t *testing.T, url string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(text(t, url)), v); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
