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
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"requestId,omitempty"`
	TraceID   string       `json:"traceId,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError says which part of the input broke which rule.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%s: %s", p.Title, p.Detail)
	}
	return p.Title
}

// New makes a problem of the given kind (e.g. "validation").
func New(status int, kind, title, detail string) *Problem {
	return &Problem{Type: TypeBase + kind, Title: title, Status: status, Detail: detail}
}

// Validation reports invalid input with one entry per broken rule.
func Validation(detail string, errs ...FieldError) *Problem {
	p := New(http.StatusUnprocessableEntity, "validation", "Invalid input", detail)
	p.Errors = errs
	return p
}

// BadRequest reports a request that cannot be read (malformed JSON, wrong types).
func BadRequest(detail string) *Problem {
	return New(http.StatusBadRequest, "bad-request", "Malformed request", detail)
}

// NotFound reports a resource that does not exist or is not visible to the caller.
func NotFound(detail string) *Problem {
	return New(http.StatusNotFound, "not-found", "Not found", detail)
}

// Conflict reports a request that contradicts the current state.
func Conflict(detail string) *Problem {
	return New(http.StatusConflict, "conflict", "Conflict with current state", detail)
}

// Unauthorized reports a missing or invalid credential.
func Unauthorized(detail string) *Problem {
	return New(http.StatusUnauthorized, "unauthorized", "Authentication required", detail)
}

// Forbidden reports a caller that may not do this.
func Forbidden(detail string) *Problem {
	return New(http.StatusForbidden, "forbidden", "Not allowed", detail)
}

// Internal hides the cause from the caller; the cause goes to logs and traces.
func Internal() *Problem {
	return New(http.StatusInternalServerError, "internal", "Internal error", "The request failed; quote the trace id when reporting it.")
}

// From turns any error into a problem: problems pass through, anything else is internal.
func From(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return Internal()
}
