package domain

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

// Product is a trajectory (traject) offered under a scheme, with its terms over time.
type Product struct {
	ID          string
	Name        string
	Description string
	Terms       []trajectory.Terms
}

// ProductInput adds a product.
type ProductInput struct {
	Name        string
	Description string
	Terms       TermsInput
}

// TermsInput sets a terms version.
type TermsInput struct {
	EffectiveFrom        civil.Date
	MaxPriceCents        int64
	MinAttendanceHours   int
	RequiredCertificates []string
	Tranches             []trajectory.Tranche
	// PlacementBeforeCompletion allows a placement before the trajectory is completed
	// (e.g. a BBL job that starts during training).
	PlacementBeforeCompletion bool
}

// MaxPriceCentsLimit guards against a misplaced decimal: EUR 1,000,000 per trajectory.
const MaxPriceCentsLimit = 100_000_000

var certificatePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 .&/+-]{0,59}$`)

func newTerms(version int, in TermsInput, from civil.Date) (trajectory.Terms, error) {
	v := &rules.Checker{}
	v.Check(in.MaxPriceCents > 0, "terms.maxPriceCents", "must be a positive amount in cents, got %d", in.MaxPriceCents)
	v.Check(in.MaxPriceCents <= MaxPriceCentsLimit, "terms.maxPriceCents", "must be at most %d cents", MaxPriceCentsLimit)
	v.Check(in.MinAttendanceHours >= 0 && in.MinAttendanceHours <= 5000, "terms.minAttendanceHours", "must be between 0 and 5000")
	seenCert := map[string]bool{}
	for i, c := range in.RequiredCertificates {
		v.Check(certificatePattern.MatchString(c), fmt.Sprintf("terms.requiredCertificates[%d]", i), "must be a certificate name such as VCA")
		c = civil.CertificateType(c)
		v.Check(!seenCert[c], fmt.Sprintf("terms.requiredCertificates[%d]", i), "%s is listed twice", c)
		seenCert[c] = true
	}
	validateTranches(v, in.Tranches)
	if err := v.Err(); err != nil {
		return trajectory.Terms{}, err
	}
	certs := make([]string, len(in.RequiredCertificates))
	for i, c := range in.RequiredCertificates {
		certs[i] = civil.CertificateType(c) // compared with registries and applications in this form
	}
	tranches := append([]trajectory.Tranche{}, in.Tranches...)
	slices.SortStableFunc(tranches, func(a, b trajectory.Tranche) int {
		return slices.Index(trajectory.Milestones, a.Milestone) - slices.Index(trajectory.Milestones, b.Milestone)
	})
	return trajectory.Terms{
		Version: version, EffectiveFrom: from, MaxPriceCents: in.MaxPriceCents, MinAttendanceHours: in.MinAttendanceHours,
		RequiredCertificates: certs, Tranches: tranches, PlacementBeforeCompletion: in.PlacementBeforeCompletion,
	}, nil
}

// validateTranches: whole percentages, each milestone once, adding up to exactly 100.
func validateTranches(v *rules.Checker, ts []trajectory.Tranche) {
	v.Check(len(ts) > 0, "terms.tranches", "at least one tranche is required")
	sum := 0
	seen := map[trajectory.Milestone]bool{}
	for i, t := range ts {
		f := fmt.Sprintf("terms.tranches[%d]", i)
		v.Check(slices.Contains(trajectory.Milestones, t.Milestone), f+".milestone", "must be one of %v", trajectory.Milestones)
		v.Check(!seen[t.Milestone], f+".milestone", "%s appears twice", t.Milestone)
		v.Check(t.Percent > 0 && t.Percent <= 100, f+".percent", "must be between 1 and 100")
		seen[t.Milestone] = true
		sum += t.Percent
	}
	if len(ts) > 0 {
		v.Check(sum == 100, "terms.tranches", "percentages must add up to 100, they add up to %d", sum)
	}
}

// TermsAt returns the terms in force on day: the latest version effective on or before it.
// An enrolment is pinned to the terms in force on its start date.
func (p *Product) TermsAt(day civil.Date) (trajectory.Terms, bool) {
	return trajectory.TermsAt(p.Terms, day)
}

// CurrentTerms is the newest version, whatever its effective date.
func (p *Product) CurrentTerms() trajectory.Terms { return p.Terms[len(p.Terms)-1] }
