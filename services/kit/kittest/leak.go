package kittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Answer is one response of a probe.
type Answer struct {
	Operation string // METHOD /path/{template}
	Status    int
	Body      string
	Header    http.Header
}

// ProbeWithPersonalData sends every operation of the service's OpenAPI document with input
// built around a piece of personal data (a BSN) in every place a careless or hostile client
// can put it: each path and query parameter, every string field of the body the schema
// describes (and an extra field), and the body as a bare string; once with each token. It
// returns every answer, for the caller to check that none of them echoes the data.
func (r *Running) ProbeWithPersonalData(t testing.TB, doc *openapi3.T, tokens []string, value string) []Answer {
	t.Helper()
	var out []Answer
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		for method, op := range item.Operations() {
			concrete := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, url.PathEscape(value))
			var query []string
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value != nil && p.Value.In == "query" {
					query = append(query, url.QueryEscape(p.Value.Name)+"="+url.QueryEscape(value))
				}
			}
			bodies := []string{""}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					filled, _ := json.Marshal(fill(mt.Schema.Value, value, 0))
					extra := map[string]any{"bsn": value, "burgerservicenummer": value}
					if m, ok := fill(mt.Schema.Value, value, 0).(map[string]any); ok {
						for k, v := range m {
							extra[k] = v
						}
					}
					withExtra, _ := json.Marshal(extra)
					bare, _ := json.Marshal(value)
					bodies = []string{string(filled), string(withExtra), string(bare)}
				}
			}
			targets := []string{concrete}
			if len(query) > 0 {
				targets = append(targets, concrete+"?"+strings.Join(query, "&"))
			}
			for _, token := range tokens {
				for _, target := range targets {
					for _, body := range bodies {
						out = append(out, r.raw(t, token, method, target, body, method+" "+path))
					}
				}
			}
		}
	}
	return out
}

func (r *Running) rawWith(t testing.TB, token, method, target string, header http.Header) Answer {
	req, err := http.NewRequest(method, r.URL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return Answer{Operation: method + " " + target, Status: resp.StatusCode, Body: string(raw), Header: resp.Header}
}

func (r *Running) raw(t testing.TB, token, method, target, body, operation string) Answer {
	req, err := http.NewRequest(method, r.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete {
		req.Header.Set("If-Match", `"1"`)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return Answer{Operation: operation, Status: resp.StatusCode, Body: string(raw), Header: resp.Header}
}

// fill builds a value of the schema with value in every string.
func fill(s *openapi3.Schema, value string, depth int) any {
	if s == nil || depth > 6 {
		return value
	}
	for _, sub := range append(append(slices.Clone(s.AllOf), s.OneOf...), s.AnyOf...) {
		if sub.Value != nil {
			return fill(sub.Value, value, depth+1)
		}
	}
	switch {
	case s.Type.Is("object") || len(s.Properties) > 0:
		m := map[string]any{}
		for name, p := range s.Properties {
			m[name] = fill(p.Value, value, depth+1)
		}
		return m
	case s.Type.Is("array"):
		var item *openapi3.Schema
		if s.Items != nil {
			item = s.Items.Value
		}
		return []any{fill(item, value, depth+1)}
	case s.Type.Is("integer"), s.Type.Is("number"):
		return 1
	case s.Type.Is("boolean"):
		return true
	default:
		return value
	}
}

// SpanText is everything the recorded spans say: names, attributes, events and statuses.
func SpanText(spans *tracetest.SpanRecorder) string {
	var b bytes.Buffer
	for _, s := range spans.Ended() {
		fmt.Fprintln(&b, s.Name(), s.Status().Description)
		for _, a := range s.Attributes() {
			fmt.Fprintln(&b, a.Key, a.Value.String())
		}
		for _, e := range s.Events() {
			fmt.Fprintln(&b, e.Name)
			for _, a := range e.Attributes {
				fmt.Fprintln(&b, a.Key, a.Value.String())
			}
		}
	}
	return b.String()
}

// NoLeak fails the test for each value found in text, naming where.
func NoLeak(t testing.TB, where, text string, values ...string) {
	t.Helper()
	for _, v := range values {
		if i := strings.Index(text, v); i >= 0 {
			from, to := max(0, i-120), min(len(text), i+len(v)+60)
			t.Errorf("%s holds %q: …%s…", where, v, text[from:to])
		}
	}
}

// Metrics is what the service's /metrics endpoint shows.
func (r *Running) Metrics(t testing.TB) string {
	resp, err := http.Get(r.OpsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return string(raw)
}

// Sample is the value of the first sample of a metric whose labels include every one of
// labels (`state="expired"`), as the Prometheus text shows it; ok false when there is none.
func Sample(metrics, name string, labels ...string) (value string, ok bool) {
	for _, l := range strings.Split(metrics, "\n") {
		if !strings.HasPrefix(l, name+"{") && !strings.HasPrefix(l, name+" ") {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		match := i > 0
		for _, want := range labels {
			match = match && strings.Contains(l[:i], want)
		}
		if match {
			return l[i+1:], true
		}
	}
	return "", false
}

// LeakBSN is the BSN the leak checks are built around, plainly and as people group it.
var LeakBSN = []string{"123456782", "123.456.782"}

// CheckNoPersonalDataLeaks probes every operation of the service's document with LeakBSN
// (ProbeWithPersonalData) and fails when an answer (but those allowed), a log line, a span
// or a metric holds it.
func (p *Platform) CheckNoPersonalDataLeaks(t testing.TB, r *Running, raw []byte, refs fs.FS, tokens []string, allowed func(Answer) bool) {
	t.Helper()
	doc, err := LoadOpenAPI(raw, refs)
	if err != nil {
		t.Fatal(err)
	}
	answers := r.ProbeWithPersonalData(t, doc, tokens, LeakBSN[0])
	answers = append(answers, r.ProbeWithPersonalData(t, doc, tokens[:1], LeakBSN[1])...)
	for _, a := range answers {
		if a.Status >= 500 {
			t.Errorf("%s answered %d to bad input: %s", a.Operation, a.Status, a.Body)
		}
		if allowed == nil || !allowed(a) {
			NoLeak(t, fmt.Sprintf("the answer %d to %s", a.Status, a.Operation), a.Body+fmt.Sprint(a.Header), LeakBSN...)
		}
	}
	p.CheckLogsSpansMetrics(t, r)
}

// CheckLogsSpansMetrics fails when the logs, spans or metrics hold LeakBSN.
func (p *Platform) CheckLogsSpansMetrics(t testing.TB, r *Running) {
	t.Helper()
	spans := SpanText(p.Spans)
	if !strings.Contains(spans, "url.path") {
		t.Error("no HTTP spans were recorded: the check sees nothing")
	}
	NoLeak(t, "the logs", p.Logs.String(), LeakBSN...)
	NoLeak(t, "the spans", spans, LeakBSN...)
	NoLeak(t, "the metrics", r.Metrics(t), LeakBSN...)
}
