// Package problem writes RFC 9457 problem details (application/problem+json).
package problem

import (
	"errors"
	"fmt"
	"net/http"
)

// ContentType is the media type of a problem document.
const ContentType = "application/problem+json"

// TypeBase prefixes problem type URIs; the suffix names the kind of problem.
const TypeBase = "https://werkregio.nl/problems/"

// Problem is an RFC 9457 problem document with the extension members we use.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	// Code is the kind's short stable name (the type URI's last segment), for clients and
	// the portal to branch on and to put into their own words.
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
	// Rule and Params are the detail by its stable code and parameters (contracts/messages),
	// which the portal and the e-mails say in Dutch.
	Rule      string       `json:"rule,omitempty"`
	Params    []string     `json:"params,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"requestId,omitempty"`
	TraceID   string       `json:"traceId,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError says which part of the input broke which rule.
type FieldError struct {
	Field  string   `json:"field"`
	Reason string   `json:"reason"`
	Rule   string   `json:"rule,omitempty"`
	Params []string `json:"params,omitempty"`
}

// Because names the rule the detail states, by its code and parameters.
func (p *Problem) Because(rule string, params []string) *Problem {
	p.Rule, p.Params = rule, params
	return p
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%s: %s", p.Title, p.Detail)
	}
	return p.Title
}

// Kind is one rule of the API a problem reports, with a stable type URI: clients may
// branch on the type; its title and status never change. Every kind is documented in
// contracts/openapi/common.yaml (ProblemType), which a test keeps equal to Kinds.
type Kind struct {
	Slug   string
	Status int
	Title  string
}

// Type is the kind's type URI.
func (k Kind) Type() string { return TypeBase + k.Slug }

// New makes a problem of this kind.
func (k Kind) New(detail string) *Problem {
	return &Problem{Type: k.Type(), Title: k.Title, Status: k.Status, Code: k.Slug, Detail: detail}
}

// The kinds of problem the platform reports.
var (
	KindBadRequest           = kind("bad-request", http.StatusBadRequest, "Malformed request")
	KindUnauthorized         = kind("unauthorized", http.StatusUnauthorized, "Authentication required")
	KindForbidden            = kind("forbidden", http.StatusForbidden, "Not allowed")
	KindNotFound             = kind("not-found", http.StatusNotFound, "Not found")
	KindMethodNotAllowed     = kind("method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed")
	KindConflict             = kind("conflict", http.StatusConflict, "Conflict with current state")
	KindIdempotencyKeyInUse  = kind("idempotency-key-in-use", http.StatusConflict, "Request still running")
	KindPreconditionFailed   = kind("precondition-failed", http.StatusPreconditionFailed, "Stale or unknown version")
	KindTooLarge             = kind("too-large", http.StatusRequestEntityTooLarge, "Request body too large")
	KindUnsupportedMediaType = kind("unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported media type")
	KindValidation           = kind("validation", http.StatusUnprocessableEntity, "Invalid input")
	KindIdempotencyKeyReused = kind("idempotency-key-reused", http.StatusUnprocessableEntity, "Idempotency key used for another request")
	KindPreconditionRequired = kind("precondition-required", http.StatusPreconditionRequired, "If-Match required")
	KindTooManyRequests      = kind("too-many-requests", http.StatusTooManyRequests, "Too many requests")
	KindInternal             = kind("internal", http.StatusInternalServerError, "Internal error")
	KindUnavailable          = kind("unavailable", http.StatusServiceUnavailable, "Temporarily unavailable")
)

// Kinds lists every kind, in the order declared.
var Kinds []Kind

func kind(slug string, status int, title string) Kind {
	k := Kind{Slug: slug, Status: status, Title: title}
	Kinds = append(Kinds, k)
	return k
}

// Validation reports invalid input with one entry per broken rule.
func Validation(detail string, errs ...FieldError) *Problem {
	p := KindValidation.New(detail)
	p.Errors = errs
	return p
}

// BadRequest reports a request that cannot be read (malformed JSON, wrong types).
func BadRequest(detail string) *Problem { return KindBadRequest.New(detail) }

// NotFound reports a resource that does not exist or is not visible to the caller.
func NotFound(detail string) *Problem { return KindNotFound.New(detail) }

// Conflict reports a request that contradicts the current state.
func Conflict(detail string) *Problem { return KindConflict.New(detail) }

// Unauthorized reports a missing or invalid credential.
func Unauthorized(detail string) *Problem { return KindUnauthorized.New(detail) }

// Forbidden reports a caller that may not do this.
func Forbidden(detail string) *Problem { return KindForbidden.New(detail) }

// Internal hides the cause from the caller; the cause goes to logs and traces.
func Internal() *Problem {
	return KindInternal.New("The request failed; quote the trace id when reporting it.")
}

// From turns any error into a problem: problems pass through, anything else is internal.
func From(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return Internal()
}
