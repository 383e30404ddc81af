// Package logging builds the structured JSON logger every service uses: log/slog with the
// trace and span ids of the current span, and a guard that keeps personal data out of logs.
package logging

import (
	"context"
	"io"
	"log/slog"
	"strings"

	"github.com/werkregio/platform/services/kit/privacy"
	"go.opentelemetry.io/otel/trace"
)

// New returns a JSON logger at the given level ("debug", "info", "warn", "error").
func New(w io.Writer, service, level string) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(level))
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl, ReplaceAttr: redact})
	return slog.New(&traceHandler{Handler: h}).With("service", service)
}

// sensitiveKeys are attribute names whose values are never written, whatever the caller passes.
var sensitiveKeys = map[string]bool{"bsn": true, "burgerservicenummer": true, "password": true, "authorization": true, "token": true}

// identifierKeys are the ids this handler adds itself: random, never personal data, and
// useless to find a trace by once masked.
var identifierKeys = map[string]bool{"trace_id": true, "span_id": true}

// redact blanks sensitive keys and masks a BSN in any text value (an error quoting input,
// a reason, the message itself).
func redact(_ []string, a slog.Attr) slog.Attr {
	if sensitiveKeys[strings.ToLower(a.Key)] {
		return slog.String(a.Key, "[redacted]")
	}
	if identifierKeys[a.Key] { // random hex: nine of its digits may pass the 11-proef
		return a
	}
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); s != privacy.Redact(s) {
			return slog.String(a.Key, privacy.Redact(s))
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			return slog.String(a.Key, privacy.Redact(err.Error()))
		}
	}
	return a
}

// traceHandler adds trace_id and span_id so a log line can be found from its trace and back.
type traceHandler struct{ slog.Handler }

func (h *traceHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Message = privacy.Redact(r.Message)
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *traceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &traceHandler{h.Handler.WithAttrs(attrs)}
}

func (h *traceHandler) WithGroup(name string) slog.Handler {
	return &traceHandler{h.Handler.WithGroup(name)}
}
