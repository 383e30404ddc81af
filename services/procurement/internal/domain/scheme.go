package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

// Sector of a scheme or tender.
type Sector string

// Sectors in use in the regions (bouw, techniek, transport & logistiek, zorg, ...).
var Sectors = []Sector{"bouw", "techniek", "bouw-en-techniek", "transport-en-logistiek", "zorg", "welzijn", "onderwijs", "ict", "horeca", "detailhandel", "groen", "schoonmaak", "productie", "overig"}

// SchemeStatus is the lifecycle: draft -> open -> closed.
type SchemeStatus string

const (
	SchemeDraft  SchemeStatus = "draft"
	SchemeOpen   SchemeStatus = "open"
	SchemeClosed SchemeStatus = "closed"
)

// Scheme is an Open House scheme (Open House-regeling): a buyer sets only suitability
// requirements (geschiktheidseisen) and contracts every provider that meets them.
type Scheme struct {
	optimistic.StoreVersion // the version: its ETag
	ID                      string
	Reference               string
	Region                  string
	Buyer                   string
	Title                   string
	Description             string
	Sector                  Sector
	OpenFrom                civil.Date
	OpenUntil               civil.Date
	Status                  SchemeStatus
	// AssessedRequirements are judged by a buyer, not by the platform (see Admission.Decide).
	AssessedRequirements []string
	Products             []Product
	PublishedAt          *time.Time
	ClosedAt             *time.Time
}

// SchemeDraft is what a buyer sends to create or edit a scheme.
type SchemeInput struct {
	Reference   string
	Title       string
	Description string
	Sector      Sector
	OpenFrom    civil.Date
	OpenUntil   civil.Date
	// AssessedRequirements: suitability requirements a buyer judges by hand (an
	// implementation plan that meets the learning goals, a reference of a similar course).
	AssessedRequirements []string
}

var referencePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{2,39}$`)

func (in SchemeInput) validate() error {
	v := &rules.Checker{}
	v.Check(referencePattern.MatchString(in.Reference), "reference", "must be 3-40 capitals, digits or dashes, e.g. OH-2026-BT")
	v.Check(strings.TrimSpace(in.Title) != "" && len(in.Title) <= 200, "title", "is required, at most 200 characters")
	v.Check(len(in.Description) <= 4000, "description", "may be at most 4000 characters")
	v.Check(slices.Contains(Sectors, in.Sector), "sector", "must be one of %v", Sectors)
	v.Check(len(in.AssessedRequirements) <= MaxAssessedRequirements, "assessedRequirements", "at most %d requirements", MaxAssessedRequirements)
	for i, r := range in.AssessedRequirements {
		r = strings.TrimSpace(r)
		v.Check(len(r) >= 3 && len(r) <= 300, fmt.Sprintf("assessedRequirements[%d]", i), "must be 3 to 300 characters")
		v.Check(!slices.Contains(in.AssessedRequirements[:i], in.AssessedRequirements[i]), fmt.Sprintf("assessedRequirements[%d]", i), "is listed twice")
	}
	v.Check(!in.OpenFrom.IsZero(), "openFrom", "is required")
	v.Check(!in.OpenUntil.IsZero(), "openUntil", "is required")
	if !in.OpenFrom.IsZero() && !in.OpenUntil.IsZero() {
		v.Check(in.OpenUntil.After(in.OpenFrom), "openUntil", "must be after openFrom")
	}
	return v.Err()
}

// NewScheme creates a draft scheme owned by the buyer organisation.
func NewScheme(id, region, buyer string, in SchemeInput) (*Scheme, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s := &Scheme{ID: id, Region: region, Buyer: buyer, Status: SchemeDraft, Products: []Product{}}
	s.apply(in)
	return s, nil
}

func (s *Scheme) apply(in SchemeInput) {
	s.Reference, s.Title, s.Description, s.Sector = in.Reference, strings.TrimSpace(in.Title), in.Description, in.Sector
	s.OpenFrom, s.OpenUntil = in.OpenFrom, in.OpenUntil
	s.AssessedRequirements = make([]string, len(in.AssessedRequirements))
	for i, r := range in.AssessedRequirements {
		s.AssessedRequirements[i] = strings.TrimSpace(r)
	}
}

// MaxAssessedRequirements bounds what a buyer judges by hand: Open House admits on minimum
// requirements, and a long list of judgements turns it into a selection.
const MaxAssessedRequirements = 10

// Edit changes a draft. Once published the run and requirements are public commitments:
// changes then go through new terms versions or an earlier close.
func (s *Scheme) Edit(in SchemeInput) error {
	if s.Status != SchemeDraft {
		return rules.State("only a draft scheme can be edited; this one is %s", s.Status)
	}
	if err := in.validate(); err != nil {
		return err
	}
	s.apply(in)
	return nil
}

// Publish opens the scheme for applications.
func (s *Scheme) Publish(now time.Time) error {
	if s.Status != SchemeDraft {
		return rules.State("only a draft scheme can be published; this one is %s", s.Status)
	}
	if len(s.Products) == 0 {
		return rules.State("a scheme needs at least one product before it is published")
	}
	if !s.OpenUntil.After(civil.DateOf(now)) {
		return rules.State("the run ends on %s, which has passed", s.OpenUntil)
	}
	s.Status = SchemeOpen
	t := now.UTC()
	s.PublishedAt = &t
	return nil
}

// Close ends the run early or on time; contracts already made stay in force.
func (s *Scheme) Close(now time.Time) error {
	if s.Status != SchemeOpen {
		return rules.State("only an open scheme can be closed; this one is %s", s.Status)
	}
	s.Status = SchemeClosed
	t := now.UTC()
	s.ClosedAt = &t
	return nil
}

// AcceptsApplications reports why applications are refused on the day, or nil.
func (s *Scheme) AcceptsApplications(today civil.Date) error {
	switch {
	case s.Status != SchemeOpen:
		return rules.State("scheme %s is %s and takes no applications", s.Reference, s.Status)
	case today.Before(s.OpenFrom):
		return rules.State("scheme %s opens on %s", s.Reference, s.OpenFrom)
	case today.After(s.OpenUntil):
		return rules.State("scheme %s ran until %s", s.Reference, s.OpenUntil)
	}
	return nil
}

// Product returns the product with the id.
func (s *Scheme) Product(id string) (*Product, bool) {
	for i := range s.Products {
		if s.Products[i].ID == id {
			return &s.Products[i], true
		}
	}
	return nil, false
}

// AddProduct adds a product with its first terms, in force from effectiveFrom. Products may
// be added over the run (e.g. a soft-skills product added later).
func (s *Scheme) AddProduct(id string, in ProductInput, today civil.Date) (*Product, error) {
	if s.Status == SchemeClosed {
		return nil, rules.State("scheme %s is closed", s.Reference)
	}
	v := &rules.Checker{}
	v.Check(strings.TrimSpace(in.Name) != "" && len(in.Name) <= 200, "name", "is required, at most 200 characters")
	for _, p := range s.Products {
		v.Check(!strings.EqualFold(p.Name, in.Name), "name", "product %q exists already", in.Name)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	from := in.Terms.EffectiveFrom
	if from.IsZero() {
		from = civil.Max(today, s.OpenFrom)
	}
	terms, err := newTerms(1, in.Terms, from)
	if err != nil {
		return nil, err
	}
	s.Products = append(s.Products, Product{ID: id, Name: strings.TrimSpace(in.Name), Description: in.Description, Terms: []trajectory.Terms{terms}})
	return &s.Products[len(s.Products)-1], nil
}

// ChangeTerms adds a new terms version to a product. It applies to every enrolment that
// starts on or after effectiveFrom, also those enrolled before the change; enrolments that
// started earlier keep their terms. The newest version in force on a day wins, so a late
// correction (effectiveFrom in the past, up to a year) replaces the versions from its date
// on for every start still to come.
func (s *Scheme) ChangeTerms(productID string, in TermsInput, today civil.Date) (trajectory.Terms, error) {
	if s.Status == SchemeClosed {
		return trajectory.Terms{}, rules.State("scheme %s is closed", s.Reference)
	}
	p, ok := s.Product(productID)
	if !ok {
		return trajectory.Terms{}, rules.State("scheme %s has no product %s", s.Reference, productID)
	}
	latest := p.Terms[len(p.Terms)-1]
	from := in.EffectiveFrom
	if from.IsZero() {
		from = today
	}
	v := &rules.Checker{}
	v.Check(!from.Before(today.AddDays(-MaxTermsBackdating)), "effectiveFrom",
		"lies more than %d days in the past; a correction that old needs a new scheme", MaxTermsBackdating)
	v.Check(!from.Before(p.Terms[0].EffectiveFrom), "effectiveFrom", "lies before the product's first terms (%s)", p.Terms[0].EffectiveFrom)
	if err := v.Err(); err != nil {
		return trajectory.Terms{}, err
	}
	t, err := newTerms(latest.Version+1, in, from)
	if err != nil {
		return trajectory.Terms{}, err
	}
	p.Terms = append(p.Terms, t)
	return t, nil
}

// MaxTermsBackdating bounds how far back a terms change may take effect.
const MaxTermsBackdating = 365

// CanBeChangedBy reports whether the organisation owns the scheme.
func (s *Scheme) CanBeChangedBy(org string) bool { return s.Buyer == org }

func (s *Scheme) String() string { return fmt.Sprintf("scheme %s (%s)", s.Reference, s.ID) }
