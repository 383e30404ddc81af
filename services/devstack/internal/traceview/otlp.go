package traceview

import (
	"compress/gzip"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// maxExport bounds one export request (the SDK's batches are far smaller).
const maxExport = 32 << 20

// receiveTraces is OTLP/HTTP's POST /v1/traces, in protobuf or JSON, plain or gzipped.
func (s *Store) receiveTraces(w http.ResponseWriter, r *http.Request) {
	body, isJSON, err := readExport(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req coltracepb.ExportTraceServiceRequest
	if isJSON {
		err = protojson.Unmarshal(body, &req)
	} else {
		err = proto.Unmarshal(body, &req)
	}
	if err != nil {
		http.Error(w, "not an OTLP trace export: "+err.Error(), http.StatusBadRequest)
		return
	}
	s.Add(spansOf(&req))
	acknowledge(w, isJSON)
}

// discard takes OTLP metrics and logs (the services push metrics when an endpoint is set)
// and keeps nothing: Prometheus reads the services' /metrics.
func discard(w http.ResponseWriter, r *http.Request) {
	_, isJSON, err := readExport(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	acknowledge(w, isJSON)
}

func readExport(r *http.Request) ([]byte, bool, error) {
	if r.Method != http.MethodPost {
		return nil, false, fmt.Errorf("OTLP takes POST")
	}
	var in io.Reader = http.MaxBytesReader(nil, r.Body, maxExport)
	if r.Header.Get("Content-Encoding") == "gzip" {
		z, err := gzip.NewReader(in)
		if err != nil {
			return nil, false, err
		}
		defer func() { _ = z.Close() }()
		in = io.LimitReader(z, maxExport)
	}
	body, err := io.ReadAll(in)
	return body, strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"), err
}

// acknowledge answers with an empty export response (full success) in the request's encoding.
func acknowledge(w http.ResponseWriter, isJSON bool) {
	if isJSON {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

func spansOf(req *coltracepb.ExportTraceServiceRequest) []*Span {
	var out []*Span
	for _, rs := range req.GetResourceSpans() {
		service := "unknown"
		for _, a := range rs.GetResource().GetAttributes() {
			if a.GetKey() == "service.name" {
				service = text(a.GetValue())
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				out = append(out, spanOf(service, sp))
			}
		}
	}
	return out
}

func spanOf(service string, sp *tracepb.Span) *Span {
	start := time.Unix(0, int64(sp.GetStartTimeUnixNano())) //nolint:gosec // nanoseconds since 1970 fit
	end := time.Unix(0, int64(sp.GetEndTimeUnixNano()))     //nolint:gosec // as above
	out := &Span{
		TraceID: hex.EncodeToString(sp.GetTraceId()), SpanID: hex.EncodeToString(sp.GetSpanId()),
		ParentID: hex.EncodeToString(sp.GetParentSpanId()), Service: service, Name: sp.GetName(),
		Kind: strings.ToLower(strings.TrimPrefix(sp.GetKind().String(), "SPAN_KIND_")), Start: start, Duration: end.Sub(start),
		Attributes: attributes(sp.GetAttributes()),
	}
	if sp.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR {
		out.Status, out.StatusMessage = "error", sp.GetStatus().GetMessage()
	}
	for _, e := range sp.GetEvents() {
		out.Events = append(out.Events, SpanEvent{Time: time.Unix(0, int64(e.GetTimeUnixNano())), Name: e.GetName(), //nolint:gosec // as above
			Attributes: attributes(e.GetAttributes())})
	}
	for _, l := range sp.GetLinks() {
		out.Links = append(out.Links, Link{TraceID: hex.EncodeToString(l.GetTraceId()), SpanID: hex.EncodeToString(l.GetSpanId())})
	}
	return out
}

func attributes(kvs []*commonpb.KeyValue) []Attribute {
	out := make([]Attribute, 0, len(kvs))
	for _, kv := range kvs {
		out = append(out, Attribute{Key: kv.GetKey(), Value: text(kv.GetValue())})
	}
	return out
}

func text(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_IntValue:
		return fmt.Sprint(x.IntValue)
	case *commonpb.AnyValue_DoubleValue:
		return fmt.Sprint(x.DoubleValue)
	case *commonpb.AnyValue_BoolValue:
		return fmt.Sprint(x.BoolValue)
	case *commonpb.AnyValue_BytesValue:
		return hex.EncodeToString(x.BytesValue)
	case *commonpb.AnyValue_ArrayValue:
		var parts []string
		for _, e := range x.ArrayValue.GetValues() {
			parts = append(parts, text(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *commonpb.AnyValue_KvlistValue:
		var parts []string
		for _, kv := range x.KvlistValue.GetValues() {
			parts = append(parts, kv.GetKey()+"="+text(kv.GetValue()))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ""
}
