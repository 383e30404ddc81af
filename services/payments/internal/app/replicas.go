package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// KeepContract records a contract's change and rechecks the tranches held on its account.
func (s *Service) KeepContract(ctx context.Context, c ContractChange) error {
	if err := s.Contracts.Record(ctx, c); err != nil {
		return err
	}
	actor := commit.System("procurement.contracts")
	for _, code := range []domain.HoldCode{domain.HoldNoContract, domain.HoldContractSuspended} {
		if _, err := s.recheckWhere(ctx, TrancheFilter{ContractID: c.ContractID, HoldCode: code}, actor); err != nil {
			return err
		}
	}
	return nil
}

// KeepAccount records a provider's bank account; a confirmed one releases the provider's
// tranches held for their bank account (a rejected transfer too: the account is new).
func (s *Service) KeepAccount(ctx context.Context, a domain.BankAccount) error {
	if problem := domain.IBANProblem(a.IBAN); problem != "" {
		return reject("the IBAN is not valid: %s", problem)
	}
	kept, err := s.Accounts.Keep(ctx, a)
	if err != nil || !kept {
		return err
	}
	actor := commit.System("providers.registry")
	for _, code := range []domain.HoldCode{domain.HoldBankAccountMissing, domain.HoldBankAccountInvalid, domain.HoldBankAccountNew, domain.HoldBankRejected} {
		var ids []string
		if err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{ProviderKvK: a.ProviderKvK, Status: domain.TrancheHeld, HoldCode: code}, func(t *domain.Tranche) error {
			ids = append(ids, t.ID)
			return nil
		}); err != nil {
			return err
		}
		for _, id := range ids {
			if code == domain.HoldBankRejected && a.Confirmed() {
				if err := s.askReleaseForAccount(ctx, id, a); err != nil {
					return err
				}
				continue // a second finance officer confirms the release
			}
			if _, err := s.Recheck(ctx, id, actor); err != nil {
				return err
			}
		}
	}
	return nil
}

// askReleaseForAccount: a new confirmed account is the fix of a rejected transfer, and its
// confirmation the first of the two releases the rejection needs (by who confirmed it).
func (s *Service) askReleaseForAccount(ctx context.Context, id string, a domain.BankAccount) error {
	by := a.ConfirmedBy
	if by == "" {
		by = "system:providers.registry"
	}
	return optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil || !held(t, domain.HoldBankRejected) || slices.ContainsFunc(t.Releases, func(r domain.Release) bool { return r.Code == domain.HoldBankRejected }) {
			return err
		}
		if _, err := t.AskRelease(domain.HoldBankRejected, by, fmt.Sprintf("bank account revision %d confirmed", a.Revision), s.now()); err != nil {
			return err
		}
		return s.step(ctx, t, domain.PendingChange{Actor: commit.System("providers.registry"), Action: "release-asked"}, nil)
	})
}
