// Package app holds the procurement commands and queries: it loads aggregates, checks who
// may act, applies the domain rules and saves the outcome with its events.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// ErrNotFound: no such resource in the caller's region (other regions' data is not found,
// not forbidden, so its existence does not leak).
var ErrNotFound = errors.New("not found")

// ErrConflict: a concurrent change won; the caller may retry.
var ErrConflict = errors.New("changed concurrently")

// Repository persists aggregates with their events. Save fails with ErrConflict when the
// version was taken by another writer.
type Repository interface {
	LoadScheme(ctx context.Context, id string) (*domain.Scheme, int, error)
	SaveScheme(ctx context.Context, s *domain.Scheme, version int, events []Event) error
	ListSchemes(ctx context.Context, region string) ([]domain.Scheme, error)

	LoadAdmission(ctx context.Context, id string) (*domain.Admission, int, error)
	SaveAdmission(ctx context.Context, a *domain.Admission, version int, events []Event) error
	ListAdmissions(ctx context.Context, region string, f AdmissionFilter) ([]domain.Admission, error)

	LoadTender(ctx context.Context, id string) (*domain.Tender, int, error)
	SaveTender(ctx context.Context, t *domain.Tender, version int, events []Event) error
	ListTenders(ctx context.Context, region string) ([]domain.Tender, error)
}

// AdmissionFilter narrows a listing of admissions.
type AdmissionFilter struct {
	SchemeID    string
	ProviderKvK string
}

// Service is the procurement application.
type Service struct {
	repo Repository
	now  func() time.Time
	ids  func(prefix string) string
}

// New builds the application with the real clock and random ids.
func New(repo Repository) *Service {
	return &Service{repo: repo, now: time.Now, ids: randomID}
}

// WithClock replaces the clock (tests and demo data).
func (s *Service) WithClock(now func() time.Time) *Service { s.now = now; return s }

func randomID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// retry reruns an optimistic command a few times when a concurrent change wins.
func retry(ctx context.Context, f func() error) error {
	var err error
	for range 5 {
		if err = f(); !errors.Is(err, ErrConflict) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}

// Forbidden is returned when the caller is in the region but may not do this.
type Forbidden struct{ Reason string }

func (f *Forbidden) Error() string { return f.Reason }

func forbid(reason string) error { return &Forbidden{Reason: reason} }

func isBuyerOf(p auth.Principal, buyerOrg string) bool {
	return p.Has(auth.RoleAdmin) || (p.Has(auth.RoleBuyer) && p.Org == buyerOrg)
}

// regionalOversight: roles that see all of the region's procurement.
func regionalOversight(p auth.Principal) bool {
	return p.Has(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleFinance)
}
