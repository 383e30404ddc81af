package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// Project is one awarded contract's social return: the obligation its award created, the
// three parties that answer for it, and its figures as declarations are valued and approved.
type Project struct {
	optimistic.StoreVersion
	ID             string
	Region         string
	TenderID       string
	Title          string
	Sector         string
	Buyer          string
	ContractorKvK  string
	ContractorName string
	Award          Award
	AwardedOn      civil.Date
	Deadline       civil.Date
	// DeadlineRule says where the deadline comes from (the contract's end, or an assumption);
	// DeadlineWhy is the same by its rule, for Dutch.
	DeadlineRule string
	DeadlineWhy  messages.Message
	// Table values the contractor's contributions: the region's table in force on the
	// tender's publication date.
	Table string
	// Computed is what the policy decided; Override, when a buyer changed it, replaces it.
	// NoPolicy: the region had published no policy in force on the tender's publication
	// date, so nothing was computed (the project says so, and follows a policy published
	// later); GraceMonths is the policy's grace after the deadline.
	Computed    Obligation
	NoPolicy    bool
	GraceMonths int
	Override    *Override
	Parties     Parties
	Figures     Figures
	Progress    Progress
	// CheckedOn is the day the progress was last computed; NextCheck the day it may change
	// without a new declaration (time passing, a reminder before the deadline).
	CheckedOn civil.Date
	NextCheck civil.Date
	// Reminders already sent, by cause (deadline-90, deadline-30, behind-<day>).
	Reminders []string
	UpdatedAt time.Time
}

// Override is a buyer's decision to set the obligation otherwise, with the reason (audited).
type Override struct {
	Cents  Cents
	Reason string
	By     string
	At     time.Time
}

// Contact is a party's one responsible person.
type Contact struct {
	Name  string
	Email string
}

// Parties are the three parties of a project, each with one responsible person.
type Parties struct {
	Buyer      Contact
	Contractor Contact
	Werkplein  Contact
}

// Figures are the project's running totals, each changed once by each declaration's change
// (the store keeps the change's cause with the project's commit, so a replay changes nothing).
type Figures struct {
	DeclaredCents Cents
	ApprovedCents Cents
	// PendingCents: the value of declarations valued and awaiting a decision (added when
	// valued, taken off when approved, rejected or expired).
	PendingCents Cents
	// PlannedCents: what the planned months of declarations not rejected will be worth
	// once they have passed. The forecast is approved + pending + planned.
	PlannedCents Cents
	Declarations int
	Approved     int
	// ApprovedByType is approved value by candidate type (or purchase, hours).
	ApprovedByType map[string]Cents
	// ApprovedByQuarter is approved value by the quarter of approval (2026-Q3).
	ApprovedByQuarter map[string]Cents
}

// ObligationCents is the obligation in force: the override, else what the policy decided.
func (p *Project) ObligationCents() Cents {
	if p.Override != nil {
		return p.Override.Cents
	}
	return p.Computed.Cents
}

// NewProject turns an award into a project with its obligation. Without the contract's end
// the deadline is assumed at the policy's default months after the award, said so in the
// project, for the buyer to set.
//
// A region without a policy in force on the tender's publication date (policy nil) gets a
// project that says so: no obligation is computed until a policy is published for that day
// (ApplyPolicy) or the buyer sets it. Without a table (table nil) nothing can be declared
// until one is published.
func NewProject(id, region string, a AwardFacts, policy *Policy, table *Table, now time.Time) (*Project, error) {
	if a.Award.ValueCents <= 0 {
		return nil, rules.Invalid("valueCents", "the contract value must be positive")
	}
	p := &Project{ID: id, Region: region, TenderID: a.TenderID, Title: a.Title, Sector: a.Sector, Buyer: a.Buyer,
		ContractorKvK: a.ContractorKvK, ContractorName: a.ContractorName, Award: a.Award, AwardedOn: a.AwardedOn, UpdatedAt: now.UTC()}
	if table != nil {
		p.Table = table.ID
	}
	defaultMonths := 24
	if policy != nil {
		if err := p.ApplyPolicy(*policy, now); err != nil {
			return nil, err
		}
		defaultMonths = policy.DefaultMonths
	} else {
		p.NoPolicy = true
		p.Computed.decidedBy(messages.Of("no obligation computed: the region has published no social-return policy in force on %s (the tender's publication date); the buyer may set the obligation",
			a.Award.Published.String()))
	}
	switch {
	case !a.ContractEnd.IsZero():
		p.Deadline = a.ContractEnd
		p.deadlineBecause(messages.Of("the contract's end"))
	default:
		months := max(a.Award.Months, defaultMonths, 12)
		p.Deadline = a.AwardedOn.AddMonths(months)
		p.deadlineBecause(messages.Of("assumed: the award date plus %d months (the award names no contract end); the buyer may set it", months))
	}
	p.Recompute(civil.DateOf(now))
	return p, nil
}

// AwardFacts are what an award from procurement tells about the project.
type AwardFacts struct {
	TenderID       string
	Title          string
	Sector         string
	Buyer          string
	ContractorKvK  string
	ContractorName string
	Award          Award
	AwardedOn      civil.Date
	ContractEnd    civil.Date
}

// ApplyPolicy computes the obligation with a policy (a project made without one follows a
// policy published later for its tender's publication date).
func (p *Project) ApplyPolicy(policy Policy, now time.Time) error {
	o, err := ObligationOf(policy, p.Award)
	if err != nil {
		return err
	}
	p.Computed, p.NoPolicy, p.GraceMonths, p.UpdatedAt = o, false, policy.GraceMonths, now.UTC()
	if p.Deadline != (civil.Date{}) {
		p.Recompute(civil.DateOf(now))
	}
	return nil
}

// SetObligation overrides the computed obligation; the reason is required.
func (p *Project) SetObligation(cents Cents, reason, by string, now time.Time) error {
	var v rules.Checker
	v.Check(cents >= 0, "cents", "must not be negative")
	v.Check(len(strings.TrimSpace(reason)) >= 5 && len(reason) <= 1000, "reason", "say why (5 to 1000 characters): an override is audited")
	if err := v.Err(); err != nil {
		return err
	}
	p.Override = &Override{Cents: cents, Reason: strings.TrimSpace(reason), By: by, At: now.UTC()}
	p.UpdatedAt = now.UTC()
	p.Recompute(civil.DateOf(now))
	return nil
}

// SetParties names the responsible persons; a deadline may move with it.
func (p *Project) SetParties(in Parties, now time.Time) error {
	var v rules.Checker
	for field, c := range map[string]Contact{"buyer": in.Buyer, "contractor": in.Contractor, "werkplein": in.Werkplein} {
		v.Check(len(c.Name) <= 200, field+".name", "at most 200 characters")
		v.Check(c.Email == "" || ValidEmail(c.Email), field+".email", "must be an e-mail address")
	}
	if err := v.Err(); err != nil {
		return err
	}
	p.Parties, p.UpdatedAt = in, now.UTC()
	return nil
}

func (p *Project) deadlineBecause(why messages.Message) {
	p.DeadlineWhy, p.DeadlineRule = why, why.English()
}

// SetDeadline moves the deadline (the contract was extended, or the assumption corrected).
func (p *Project) SetDeadline(d civil.Date, reason string, now time.Time) error {
	var v rules.Checker
	v.Check(!d.IsZero() && d.After(p.AwardedOn), "deadline", "must lie after the award date %s", p.AwardedOn)
	v.Check(len(strings.TrimSpace(reason)) >= 5, "reason", "say why the deadline moves")
	if err := v.Err(); err != nil {
		return err
	}
	p.Deadline, p.UpdatedAt = d, now.UTC()
	p.deadlineBecause(messages.Of("set by the buyer: %s", strings.TrimSpace(reason)))
	p.Recompute(civil.DateOf(now))
	return nil
}

// ValidEmail is a plain check: one @, a dot in the domain, no spaces or angle brackets.
func ValidEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return len(s) <= 254 && at > 0 && at == strings.LastIndexByte(s, '@') && strings.Contains(s[at:], ".") &&
		!strings.ContainsAny(s, " \t\r\n<>,;\"")
}

// Count applies a declaration's change to the figures; the caller makes sure it is
// applied once (its cause is kept with the project's commit).
func (p *Project) Count(delta Delta, today civil.Date) {
	f := &p.Figures
	f.DeclaredCents += delta.Declared
	f.ApprovedCents += delta.Approved
	f.PendingCents += delta.Pending
	f.PlannedCents += delta.Planned
	f.Declarations += delta.Declarations
	f.Approved += delta.ApprovedCount
	if delta.Approved != 0 {
		if f.ApprovedByType == nil {
			f.ApprovedByType, f.ApprovedByQuarter = map[string]Cents{}, map[string]Cents{}
		}
		f.ApprovedByType[delta.Type] += delta.Approved
		f.ApprovedByQuarter[QuarterOf(today)] += delta.Approved
	}
	p.Recompute(today)
}

// Delta is what one declaration's change does to its project's figures.
type Delta struct {
	Type                                 string
	Declared, Approved, Pending, Planned Cents
	Declarations, ApprovedCount          int
}

// QuarterOf names a day's quarter: 2026-Q3.
func QuarterOf(d civil.Date) string {
	t := d.Time()
	return strconv.Itoa(t.Year()) + "-Q" + strconv.Itoa((int(t.Month())-1)/3+1)
}

// Recompute sets the progress as of today and the next day it may change by itself.
func (p *Project) Recompute(today civil.Date) {
	f := p.Figures
	p.Progress = ProgressOf(p.ObligationCents(), f.DeclaredCents, f.ApprovedCents, f.PendingCents+f.PlannedCents, p.AwardedOn, p.Deadline, today)
	if p.NoPolicy && p.Override == nil {
		p.Progress.Status = StatusNoPolicy
		p.Progress.because("no obligation computed: the region has published no social-return policy in force on %s (the tender's publication date); the buyer may set the obligation", p.Award.Published)
	}
	p.CheckedOn = today
	p.NextCheck = p.nextCheck(today)
}

// Reminder causes: once a quarter while behind, once when overdue.
const OverdueReminder = "overdue"

// BehindReminder is the reminder of falling behind in today's quarter.
func BehindReminder(today civil.Date) string { return "behind-" + QuarterOf(today) }

// nextCheck is the first day after today on which the progress changes status with time
// alone or a reminder is due: when the expected share passes the realised one by the
// margin, 90 and 30 days before the deadline, the deadline itself.
func (p *Project) nextCheck(today civil.Date) civil.Date {
	owed := p.ObligationCents() > 0
	switch {
	case owed && p.Progress.Status == StatusBehind && !slices.Contains(p.Reminders, BehindReminder(today)),
		owed && p.Progress.Status == StatusOverdue && !slices.Contains(p.Reminders, OverdueReminder):
		return today // its reminder is due now
	case p.Progress.Status == StatusMet, p.Progress.Status == StatusOverdue, p.Progress.Status == StatusNoPolicy:
		return civil.Date{}
	}
	candidates := []civil.Date{p.Deadline}
	for _, days := range []int{90, 30} {
		if slices.Contains(p.Reminders, "deadline-"+strconv.Itoa(days)) {
			continue
		}
		due := p.Deadline.AddDays(-days)
		if !due.After(today) {
			return today // a reminder is due now
		}
		candidates = append(candidates, due)
	}
	if p.Progress.Status == StatusOnTrack {
		total := p.AwardedOn.DaysUntil(p.Deadline)
		// expected = passed/total > (realised+margin)/10000 ⇔ passed > total×(realised+margin)/10000
		passed := total*(p.Progress.RealisedBP+behindMargin)/10_000 + 1
		candidates = append(candidates, p.AwardedOn.AddDays(passed))
	}
	var next civil.Date
	for _, c := range candidates {
		if c.After(today) && (next.IsZero() || c.Before(next)) {
			next = c
		}
	}
	return next
}
