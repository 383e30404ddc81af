package app

import (
	"context"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Totals are the figures of a scope (the region, a buyer, a contractor): obligations,
// declared and approved value, projects by status, approved value by quarter and by
// candidate type.
type Totals struct {
	Scope           string
	Projects        int
	ObligationCents domain.Cents
	DeclaredCents   domain.Cents
	ApprovedCents   domain.Cents
	ForecastCents   domain.Cents
	RealisedBP      int
	ByStatus        map[string]int
	ByQuarter       map[string]domain.Cents
	ByType          map[string]domain.Cents
}

// Scopes a project counts in.
func scopesOf(p ProjectData) []string {
	return []string{"region", "buyer:" + p.Buyer, "contractor:" + p.ContractorKvK}
}

// ScopesOf is exported for the summaries adapter.
func ScopesOf(p ProjectData) []string { return scopesOf(p) }

// FollowProject keeps the totals of the project's scopes.
func (s *Service) FollowProject(ctx context.Context, p ProjectData) error {
	return s.Summaries.Apply(ctx, p)
}

// TotalsOf reads a scope's totals: "region", "buyer:<org>" or "contractor:<kvk>". A
// contractor reads its own only; the region's buyers and werkplein read every scope. The
// cost is a fixed number of summary documents, whatever the region's age.
func (s *Service) TotalsOf(ctx context.Context, p auth.Principal, scope string) (Totals, error) {
	switch {
	case p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin):
	case p.Has(auth.RoleContractor) && scope == "contractor:"+p.Org:
	default:
		return Totals{}, rules.Forbid("a contractor sees its own totals only (scope contractor:<its KvK>)")
	}
	if scope != "region" && !strings.HasPrefix(scope, "buyer:") && !strings.HasPrefix(scope, "contractor:") {
		return Totals{}, rules.Invalid("scope", "must be region, buyer:<organisation> or contractor:<KvK>")
	}
	t, err := s.Summaries.Totals(ctx, p.Region, scope)
	if err != nil {
		return t, err
	}
	t.Scope = scope
	if t.ObligationCents > 0 {
		t.RealisedBP = int(min(t.ApprovedCents*10_000/t.ObligationCents, 10_000))
	}
	return t, nil
}

// Indicators are a region's figures for a cross-region view: totals and each jobs goal.
type Indicators struct {
	Region string
	Totals Totals
	Goals  []GoalProgress
}

// Indicators reads the region's indicators.
func (s *Service) Indicators(ctx context.Context, p auth.Principal) (*Indicators, error) {
	t, err := s.TotalsOf(ctx, p, "region")
	if err != nil {
		return nil, err
	}
	out := &Indicators{Region: s.region, Totals: t, Goals: []GoalProgress{}}
	goals, err := s.ListGoals(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range goals {
		gp, err := s.GoalProgress(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		out.Goals = append(out.Goals, *gp)
	}
	return out, nil
}
