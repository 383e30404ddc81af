// Package cluster checks a deployed region from the outside: what skaffold's verify step
// runs as a container after deploying, and what anyone can run against a cluster's services.
package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strings"
	"time"
)

// Target is one service to check, by name, base URL and the URL of its internal listener
// (readiness and metrics).
type Target struct {
	Name string
	URL  string
	Ops  string
}

// OpsPort is the port of every Service's internal listener (named ops).
const OpsPort = "9090"

// ParseTargets reads "procurement=http://...,providers=http://...|http://...:9090": a
// service's URL, and after a bar its internal listener's (by default the same host on
// port 9090, as the chart and the operator make the Service).
func ParseTargets(s string) ([]Target, error) {
	var out []Target
	for _, part := range strings.Split(s, ",") {
		name, urls, ok := strings.Cut(strings.TrimSpace(part), "=")
		api, ops, _ := strings.Cut(urls, "|")
		if ops == "" {
			if u, err := neturl.Parse(api); err == nil {
				u.Host = u.Hostname() + ":" + OpsPort
				ops = u.String()
			}
		}
		if !ok || name == "" || !strings.HasPrefix(api, "http") || !strings.HasPrefix(ops, "http") {
			return nil, fmt.Errorf("target %q: want name=http://host[:port][|http://host:opsport]", part)
		}
		out = append(out, Target{Name: name, URL: strings.TrimSuffix(api, "/"), Ops: strings.TrimSuffix(ops, "/")})
	}
	return out, nil
}

// Check runs the smoke checks on every target: alive, ready (Kafka and MongoDB reachable),
// metrics served on the internal listener and neither where the API is, the API refusing a request without a token with an RFC 9457 problem, and
// for procurement the public iCalendar feed of the region. It waits up to wait for each
// service to become ready (pods start in any order).
func Check(ctx context.Context, region string, targets []Target, wait time.Duration) []error {
	var errs []error
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(url string, header map[string]string) (int, http.Header, string, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return resp.StatusCode, resp.Header, string(b), nil
	}
	for _, t := range targets {
		deadline := time.Now().Add(wait)
		for {
			status, _, body, err := get(t.Ops+"/readyz", nil)
			if err == nil && status == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				errs = append(errs, fmt.Errorf("%s: not ready within %s: %w", t.Name, wait, answer(status, body, err)))
				break
			}
			time.Sleep(time.Second)
		}
		if status, _, body, err := get(t.URL+"/healthz", nil); err != nil || status != http.StatusOK {
			errs = append(errs, fmt.Errorf("%s: /healthz: %w", t.Name, answer(status, body, err)))
		}
		if status, _, body, err := get(t.Ops+"/metrics", nil); err != nil || status != http.StatusOK || !strings.Contains(body, "# TYPE") {
			errs = append(errs, fmt.Errorf("%s: /metrics: %w", t.Name, answer(status, body, err)))
		}
		for _, path := range []string{"/readyz", "/metrics"} {
			if status, _, body, err := get(t.URL+path, nil); err != nil || status != http.StatusNotFound {
				errs = append(errs, fmt.Errorf("%s: %s is served where the API is: %w", t.Name, path, answer(status, body, err)))
			}
		}
		status, header, body, err := get(t.URL+"/api/v1/"+apiProbe[t.Name], map[string]string{"Accept": "application/json"})
		var problem struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
		}
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: API: %w", t.Name, err))
		case status != http.StatusUnauthorized || !strings.HasPrefix(header.Get("Content-Type"), "application/problem+json"):
			errs = append(errs, fmt.Errorf("%s: a request without a token got %d %s, want 401 problem+json", t.Name, status, header.Get("Content-Type")))
		case json.Unmarshal([]byte(body), &problem) != nil || problem.Status != 401 || problem.Title == "":
			errs = append(errs, fmt.Errorf("%s: not an RFC 9457 problem: %s", t.Name, body))
		}
		if t.Name == "procurement" {
			status, _, body, err := get(t.URL+"/api/v1/public/regions/"+region+"/tender-calendar.ics", nil)
			if err != nil || status != http.StatusOK || !strings.HasPrefix(body, "BEGIN:VCALENDAR") {
				errs = append(errs, fmt.Errorf("procurement: tender calendar feed: %w", answer(status, body, err)))
			}
		}
	}
	return errs
}

// apiProbe is a protected collection of each service.
var apiProbe = map[string]string{
	"procurement": "schemes", "providers": "providers", "participants": "participants", "payments": "budgets", "sroi": "projects",
}

// answer describes a failed call: the transport error, or the status and the start of the body.
func answer(status int, body string, err error) error {
	if err != nil {
		return err
	}
	if len(body) > 200 {
		body = body[:200]
	}
	return fmt.Errorf("status %d: %s", status, body)
}
