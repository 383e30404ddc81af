package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// Admission is everything between one provider and one scheme: its applications and the
// contracts (overeenkomsten) that came of them. It is the unit of consistency: at most one
// contract is in force at a time, whatever is applied concurrently.
type Admission struct {
	optimistic.StoreVersion // the version: its ETag
	ID                      string
	SchemeID                string
	SchemeReference         string
	Region                  string
	Buyer                   string
	ProviderKvK             string
	Applications            []Application
	Contracts               []Contract
}

// AdmissionID is the deterministic id of a provider's admission to a scheme.
func AdmissionID(schemeID, kvk string) string { return schemeID + "." + kvk }

// NewAdmission starts the record of a provider and a scheme.
func NewAdmission(s *Scheme, kvk string) *Admission {
	return &Admission{ID: AdmissionID(s.ID, kvk), SchemeID: s.ID, SchemeReference: s.Reference, Region: s.Region, Buyer: s.Buyer, ProviderKvK: kvk}
}

// ContractStatus is active, suspended or ended.
type ContractStatus string

const (
	ContractActive    ContractStatus = "active"
	ContractSuspended ContractStatus = "suspended"
	ContractEnded     ContractStatus = "ended"
)

// Reasons a contract ends.
const (
	EndWithdrawn  = "withdrawn"  // the provider withdrew
	EndTerminated = "terminated" // the buyer ended it
)

// Contract is the agreement with a provider that met the requirements.
type Contract struct {
	optimistic.StoreVersion // the version: its ETag
	ID                      string
	Number                  string
	SchemeID                string
	SchemeReference         string
	Region                  string
	Buyer                   string
	ProviderKvK             string
	ProviderName            string
	ApplicationID           string
	Products                []ContractProduct
	Status                  ContractStatus
	AwardedAt               time.Time
	SuspendedReason         string
	// MissingCertificates is set while the contract is suspended because certificates its
	// products require are no longer valid; the contract resumes when they are renewed.
	MissingCertificates []string
	EndReason           string
	History             []StatusChange
}

// ContractProduct is a product the provider delivers, its price and the terms version in
// force at award. Enrolments pin the version in force at their own start.
type ContractProduct struct {
	ProductID    string
	Name         string
	PriceCents   int64
	TermsVersion int
}

// StatusChange records a status transition and why.
type StatusChange struct {
	Status ContractStatus
	Reason string           // in English, or as the buyer typed it
	Why    messages.Message // a reason the platform gave, by its code (none for a typed one)
	At     time.Time
	By     string
}

// because is a change for a reason the platform gives.
func because(status ContractStatus, why messages.Message, now time.Time, by string) StatusChange {
	return StatusChange{Status: status, Reason: why.English(), Why: why, At: now.UTC(), By: by}
}

// ContractID builds a contract id that names its admission, so a contract can be found
// without an index: ctr.<scheme id>.<kvk>.<n>.
func ContractID(admissionID string, n int) string { return fmt.Sprintf("ctr.%s.%d", admissionID, n) }

// ParseContractID returns the admission id of a contract id.
func ParseContractID(id string) (admissionID string, ok bool) { return parsePartID("ctr.", id) }

// ParseApplicationID returns the admission id of an application id (app.<admission>.<n>).
func ParseApplicationID(id string) (admissionID string, ok bool) { return parsePartID("app.", id) }

func parsePartID(prefix, id string) (admissionID string, ok bool) {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return "", false
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return "", false
	}
	if _, err := strconv.Atoi(rest[i+1:]); err != nil {
		return "", false
	}
	adm := rest[:i]
	j := strings.LastIndexByte(adm, '.')
	if j < 0 || !civil.ValidKvK(adm[j+1:]) {
		return "", false
	}
	return adm, true
}

// Current returns the contract in force (active or suspended), if any.
func (a *Admission) Current() (*Contract, bool) {
	for i := range a.Contracts {
		if a.Contracts[i].Status != ContractEnded {
			return &a.Contracts[i], true
		}
	}
	return nil, false
}

// Application returns an application of this admission by id.
func (a *Admission) Application(id string) (*Application, bool) {
	for i := range a.Applications {
		if a.Applications[i].ID == id {
			return &a.Applications[i], true
		}
	}
	return nil, false
}

// Contract returns a contract of this admission by id.
func (a *Admission) Contract(id string) (*Contract, bool) {
	for i := range a.Contracts {
		if a.Contracts[i].ID == id {
			return &a.Contracts[i], true
		}
	}
	return nil, false
}

// Apply checks an application and records its outcome: a contract when every requirement is
// met, otherwise a rejection listing each failed requirement. A rejected provider may apply
// again; a provider with a contract in force may not apply twice.
func (a *Admission) Apply(s *Scheme, in ApplicationInput, now time.Time, by string) (*Application, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	today := civil.DateOf(now)
	if err := s.AcceptsApplications(today); err != nil {
		return nil, err
	}
	if waiting := a.InReview(); waiting != nil {
		return nil, rules.State("application %s awaits the buyer's decision", waiting.ID)
	}
	current, extending := a.Current()
	if !extending {
		if err := checkStatements(s, in); err != nil {
			return nil, err
		}
	}
	if extending {
		if current.Status != ContractActive {
			return nil, rules.State("contract %s is %s: products can be added to an active contract only", current.Number, current.Status)
		}
		for _, p := range in.Products {
			if slices.ContainsFunc(current.Products, func(cp ContractProduct) bool { return cp.ProductID == p.ProductID }) {
				return nil, rules.State("provider %s already holds contract %s for product %s; apply for the products the scheme added", a.ProviderKvK, current.Number, p.ProductID)
			}
		}
	}
	app := Application{
		ID:           fmt.Sprintf("app.%s.%d", a.ID, len(a.Applications)+1),
		SchemeID:     s.ID,
		Region:       s.Region,
		ProviderKvK:  a.ProviderKvK,
		ProviderName: strings.TrimSpace(in.ProviderName),
		Products:     in.Products,
		Certificates: in.Certificates,
		Failures:     Evaluate(s, in, today),
		Statements:   in.Statements,
		SubmittedAt:  now.UTC(),
	}
	if app.Certificates == nil {
		app.Certificates = []HeldCertificate{}
	}
	if app.Failures == nil {
		app.Failures = []Failure{}
	}
	app.Extension = extending
	if len(app.Failures) > 0 {
		app.Status = ApplicationRejected
		a.Applications = append(a.Applications, app)
		return &a.Applications[len(a.Applications)-1], nil
	}
	if extending {
		for _, offer := range in.Products {
			current.Products = append(current.Products, contractProduct(s, offer, today))
		}
		current.History = append(current.History, because(current.Status, messages.Of("extended by application %s", app.ID), now, by))
		app.Status, app.ContractID = ApplicationAccepted, current.ID
		a.Applications = append(a.Applications, app)
		return &a.Applications[len(a.Applications)-1], nil
	}
	if len(s.AssessedRequirements) > 0 {
		app.Status = ApplicationInReview
		a.Applications = append(a.Applications, app)
		return &a.Applications[len(a.Applications)-1], nil
	}
	a.Applications = append(a.Applications, app)
	created := &a.Applications[len(a.Applications)-1]
	a.award(s, created, today, now, by)
	return created, nil
}

// award gives an accepted application its contract, for the products it offered under the
// terms in force on the day.
func (a *Admission) award(s *Scheme, app *Application, today civil.Date, now time.Time, by string) {
	n := len(a.Contracts) + 1
	c := Contract{
		ID:              ContractID(a.ID, n),
		Number:          fmt.Sprintf("%s/%s/%d", s.Reference, a.ProviderKvK, n),
		SchemeID:        s.ID,
		SchemeReference: s.Reference,
		Region:          s.Region,
		Buyer:           s.Buyer,
		ProviderKvK:     a.ProviderKvK,
		ProviderName:    app.ProviderName,
		ApplicationID:   app.ID,
		Status:          ContractActive,
		AwardedAt:       now.UTC(),
		History:         []StatusChange{because(ContractActive, messages.Of("awarded"), now, by)},
	}
	for _, offer := range app.Products {
		c.Products = append(c.Products, contractProduct(s, offer, today))
	}
	app.Status = ApplicationAccepted
	app.ContractID = c.ID
	a.Contracts = append(a.Contracts, c)
}

// InReview is the application that awaits the buyer's decision, if any.
func (a *Admission) InReview() *Application {
	for i := range a.Applications {
		if a.Applications[i].Status == ApplicationInReview {
			return &a.Applications[i]
		}
	}
	return nil
}

// Decide records the buyer's judgement of an application in review, one assessment per
// assessed requirement in the scheme's order: all met, the provider gets its contract; one
// not met, the application is rejected with the buyer's reasons (the provider may apply
// again). It reports the contract awarded, if any.
func (a *Admission) Decide(s *Scheme, id string, assessments []Assessment, now time.Time, by string) (*Application, *Contract, error) {
	app, ok := a.Application(id)
	if !ok {
		return nil, nil, rules.ErrNotFound
	}
	if app.Status != ApplicationInReview {
		return nil, nil, rules.State("application %s is %s; only an application in review is decided", app.ID, app.Status)
	}
	v := &rules.Checker{}
	v.Check(len(assessments) == len(s.AssessedRequirements), "assessments", "judge each of the scheme's %d assessed requirements", len(s.AssessedRequirements))
	for i, as := range assessments {
		v.Check(as.Met || strings.TrimSpace(as.Reason) != "", fmt.Sprintf("assessments[%d].reason", i), "say why it is not met: the provider reads it")
		v.Check(len(as.Reason) <= 1000, fmt.Sprintf("assessments[%d].reason", i), "may be at most 1000 characters")
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	d := &Decision{By: by, At: now.UTC()}
	allMet := true
	for i, as := range assessments {
		as.Requirement, as.Reason = s.AssessedRequirements[i], strings.TrimSpace(as.Reason)
		d.Assessments = append(d.Assessments, as)
		if !as.Met {
			allMet = false
			app.Failures = append(app.Failures, failed(ReqAssessed, "", messages.Of("%s: not met — %s", as.Requirement, as.Reason)))
		}
	}
	app.Decision = d
	if !allMet {
		app.Status = ApplicationRejected
		return app, nil, nil
	}
	a.award(s, app, civil.DateOf(now), now, by)
	c, _ := a.Contract(app.ContractID)
	return app, c, nil
}

// Suspend puts an active contract on hold (e.g. a required certificate expired).
func (c *Contract) Suspend(reason string, now time.Time, by string) error {
	if c.Status != ContractActive {
		return rules.State("contract %s is %s; only an active contract can be suspended", c.Number, c.Status)
	}
	if strings.TrimSpace(reason) == "" {
		return rules.Invalid("reason", "is required")
	}
	c.Status, c.SuspendedReason = ContractSuspended, reason
	c.History = append(c.History, StatusChange{Status: ContractSuspended, Reason: reason, At: now.UTC(), By: by})
	return nil
}

// Resume puts a suspended contract back in force.
func (c *Contract) Resume(now time.Time, by string) error {
	if c.Status != ContractSuspended {
		return rules.State("contract %s is %s; only a suspended contract can be resumed", c.Number, c.Status)
	}
	c.Status, c.SuspendedReason, c.MissingCertificates = ContractActive, "", nil
	c.History = append(c.History, because(ContractActive, messages.Of("resumed"), now, by))
	return nil
}

// End ends the contract for good; enrolments already running are finished under it.
func (c *Contract) End(reason string, now time.Time, by string) error {
	if c.Status == ContractEnded {
		return rules.State("contract %s has ended already", c.Number)
	}
	c.Status, c.EndReason, c.SuspendedReason, c.MissingCertificates = ContractEnded, reason, "", nil
	c.History = append(c.History, StatusChange{Status: ContractEnded, Reason: reason, At: now.UTC(), By: by})
	return nil
}

// CertificateOutcome is what a provider's certificate change did to a contract.
type CertificateOutcome string

const (
	CertificatesUnchanged CertificateOutcome = ""
	CertificatesSuspended CertificateOutcome = "suspended"
	CertificatesResumed   CertificateOutcome = "resumed"
)

// CheckCertificates applies the provider's currently valid certificates: an active contract
// whose products require a certificate that is not valid is suspended; a contract suspended
// for that reason resumes once every required certificate is valid again. A suspension by
// the buyer is left alone: only the buyer lifts it.
func (c *Contract) CheckCertificates(required, valid []string, now time.Time, by string) CertificateOutcome {
	var missing []string
	have := make([]string, len(valid))
	for i, v := range valid {
		have[i] = civil.CertificateType(v)
	}
	for _, r := range required {
		r = civil.CertificateType(r)
		if !slices.Contains(have, r) && !slices.Contains(missing, r) {
			missing = append(missing, r)
		}
	}
	slices.Sort(missing)
	switch {
	case c.Status == ContractActive && len(missing) > 0:
		why := messages.Of("required certificate no longer valid: %s", strings.Join(missing, ", "))
		c.Status, c.SuspendedReason = ContractSuspended, why.English()
		c.History = append(c.History, because(ContractSuspended, why, now, by))
		c.MissingCertificates = missing
		return CertificatesSuspended
	case c.Status == ContractSuspended && len(c.MissingCertificates) > 0 && len(missing) == 0:
		_ = c.Resume(now, by)
		return CertificatesResumed
	case c.Status == ContractSuspended && len(c.MissingCertificates) > 0 && !slices.Equal(missing, c.MissingCertificates):
		c.MissingCertificates = missing // still suspended, for a different set
		c.SuspendedReason = "required certificate no longer valid: " + strings.Join(missing, ", ")
	}
	return CertificatesUnchanged
}

// contractProduct is a product of an accepted application as contracted: the offered
// price under the terms version in force today.
func contractProduct(s *Scheme, offer ProductOffer, today civil.Date) ContractProduct {
	p, _ := s.Product(offer.ProductID)
	t, ok := p.TermsAt(today)
	if !ok {
		t = p.Terms[0]
	}
	return ContractProduct{ProductID: p.ID, Name: p.Name, PriceCents: offer.PriceCents, TermsVersion: t.Version}
}
