package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// DeclarationStatus is where a declaration stands.
type DeclarationStatus string

const (
	// DeclarationChecking: a candidate's months are being checked against every other
	// declaration of the person, in every region.
	DeclarationChecking  DeclarationStatus = "checking"
	DeclarationSubmitted DeclarationStatus = "submitted" // valued; the buyer or werkplein decides
	DeclarationApproved  DeclarationStatus = "approved"
	DeclarationRejected  DeclarationStatus = "rejected"
	// DeclarationExpired: no one decided within the region's decision period; its claims
	// are freed, the contractor may declare again.
	DeclarationExpired DeclarationStatus = "expired"
)

// Candidate sources.
const (
	SourceExternal = "external" // a candidate the contractor found itself
	SourcePlatform = "platform" // a participant of the platform placed with the contractor
)

// Declaration is what a contractor declares for a project's obligation: a candidate it
// deploys, purchasing from a social enterprise, or hours of guest lessons or coaching;
// valued with the project's table, with the calculation shown.
type Declaration struct {
	optimistic.StoreVersion
	ID            string
	Region        string
	ProjectID     string
	ContractorKvK string
	Kind          string
	Status        DeclarationStatus
	Candidate     *CandidateInput
	Purchase      *PurchaseInput
	Hours         *HoursInput
	Source        string
	// EnrolmentID refers to the platform placement declared (with the person's consent).
	EnrolmentID string
	Consent     *Consent
	// Person is the keyed pseudonym of the candidate (never the BSN): what double counting
	// is checked on. The API never shows it.
	Person string
	// Months are the candidate's months in the declared period; Counted those that count;
	// Planned those after the current month (a forecast, claimed once they have passed);
	// Claiming those asked for in a claim not answered yet.
	Months   []string
	Counted  []string
	Planned  []string
	Claiming []string
	Refused  []RefusedMonth
	Value    Value
	// PlannedCents is what the planned months will be worth (the forecast adds it).
	PlannedCents Cents
	// Key is what a purchase or hours are claimed by (a purchase's supplier and invoice, a
	// person's week), Units what of it (the invoice, the week); never shown.
	Key   string
	Units []string
	// DecideBy: a submitted declaration not decided by this day expires and frees its
	// claims; RemindOn: the buyer and werkplein are reminded then (Reminded once).
	DecideBy civil.Date
	RemindOn civil.Date
	Reminded bool
	// MaxMonths is the table's cap for this candidate on one project.
	MaxMonths   int
	Reason      string
	DecidedBy   string
	DecidedAt   *time.Time
	Evidence    []Evidence
	SubmittedBy string
	SubmittedAt time.Time
	UpdatedAt   time.Time
}

// PurchaseInput is purchasing from a social enterprise, at invoice value or the share the
// table gives the enterprise's certification.
type PurchaseInput struct {
	InvoiceCents  Cents
	Enterprise    string // the certification (table's purchasing shares); "" at invoice value
	Supplier      string
	SupplierKvK   string
	InvoiceNumber string
	InvoiceDate   civil.Date
}

// PurchaseKey is what a purchase counts once by, in every region: the supplier's KvK
// number and the invoice number (without spaces, dots and dashes, in capitals).
func (in PurchaseInput) PurchaseKey() string {
	n := strings.ToUpper(strings.NewReplacer(" ", "", ".", "", "-", "", "/", "").Replace(in.InvoiceNumber))
	sum := sha256.Sum256([]byte("werkregio-purchase|" + in.SupplierKvK + "|" + n))
	return hex.EncodeToString(sum[:])
}

// HoursInput is hours of guest lessons, coaching or another hours-based contribution by one
// person (identified by BSN in the request, kept as a pseudonym), in the week of On: a
// person's week counts once.
type HoursInput struct {
	Hours    int
	Activity string
	On       civil.Date
}

// Consent records that the participant agreed to be declared for this contractor.
type Consent struct {
	Given      bool
	On         civil.Date
	RecordedBy string
}

// RefusedMonth is a month of the period that does not count, with the reason.
type RefusedMonth struct {
	Month  string
	Reason string
	Why    messages.Message // the reason by its rule, for Dutch
	// Taken: another declaration holds it (where is told the project's buyer and the
	// werkplein only: Redacted).
	Taken bool
}

// NotAvailable is all a contractor is told of a month (an invoice, a week) another
// declaration holds: where it counts would tell something of the person.
const NotAvailable = "not available: it counts already in another declaration"

// notAvailable is NotAvailable by its rule.
var notAvailable = messages.Of("not available: it counts already in another declaration")

// Redacted is the declaration as its contractor sees it: a month another declaration holds
// is "not available", without the project or region that holds it.
func (d *Declaration) Redacted() *Declaration {
	c := *d
	c.Refused = make([]RefusedMonth, len(d.Refused))
	hidden := map[string]string{}
	for i, r := range d.Refused {
		c.Refused[i] = r
		if r.Taken {
			c.Refused[i].Reason, c.Refused[i].Why = NotAvailable, notAvailable
			hidden[r.Month+": "+r.Reason] = r.Month + ": " + NotAvailable
			hidden[r.Reason] = NotAvailable
		}
	}
	c.Value.Trace = make([]Step, len(d.Value.Trace))
	for i, st := range d.Value.Trace {
		if h, ok := hidden[st.Detail]; ok {
			st.Detail = h
		}
		c.Value.Trace[i] = st
	}
	return &c
}

// Evidence is a document attached to a declaration (a contract, an invoice).
type Evidence struct {
	ID          string
	Name        string
	ContentType string
	Bytes       int64
	SHA256      string
	AddedBy     string
	AddedAt     time.Time
}

// Validate checks a purchase line.
func (in PurchaseInput) Validate(t Table) error {
	var v rules.Checker
	_, known := t.PurchaseBasisPoints[in.Enterprise]
	v.Check(known, "purchase.enterprise", "%s does not value purchasing from %q; it knows %s", t.Name, in.Enterprise, strings.Join(enterprisesOf(t), ", "))
	v.Check(in.InvoiceCents > 0, "purchase.invoiceCents", "must be positive")
	v.Check(strings.TrimSpace(in.Supplier) != "" && len(in.Supplier) <= 200, "purchase.supplier", "is required, at most 200 characters")
	v.Check(civil.ValidKvK(in.SupplierKvK), "purchase.supplierKvk", "the supplier's KvK number of 8 digits: a purchase counts once by its supplier and invoice")
	v.Check(strings.TrimSpace(in.InvoiceNumber) != "" && len(in.InvoiceNumber) <= 100, "purchase.invoiceNumber", "is required")
	v.Check(!in.InvoiceDate.IsZero(), "purchase.invoiceDate", "is required")
	return v.Err()
}

func enterprisesOf(t Table) []string {
	var out []string
	for e := range t.PurchaseBasisPoints {
		if e == "" {
			e = `"" (at invoice value)`
		}
		out = append(out, e)
	}
	return sortedStrings(out)
}

// Validate checks an hours line.
func (in HoursInput) Validate() error {
	var v rules.Checker
	v.Check(in.Hours > 0 && in.Hours <= 10_000, "hours.hours", "must be between 1 and 10000")
	v.Check(strings.TrimSpace(in.Activity) != "" && len(in.Activity) <= 200, "hours.activity", "say what the hours were (guest lessons, coaching)")
	v.Check(!in.On.IsZero(), "hours.on", "is required")
	return v.Err()
}

// Check: a new declaration is checked against every declaration of its person (its claim on
// the shared topic) before it is valued.
func (d *Declaration) Check() { d.Status = DeclarationChecking }

// Settle applies the answer to a claim across projects and regions: the granted units
// count, the others are refused with their reason, and the value follows. The first claim
// settles a declaration being checked; a later one (planned months that have passed) adds
// to it. It returns what the value and the planned value changed by.
func (d *Declaration) Settle(t Table, granted []string, refused []RefusedMonth, now time.Time) (delta, plannedDelta Cents, err error) {
	first := d.Status == DeclarationChecking
	if !first && len(d.Claiming) == 0 {
		return 0, 0, rules.State("declaration %s is %s and claims nothing", d.ID, d.Status)
	}
	before, plannedBefore := d.Value.Cents, d.PlannedCents
	d.Refused = append(d.Refused, refused...)
	d.Claiming = nil
	switch d.Kind {
	case KindCandidate:
		d.Counted = slices.Sorted(slices.Values(append(d.Counted, granted...)))
		if err := d.revalue(t); err != nil {
			return 0, 0, err
		}
	default: // a purchase or hours: they count whole, or not at all
		d.Counted = slices.Sorted(slices.Values(granted))
		if len(granted) == 0 {
			d.Value = Value{Table: d.Value.Table, Trace: []Step{}}
		}
		for _, r := range refused {
			d.Value.Trace = append(d.Value.Trace, Step{Rule: "does not count", Detail: r.Reason})
		}
	}
	if first {
		d.Status = DeclarationSubmitted
	}
	d.UpdatedAt = now.UTC()
	return d.Value.Cents - before, d.PlannedCents - plannedBefore, nil
}

// revalue values a candidate's counted months and its planned ones, with the reasons of
// those that do not count.
func (d *Declaration) revalue(t Table) error {
	c := d.Candidate.Contribution(t)
	v, err := ValueOf(t, c, len(d.Counted))
	if err != nil {
		return err
	}
	for _, r := range d.Refused {
		v.Trace = append(v.Trace, Step{Rule: "month does not count", Detail: r.Month + ": " + r.Reason})
	}
	if len(d.Planned) > 0 {
		v.Trace = append(v.Trace, said("months planned", 0, "%s: counted once they have passed", strings.Join(d.Planned, ", ")))
	}
	planned, err := ValueOf(t, c, len(d.Planned))
	if err != nil {
		return err
	}
	d.Value, d.PlannedCents = v, planned.Cents
	return nil
}

// PlanMonths splits a candidate's declared months by the project's window and today:
// months before the award's month or after the deadline's (plus the policy's grace) are
// refused with the reason; months after the current month are planned, a forecast that
// counts once they have passed; the rest are claimed now.
func PlanMonths(months []string, awarded, deadline civil.Date, graceMonths int, today civil.Date) (claim, planned []string, refused []RefusedMonth) {
	first, last, current := monthOf(awarded), monthOf(deadline.AddMonths(graceMonths)), monthOf(today)
	for _, m := range months {
		switch {
		case m < first:
			refused = append(refused, RefusedMonth{Month: m, Reason: "lies before the award on " + awarded.String()})
		case m > last:
			reason := "lies after the deadline of " + deadline.String()
			if graceMonths > 0 {
				reason += fmt.Sprintf(" and the policy's %d months' grace", graceMonths)
			}
			refused = append(refused, RefusedMonth{Month: m, Reason: reason})
		case m > current:
			planned = append(planned, m)
		default:
			claim = append(claim, m)
		}
	}
	return claim, planned, refused
}

// DuePlanned moves the planned months that have passed by today to the ones to claim.
func (d *Declaration) DuePlanned(today civil.Date) []string {
	current := monthOf(today)
	var due, rest []string
	for _, m := range d.Planned {
		if m <= current {
			due = append(due, m)
		} else {
			rest = append(rest, m)
		}
	}
	d.Planned, d.Claiming = rest, append(d.Claiming, due...)
	return due
}

// Awaits reports whether the declaration waits for the answer to a claim of these units.
func (d *Declaration) Awaits(units []string) bool {
	if len(units) == 0 || len(d.Claiming) == 0 {
		return false
	}
	for _, u := range units {
		if !slices.Contains(d.Claiming, u) {
			return false
		}
	}
	return true
}

// NextPlanned is the first planned month ("" when none).
func (d *Declaration) NextPlanned() string {
	if len(d.Planned) == 0 {
		return ""
	}
	return slices.Min(d.Planned)
}

func monthOf(d civil.Date) string { return d.String()[:7] }

// WeekOf is the ISO week of a day: 2026-W49.
func WeekOf(d civil.Date) string {
	y, w := d.Time().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// AwaitDecision starts the decision period of a submitted declaration: it expires by
// decideBy unless decided, and the deciders are reminded remind days before.
func (d *Declaration) AwaitDecision(today civil.Date, days, remind int) {
	d.DecideBy = today.AddDays(days)
	d.RemindOn = d.DecideBy.AddDays(-remind)
}

// Expire ends a declaration no one decided within its period: its claims are to be freed.
func (d *Declaration) Expire(today civil.Date, now time.Time) error {
	if d.Status != DeclarationSubmitted || d.DecideBy.IsZero() || d.DecideBy.After(today) {
		return rules.State("declaration %s is %s, decide by %s", d.ID, d.Status, d.DecideBy)
	}
	d.Status, d.Reason = DeclarationExpired, "not decided by "+d.DecideBy.String()+": expired, its months and claims are free again"
	d.DecideBy, d.RemindOn, d.UpdatedAt = civil.Date{}, civil.Date{}, now.UTC()
	return nil
}

// Decide approves or rejects a valued declaration with a reason (a rejection needs one).
func (d *Declaration) Decide(approve bool, reason, by string, now time.Time) error {
	if d.Status != DeclarationSubmitted {
		return rules.State("declaration %s is %s; only a submitted declaration is decided", d.ID, d.Status)
	}
	reason = strings.TrimSpace(reason)
	if !approve && len(reason) < 5 {
		return rules.Invalid("reason", "say why the declaration is rejected (at least 5 characters)")
	}
	if len(reason) > 1000 {
		return rules.Invalid("reason", "at most 1000 characters")
	}
	d.Status = DeclarationApproved
	if !approve {
		d.Status = DeclarationRejected
		d.Planned = nil // a rejected declaration will count no month
	}
	at := now.UTC()
	d.Reason, d.DecidedBy, d.DecidedAt, d.UpdatedAt = reason, by, &at, at
	d.DecideBy, d.RemindOn = civil.Date{}, civil.Date{}
	return nil
}

// TypeLabel is what the figures group the declaration's value by: the candidate type, or
// the kind of alternative contribution.
func (d *Declaration) TypeLabel() string {
	if d.Candidate != nil {
		return string(d.Candidate.Candidate)
	}
	return d.Kind
}
