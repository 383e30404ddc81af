package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

// Status is where an enrolment is in its lifecycle.
type Status string

const (
	StatusEnrolled          Status = "enrolled"           // ingeschreven
	StatusStarted           Status = "started"            // gestart
	StatusCompleted         Status = "completed"          // afgerond, leerdoelen behaald
	StatusPlaced            Status = "placed"             // geplaatst
	StatusSustainablyPlaced Status = "sustainably_placed" // duurzaam geplaatst
	StatusDroppedOut        Status = "dropped_out"        // uitgevallen
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusEnrolled, StatusStarted, StatusCompleted, StatusPlaced, StatusSustainablyPlaced, StatusDroppedOut}

// Open: the trajectory may still move on (or be dropped).
func (s Status) Open() bool { return s != StatusSustainablyPlaced && s != StatusDroppedOut }

// Enrolment is a participant's trajectory in one product of a contracted provider, from a
// start date at a location, under the terms version in force at that start.
type Enrolment struct {
	optimistic.StoreVersion // the version: its ETag
	ID                      string
	ParticipantID           string
	// Person is the keyed pseudonym every region computes alike from the BSN (not the BSN):
	// social-return monitoring counts a person once across projects and regions with it.
	Person string
	// PersonKey is the fingerprint of the key Person was made with (SROI counts a person
	// only when the key is its own).
	PersonKey string
	Region    string
	// Organisation guides the participant (the gemeente or UWV office of the work coach).
	Organisation   string
	ContractID     string
	ContractNumber string
	SchemeID       string
	ProviderKvK    string
	ProviderName   string
	ProductID      string
	ProductName    string
	Location       string
	StartDate      civil.Date
	PriceCents     int64
	Terms          trajectory.Terms
	Seat           int
	TargetGroups   []TargetGroup
	Status         Status
	EnrolledAt     time.Time
	StartedOn      civil.Date
	CompletedOn    civil.Date
	PlacedOn       civil.Date
	// SustainableOn is the projected day of sustainable placement while placed, and the
	// actual day once sustainably placed.
	SustainableOn civil.Date
	DroppedOutOn  civil.Date
	DropoutReason string
	Placements    []Placement
	History       []Transition
	// MadeBy is the request that made the enrolment (derived from its Idempotency-Key): the
	// same request repeated after an outage gets this enrolment back, another is refused.
	MadeBy string
	// Applied are the latest requests that changed it (start, completion, a placement ...):
	// one repeated after its answer was lost finds its change made and is not refused.
	Applied []string
}

// keptRequests is how many of the latest changing requests an enrolment remembers: far
// more than a client retries at once.
const keptRequests = 16

// AppliedBy reports whether the request made a change to the enrolment already.
func (e *Enrolment) AppliedBy(request string) bool {
	return request != "" && slices.Contains(e.Applied, request)
}

// Remember records that the request changed the enrolment.
func (e *Enrolment) Remember(request string) {
	if request == "" {
		return
	}
	e.Applied = append(e.Applied, request)
	if len(e.Applied) > keptRequests {
		e.Applied = e.Applied[len(e.Applied)-keptRequests:]
	}
}

// Transition records a step of the lifecycle: what, on which day, when recorded, by whom.
type Transition struct {
	Status Status
	On     civil.Date
	At     time.Time
	By     string
	Reason string
}

// EnrolmentInput is a work coach's enrolment of a participant in a provider's product.
type EnrolmentInput struct {
	ParticipantID string
	ContractID    string
	ProductID     string
	StartDate     civil.Date
	Location      string
	// LateRegistration is the reason for registering an enrolment whose start lies further
	// back than StartGrace (records brought over from another system); coordinators only.
	LateRegistration string
}

// EnrolmentID is deterministic: the same participant in the same start is one enrolment,
// so a retried request cannot take two seats.
func EnrolmentID(in EnrolmentInput) string {
	h := sha256.Sum256([]byte(strings.Join([]string{in.ParticipantID, in.ContractID, in.ProductID, in.StartDate.String(), in.Location}, "|")))
	return "enr-" + hex.EncodeToString(h[:10])
}

// PlanEnrolment checks an enrolment against the participant and the offer and returns the
// enrolment to create and the capacity of its start. Taking a seat is the caller's part.
func PlanEnrolment(p *Participant, o *Offer, in EnrolmentInput, now time.Time, by string) (*Enrolment, int, error) {
	var v rules.Checker
	v.Check(in.ParticipantID != "", "participantId", "is required")
	v.Check(in.ContractID != "", "contractId", "is required")
	v.Check(in.ProductID != "", "productId", "is required")
	v.Check(!in.StartDate.IsZero(), "startDate", "is required")
	v.Check(strings.TrimSpace(in.Location) != "", "location", "is required")
	v.Check(in.StartDate.IsZero() || !in.StartDate.Before(civil.DateOf(now).AddDays(-StartGrace)) || strings.TrimSpace(in.LateRegistration) != "", "startDate",
		"lies more than %d days in the past; enrol in a later start (a coordinator may register a late enrolment, with the reason in lateRegistration)", StartGrace)
	v.Check(len(in.LateRegistration) <= 300, "lateRegistration", "must be at most 300 characters")
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	if err := p.ErrErased(); err != nil {
		return nil, 0, err
	}
	if !p.Consent.Active() {
		return nil, 0, rules.State("participant %s has no active consent; record consent before enrolling", p.ID)
	}
	if o.ContractStatus != "active" {
		return nil, 0, rules.State("contract %s is %s: the provider takes no new enrolments under it", o.ContractNumber, o.ContractStatus)
	}
	i := slices.IndexFunc(o.Products, func(op OfferProduct) bool { return op.ProductID == in.ProductID })
	if i < 0 {
		return nil, 0, rules.Invalid("productId", "is not a product of contract %s", o.ContractNumber)
	}
	prod := o.Products[i]
	if o.SchemeRun != nil && !o.SchemeRun.Contains(in.StartDate) {
		return nil, 0, rules.Invalid("startDate", "lies outside the run of the scheme (%s)", o.SchemeRun)
	}
	j := slices.IndexFunc(prod.Starts, func(s trajectory.Start) bool { return s.Date == in.StartDate && s.Location == in.Location })
	if j < 0 {
		return nil, 0, rules.Invalid("startDate", "the provider offers no start of %s on %s at %s", prod.Name, in.StartDate, in.Location)
	}
	terms, ok := prod.TermsAt(in.StartDate)
	if !ok {
		return nil, 0, rules.Invalid("startDate", "no terms of %s are in force on %s", prod.Name, in.StartDate)
	}
	e := &Enrolment{
		ID: EnrolmentID(in), ParticipantID: p.ID, Region: p.Region, ContractID: o.ContractID, ContractNumber: o.ContractNumber,
		SchemeID: o.SchemeID, ProviderKvK: o.ProviderKvK, ProviderName: o.ProviderName, ProductID: prod.ProductID, ProductName: prod.Name,
		Location: in.Location, StartDate: in.StartDate, PriceCents: prod.PriceCents, Terms: terms, TargetGroups: p.TargetGroups,
		Status: StatusEnrolled, EnrolledAt: now.UTC(), Placements: []Placement{},
		History: []Transition{{Status: StatusEnrolled, On: civil.DateOf(now), At: now.UTC(), By: by}},
	}
	return e, prod.Starts[j].Capacity, nil
}

func (e *Enrolment) move(to Status, on civil.Date, now time.Time, by, reason string) {
	e.Status = to
	e.History = append(e.History, Transition{Status: to, On: on, At: now.UTC(), By: by, Reason: reason})
}

func checkDay(field string, on, today civil.Date) error {
	if on.IsZero() {
		return rules.Invalid(field, "is required")
	}
	if on.After(today) {
		return rules.Invalid(field, "must not be in the future")
	}
	return nil
}

// Expect follows the product's terms and price as they will be on the planned start day:
// until the start an enrolment shows the version expected, so a terms change effective on
// or before the start (or a changed contracted price) applies to it, and commitments and
// forecasts follow. Once started its terms are pinned and nothing changes. It reports what
// changed ("" when nothing did).
func (e *Enrolment) Expect(t trajectory.Terms, priceCents int64) string {
	if e.Status != StatusEnrolled {
		return ""
	}
	var changed []string
	if t.Version != e.Terms.Version {
		changed = append(changed, fmt.Sprintf("terms version %d (in force on the start, %s) instead of %d", t.Version, e.StartDate, e.Terms.Version))
	}
	if priceCents != e.PriceCents {
		changed = append(changed, fmt.Sprintf("price %s instead of %s", civil.Euro(priceCents), civil.Euro(e.PriceCents)))
	}
	if len(changed) == 0 {
		return ""
	}
	e.Terms, e.PriceCents = t, priceCents
	return strings.Join(changed, "; ")
}

// StartGrace is how far a start may be recorded before the planned start date (a group
// that began a few days early) or a planned start lie in the past when enrolling (an
// enrolment registered late).
const StartGrace = 14

// Start records that the participant began the trajectory. The terms are pinned here, by
// the day the participant actually started (DOMAIN: a change applies to enrolments that
// start after it; running ones keep the terms they started under): inForce gives the
// product's terms version in force on a day, from the newest offer (nil: keep the terms
// seen at enrolment). So an enrolment made before a change but starting on or after its
// date gets the new terms, and one whose start moves across the date gets the terms of the
// day it really started.
func (e *Enrolment) Start(on civil.Date, inForce func(civil.Date) (trajectory.Terms, bool), now time.Time, by string) error {
	if e.Status != StatusEnrolled {
		return rules.State("enrolment %s is %s; only an enrolled trajectory can start", e.ID, e.Status)
	}
	if err := checkDay("on", on, civil.DateOf(now)); err != nil {
		return err
	}
	if on.Before(e.StartDate.AddDays(-StartGrace)) {
		return rules.Invalid("on", "lies more than %d days before the planned start on %s", StartGrace, e.StartDate)
	}
	if inForce != nil {
		t, ok := inForce(on)
		if !ok {
			return rules.Invalid("on", "no terms of %s are in force on %s", e.ProductName, on)
		}
		e.Terms = t
	}
	e.StartedOn = on
	e.move(StatusStarted, on, now, by, "")
	return nil
}

// Complete records that the learning goals were met (leerdoelen behaald). It needs the
// product's minimum attendance hours. With placement before completion allowed, a placed
// participant may complete later: the milestone is recorded, the status stays placed.
func (e *Enrolment) Complete(on civil.Date, attendedMinutes int, now time.Time, by string) error {
	placedFirst := e.Terms.PlacementBeforeCompletion && e.Status == StatusPlaced && e.CompletedOn.IsZero()
	if e.Status != StatusStarted && !placedFirst {
		return rules.State("enrolment %s is %s; only a started trajectory can be completed", e.ID, e.Status)
	}
	if err := checkDay("on", on, civil.DateOf(now)); err != nil {
		return err
	}
	if on.Before(e.StartedOn) {
		return rules.Invalid("on", "must not be before the start on %s", e.StartedOn)
	}
	if need := e.Terms.MinAttendanceHours * 60; attendedMinutes < need {
		return rules.State("enrolment %s has %s attendance hours; the product requires at least %d before completion",
			e.ID, FormatHours(attendedMinutes), e.Terms.MinAttendanceHours)
	}
	e.CompletedOn = on
	if placedFirst {
		e.History = append(e.History, Transition{Status: StatusCompleted, On: on, At: now.UTC(), By: by, Reason: "completed after placement"})
		return nil
	}
	e.move(StatusCompleted, on, now, by, "")
	return nil
}

// PlaceOutcome says what recording a placement did.
type PlaceOutcome struct {
	Placement     *Placement
	New           bool // a job not known before
	Changed       bool // anything changed
	BecamePlaced  bool // the placed milestone was reached now
	BecameDurable bool // sustainable placement was reached now
	// WithdrewDurable: a correction (a job that ended sooner) means six months of work were
	// not reached after all; the enrolment is placed again and payments claims back.
	WithdrewDurable bool
}

// Place records a job, or a partner's confirmation of a known job (same employer and start
// date): the first job makes the enrolment placed. Placement needs completion unless the
// product allows placement before completion; later jobs extend the run towards sustainable
// placement, which is reached at once when the jobs already add up to six months.
func (e *Enrolment) Place(in PlacementInput, recordedBy string, now time.Time, by string) (PlaceOutcome, error) {
	today := civil.DateOf(now)
	if err := in.validate(today); err != nil {
		return PlaceOutcome{}, err
	}
	switch {
	case e.Status == StatusCompleted, e.Status == StatusPlaced:
	case e.Status == StatusStarted && e.Terms.PlacementBeforeCompletion:
	case e.Status == StatusStarted || e.Status == StatusEnrolled:
		return PlaceOutcome{}, rules.State("enrolment %s is %s; this product allows placement only after completion", e.ID, e.Status)
	case e.Status == StatusSustainablyPlaced:
		if pl := e.placement(in.EmployerKvK, in.StartDate); pl != nil {
			out := e.confirm(pl, in, recordedBy) // a late confirmation, or a correction of the job
			out.WithdrewDurable = e.recheckDurable(now, by)
			return out, nil
		}
		return PlaceOutcome{}, rules.State("enrolment %s is sustainably placed already", e.ID)
	default:
		return PlaceOutcome{}, rules.State("enrolment %s is %s; it cannot be placed", e.ID, e.Status)
	}
	var out PlaceOutcome
	if pl := e.placement(in.EmployerKvK, in.StartDate); pl != nil {
		out = e.confirm(pl, in, recordedBy)
	} else {
		e.Placements = append(e.Placements, newPlacement(len(e.Placements)+1, in, recordedBy))
		pl := &e.Placements[len(e.Placements)-1]
		if recordedBy != "workcoach" {
			pl.ConfirmedBy = []string{recordedBy}
		}
		out = PlaceOutcome{Placement: pl, New: true, Changed: true}
	}
	if e.Status != StatusPlaced {
		e.PlacedOn = in.StartDate
		e.move(StatusPlaced, in.StartDate, now, by, "")
		out.BecamePlaced = true
	}
	out.BecameDurable = e.CheckSustainable(now, by)
	return out, nil
}

func (e *Enrolment) confirm(pl *Placement, in PlacementInput, recordedBy string) PlaceOutcome {
	out := PlaceOutcome{Placement: pl}
	if recordedBy != "workcoach" && !slices.Contains(pl.ConfirmedBy, recordedBy) {
		pl.ConfirmedBy = append(pl.ConfirmedBy, recordedBy)
		out.Changed = true
	}
	// A confirmation that says nothing of the end keeps the end recorded: only a dated fact
	// changes a job, never its absence (a short job must not turn into a lasting one).
	end := pl.EndDate
	if !in.EndDate.IsZero() {
		end = in.EndDate
	}
	if end != pl.EndDate || in.HoursPerWeek != pl.HoursPerWeek || in.ContractType != pl.ContractType {
		pl.EndDate, pl.HoursPerWeek, pl.ContractType = end, in.HoursPerWeek, in.ContractType
		out.Changed = true
	}
	return out
}

// EndJob records the last day of a job, also a correction after sustainable placement: the
// projected sustainable day moves or vanishes, and a sustainable placement that no longer
// holds is withdrawn.
func (e *Enrolment) EndJob(placementID string, end civil.Date, now time.Time, by string) (PlaceOutcome, error) {
	if e.Status != StatusPlaced && e.Status != StatusSustainablyPlaced {
		return PlaceOutcome{}, rules.State("enrolment %s is %s; only jobs of a placed trajectory can end here", e.ID, e.Status)
	}
	i := slices.IndexFunc(e.Placements, func(p Placement) bool { return p.ID == placementID })
	if i < 0 {
		return PlaceOutcome{}, rules.ErrNotFound
	}
	if end.Before(e.Placements[i].StartDate) {
		return PlaceOutcome{}, rules.Invalid("endDate", "must not be before the job's start on %s", e.Placements[i].StartDate)
	}
	e.Placements[i].EndDate = end
	out := PlaceOutcome{Placement: &e.Placements[i], Changed: true}
	if e.Status == StatusSustainablyPlaced {
		out.WithdrewDurable = e.recheckDurable(now, by)
	} else {
		out.BecameDurable = e.CheckSustainable(now, by)
	}
	return out, nil
}

// recheckDurable withdraws a sustainable placement the dated jobs no longer support: six
// months of work are not reached by today. The enrolment is placed again (and may become
// sustainable later, when new jobs add up).
func (e *Enrolment) recheckDurable(now time.Time, by string) bool {
	if e.Status != StatusSustainablyPlaced {
		return false
	}
	on, ok := SustainableOn(e.Placements)
	if ok && !on.After(civil.DateOf(now)) {
		e.SustainableOn = on // still holds; the day may have moved
		return false
	}
	e.SustainableOn = civil.Date{}
	if ok {
		e.SustainableOn = on
	}
	e.move(StatusPlaced, civil.DateOf(now), now, by, "sustainable placement withdrawn: the jobs as corrected do not reach six months of work")
	return true
}

// CheckSustainable moves a placed enrolment to sustainably placed once its jobs reached six
// months of work by today; it keeps the projected day up to date otherwise. The scheduled
// check calls it daily, so the milestone is reached without anyone asking.
func (e *Enrolment) CheckSustainable(now time.Time, by string) bool {
	if e.Status != StatusPlaced {
		return false
	}
	on, ok := SustainableOn(e.Placements)
	if !ok {
		e.SustainableOn = civil.Date{}
		return false
	}
	e.SustainableOn = on
	if on.After(civil.DateOf(now)) {
		return false
	}
	e.move(StatusSustainablyPlaced, on, now, by, fmt.Sprintf("%d months of work", SustainableMonths))
	return true
}

// DropOut ends an open trajectory early, with a reason.
func (e *Enrolment) DropOut(reason string, on civil.Date, now time.Time, by string) error {
	if !e.Status.Open() {
		return rules.State("enrolment %s is %s; only an open trajectory can be dropped", e.ID, e.Status)
	}
	var v rules.Checker
	v.Check(strings.TrimSpace(reason) != "" && len(reason) <= 500, "reason", "is required (at most 500 characters)")
	v.Check(!on.IsZero() && !on.After(civil.DateOf(now)), "on", "is required and not in the future")
	if err := v.Err(); err != nil {
		return err
	}
	e.DroppedOutOn, e.DropoutReason = on, strings.TrimSpace(reason)
	e.move(StatusDroppedOut, on, now, by, e.DropoutReason)
	return nil
}

// FormatHours writes minutes as hours with up to two decimals (e.g. 255.75).
func FormatHours(minutes int) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", float64(minutes)/60), "0"), ".")
}
