package domain

import (
	"math"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// AttendanceReport is a partner system's (or provider's) report of hours attended by one
// participant on one day. ReportID is the sender's stable id of the report: the same report
// sent again, however often, counts once; a day with two sessions has two reports.
type AttendanceReport struct {
	EnrolmentID string
	ProviderKvK string
	Date        civil.Date
	Hours       float64
	ReportID    string
	// Source is who sent it: "partner:<ce_source>" or "http:<subject>" (kept with the fact).
	Source string
}

// Minutes of the report, rounded to the minute.
func (r AttendanceReport) Minutes() int { return int(math.Round(r.Hours * 60)) }

// MaxMinutesPerDay caps what one enrolment can be credited for one day, from all its
// reports together: a day has 24 hours.
const MaxMinutesPerDay = 24 * 60

// CheckAttendance decides whether a report may count for this enrolment: the day lies in
// the trajectory (from its start, or its planned start while it has not been recorded, up
// to its completion or dropout) and has passed. The 256-hour gate of completion, and with
// it a payment, rests on these hours, which the paid provider reports: hours outside the
// trajectory never count. A report that fails is the sender's error: it goes back (dead
// letter) with the reason, never silently. The daily cap is checked where reports are
// credited (DayFull).
func (e *Enrolment) CheckAttendance(r AttendanceReport, now time.Time) error {
	var v rules.Checker
	v.Check(r.ProviderKvK == e.ProviderKvK, "providerKvk", "the enrolment is with another provider")
	v.Check(r.Hours > 0 && r.Hours <= 24, "hours", "must be more than 0 and at most 24")
	v.Check(strings.TrimSpace(r.ReportID) != "", "reportId", "is required")
	v.Check(!r.Date.IsZero() && !r.Date.After(civil.DateOf(now)), "date", "must be a day that has passed or today")
	first := e.StartDate
	if !e.StartedOn.IsZero() {
		first = e.StartedOn
	}
	v.Check(r.Date.IsZero() || !r.Date.Before(first), "date", "lies before the start on %s", first)
	v.Check(e.CompletedOn.IsZero() || !r.Date.After(e.CompletedOn), "date", "lies after the completion on %s", e.CompletedOn)
	v.Check(e.Status != StatusDroppedOut || !r.Date.After(e.DroppedOutOn), "date", "is after the dropout on %s", e.DroppedOutOn)
	return v.Err()
}

// DayFull is the refusal of a report that would credit more than 24 hours to its day.
func DayFull(r AttendanceReport, haveMinutes int) error {
	return rules.Invalid("hours", "%s has %s hours from earlier reports; with %s more it would pass the 24 hours of a day",
		r.Date, FormatHours(haveMinutes), FormatHours(r.Minutes()))
}
