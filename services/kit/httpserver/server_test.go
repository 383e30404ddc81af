package httpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/werkregio/platform/services/kit/problem"
)

func engine(t *testing.T, checks ...Check) (*gin.Engine, *bytes.Buffer) {
	var logs bytes.Buffer
	r := NewEngine(Options{ServiceName: "t", Logger: slog.New(slog.NewJSONHandler(&logs, nil)), TracerProvider: sdktrace.NewTracerProvider(), ReadyChecks: checks, MaxBodyBytes: 64})
	r.POST("/echo", func(c *gin.Context) {
		in, ok := Bind[struct{ Name string }](c)
		if !ok {
			return
		}
		c.JSON(200, in)
	})
	r.GET("/boom", func(c *gin.Context) { panic("secret detail") })
	r.GET("/fail", func(c *gin.Context) { Fail(c, errors.New("db password wrong")) })
	return r, &logs
}

func do(r http.Handler, method, path, body string, header ...string) (*httptest.ResponseRecorder, problem.Problem) {
	w := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	r.ServeHTTP(w, req)
	var p problem.Problem
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	return w, p
}

func TestEveryErrorIsAProblemDocument(t *testing.T) {
	r, logs := engine(t)
	cases := []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/nowhere", "", 404},
		{"DELETE", "/echo", "", 405},
		{"POST", "/echo", `{"name":`, 400},
		{"POST", "/echo", `{"title":"x"}`, 400}, // a field the body does not have
		{"POST", "/echo", `{"name":"` + strings.Repeat("x", 100) + `"}`, 413},
		{"GET", "/boom", "", 500},
		{"POST", "/echo?form", "name=x", 415},
		{"GET", "/fail", "", 500},
	}
	for _, c := range cases {
		var header []string
		if c.path == "/echo?form" {
			header = []string{"Content-Type", "application/x-www-form-urlencoded"}
		}
		w, p := do(r, c.method, c.path, c.body, header...)
		if w.Code != c.status || p.Status != c.status || !strings.HasPrefix(p.Type, problem.TypeBase) || p.RequestID == "" || p.TraceID == "" {
			t.Errorf("%s %s: %d %+v", c.method, c.path, w.Code, p)
		}
		if p.Instance != strings.Split(c.path, "?")[0] {
			t.Errorf("%s %s: instance %q, want the request's path", c.method, c.path, p.Instance)
		}
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: an answer may be stored by a cache", c.method, c.path)
		}
		if ct := w.Header().Get("Content-Type"); ct != problem.ContentType {
			t.Errorf("%s %s: content type %s", c.method, c.path, ct)
		}
		if strings.Contains(w.Body.String(), "secret detail") || strings.Contains(w.Body.String(), "password") {
			t.Errorf("%s %s leaks the cause: %s", c.method, c.path, w.Body.String())
		}
	}
	if !strings.Contains(logs.String(), "db password wrong") {
		t.Error("the cause of a 500 is not logged")
	}
	w, _ := do(r, "POST", "/echo", `{"name":"ok"}`)
	if w.Code != 200 {
		t.Errorf("valid request: %d", w.Code)
	}
}

func TestReadinessAndMetricsAreOnTheInternalListenerOnly(t *testing.T) {
	r, _ := engine(t)
	ops := Operations(Options{ReadyChecks: []Check{{Name: "kafka", Run: func(context.Context) error { return nil }},
		{Name: "mongodb", Run: func(context.Context) error { return errors.New("connection refused") }}},
		MetricsHandler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "# TYPE x counter\n") })})
	w, _ := do(ops, "GET", "/readyz", "")
	body, _ := io.ReadAll(w.Body)
	if w.Code != 503 || !strings.Contains(string(body), "connection refused") || !strings.Contains(string(body), `"kafka":"ok"`) {
		t.Errorf("%d %s", w.Code, body)
	}
	for _, path := range []string{"/healthz", "/metrics"} {
		if w, _ := do(ops, "GET", path, ""); w.Code != 200 {
			t.Errorf("%s on the internal listener: %d", path, w.Code)
		}
	}
	// The public listener tells no one which dependency fails, or the business's volumes.
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 404, "/metrics": 404} {
		if w, _ := do(r, "GET", path, ""); w.Code != want {
			t.Errorf("%s on the public listener: %d, want %d", path, w.Code, want)
		}
	}
}

// A dependency that hangs (a stopped process, a black-holed port) and ignores its deadline
// does not hang /readyz: it answers 503 within its timeout, naming the check that did not
// answer, while the others report.
func TestReadinessAnswersInTimeWhenADependencyHangs(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	ops := Operations(Options{ReadyChecks: []Check{{Name: "kafka", Run: func(context.Context) error { return nil }},
		{Name: "mongodb", Run: func(context.Context) error { <-hang; return nil }}}})
	began := time.Now()
	w, _ := do(ops, "GET", "/readyz", "")
	body, _ := io.ReadAll(w.Body)
	if w.Code != 503 || !strings.Contains(string(body), `"mongodb":"no answer within`) || !strings.Contains(string(body), `"kafka":"ok"`) || time.Since(began) > readyTimeout+time.Second {
		t.Errorf("%d %s after %s", w.Code, body, time.Since(began))
	}
}
