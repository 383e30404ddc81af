package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
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
