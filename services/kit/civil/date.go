// Package civil holds the Dutch civil identifiers and amounts the platform checks and
// writes: BSN, KvK number, IBAN and BIC, certificates, euro amounts, SEPA text, the day.
package civil

import (
	"time"

	"github.com/werkregio/platform/contracts/calendar"
)

// Date is the contracts' calendar day, so the types generated from the contracts and the
// services' own code speak of one and the same day.
type Date = calendar.Date

// Amsterdam is the time zone days are counted in.
var Amsterdam = calendar.Amsterdam

// NewDate makes a date.
func NewDate(y int, m time.Month, d int) Date { return calendar.NewDate(y, m, d) }

// DateOf is the Dutch calendar day of an instant.
func DateOf(t time.Time) Date { return calendar.DateOf(t) }

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) { return calendar.ParseDate(s) }

// Max is the later of two dates.
func Max(a, b Date) Date { return calendar.Max(a, b) }
