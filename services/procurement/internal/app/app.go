// Package app holds the procurement commands and queries: it loads aggregates, checks who
// may act, applies the domain rules and saves the outcome with its events.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// The shared rule errors (see kit/rules).
var (
	ErrNotFound = rules.ErrNotFound
	ErrConflict = rules.ErrConflict
	retry       = rules.Retry
	forbid      = rules.Forbid
)

// Forbidden is returned when the caller is in the region but may not do this.
type Forbidden = rules.Forbidden

// Event is a public event caused by a command.
type Event = rules.Event

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

func isBuyerOf(p auth.Principal, buyerOrg string) bool {
	return p.Has(auth.RoleAdmin) || (p.Has(auth.RoleBuyer) && p.Org == buyerOrg)
}

// regionalOversight: roles that see all of the region's procurement.
func regionalOversight(p auth.Principal) bool {
	return p.Has(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleFinance)
}
