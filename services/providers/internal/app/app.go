// Package app holds the providers commands and queries: the registry with its scheduled
// certificate check, and offers built from procurement's contracts.
package app

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// Repository persists providers and offers with their events and audit entries. Saves fail
// with rules.ErrConflict when the loaded version was taken by another writer.
type Repository interface {
	LoadProvider(ctx context.Context, kvk string) (*domain.Provider, int, error)
	SaveProvider(ctx context.Context, p *domain.Provider, o commit.Outcome) error
	ListProviders(ctx context.Context, region string, f ProviderFilter, page paging.Request) (paging.Page[domain.Provider], error)
	EachProvider(ctx context.Context, region string, fn func(*domain.Provider) error) error

	LoadOffer(ctx context.Context, contractID string) (*domain.Offer, int, error)
	SaveOffer(ctx context.Context, o *domain.Offer, out commit.Outcome) error
	ListOffers(ctx context.Context, region string, f OfferFilter, page paging.Request) (paging.Page[domain.Offer], error)
	EachOffer(ctx context.Context, region string, f OfferFilter, fn func(*domain.Offer) error) error

	// RecordTerms keeps a product's terms version as a fact (idempotent), so an offer
	// created later still learns of a change that arrived first.
	RecordTerms(ctx context.Context, schemeID, productID string, t trajectory.Terms) error
	KnownTerms(ctx context.Context, schemeID string) (map[string][]trajectory.Terms, error)
}

// OfferFilter narrows a listing of offers.
type OfferFilter struct {
	ProviderKvK    string
	SchemeID       string
	ProductID      string
	ContractStatus string
}

// Service is the providers application.
type Service struct {
	repo   Repository
	region string
	now    func() time.Time
	// certs are the counts of the last certificate check (a gauge for operations)
	certs atomic.Pointer[CertificateCounts]
	// mail tells providers by e-mail (see WithMail); nil sends nothing.
	mail      Mailbox
	notices   TrancheNotices
	portalURL string
}

// New builds the application for the instance's region with the real clock.
func New(repo Repository, region string) *Service {
	s := &Service{repo: repo, region: region, now: time.Now}
	s.certs.Store(&CertificateCounts{})
	return s
}

// WithClock replaces the clock (tests).
func (s *Service) WithClock(now func() time.Time) *Service { s.now = now; return s }

// providerOnly: the caller acts as a provider and sees only its own organisation.
func providerOnly(p auth.Principal) bool {
	return p.Has(auth.RoleProvider) && !p.Has(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleWorkCoach, auth.RoleBuyer, auth.RoleFinance)
}

// canEditProvider: the provider itself or a regional administrator.
func canEditProvider(p auth.Principal, kvk string) bool {
	return p.Has(auth.RoleAdmin) || (p.Has(auth.RoleProvider) && p.Org == kvk)
}

// canSee: a provider sees only itself; the region's other roles see every provider.
func canSee(p auth.Principal, kvk string) bool {
	return !providerOnly(p) || p.Org == kvk
}
