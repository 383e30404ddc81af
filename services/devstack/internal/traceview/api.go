package traceview

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Handler serves OTLP/HTTP (POST /v1/traces; /v1/metrics and /v1/logs are accepted and
// dropped), Jaeger's query API (/api/services, /api/services/{service}/operations,
// /api/traces?service=&operation=&limit=, /api/traces/{id}) and the pages.
func (s *Store) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", s.receiveTraces)
	mux.HandleFunc("POST /v1/metrics", discard)
	mux.HandleFunc("POST /v1/logs", discard)
	mux.HandleFunc("GET /api/services", func(w http.ResponseWriter, _ *http.Request) {
		list := s.Services()
		writeJSON(w, http.StatusOK, jaegerResponse{Data: list, Total: len(list)})
	})
	mux.HandleFunc("GET /api/services/{service}/operations", func(w http.ResponseWriter, r *http.Request) {
		list := s.Operations(r.PathValue("service"))
		writeJSON(w, http.StatusOK, jaegerResponse{Data: list, Total: len(list)})
	})
	mux.HandleFunc("GET /api/traces", func(w http.ResponseWriter, r *http.Request) {
		q := queryOf(r)
		var out []jaegerTrace
		for _, t := range s.Find(q) {
			out = append(out, jaegerOf(t))
		}
		writeJSON(w, http.StatusOK, jaegerResponse{Data: out, Total: len(out), Limit: q.Limit})
	})
	mux.HandleFunc("GET /api/traces/{id}", func(w http.ResponseWriter, r *http.Request) {
		t := s.Trace(strings.ToLower(r.PathValue("id")))
		if t == nil {
			writeJSON(w, http.StatusNotFound, jaegerResponse{Errors: []jaegerError{{Code: 404, Msg: "trace not found"}}})
			return
		}
		writeJSON(w, http.StatusOK, jaegerResponse{Data: []jaegerTrace{jaegerOf(t)}, Total: 1})
	})
	mux.HandleFunc("GET /trace/{id}", s.tracePage)
	mux.HandleFunc("GET /{$}", s.searchPage)
	return mux
}

func queryOf(r *http.Request) Query {
	q := Query{Service: r.URL.Query().Get("service"), Operation: r.URL.Query().Get("operation"), Limit: 20}
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		q.Limit = min(n, 1000)
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("minServices")); err == nil && n > 0 {
		q.MinServices = n
	}
	return q
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Jaeger's query API shapes (api/v2 of jaeger-query's HTTP JSON, as its UI reads it).
type jaegerResponse struct {
	Data   any           `json:"data"`
	Total  int           `json:"total"`
	Limit  int           `json:"limit"`
	Offset int           `json:"offset"`
	Errors []jaegerError `json:"errors"`
}

type jaegerError struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

type jaegerTrace struct {
	TraceID   string                   `json:"traceID"`
	Spans     []jaegerSpan             `json:"spans"`
	Processes map[string]jaegerProcess `json:"processes"`
}

type jaegerSpan struct {
	TraceID       string      `json:"traceID"`
	SpanID        string      `json:"spanID"`
	OperationName string      `json:"operationName"`
	References    []jaegerRef `json:"references"`
	StartTime     int64       `json:"startTime"` // microseconds since 1970
	Duration      int64       `json:"duration"`  // microseconds
	Tags          []jaegerTag `json:"tags"`
	Logs          []jaegerLog `json:"logs"`
	ProcessID     string      `json:"processID"`
	Warnings      []string    `json:"warnings"`
}

type jaegerRef struct {
	RefType string `json:"refType"`
	TraceID string `json:"traceID"`
	SpanID  string `json:"spanID"`
}

type jaegerTag struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

type jaegerLog struct {
	Timestamp int64       `json:"timestamp"`
	Fields    []jaegerTag `json:"fields"`
}

type jaegerProcess struct {
	ServiceName string      `json:"serviceName"`
	Tags        []jaegerTag `json:"tags"`
}

func jaegerOf(t *Trace) jaegerTrace {
	out := jaegerTrace{TraceID: t.ID, Processes: map[string]jaegerProcess{}}
	ids := map[string]string{}
	for _, sp := range t.sorted() {
		pid, ok := ids[sp.Service]
		if !ok {
			pid = "p" + strconv.Itoa(len(ids)+1)
			ids[sp.Service] = pid
			out.Processes[pid] = jaegerProcess{ServiceName: sp.Service, Tags: []jaegerTag{}}
		}
		js := jaegerSpan{TraceID: sp.TraceID, SpanID: sp.SpanID, OperationName: sp.Name, StartTime: sp.Start.UnixMicro(),
			Duration: sp.Duration.Microseconds(), ProcessID: pid, References: []jaegerRef{}, Tags: tags(sp.Attributes), Logs: []jaegerLog{}}
		if sp.ParentID != "" {
			js.References = append(js.References, jaegerRef{RefType: "CHILD_OF", TraceID: sp.TraceID, SpanID: sp.ParentID})
		}
		for _, l := range sp.Links {
			js.References = append(js.References, jaegerRef{RefType: "FOLLOWS_FROM", TraceID: l.TraceID, SpanID: l.SpanID})
		}
		js.Tags = append(js.Tags, jaegerTag{Key: "span.kind", Type: "string", Value: sp.Kind})
		if sp.Status == "error" {
			js.Tags = append(js.Tags, jaegerTag{Key: "error", Type: "bool", Value: "true"}, jaegerTag{Key: "otel.status_description", Type: "string", Value: sp.StatusMessage})
		}
		for _, e := range sp.Events {
			js.Logs = append(js.Logs, jaegerLog{Timestamp: e.Time.UnixMicro(), Fields: append([]jaegerTag{{Key: "event", Type: "string", Value: e.Name}}, tags(e.Attributes)...)})
		}
		out.Spans = append(out.Spans, js)
	}
	return out
}

func tags(as []Attribute) []jaegerTag {
	out := make([]jaegerTag, 0, len(as))
	for _, a := range as {
		out = append(out, jaegerTag{Key: a.Key, Type: "string", Value: a.Value})
	}
	return out
}
