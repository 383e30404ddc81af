// Package rules holds what every service's domain and application layers share: errors
// that say which rule was broken, the outcome of a command (its events and audit entry),
// and optimistic retries. No I/O happens here.
package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ValidationError lists every rule a piece of input breaks (HTTP 422).
type ValidationError struct {
	Problems []FieldProblem
}

// FieldProblem names the field and the rule.
type FieldProblem struct {
	Field  string
	Reason string
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
	return &ValidationError{Problems: []FieldProblem{{Field: field, Reason: fmt.Sprintf(format, args...)}}}
}

// Checker collects every broken rule before reporting, so users fix all at once.
type Checker struct{ problems []FieldProblem }

// Check records a problem when ok is false.
func (v *Checker) Check(ok bool, field, format string, args ...any) {
	if !ok {
		v.problems = append(v.problems, FieldProblem{Field: field, Reason: fmt.Sprintf(format, args...)})
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
type QueryError struct{ Param, Reason string }

func (e *QueryError) Error() string { return e.Param + ": " + e.Reason }

// BadQuery builds a QueryError.
func BadQuery(param, format string, args ...any) error {
	return &QueryError{Param: param, Reason: fmt.Sprintf(format, args...)}
}

// StateError is an action the current state does not allow (HTTP 409), e.g. completing a
// trajectory that has not started.
type StateError struct{ Reason string }

func (e *StateError) Error() string { return e.Reason }

// State builds a StateError.
func State(format string, args ...any) error {
	return &StateError{Reason: fmt.Sprintf(format, args...)}
}

// Rejected is input from a partner topic that the platform cannot accept: it goes to the
// dead-letter topic with this reason (messaging.PermanentIfRejected) and the flow goes on.
type Rejected struct{ Reason error }

func (r *Rejected) Error() string { return r.Reason.Error() }
func (r *Rejected) Unwrap() error { return r.Reason }

// Reject builds a Rejected.
func Reject(format string, args ...any) error { return &Rejected{Reason: fmt.Errorf(format, args...)} }

// Forbidden is returned when the caller is in the region but may not do this (HTTP 403).
type Forbidden struct{ Reason string }

func (f *Forbidden) Error() string { return f.Reason }

// Forbid builds a Forbidden error.
func Forbid(reason string) error { return &Forbidden{Reason: reason} }

// ErrNotFound: no such resource in the caller's region. Other regions' and other
// organisations' data is not found rather than forbidden, so its existence does not leak.
var ErrNotFound = errors.New("not found")

// ErrConflict: a concurrent change won; the caller may retry.
var ErrConflict = errors.New("changed concurrently")

// Retry reruns an optimistic command a few times when a concurrent change wins.
func Retry(ctx context.Context, f func() error) error {
	var err error
	for range 5 {
		if err = f(); !errors.Is(err, ErrConflict) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}

// Event is a public event caused by a command, keyed by its aggregate.
type Event struct {
	Type    string
	Key     string
	Subject string
	Data    any
}

// Actor is who caused a change, for the audit trail: a user (subject, display name,
// organisation) or a system such as a partner topic or a scheduled check.
type Actor struct {
	Subject string `bson:"subject" json:"subject"`
	Name    string `bson:"name,omitempty" json:"name,omitempty"`
	Org     string `bson:"org,omitempty" json:"org,omitempty"`
}

// AuditEntry is one change in an aggregate's history: who did what, when.
type AuditEntry struct {
	Version int       `json:"version"`
	Action  string    `json:"action"`
	Actor   Actor     `json:"actor"`
	At      time.Time `json:"at"`
}

// System names a non-human actor, e.g. System("certificate-check").
func System(name string) Actor { return Actor{Subject: "system:" + name} }

// Outcome is what a command did to one aggregate besides its new state: the version it
// loaded (0 for a new one), the events to publish and the audit entry.
type Outcome struct {
	Version int
	Events  []Event
	Actor   Actor
	Action  string
	// Causes name effects the change applies that must happen once each (a ledger's
	// transfers): the store keeps them with the change, so a later writer finds them
	// (store.Aggregates.CausesApplied) and applies none twice.
	Causes []string
	// Detail is what the change did beyond its new state, kept with it in the log and read
	// back with the aggregate's history (a ledger's postings): JSON, never shown as state.
	Detail any
}
