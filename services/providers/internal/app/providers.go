package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// RegisterProvider adds a provider: the provider itself (its token's org is its KvK) or a
// regional administrator.
func (s *Service) RegisterProvider(ctx context.Context, p auth.Principal, in domain.ProviderInput) (*domain.Provider, error) {
	if !canEditProvider(p, in.KvK) {
		return nil, rules.Forbid("a provider registers only itself (token org must be its KvK number)")
	}
	now := s.now()
	prov, err := domain.RegisterProvider(in, s.region, now)
	if err != nil {
		return nil, err
	}
	events := s.noteCertificates(prov, now, true)
	err = s.repo.SaveProvider(ctx, prov, commit.Outcome{Events: events, Actor: p.Actor(), Action: "provider.registered"})
	if errors.Is(err, rules.ErrConflict) {
		return nil, rules.State("provider %s is registered already", in.KvK)
	}
	return prov, err
}

// UpdateProvider edits the registry entry.
func (s *Service) UpdateProvider(ctx context.Context, p auth.Principal, kvk string, in domain.ProviderInput) (*domain.Provider, error) {
	return s.changeProvider(ctx, p, kvk, "provider.updated", func(prov *domain.Provider, now time.Time) error {
		return prov.Update(in, now)
	})
}

// AddCertificate records a certificate or a renewal, pending verification: once a buyer or
// coordinator verified it, it is announced valid, so contracts suspended for it resume.
func (s *Service) AddCertificate(ctx context.Context, p auth.Principal, kvk string, in domain.CertificateInput) (*domain.Provider, error) {
	return s.changeProvider(ctx, p, kvk, "certificate.added", func(prov *domain.Provider, now time.Time) error {
		_, err := prov.AddCertificate(in, now)
		return err
	})
}

// VerifyCertificate: a buyer, coordinator or administrator of the region checked the
// certificate itself (never the provider that recorded it).
func (s *Service) VerifyCertificate(ctx context.Context, p auth.Principal, kvk, id string) (*domain.Provider, error) {
	if !p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) {
		return nil, rules.Forbid("a buyer or coordinator verifies certificates")
	}
	return s.changeProviderAs(ctx, p, kvk, "certificate.verified", func(prov *domain.Provider, now time.Time) error {
		return prov.VerifyCertificate(id, p.Actor(), now)
	})
}

// RemoveCertificate deletes a certificate recorded in error.
func (s *Service) RemoveCertificate(ctx context.Context, p auth.Principal, kvk, id string) (*domain.Provider, error) {
	return s.changeProvider(ctx, p, kvk, "certificate.removed", func(prov *domain.Provider, now time.Time) error {
		return prov.RemoveCertificate(id, now)
	})
}

func (s *Service) changeProvider(ctx context.Context, p auth.Principal, kvk, action string, change func(*domain.Provider, time.Time) error) (*domain.Provider, error) {
	if !canSee(p, kvk) {
		return nil, rules.ErrNotFound
	}
	if !canEditProvider(p, kvk) {
		return nil, rules.Forbid("only the provider itself or an administrator edits a registry entry")
	}
	return s.changeProviderAs(ctx, p, kvk, action, change)
}

// changeProviderAs changes a registry entry for a caller whose right to do so is checked.
func (s *Service) changeProviderAs(ctx context.Context, p auth.Principal, kvk, action string, change func(*domain.Provider, time.Time) error) (*domain.Provider, error) {
	certificatesEdited := action != "provider.updated"
	var out *domain.Provider
	err := optimistic.Retry(ctx, func() error {
		prov, v, err := s.repo.LoadProvider(ctx, kvk)
		if err != nil {
			return err
		}
		now := s.now()
		if err := change(prov, now); err != nil {
			return err
		}
		out = prov
		return s.repo.SaveProvider(ctx, prov, commit.Outcome{Version: v, Events: s.noteCertificates(prov, now, certificatesEdited), Actor: p.Actor(), Action: action})
	})
	return out, err
}

// noteCertificates announces a change in the provider's valid certificates, if any.
func (s *Service) noteCertificates(prov *domain.Provider, now time.Time, always bool) []commit.Event {
	today := civil.DateOf(now)
	ch, changed := prov.NoteCertificates(today, always)
	if !changed {
		return nil
	}
	return []commit.Event{{Type: TypeCertificatesChanged, Key: prov.KvK, Subject: prov.KvK, Data: events.ProviderCertificatesChanged{
		ProviderKvK: prov.KvK, Region: prov.Region, ValidCertificates: ch.Valid, Expired: ch.Expired, Renewed: ch.Renewed, AsOf: today, At: now.UTC(),
	}}}
}

// CheckCertificates is the scheduled check: it announces every certificate that expired
// since the last announcement (and every one that became valid). It is idempotent: a second
// run on the same day finds nothing new.
func (s *Service) CheckCertificates(ctx context.Context, now time.Time) (announced int, err error) {
	today := civil.DateOf(now)
	counts := CertificateCounts{}
	defer func() {
		if err == nil {
			s.certs.Store(&counts)
		}
	}()
	err = s.repo.EachProvider(ctx, s.region, func(listed *domain.Provider) error {
		counts.add(listed, today)
		if err := s.warnCertificates(ctx, listed, today); err != nil {
			return err
		}
		if slices.Equal(listed.ValidCertificates(today), listed.AnnouncedValid) {
			return nil
		}
		return optimistic.Retry(ctx, func() error {
			prov, v, err := s.repo.LoadProvider(ctx, listed.KvK)
			if err != nil {
				return err
			}
			events := s.noteCertificates(prov, now, false)
			if len(events) == 0 {
				return nil
			}
			announced++
			return s.repo.SaveProvider(ctx, prov, commit.Outcome{Version: v, Events: events, Actor: commit.System("certificate-check"), Action: "certificates.checked"})
		})
	})
	return announced, err
}

// GetProvider returns a registry entry the caller may see.
func (s *Service) GetProvider(ctx context.Context, p auth.Principal, kvk string) (*domain.Provider, error) {
	if !canSee(p, kvk) {
		return nil, rules.ErrNotFound
	}
	prov, _, err := s.repo.LoadProvider(ctx, kvk)
	if err == nil && prov.Region != p.Region {
		return nil, rules.ErrNotFound
	}
	return withoutAccount(p, prov), err
}

// ProviderFilter narrows the registry: by where the bank account stands (none, pending,
// confirmed: finance's list of accounts to confirm), or to those with a certificate waiting
// for verification (pending: the buyers' list).
type ProviderFilter struct{ BankAccount, Certificates string }

// ListProviders returns a page of the registry; a provider sees only itself.
func (s *Service) ListProviders(ctx context.Context, p auth.Principal, f ProviderFilter, page paging.Request) (paging.Page[domain.Provider], error) {
	if providerOnly(p) {
		own, _, err := s.repo.LoadProvider(ctx, p.Org)
		if errors.Is(err, rules.ErrNotFound) || (err == nil && (own.Region != p.Region || page.After != "" || !f.BankAccountIs(own) || !f.CertificatesAre(own))) {
			return paging.Page[domain.Provider]{}, nil
		}
		if err != nil {
			return paging.Page[domain.Provider]{}, err
		}
		return paging.Page[domain.Provider]{Items: []domain.Provider{*own}}, nil
	}
	if f.BankAccount != "" && !p.Has(auth.RoleFinance, auth.RoleAdmin) {
		return paging.Page[domain.Provider]{}, rules.Forbid("only finance and administrators list providers by their bank account")
	}
	list, err := s.repo.ListProviders(ctx, p.Region, f, page)
	for i := range list.Items {
		list.Items[i] = *withoutAccount(p, &list.Items[i])
	}
	return list, err
}

// CertificateCounts are, as of the last check, the certificate types of the region's
// providers whose newest verified certificate expires within ExpiringDays, or has expired
// without a renewal (a contract that requires it is suspended).
type CertificateCounts struct {
	ExpiringSoon, Expired int64
}

// ExpiringDays is how far ahead a certificate counts as expiring soon.
const ExpiringDays = 30

func (c *CertificateCounts) add(p *domain.Provider, today civil.Date) {
	newest := map[string]civil.Date{}
	for _, cert := range p.Certificates {
		if cert.Pending {
			continue
		}
		if have, ok := newest[cert.Type]; !ok || cert.ExpiresOn.After(have) {
			newest[cert.Type] = cert.ExpiresOn
		}
	}
	for _, until := range newest {
		switch {
		case until.Before(today):
			c.Expired++
		case until.Before(today.AddDays(ExpiringDays)):
			c.ExpiringSoon++
		}
	}
}

// Certificates are the counts of the last certificate check.
func (s *Service) Certificates() CertificateCounts { return *s.certs.Load() }

// BankAccountIs reports whether the provider's bank account stands as the filter asks.
func (f ProviderFilter) BankAccountIs(p *domain.Provider) bool {
	return f.BankAccount == "" || p.BankAccountStatus() == f.BankAccount
}

// CertificatesAre reports whether the provider's certificates stand as the filter asks.
func (f ProviderFilter) CertificatesAre(p *domain.Provider) bool {
	return f.Certificates == "" || p.AwaitsVerification() == (f.Certificates == "pending")
}
