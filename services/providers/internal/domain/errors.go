// Package domain holds the providers rules: the registry of training providers (opleiders)
// with their certificates, and each contract's offer (aanbod): products, locations, start
// dates and capacity. No I/O happens here.
package domain

import (
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// The shared rule errors and calendar day, named here so the domain reads on its own.
type (
	ValidationError = rules.ValidationError
	StateError      = rules.StateError
	Date            = civil.Date
)

var (
	DateOf    = civil.DateOf
	NewDate   = civil.NewDate
	ValidKvK  = civil.ValidKvK
	ParseDate = civil.ParseDate
)
