// Package adapters reaches what the portal keeps and calls: the platform's five services over
// HTTP on behalf of the signed-in user (app.API; every request carries the user's own access
// token), and the sessions in MongoDB.
package adapters

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/werkregio/platform/contracts/openapi/commonapi"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/portal/internal/app"
)

// Client calls the services' APIs.
var _ app.API = (*Client)(nil)

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

func (c *Client) do(ctx context.Context, method string, call app.Call) (*http.Response, error) {
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
	if call.Token != "" { // a public route is called without one
		req.Header.Set("Authorization", "Bearer "+call.Token)
	}
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
		e := &app.Error{Status: resp.StatusCode}
		var p commonapi.Problem
		if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&p) == nil {
			e.Title, e.Detail, e.Rule, e.Params = p.Title, optional.Value(p.Detail), optional.Value(p.Rule), optional.Value(p.Params)
			e.Fields = convert.Each(p.Errors, func(f commonapi.Problem_Errors) app.FieldError {
				return app.FieldError{Field: f.Field, Reason: f.Reason, Rule: optional.Value(f.Rule), Params: optional.Value(f.Params)}
			})
		}
		return nil, e
	}
	return resp, nil
}

// Get reads a JSON answer into out; it returns the answer's ETag.
func (c *Client) Get(ctx context.Context, call app.Call, out any) (string, error) {
	resp, err := c.do(ctx, http.MethodGet, call)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return resp.Header.Get("ETag"), json.NewDecoder(resp.Body).Decode(out)
}

// Post sends a command; out (if any) receives the answer.
func (c *Client) Post(ctx context.Context, call app.Call, out any) error {
	return c.send(ctx, http.MethodPost, call, out)
}

// Put replaces a resource (the version in IfMatch); out (if any) receives the answer.
func (c *Client) Put(ctx context.Context, call app.Call, out any) error {
	return c.send(ctx, http.MethodPut, call, out)
}

func (c *Client) send(ctx context.Context, method string, call app.Call, out any) error {
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

// Open returns an answer to pass on as it is (a CSV, a payment file); the caller closes its
// body.
func (c *Client) Open(ctx context.Context, call app.Call) (*app.File, error) {
	resp, err := c.do(ctx, http.MethodGet, call) //nolint:bodyclose // the caller closes the file's body
	if err != nil {
		return nil, err
	}
	return &app.File{Body: resp.Body, ContentType: resp.Header.Get("Content-Type")}, nil
}
