package app

import (
	"context"
	"time"

	"github.com/werkregio/platform/services/kit/optional"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// TypeBankAccountChanged: a provider's bank account registered or confirmed.
const TypeBankAccountChanged = catalog.TypeBankAccountChanged

func bankAccountEvent(prov *domain.Provider, now time.Time) commit.Event {
	a := prov.BankAccount
	// what payments needs to pay a provider; only a confirmed account is paid to
	e := events.ProviderBankAccountChanged{ProviderKvK: prov.KvK, Region: prov.Region, AccountHolder: a.AccountHolder, IBAN: a.IBAN,
		Address: events.PostalAddress{Street: a.Address.Street, BuildingNumber: a.Address.BuildingNumber, PostCode: a.Address.PostCode,
			Town: a.Address.Town, Country: a.Address.Country},
		Status: events.ProviderBankAccountChangedStatus(a.Status), Revision: a.Revision, At: now.UTC(),
		BIC: optional.Of(a.BIC), ConfirmedBy: optional.Of(a.ConfirmedBy)}
	// its own key: the registry topic is compacted, and the certificates keep theirs
	return commit.Event{Type: TypeBankAccountChanged, Key: prov.KvK + "/bank-account", Subject: prov.KvK, Data: e}
}

// RegisterBankAccount records a provider's new or changed bank account: by the provider
// itself or an administrator, pending confirmation by finance (audited).
func (s *Service) RegisterBankAccount(ctx context.Context, p auth.Principal, kvk string, in domain.BankAccountInput) (*domain.Provider, error) {
	if !canSee(p, kvk) {
		return nil, rules.ErrNotFound
	}
	if !canEditProvider(p, kvk) {
		return nil, rules.Forbid("only the provider itself or an administrator registers its bank account")
	}
	return s.changeAccount(ctx, p, kvk, "bank-account.registered", func(prov *domain.Provider, now time.Time) error {
		return prov.RegisterBankAccount(in, p.Subject, now)
	})
}

// ConfirmBankAccount is finance's confirmation of a registered account revision; only then
// does payments pay to it.
func (s *Service) ConfirmBankAccount(ctx context.Context, p auth.Principal, kvk string, revision int) (*domain.Provider, error) {
	if !p.Has(auth.RoleFinance) {
		return nil, rules.Forbid("finance confirms bank accounts")
	}
	return s.changeAccount(ctx, p, kvk, "bank-account.confirmed", func(prov *domain.Provider, now time.Time) error {
		return prov.ConfirmBankAccount(revision, p.Subject, now)
	})
}

func (s *Service) changeAccount(ctx context.Context, p auth.Principal, kvk, action string, change func(*domain.Provider, time.Time) error) (*domain.Provider, error) {
	var out *domain.Provider
	err := optimistic.Retry(ctx, func() error {
		prov, v, err := s.repo.LoadProvider(ctx, kvk)
		if err != nil {
			return err
		}
		if prov.Region != p.Region {
			return rules.ErrNotFound
		}
		now := s.now()
		if err := change(prov, now); err != nil {
			return err
		}
		out = prov
		return s.repo.SaveProvider(ctx, prov, commit.Outcome{Version: v, Events: []commit.Event{bankAccountEvent(prov, now)}, Actor: p.Actor(), Action: action})
	})
	return out, err
}

// seesBankAccount: the provider itself, finance and administrators see its bank account;
// other roles of the region see the registry entry without it.
func seesBankAccount(p auth.Principal, kvk string) bool {
	return p.Has(auth.RoleFinance, auth.RoleAdmin) || p.Has(auth.RoleProvider) && p.Org == kvk
}

func withoutAccount(p auth.Principal, prov *domain.Provider) *domain.Provider {
	if prov == nil || prov.BankAccount == nil || seesBankAccount(p, prov.KvK) {
		return prov
	}
	c := *prov
	c.BankAccount = nil
	return &c
}
