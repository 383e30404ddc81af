// Package rules holds the errors every service's domain and application layers answer
// with: which rule of the input was broken (422), which state forbids it (409), who may not
// (403), what does not exist (404) and what changed concurrently. No I/O happens here.
package rules

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/werkregio/platform/contracts/messages"
)

// ValidationError lists every rule a piece of input breaks (HTTP 422).
type ValidationError struct {
	Problems []FieldProblem
}

// FieldProblem names the field and the rule, in English (Reason) and by its code and
// parameters (Message), which people read in Dutch.
type FieldProblem struct {
	Field   string
	Reason  string
	Message messages.Message
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Reason
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Invalid is a ValidationError for one field.
func Invalid(field, format string, args ...any) error {
	return &ValidationError{Problems: []FieldProblem{{Field: field, Reason: fmt.Sprintf(format, args...), Message: messages.Of(format, args...)}}}
}

// Checker collects every broken rule before reporting, so users fix all at once.
type Checker struct{ problems []FieldProblem }

// Check records a problem when ok is false.
func (v *Checker) Check(ok bool, field, format string, args ...any) {
	if !ok {
		v.problems = append(v.problems, FieldProblem{Field: field, Reason: fmt.Sprintf(format, args...), Message: messages.Of(format, args...)})
	}
}

// Err is nil when every check passed.
func (v *Checker) Err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

// QueryError is a query parameter that cannot be used, such as an unknown filter value,
// a page size out of range or a cursor this API did not make (HTTP 400).
type QueryError struct {
	Param, Reason string
	Message       messages.Message
}

func (e *QueryError) Error() string { return e.Param + ": " + e.Reason }

// BadQuery builds a QueryError.
func BadQuery(param, format string, args ...any) error {
	return &QueryError{Param: param, Reason: fmt.Sprintf(format, args...), Message: messages.Of(format, args...)}
}

// StateError is an action the current state does not allow (HTTP 409), e.g. completing a
// trajectory that has not started.
type StateError struct {
	Reason  string
	Message messages.Message
}

func (e *StateError) Error() string { return e.Reason }

// State builds a StateError.
func State(format string, args ...any) error {
	return &StateError{Reason: fmt.Sprintf(format, args...), Message: messages.Of(format, args...)}
}

// Busy is a request the service does not take now (HTTP 429, or 503 when the service
// cannot take any such request at the moment): the caller tries again after RetryAfter.
type Busy struct {
	Reason      string
	Message     messages.Message
	RetryAfter  time.Duration
	Unavailable bool
}

func (e *Busy) Error() string { return e.Reason }

// TooMany builds a Busy of too many requests.
func TooMany(retryAfter time.Duration, format string, args ...any) error {
	return &Busy{Reason: fmt.Sprintf(format, args...), Message: messages.Of(format, args...), RetryAfter: retryAfter}
}

// Unavailable builds a Busy of a service that cannot take the request at the moment.
func Unavailable(retryAfter time.Duration, format string, args ...any) error {
	return &Busy{Reason: fmt.Sprintf(format, args...), Message: messages.Of(format, args...), RetryAfter: retryAfter, Unavailable: true}
}

// Rejected is input from a partner topic that the platform cannot accept: it goes to the
// dead-letter topic with this reason (messaging.PermanentIfRejected) and the flow goes on.
type Rejected struct {
	Reason  error
	Message messages.Message
}

func (r *Rejected) Error() string { return r.Reason.Error() }
func (r *Rejected) Unwrap() error { return r.Reason }

// Reject builds a Rejected.
func Reject(format string, args ...any) error {
	return &Rejected{Reason: fmt.Errorf(format, args...), Message: messages.Of(format, args...)}
}

// MessageOf is the rule an error states, by its code and parameters, for people to read in
// their language; false when the error states none (a failure, not a rule).
func MessageOf(err error) (messages.Message, bool) {
	var rej *Rejected
	var ve *ValidationError
	var se *StateError
	var fe *Forbidden
	var qe *QueryError
	switch {
	case errors.As(err, &rej) && rej.Message.Code != "":
		return rej.Message, true
	case errors.As(err, &se):
		return se.Message, se.Message.Code != ""
	case errors.As(err, &ve) && len(ve.Problems) > 0:
		return ve.Problems[0].Message, ve.Problems[0].Message.Code != ""
	case errors.As(err, &fe):
		return fe.Message, fe.Message.Code != ""
	case errors.As(err, &qe):
		return qe.Message, qe.Message.Code != ""
	}
	return messages.Message{}, false
}

// Forbidden is returned when the caller is in the region but may not do this (HTTP 403).
type Forbidden struct {
	Reason  string
	Message messages.Message
}

func (f *Forbidden) Error() string { return f.Reason }

// Forbid builds a Forbidden error.
func Forbid(format string, args ...any) error {
	return &Forbidden{Reason: fmt.Sprintf(format, args...), Message: messages.Of(format, args...)}
}

// ErrNotFound: no such resource in the caller's region. Other regions' and other
// organisations' data is not found rather than forbidden, so its existence does not leak.
var ErrNotFound = errors.New("not found")

// ErrConflict: a concurrent change won; the caller may retry.
var ErrConflict = errors.New("changed concurrently")
