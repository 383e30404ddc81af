package domain

import (
	"fmt"
	"strings"
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// ApplicationInput is a provider's application to join a scheme (toetreding).
type ApplicationInput struct {
	ProviderName      string
	AcceptsConditions bool
	Products          []ProductOffer
	Certificates      []HeldCertificate
	// Statements are the provider's account of each assessed requirement, in the scheme's order.
	Statements []string
}

// ProductOffer is a product the provider wants to deliver, at its price.
type ProductOffer struct {
	ProductID              string
	PriceCents             int64
	PlannedAttendanceHours int
}

// HeldCertificate is a certificate or quality mark the provider holds.
type HeldCertificate struct {
	Name       string
	ValidUntil civil.Date
}

// Requirement codes of a failed check, stable for clients to act on.
const (
	ReqConditions        = "conditions_not_accepted"
	ReqUnknownProduct    = "unknown_product"
	ReqPrice             = "price_above_maximum"
	ReqAttendance        = "attendance_below_minimum"
	ReqCertificate       = "certificate_missing"
	ReqCertificateExpiry = "certificate_expired"
	ReqAssessed          = "assessed_requirement_not_met"
)

// Failure is one requirement an application does not meet.
type Failure struct {
	Requirement string
	ProductID   string
	Detail      string           // in English
	Why         messages.Message // the detail by its code, said in Dutch to people
}

func failed(requirement, productID string, why messages.Message) Failure {
	return Failure{Requirement: requirement, ProductID: productID, Detail: why.English(), Why: why}
}

func (in ApplicationInput) validate() error {
	v := &rules.Checker{}
	v.Check(strings.TrimSpace(in.ProviderName) != "" && len(in.ProviderName) <= 200, "providerName", "is required, at most 200 characters")
	v.Check(len(in.Products) > 0, "products", "name at least one product to deliver")
	seen := map[string]bool{}
	for i, p := range in.Products {
		f := fmt.Sprintf("products[%d]", i)
		v.Check(p.ProductID != "", f+".productId", "is required")
		v.Check(!seen[p.ProductID], f+".productId", "%s is listed twice", p.ProductID)
		v.Check(p.PriceCents > 0, f+".priceCents", "must be a positive amount in cents")
		v.Check(p.PlannedAttendanceHours >= 0, f+".plannedAttendanceHours", "cannot be negative")
		seen[p.ProductID] = true
	}
	v.Check(len(in.Statements) <= MaxAssessedRequirements, "statements", "at most %d statements", MaxAssessedRequirements)
	for i, st := range in.Statements {
		v.Check(len(st) <= 4000, fmt.Sprintf("statements[%d]", i), "may be at most 4000 characters")
	}
	for i, c := range in.Certificates {
		v.Check(strings.TrimSpace(c.Name) != "", fmt.Sprintf("certificates[%d].name", i), "is required")
		v.Check(!c.ValidUntil.IsZero(), fmt.Sprintf("certificates[%d].validUntil", i), "is required")
	}
	return v.Err()
}

// Evaluate checks an application against every requirement of the scheme on the day and
// lists every requirement it fails. An empty list means the provider must be contracted:
// Open House admits everyone who qualifies, with no ranking and no cap.
func Evaluate(s *Scheme, in ApplicationInput, today civil.Date) []Failure {
	var fs []Failure
	if !in.AcceptsConditions {
		fs = append(fs, failed(ReqConditions, "", messages.Of("the scheme's conditions must be accepted")))
	}
	held := map[string]civil.Date{}
	for _, c := range in.Certificates {
		if until, ok := held[civil.CertificateType(c.Name)]; !ok || c.ValidUntil.After(until) {
			held[civil.CertificateType(c.Name)] = c.ValidUntil
		}
	}
	for _, offer := range in.Products {
		p, ok := s.Product(offer.ProductID)
		if !ok {
			fs = append(fs, failed(ReqUnknownProduct, offer.ProductID, messages.Of("the scheme has no such product")))
			continue
		}
		t, ok := p.TermsAt(today)
		if !ok {
			t = p.Terms[0] // product announced for a later date: its first terms apply
		}
		if offer.PriceCents > t.MaxPriceCents {
			fs = append(fs, failed(ReqPrice, p.ID, messages.Of("price %s exceeds the maximum of %s", Euro(offer.PriceCents), Euro(t.MaxPriceCents))))
		}
		if offer.PlannedAttendanceHours < t.MinAttendanceHours {
			fs = append(fs, failed(ReqAttendance, p.ID,
				messages.Of("planned %d attendance hours, at least %d required", offer.PlannedAttendanceHours, t.MinAttendanceHours)))
		}
		for _, cert := range t.RequiredCertificates {
			until, ok := held[civil.CertificateType(cert)]
			switch {
			case !ok:
				fs = append(fs, failed(ReqCertificate, p.ID, messages.Of("certificate %s is required", cert)))
			case until.Before(today):
				fs = append(fs, failed(ReqCertificateExpiry, p.ID, messages.Of("certificate %s expired on %s", cert, until)))
			}
		}
	}
	return fs
}

// Euro formats cents as an amount in euros, e.g. EUR 1.000,00.
func Euro(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	whole, frac := cents/100, cents%100
	s := fmt.Sprint(whole)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("EUR %s%s,%02d", sign, b.String(), frac)
}

// ApplicationStatus is the outcome of the automatic check.
type ApplicationStatus string

const (
	ApplicationAccepted ApplicationStatus = "accepted"
	ApplicationRejected ApplicationStatus = "rejected"
	// ApplicationInReview: every rule the platform checks is met; a buyer judges the
	// scheme's assessed requirements.
	ApplicationInReview ApplicationStatus = "in_review"
)

// Assessment is a buyer's judgement of one assessed requirement.
type Assessment struct {
	Requirement string
	Met         bool
	Reason      string
}

// Decision is the buyer's judgement of an application in review.
type Decision struct {
	By          string
	At          time.Time
	Assessments []Assessment
}

// checkStatements: a scheme with assessed requirements asks how each is met.
func checkStatements(s *Scheme, in ApplicationInput) error {
	v := &rules.Checker{}
	v.Check(len(in.Statements) <= len(s.AssessedRequirements), "statements", "the scheme has %d assessed requirements", len(s.AssessedRequirements))
	for i, r := range s.AssessedRequirements {
		v.Check(i < len(in.Statements) && strings.TrimSpace(in.Statements[i]) != "", fmt.Sprintf("statements[%d]", i), "say how you meet %q", r)
	}
	return v.Err()
}

// Application is a submitted application and its outcome.
type Application struct {
	optimistic.StoreVersion // the version: its ETag
	ID                      string
	SchemeID                string
	Region                  string
	ProviderKvK             string
	ProviderName            string
	Products                []ProductOffer
	Certificates            []HeldCertificate
	Status                  ApplicationStatus
	Failures                []Failure
	Statements              []string
	Decision                *Decision
	ContractID              string
	// Extension: an application of a contracted provider for products the scheme added; if
	// accepted, they are added to its contract in force.
	Extension   bool
	SubmittedAt time.Time
}
