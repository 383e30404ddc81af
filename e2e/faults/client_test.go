package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/werkregio/platform/e2e/internal/proc"
)

type obj = map[string]any

// requests counts what clients saw: every answer that was not what they asked for, by
// status (and 503s without Retry-After or a problem code apart).
type requests struct {
	mu     sync.Mutex
	failed map[string]int
}

func (r *requests) fail(what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed[what]++
}

func (r *requests) count(what string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed[what]
}

func (r *requests) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for what, n := range r.failed {
		out = append(out, fmt.Sprintf("%s: %d", what, n))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// client is one user of one service, retrying as a careful client does.
type client struct {
	t     *testing.T
	s     *proc.Service
	token string
	seen  *requests
}

func (c client) as(s *proc.Service) client { c.s = s; return c }

// retryFor is how long a client keeps repeating a change: past the longest outage and the
// two minutes an Idempotency-Key stays held by a request an outage cut off.
const retryFor = 5 * time.Minute

var httpClient = &http.Client{Timeout: 15 * time.Second}

// post sends a change with its Idempotency-Key until the service decides it, and returns
// the decision's status (out holds a 2xx body). What a client retries — no answer, 5xx,
// 409 "still running" — is counted and repeated; a 503 must carry Retry-After and a
// problem code. A change is never given up while the test runs: its effect may exist.
func (c client) post(path, key string, body, out any) int {
	c.t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	deadline := time.Now().Add(retryFor)
	for {
		req, _ := http.NewRequest("POST", "http://"+c.s.Addr+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+c.token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Idempotency-Key", key)
		status, answer, header, err := do(req)
		switch {
		case err != nil:
			c.seen.fail("no answer (" + c.s.Name + " restarting)")
		case status/100 == 2:
			if out != nil {
				if err := json.Unmarshal(answer, out); err != nil {
					c.t.Errorf("POST %s: %v", path, err)
				}
			}
			return status
		case status == http.StatusServiceUnavailable:
			c.seen.fail("503")
			if header.Get("Retry-After") == "" || problemCode(answer) == "" {
				c.seen.fail("503 without Retry-After or code")
				c.t.Logf("POST %s: 503 with Retry-After %q: %s", path, header.Get("Retry-After"), answer)
			}
		case status >= 500:
			c.seen.fail(fmt.Sprint(status))
		case status == http.StatusConflict && problemCode(answer) == "idempotency-key-in-use":
			c.seen.fail("409 key still held")
		default:
			if status/100 != 2 {
				c.t.Logf("POST %s: %d %s", path, status, answer)
			}
			return status // the service decided: not a fault
		}
		if time.Now().After(deadline) {
			c.t.Errorf("POST %s (key %s) not decided within %s", path, key, retryFor)
			return status
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// put changes a resource with If-Match, reading its ETag again on 412, until decided.
func (c client) put(path, etagPath string, body any) int {
	c.t.Helper()
	raw, _ := json.Marshal(body)
	deadline := time.Now().Add(retryFor)
	for time.Now().Before(deadline) {
		status, _, header := c.get(etagPath, nil)
		if status == 200 {
			req, _ := http.NewRequest("PUT", "http://"+c.s.Addr+path, bytes.NewReader(raw))
			req.Header.Set("Authorization", "Bearer "+c.token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("If-Match", header.Get("ETag"))
			status, _, _, err := do(req)
			if err == nil && status != http.StatusPreconditionFailed && status < 500 {
				return status
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	c.t.Errorf("PUT %s not decided within %s", path, retryFor)
	return 0
}

// get reads a resource once; 0 when there was no answer.
func (c client) get(path string, out any) (int, []byte, http.Header) {
	req, _ := http.NewRequest("GET", "http://"+c.s.Addr+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	status, body, header, err := do(req)
	if err != nil {
		return 0, nil, nil
	}
	if out != nil && status == 200 {
		if err := json.Unmarshal(body, out); err != nil {
			c.t.Errorf("GET %s: %v", path, err)
		}
	}
	return status, body, header
}

// list reads every page of a list into items (each page's items decoded into a fresh T).
func list[T any](c client, path string) []T {
	c.t.Helper()
	var all []T
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	next := path + sep + "limit=500"
	for next != "" {
		var page struct {
			Items []T
			Links struct {
				Next struct{ Href string }
			} `json:"_links"`
		}
		deadline := time.Now().Add(retryFor)
		for {
			code, body, _ := c.get(next, &page)
			if code == 200 {
				break
			}
			if (code != 0 && code < 500) || time.Now().After(deadline) {
				c.t.Errorf("%s: %d %s", next, code, body)
				return all
			}
			c.seen.fail(fmt.Sprintf("GET %d", code))
			time.Sleep(200 * time.Millisecond)
		}
		all = append(all, page.Items...)
		next = page.Links.Next.Href
	}
	return all
}

func do(req *http.Request) (int, []byte, http.Header, error) {
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header, err
}

func problemCode(body []byte) string {
	var p struct{ Code string }
	_ = json.Unmarshal(body, &p)
	return p.Code
}
