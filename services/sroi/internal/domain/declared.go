package domain

import (
	"slices"
	"strings"
	"time"

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
	rules.StoreVersion `json:"-"`
	ID                 string            `json:"id"`
	Region             string            `json:"region"`
	ProjectID          string            `json:"projectId"`
	ContractorKvK      string            `json:"contractorKvk"`
	Kind               string            `json:"kind"`
	Status             DeclarationStatus `json:"status"`
	Candidate          *CandidateInput   `json:"candidate,omitempty"`
	Purchase           *PurchaseInput    `json:"purchase,omitempty"`
	Hours              *HoursInput       `json:"hours,omitempty"`
	Source             string            `json:"source,omitempty"`
	// EnrolmentID refers to the platform placement declared (with the person's consent).
	EnrolmentID string   `json:"enrolmentId,omitempty"`
	Consent     *Consent `json:"consent,omitempty"`
	// Person is the keyed pseudonym of the candidate (never the BSN): what double counting
	// is checked on. The API never shows it.
	Person string `json:"person,omitempty"`
	// Months are the candidate's months in the declared period; Counted those that count.
	Months  []string       `json:"months,omitempty"`
	Counted []string       `json:"counted,omitempty"`
	Refused []RefusedMonth `json:"refused,omitempty"`
	Value   Value          `json:"value"`
	// MaxMonths is the table's cap for this candidate on one project.
	MaxMonths   int        `json:"maxMonths,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	DecidedBy   string     `json:"decidedBy,omitempty"`
	DecidedAt   *time.Time `json:"decidedAt,omitempty"`
	Evidence    []Evidence `json:"evidence,omitempty"`
	SubmittedBy string     `json:"submittedBy"`
	SubmittedAt time.Time  `json:"submittedAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

// PurchaseInput is purchasing from a social enterprise, at invoice value or the share the
// table gives the enterprise's certification.
type PurchaseInput struct {
	InvoiceCents  Cents  `json:"invoiceCents"`
	Enterprise    string `json:"enterprise"` // the certification (table's purchasing shares); "" at invoice value
	Supplier      string `json:"supplier"`
	InvoiceNumber string `json:"invoiceNumber"`
	InvoiceDate   Date   `json:"invoiceDate"`
}

// HoursInput is hours of guest lessons, coaching or another hours-based contribution.
type HoursInput struct {
	Hours    int    `json:"hours"`
	Activity string `json:"activity"`
	On       Date   `json:"on"`
}

// Consent records that the participant agreed to be declared for this contractor.
type Consent struct {
	Given      bool   `json:"given"`
	On         Date   `json:"on"`
	RecordedBy string `json:"recordedBy"`
}

// RefusedMonth is a month of the period that does not count, with the reason.
type RefusedMonth struct {
	Month  string `json:"month"`
	Reason string `json:"reason"`
}

// Evidence is a document attached to a declaration (a contract, an invoice).
type Evidence struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"contentType"`
	Bytes       int64     `json:"bytes"`
	SHA256      string    `json:"sha256"`
	AddedBy     string    `json:"addedBy"`
	AddedAt     time.Time `json:"addedAt"`
}

// Validate checks a purchase line.
func (in PurchaseInput) Validate(t Table) error {
	var v rules.Checker
	_, known := t.PurchaseBasisPoints[in.Enterprise]
	v.Check(known, "purchase.enterprise", "%s does not value purchasing from %q; it knows %s", t.Name, in.Enterprise, strings.Join(enterprisesOf(t), ", "))
	v.Check(in.InvoiceCents > 0, "purchase.invoiceCents", "must be positive")
	v.Check(strings.TrimSpace(in.Supplier) != "" && len(in.Supplier) <= 200, "purchase.supplier", "is required (at most 200 characters)")
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

// Settle decides a candidate's months after the check across projects and regions: the
// granted months count, the others are refused with their reason; the value follows.
func (d *Declaration) Settle(t Table, granted []string, refused []RefusedMonth, now time.Time) error {
	if d.Status != DeclarationChecking {
		return rules.State("declaration %s is %s, not being checked", d.ID, d.Status)
	}
	d.Counted, d.Refused = slices.Sorted(slices.Values(granted)), refused
	v, err := ValueOf(t, d.Candidate.Contribution(t), len(d.Counted))
	if err != nil {
		return err
	}
	for _, r := range refused {
		v.Trace = append(v.Trace, Step{Rule: "month does not count", Detail: r.Month + ": " + r.Reason})
	}
	d.Value, d.Status, d.UpdatedAt = v, DeclarationSubmitted, now.UTC()
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
	}
	at := now.UTC()
	d.Reason, d.DecidedBy, d.DecidedAt, d.UpdatedAt = reason, by, &at, at
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

// MaxEvidence is how many documents a declaration takes.
const MaxEvidence = 10
