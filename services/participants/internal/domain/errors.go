// Package domain holds the participants rules: job seekers (deelnemers) with their BSN
// checked by the 11-proef, enrolments in a contracted provider's product with a guarded
// lifecycle, placements and when they become sustainable, and praktijkverklaringen.
// No I/O happens here.
package domain

import (
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/rules"
)

// The shared rule errors and calendar day, named here so the domain reads on its own.
type (
	ValidationError = rules.ValidationError
	StateError      = rules.StateError
	Date            = civil.Date
	Actor           = commit.Actor
)

var (
	DateOf    = civil.DateOf
	NewDate   = civil.NewDate
	ValidKvK  = civil.ValidKvK
	ParseDate = civil.ParseDate
)
