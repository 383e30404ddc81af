// Package app holds the procurement commands and queries: it loads aggregates, checks who
// may act, applies the domain rules and saves the outcome with its events.
package app

import (
	"context"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/requestkey"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// The shared rule errors (see kit/rules).
var (
	ErrNotFound = rules.ErrNotFound
	ErrConflict = rules.ErrConflict
	retry       = optimistic.Retry
	forbid      = rules.Forbid
)

// Forbidden is returned when the caller is in the region but may not do this.
type Forbidden = rules.Forbidden

// Event is a public event caused by a command.
type Event = commit.Event

// Repository persists aggregates with their events. Save fails with ErrConflict when the
// version was taken by another writer.
type Repository interface {
	LoadScheme(ctx context.Context, id string) (*domain.Scheme, int, error)
	SaveScheme(ctx context.Context, s *domain.Scheme, o commit.Outcome) error
	// Audit pages who did what to one aggregate (kind "scheme", "admission" or "tender").
	Audit(ctx context.Context, kind, id string, page paging.Request) (paging.Page[commit.AuditEntry], error)
	ListSchemes(ctx context.Context, region string, f SchemeFilter, page paging.Request) (paging.Page[domain.Scheme], error)

	LoadAdmission(ctx context.Context, id string) (*domain.Admission, int, error)
	SaveAdmission(ctx context.Context, a *domain.Admission, o commit.Outcome) error
	ListAdmissions(ctx context.Context, region string, f AdmissionFilter, page paging.Request) (paging.Page[domain.Admission], error)
	EachAdmission(ctx context.Context, region string, f AdmissionFilter, fn func(*domain.Admission) error) error

	LoadTender(ctx context.Context, id string) (*domain.Tender, int, error)
	SaveTender(ctx context.Context, t *domain.Tender, o commit.Outcome) error
	ListTenders(ctx context.Context, region string, status domain.TenderStatus, page paging.Request) (paging.Page[domain.Tender], error)
	EachTender(ctx context.Context, region string, status domain.TenderStatus, fn func(*domain.Tender) error) error
}

// SchemeFilter narrows a listing of schemes.
type SchemeFilter struct {
	Status domain.SchemeStatus
	// VisibleTo: only schemes this buyer organisation may see (its drafts and everyone's
	// published schemes); empty for those who see all.
	VisibleTo string
}

// AdmissionFilter narrows a listing of admissions (applications and contracts).
type AdmissionFilter struct {
	SchemeID       string
	ProviderKvK    string
	ContractStatus domain.ContractStatus
	// InReview: only the admissions with an application awaiting the buyer's decision.
	InReview bool
}

// Service is the procurement application.
type Service struct {
	repo Repository
	now  func() time.Time
}

// New builds the application with the real clock.
func New(repo Repository) *Service {
	return &Service{repo: repo, now: time.Now}
}

// WithClock replaces the clock (tests and demo data).
func (s *Service) WithClock(now func() time.Time) *Service { s.now = now; return s }

// newID is a new aggregate's id (prefix and 16 hex digits): it follows the request's
// Idempotency-Key, so a retry of a create whose answer a crash lost finds what it made
// (requestkey.MadeBefore) instead of making it twice; random without a key.
func newID(ctx context.Context, prefix string) string { return requestkey.NewIDOf(ctx, prefix+"-", 8) }

func isBuyerOf(p auth.Principal, buyerOrg string) bool {
	return p.Has(auth.RoleAdmin) || (p.Has(auth.RoleBuyer) && p.Org == buyerOrg)
}

// regionalOversight: roles that see all of the region's procurement.
func regionalOversight(p auth.Principal) bool {
	return p.Has(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleFinance)
}
