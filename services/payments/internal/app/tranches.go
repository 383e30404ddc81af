package app

import (
	"context"

	"github.com/werkregio/platform/services/kit/auth"
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
// amount a second, different officer approves too.
func (s *Service) Approve(ctx context.Context, p auth.Principal, id string) (*domain.Tranche, error) {
	var out *domain.Tranche
	err := rules.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if t, err = s.visible(p, t, err); err != nil {
			return err
		}
		if err := t.Approve(p.Subject, s.settings.FourEyesCents, s.clock()); err != nil {
			return err
		}
		out = t
		return s.step(ctx, t, domain.PendingChange{Actor: p.Actor(), Action: actionApproved}, nil)
	})
	return out, err
}
