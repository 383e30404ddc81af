package domain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// ContractType is the kind of employment contract of a placement.
type ContractType string

const (
	ContractPermanent       ContractType = "permanent"        // vast contract
	ContractFixedTerm       ContractType = "fixed_term"       // bepaalde tijd
	ContractTemporaryAgency ContractType = "temporary_agency" // uitzendcontract
	ContractBBL             ContractType = "bbl"              // leerwerkbaan
	ContractOther           ContractType = "other"
)

// ContractTypes lists every contract type.
var ContractTypes = []ContractType{ContractPermanent, ContractFixedTerm, ContractTemporaryAgency, ContractBBL, ContractOther}

// Placement is a job (plaatsing) after or during the trajectory.
type Placement struct {
	ID           string
	EmployerKvK  string
	StartDate    civil.Date
	EndDate      civil.Date
	HoursPerWeek float64
	ContractType ContractType
	// RecordedBy is "workcoach", "employer" or "uwv"; ConfirmedBy lists partner systems
	// that confirmed it.
	RecordedBy  string
	ConfirmedBy []string
}

// PlacementInput records a job or a partner's confirmation of it.
type PlacementInput struct {
	EmployerKvK  string
	StartDate    civil.Date
	EndDate      civil.Date
	HoursPerWeek float64
	ContractType ContractType
}

func (in PlacementInput) validate(today civil.Date) error {
	var v rules.Checker
	v.Check(civil.ValidKvK(in.EmployerKvK), "employerKvk", "must be 8 digits (KvK number)")
	v.Check(!in.StartDate.IsZero() && !in.StartDate.After(today.AddDays(366)), "startDate", "is required and at most a year ahead")
	v.Check(in.EndDate.IsZero() || !in.EndDate.Before(in.StartDate), "endDate", "must not be before startDate")
	v.Check(in.HoursPerWeek > 0 && in.HoursPerWeek <= 60, "hoursPerWeek", "must be more than 0 and at most 60")
	v.Check(slices.Contains(ContractTypes, in.ContractType), "contractType", "must be one of %v", ContractTypes)
	return v.Err()
}

// MaxGapDays is the longest break between two jobs that still counts as one run of work
// towards sustainable placement. The days of the break do not count as work. Decided: 30
// days covers the usual time between a fixed-term contract ending and the next starting
// (and the four weeks of unemployment that UWV treats as frictional) without letting
// months of unemployment count; a longer break starts the six months anew.
const MaxGapDays = 30

// SustainableMonths of work make a placement sustainable (duurzame plaatsing).
const SustainableMonths = 6

// SustainableOn is the day the jobs reach six months of work: the first run of jobs, each
// starting at most MaxGapDays after the previous ended, whose worked days reach the number of
// days in six calendar months from the run's first day. Overlapping jobs count once. It
// reports false when the jobs recorded so far cannot reach it (all ended too soon).
func SustainableOn(jobs []Placement) (civil.Date, bool) {
	sorted := slices.Clone(jobs)
	slices.SortFunc(sorted, func(a, b Placement) int { return strings.Compare(a.StartDate.String(), b.StartDate.String()) })
	var runStart, coveredUntil civil.Date
	worked, required := 0, 0
	for i, j := range sorted {
		if i == 0 || j.StartDate.After(coveredUntil.AddDays(MaxGapDays+1)) {
			runStart, worked = j.StartDate, 0
			coveredUntil = j.StartDate.AddDays(-1)
			required = runStart.DaysUntil(runStart.AddMonths(SustainableMonths))
		}
		from := j.StartDate
		if !from.After(coveredUntil) {
			from = coveredUntil.AddDays(1)
		}
		if !j.EndDate.IsZero() && from.After(j.EndDate) {
			continue // wholly inside an earlier job
		}
		reachedOn := from.AddDays(required - worked)
		if j.EndDate.IsZero() || !reachedOn.After(j.EndDate.AddDays(1)) {
			return reachedOn, true
		}
		worked += from.DaysUntil(j.EndDate) + 1
		coveredUntil = j.EndDate
	}
	return civil.Date{}, false
}

func newPlacement(n int, in PlacementInput, recordedBy string) Placement {
	return Placement{ID: fmt.Sprintf("pl-%d", n), EmployerKvK: in.EmployerKvK, StartDate: in.StartDate, EndDate: in.EndDate,
		HoursPerWeek: in.HoursPerWeek, ContractType: in.ContractType, RecordedBy: recordedBy, ConfirmedBy: []string{}}
}

func (e *Enrolment) placement(employer string, start civil.Date) *Placement {
	for i := range e.Placements {
		if e.Placements[i].EmployerKvK == employer && e.Placements[i].StartDate == start {
			return &e.Placements[i]
		}
	}
	return nil
}
