// Package app is what the portal asks of the platform's services and does through them for
// the signed-in user: one method per question or task, in the contracts' own types
// (contracts/openapi/<service>api). Every call carries the user's own token, so each service
// authorises it exactly as it would a partner system's; the portal adds no rights. The
// adapters reach the services (API).
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/openapi/commonapi"
)

// The services the portal calls, by their names in the catalog.
const (
	Procurement  = catalog.Procurement
	Providers    = catalog.Providers
	Participants = catalog.Participants
	Payments     = catalog.Payments
	Sroi         = catalog.Sroi
)

// ServiceNames lists them.
var ServiceNames = []string{Procurement, Providers, Participants, Payments, Sroi}

// User is the signed-in user as the services know them: their access token, and the
// organisation their screens are about (a provider's KvK number).
type User struct {
	Token string
	Org   string
}

// API is the services' HTTP APIs, as the adapters reach them.
type API interface {
	// Get reads a JSON answer into out and returns its ETag.
	Get(ctx context.Context, call Call, out any) (string, error)
	// Post sends a command; out (if any) receives the answer.
	Post(ctx context.Context, call Call, out any) error
	// Put replaces a resource on the version in IfMatch.
	Put(ctx context.Context, call Call, out any) error
	// Open returns an answer to pass on as it is (a CSV, a payment file).
	Open(ctx context.Context, call Call) (*File, error)
}

// Call is one request to a service.
type Call struct {
	Token   string
	Service string
	Path    string
	Query   url.Values
	// Body is sent as JSON.
	Body any
	// Key is the Idempotency-Key: the form's own, so a form sent twice acts once.
	Key string
	// IfMatch is the version a change applies to.
	IfMatch string
	Accept  string
}

// File is an answer passed on as it is; the caller closes Body.
type File struct {
	Body        io.ReadCloser
	ContentType string
}

// Error is a service's RFC 9457 answer to a request it refused or failed.
type Error struct {
	Status int
	Title  string
	Detail string
	// Rule and Params are the detail by its code (contracts/messages), to say in Dutch.
	Rule   string
	Params []string
	Fields []FieldError
}

// FieldError is one invalid field of a request.
type FieldError struct {
	Field  string
	Reason string // in English
	Rule   string
	Params []string
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Title, e.Detail) }

// Page is one page of a list and the cursor of the next ("" on the last).
type Page[T any] struct {
	Items []T
	Next  string
}

// Portal answers the screens' questions and carries out their tasks.
type Portal struct{ api API }

// New is the portal's application on the services' APIs.
func New(api API) *Portal { return &Portal{api: api} }

func (u User) call(service, path string, q url.Values) Call {
	return Call{Token: u.Token, Service: service, Path: path, Query: q}
}

// get reads one resource.
func get[T any](ctx context.Context, p *Portal, call Call) (T, error) {
	var out T
	_, err := p.api.Get(ctx, call, &out)
	return out, err
}

// list reads one page of a list; its next link's cursor becomes Page.Next.
func list[T any](ctx context.Context, p *Portal, call Call) (Page[T], error) {
	var body map[string]json.RawMessage // {"items": [...], "_links": {...}}, every list's envelope
	if _, err := p.api.Get(ctx, call, &body); err != nil {
		return Page[T]{}, err
	}
	var page Page[T]
	var links commonapi.PageLinks
	if err := json.Unmarshal(body["items"], &page.Items); err != nil {
		return Page[T]{}, err
	}
	if raw, ok := body["_links"]; ok {
		if err := json.Unmarshal(raw, &links); err != nil {
			return Page[T]{}, err
		}
	}
	if links.Next != nil {
		h := links.Next.Href
		if i := strings.IndexByte(h, '?'); i >= 0 {
			q, _ := url.ParseQuery(h[i+1:])
			page.Next = q.Get("after")
		}
	}
	return page, nil
}

// post carries out a command with the form's Idempotency-Key and reads the answer.
func post[T any](ctx context.Context, p *Portal, call Call, key string, body any) (T, error) {
	var out T
	call.Key, call.Body = key, body
	err := p.api.Post(ctx, call, &out)
	return out, err
}
