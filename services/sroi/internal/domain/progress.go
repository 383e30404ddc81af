package domain

import (
	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
)

// ProjectStatus is how a project's social return stands.
type ProjectStatus string

const (
	StatusOnTrack ProjectStatus = "on_track" // approved value keeps pace with the time passed
	StatusBehind  ProjectStatus = "behind"   // behind the pace: reminders go out
	StatusMet     ProjectStatus = "met"      // the obligation is realised
	StatusOverdue ProjectStatus = "overdue"  // the deadline passed and it is not realised
	// StatusNoPolicy: the region published no policy for the tender's publication date:
	// nothing is computed until it does, or the buyer sets the obligation.
	StatusNoPolicy ProjectStatus = "no_policy"
)

// Progress is a project's social return at a day.
type Progress struct {
	ObligationCents Cents
	DeclaredCents   Cents
	ApprovedCents   Cents
	ForecastCents   Cents
	RealisedBP      int // approved / obligation, 10000 = 100%
	ExpectedBP      int // the share of the time passed
	Status          ProjectStatus
	Reason          string           // in English
	Why             messages.Message // the reason by its code, said in Dutch to people
}

// because sets the reason, in English and as a message.
func (p *Progress) because(template string, args ...any) {
	p.Why = messages.Of(template, args...)
	p.Reason = p.Why.English()
}

// behindMargin: a project is behind when its approved value lags the share of the time
// passed by more than a tenth of the obligation (a quarter's declarations come in late).
const behindMargin = 1_000

// ProgressOf says where a project stands: realised is approved value against the
// obligation; expected is the share of the period (award to deadline) passed; the forecast
// adds to the approved value what is still to come (declarations awaiting a decision and
// months planned).
func ProgressOf(obligation, declared, approved, toCome Cents, start, deadline, today civil.Date) Progress {
	p := Progress{ObligationCents: obligation, DeclaredCents: declared, ApprovedCents: approved, ForecastCents: approved + toCome}
	if obligation <= 0 {
		p.RealisedBP, p.Status = 10_000, StatusMet
		p.because("no obligation")
		return p
	}
	p.RealisedBP = int(min(approved*10_000/obligation, 10_000))
	total := start.DaysUntil(deadline)
	passed := start.DaysUntil(today)
	switch {
	case total <= 0 || passed >= total:
		p.ExpectedBP = 10_000
	case passed > 0:
		p.ExpectedBP = passed * 10_000 / total
	}
	switch {
	case approved >= obligation:
		p.Status = StatusMet
		p.because("the obligation is realised")
	case !today.Before(deadline) && deadline != (civil.Date{}):
		p.Status = StatusOverdue
		p.because("the deadline %s passed with %s of %s approved", deadline, Euro(approved), Euro(obligation))
	case p.RealisedBP+behindMargin < p.ExpectedBP:
		p.Status = StatusBehind
		if p.ForecastCents < obligation {
			p.because("%s realised after %s of the time; the declarations running reach %s of %s",
				percent(p.RealisedBP), percent(p.ExpectedBP), Euro(p.ForecastCents), Euro(obligation))
		} else {
			p.because("%s realised after %s of the time", percent(p.RealisedBP), percent(p.ExpectedBP))
		}
	default:
		p.Status = StatusOnTrack
		p.because("%s realised after %s of the time", percent(p.RealisedBP), percent(p.ExpectedBP))
	}
	return p
}

// JobsGoal is a regional goal such as the 1000-banenplan: people in work by a day.
type JobsGoal struct {
	Target   int
	From     civil.Date
	Deadline civil.Date
}

// GoalPace is where a jobs goal stands: placements so far, the target line's value today,
// and the placements a month needed from now on to reach it.
type GoalPace struct {
	Placed       int
	TargetToday  int
	NeededPerMon float64
	OnTrack      bool
}

// PaceOf compares placements with a straight target line from the goal's start to its
// deadline and gives the monthly run rate still needed.
func PaceOf(g JobsGoal, placed int, today civil.Date) GoalPace {
	p := GoalPace{Placed: placed}
	total := g.From.DaysUntil(g.Deadline)
	passed := min(max(g.From.DaysUntil(today), 0), max(total, 0))
	if total > 0 {
		p.TargetToday = g.Target * passed / total
	} else {
		p.TargetToday = g.Target
	}
	left := total - passed
	if rest := g.Target - placed; rest > 0 && left > 0 {
		p.NeededPerMon = float64(rest) / (float64(left) / 30.44)
	}
	p.OnTrack = placed >= p.TargetToday
	return p
}
