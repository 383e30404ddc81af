package domain

import (
	"math"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/rules"
)

// AttendanceReport is a partner system's (or provider's) report of hours attended by one
// participant on one day. ReportID is the sender's stable id of the report: the same report
// sent again, however often, counts once; a day with two sessions has two reports.
type AttendanceReport struct {
	EnrolmentID string  `json:"enrolmentId"`
	ProviderKvK string  `json:"providerKvk"`
	Date        Date    `json:"date"`
	Hours       float64 `json:"hours"`
	ReportID    string  `json:"reportId"`
}

// Minutes of the report, rounded to the minute.
func (r AttendanceReport) Minutes() int { return int(math.Round(r.Hours * 60)) }

// CheckAttendance decides whether a report may count for this enrolment. A report that
// fails is the sender's error: it goes back (dead letter) with the reason, never silently.
func (e *Enrolment) CheckAttendance(r AttendanceReport, now time.Time) error {
	var v rules.Checker
	v.Check(r.ProviderKvK == e.ProviderKvK, "providerKvk", "the enrolment is with another provider")
	v.Check(r.Hours > 0 && r.Hours <= 24, "hours", "must be more than 0 and at most 24")
	v.Check(strings.TrimSpace(r.ReportID) != "", "reportId", "is required")
	v.Check(!r.Date.IsZero() && !r.Date.After(DateOf(now)), "date", "must be a day that has passed or today")
	v.Check(r.Date.IsZero() || !r.Date.Before(e.StartDate.AddDays(-30)), "date", "is more than 30 days before the start on %s", e.StartDate)
	v.Check(e.Status != StatusDroppedOut || !r.Date.After(e.DroppedOutOn), "date", "is after the dropout on %s", e.DroppedOutOn)
	return v.Err()
}
