package app

import (
	"context"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// seesAll: finance and the regional administrator see every tranche of the region; a
// provider sees its own only.
func seesAll(p auth.Principal) bool { return p.Has(auth.RoleFinance, auth.RoleAdmin) }

// sees: the caller may see a provider's tranches.
func sees(p auth.Principal, kvk string) bool {
	return seesAll(p) || p.Has(auth.RoleProvider) && p.Org == kvk
}

// GetTranche is one tranche, with its holds and history, as stored: a read never writes
// (a transfer under way shows as the tranche's booking).
func (s *Service) GetTranche(ctx context.Context, p auth.Principal, id string) (*domain.Tranche, error) {
	t, err := s.Repo.LoadTranche(ctx, id)
	return s.visible(p, t, err)
}

func (s *Service) visible(p auth.Principal, t *domain.Tranche, err error) (*domain.Tranche, error) {
	if err != nil {
		return nil, err
	}
	if t.Region != s.region || !sees(p, t.ProviderKvK) {
		return nil, rules.ErrNotFound
	}
	return t, nil
}

// ListTranches pages the tranches a filter selects; a provider's list is its own.
func (s *Service) ListTranches(ctx context.Context, p auth.Principal, f TrancheFilter, page paging.Request) (paging.Page[domain.Tranche], error) {
	if !seesAll(p) {
		if !p.Has(auth.RoleProvider) {
			return paging.Page[domain.Tranche]{}, rules.Forbid("only finance and providers see tranches")
		}
		if f.ProviderKvK != "" && f.ProviderKvK != p.Org {
			return paging.Page[domain.Tranche]{Items: []domain.Tranche{}}, nil
		}
		f.ProviderKvK = p.Org
	}
	return s.Repo.ListTranches(ctx, s.region, f, page)
}

// Approve records a finance officer's approval of a payable tranche; above the four-eyes
// amount a second, different officer approves too. The amount is what the tranche's
// provider and enrolment reach on its milestone day, so tranches split to stay under it
// still need two.
func (s *Service) Approve(ctx context.Context, p auth.Principal, id string) (*domain.Tranche, error) {
	var out *domain.Tranche
	err := optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if t, err = s.visible(p, t, err); err != nil {
			return err
		}
		sameDay, err := s.sameDay(ctx, t)
		if err != nil {
			return err
		}
		if err := t.Approve(p.Subject, domain.ApprovalsNeeded(sameDay, s.settings.FourEyesCents), s.now()); err != nil {
			return err
		}
		out = t
		return s.step(ctx, t, domain.PendingChange{Actor: p.Actor(), Action: actionApproved}, nil)
	})
	return out, err
}

// sameDay is what a tranche's provider is owed for its enrolment on its milestone day: the
// tranche and every other reached tranche of that enrolment, provider and day.
func (s *Service) sameDay(ctx context.Context, t *domain.Tranche) (domain.Cents, error) {
	total := t.AmountCents
	err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{EnrolmentID: t.EnrolmentID}, func(o *domain.Tranche) error {
		if o.ID != t.ID && o.ProviderKvK == t.ProviderKvK && o.MilestoneOn == t.MilestoneOn && reachedStatus(o.Status) {
			total += o.AmountCents
		}
		return nil
	})
	return total, err
}

// reachedStatus: a tranche whose milestone was reached and that is (to be) paid.
func reachedStatus(st domain.TrancheStatus) bool {
	switch st {
	case domain.TrancheHeld, domain.TranchePayable, domain.TrancheApproved, domain.TrancheExported, domain.TranchePaid:
		return true
	}
	return false
}
