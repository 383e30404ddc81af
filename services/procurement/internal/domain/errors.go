// Package domain holds the procurement rules: Open House schemes with versioned product
// terms, provider applications checked against every requirement, contracts, and the
// tender calendar. No I/O happens here.
package domain

import (
	"errors"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// The shared rule errors and calendar day, named here so the domain reads on its own.
type (
	ValidationError = rules.ValidationError
	FieldProblem    = rules.FieldProblem
	StateError      = rules.StateError
	validator       = rules.Checker
	Date            = civil.Date
)

var (
	NewDate   = civil.NewDate
	DateOf    = civil.DateOf
	ParseDate = civil.ParseDate
	Amsterdam = civil.Amsterdam
	maxDate   = civil.Max
)

func stateErr(format string, args ...any) error { return rules.State(format, args...) }

// ErrForbidden means the caller's organisation does not own what it tries to change.
var ErrForbidden = errors.New("this belongs to another organisation")
