// Package domain holds the procurement rules: Open House schemes with versioned product
// terms, provider applications checked against every requirement, contracts, and the
// tender calendar. No I/O happens here.
package domain

import (
	"errors"
	"fmt"
	"strings"
)

// ValidationError lists every rule a piece of input breaks.
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

type validator struct{ problems []FieldProblem }

func (v *validator) check(ok bool, field, format string, args ...any) {
	if !ok {
		v.problems = append(v.problems, FieldProblem{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

// StateError is an action the current state does not allow (e.g. applying to a closed scheme).
type StateError struct{ Reason string }

func (e *StateError) Error() string { return e.Reason }

func stateErr(format string, args ...any) error {
	return &StateError{Reason: fmt.Sprintf(format, args...)}
}

// ErrForbidden means the caller's organisation does not own what it tries to change.
var ErrForbidden = errors.New("this belongs to another organisation")
