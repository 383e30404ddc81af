package app

import (
	"context"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Outcomes are enrolments by status (the funnel from enrolled to sustainably placed), for
// the caller's scope and per provider: what a werkplein steers by and what it asks a
// provider about.
type Outcomes struct {
	ByStatus  map[domain.Status]int64
	Providers []ProviderOutcomes
	// Truncated: the region has more providers than one report lists.
	Truncated bool
}

// ProviderOutcomes is one provider's funnel.
type ProviderOutcomes struct {
	ProviderKvK string
	ByStatus    map[domain.Status]int64
}

// maxReportedProviders bounds a report: a region contracts tens of providers, not thousands.
const maxReportedProviders = 200

// Outcomes counts enrolments by status in the caller's scope (a work coach: their
// organisation's; a provider: its own; the region for coordinators, administrators and
// finance), in total and per provider. Each figure is one count on an index of the
// enrolments' read model (status, provider and status, organisation and status): no
// enrolment is read.
func (s *Service) Outcomes(ctx context.Context, p auth.Principal) (*Outcomes, error) {
	scope := EnrolmentFilter{}
	switch {
	case ownOrganisationOnly(p):
		scope.Organisation = p.Org
	case guidance(p) || p.Has(auth.RoleFinance):
	case p.Has(auth.RoleProvider):
		scope.ProviderKvK = p.Org
	default:
		return &Outcomes{ByStatus: map[domain.Status]int64{}}, nil
	}
	count := func(f EnrolmentFilter) (map[domain.Status]int64, error) {
		by := map[domain.Status]int64{}
		for _, st := range domain.Statuses {
			f.Status = st
			n, err := s.repo.CountEnrolments(ctx, p.Region, f)
			if err != nil {
				return nil, err
			}
			by[st] = n
		}
		return by, nil
	}
	out := &Outcomes{}
	var err error
	if out.ByStatus, err = count(scope); err != nil {
		return nil, err
	}
	providers, err := s.repo.EnrolmentProviders(ctx, p.Region, scope, maxReportedProviders+1)
	if err != nil {
		return nil, err
	}
	if len(providers) > maxReportedProviders {
		providers, out.Truncated = providers[:maxReportedProviders], true
	}
	for _, kvk := range providers {
		f := scope
		f.ProviderKvK = kvk
		by, err := count(f)
		if err != nil {
			return nil, err
		}
		out.Providers = append(out.Providers, ProviderOutcomes{ProviderKvK: kvk, ByStatus: by})
	}
	return out, nil
}
