package app

import (
	"context"

	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// KeepContract records a contract's change and rechecks the tranches held on its account.
func (s *Service) KeepContract(ctx context.Context, c ContractChange) error {
	if c.Region != s.region {
		return reject("the contract is of region %s, not %s", c.Region, s.region)
	}
	if err := s.Contracts.Record(ctx, c); err != nil {
		return err
	}
	actor := rules.System("procurement.contracts")
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
	if a.Region != s.region {
		return reject("the bank account is of region %s, not %s", a.Region, s.region)
	}
	if problem := domain.IBANProblem(a.IBAN); problem != "" {
		return reject("the IBAN is not valid: %s", problem)
	}
	kept, err := s.Accounts.Keep(ctx, a)
	if err != nil || !kept {
		return err
	}
	actor := rules.System("providers.registry")
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
				if err := s.overrideRejection(ctx, id, actor); err != nil {
					return err
				}
			}
			if _, err := s.Recheck(ctx, id, actor); err != nil {
				return err
			}
		}
	}
	return nil
}

// overrideRejection: a new confirmed account is the fix of a rejected transfer.
func (s *Service) overrideRejection(ctx context.Context, id string, actor rules.Actor) error {
	return rules.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil || !held(t, domain.HoldBankRejected) {
			return err
		}
		t.Overridden = append(removeCode(t.Overridden, domain.HoldBankRejected), domain.HoldBankRejected)
		return s.Repo.SaveTranche(ctx, t, rules.Outcome{Actor: actor, Action: "new-bank-account"})
	})
}
