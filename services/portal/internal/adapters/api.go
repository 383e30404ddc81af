// Package adapters calls the platform's five services on behalf of the signed-in user: every
// request carries the user's own access token, so each service authorises it exactly as it
// would a partner system's (region, role, organisation); the portal adds no rights.
package adapters

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/werkregio/platform/contracts/catalog"
)

// The services the portal calls, by their names in the catalog.
const (
	Procurement  = catalog.Procurement
	Providers    = catalog.Providers
	Participants = catalog.Participants
	Payments     = catalog.Payments
	Sroi         = catalog.Sroi
)

// Services lists them.
var Services = []string{Procurement, Providers, Participants, Payments, Sroi}

// Client calls the services' APIs.
type Client struct {
	urls map[string]string
	http *http.Client
}

// New makes a client of the services at urls (by name); spans and trace context travel
// with every request.
func New(urls map[string]string) *Client {
	return &Client{urls: urls, http: &http.Client{Timeout: 20 * time.Second, Transport: otelhttp.NewTransport(http.DefaultTransport)}}
}

// Error is a service's RFC 9457 answer to a request it refused or failed.
type Error struct {
	Status int
	Title  string
	Detail string
	Fields []FieldError
}

// FieldError is one invalid field of a request.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Title, e.Detail) }

// Call is one request.
type Call struct {
	Token   string
	Service string
	Path    string
	Query   url.Values
	// Body is sent as JSON (POST, PUT).
	Body any
	// Key is the Idempotency-Key: the form's own, so a form sent twice acts once.
	Key string
	// IfMatch is the version a change applies to.
	IfMatch string
	Accept  string
}

func (c *Client) do(ctx context.Context, method string, call Call) (*http.Response, error) {
	base, ok := c.urls[call.Service]
	if !ok {
		return nil, fmt.Errorf("no URL for the %s service", call.Service)
	}
	u := base + call.Path
	if len(call.Query) > 0 {
		u += "?" + call.Query.Encode()
	}
	var body io.Reader
	if call.Body != nil {
		b, err := json.Marshal(call.Body)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+call.Token)
	if call.Accept == "" {
		call.Accept = "application/json"
	}
	req.Header.Set("Accept", call.Accept)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if call.Key != "" {
		req.Header.Set("Idempotency-Key", call.Key)
	}
	if call.IfMatch != "" {
		req.Header.Set("If-Match", call.IfMatch)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the %s service did not answer: %w", call.Service, err)
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		e := &Error{Status: resp.StatusCode}
		var p struct {
			Title  string       `json:"title"`
			Detail string       `json:"detail"`
			Errors []FieldError `json:"errors"`
		}
		if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&p) == nil {
			e.Title, e.Detail, e.Fields = p.Title, p.Detail, p.Errors
		}
		return nil, e
	}
	return resp, nil
}

// Get reads a JSON answer into out; it returns the answer's ETag.
func (c *Client) Get(ctx context.Context, call Call, out any) (string, error) {
	resp, err := c.do(ctx, http.MethodGet, call)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return resp.Header.Get("ETag"), json.NewDecoder(resp.Body).Decode(out)
}

// Post sends a command; out (if any) receives the answer.
func (c *Client) Post(ctx context.Context, call Call, out any) error {
	return c.send(ctx, http.MethodPost, call, out)
}

// Put replaces a resource.
func (c *Client) Put(ctx context.Context, call Call, out any) error {
	return c.send(ctx, http.MethodPut, call, out)
}

func (c *Client) send(ctx context.Context, method string, call Call, out any) error {
	resp, err := c.do(ctx, method, call)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Open returns an answer to stream to the browser as it is (a CSV, a payment file); the
// caller closes its body.
func (c *Client) Open(ctx context.Context, call Call) (*http.Response, error) {
	return c.do(ctx, http.MethodGet, call)
}

// Page is one page of a list and the cursor of the next ("" on the last).
type Page[T any] struct {
	Items []T
	Next  string
}

// List reads one page of a list; its next link's cursor becomes Page.Next.
func List[T any](ctx context.Context, c *Client, call Call) (Page[T], error) {
	var body struct {
		Items []T `json:"items"`
		Links struct {
			Next struct {
				Href string `json:"href"`
			} `json:"next"`
		} `json:"_links"`
	}
	if _, err := c.Get(ctx, call, &body); err != nil {
		return Page[T]{}, err
	}
	p := Page[T]{Items: body.Items}
	if h := body.Links.Next.Href; h != "" {
		if i := strings.IndexByte(h, '?'); i >= 0 {
			q, _ := url.ParseQuery(h[i+1:])
			p.Next = q.Get("after")
		}
	}
	return p, nil
}
