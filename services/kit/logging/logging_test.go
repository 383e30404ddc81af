package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func TestLogCarriesTraceAndRedactsBSN(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "test", "info")
	tp := sdktrace.NewTracerProvider()
	ctx, span := tp.Tracer("t").Start(context.Background(), "op")
	log.InfoContext(ctx, "registered", "bsn", "111222333", "region", "groningen")
	span.End()

	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["trace_id"] != span.SpanContext().TraceID().String() {
		t.Errorf("trace_id = %v", line["trace_id"])
	}
	if line["service"] != "test" || line["region"] != "groningen" {
		t.Errorf("line = %v", line)
	}
	if strings.Contains(buf.String(), "111222333") {
		t.Fatal("BSN reached the log")
	}
}

// A trace id is random hex: where nine of its digits happen to pass the 11-proef it is still
// written whole, or the line could not be found from its trace.
func TestATraceIdThatLooksLikeABSNIsWrittenWhole(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "test", "info")
	tid, _ := trace.TraceIDFromHex("0bca111222333b497af6fef8a5711a63")
	sid, _ := trace.SpanIDFromHex("111222333a5711a6")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	log.InfoContext(ctx, "registered 111222333")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["trace_id"] != tid.String() || line["span_id"] != sid.String() || strings.Contains(line["msg"].(string), "111222333") {
		t.Errorf("line = %v", line)
	}
}
