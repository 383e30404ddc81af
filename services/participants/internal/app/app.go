// Package app holds the participants commands and queries: registration with the BSN
// sealed and looked up by keyed hash, enrolment against the offer replica with a seat per
// place, the guarded lifecycle, attendance and placements from partner topics, and the
// scheduled check for sustainable placement.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Repository persists participants and enrolments with their events and audit entries.
type Repository interface {
	LoadParticipant(ctx context.Context, id string) (*domain.Participant, int, error)
	SaveParticipant(ctx context.Context, p *domain.Participant, o commit.Outcome) error
	ListParticipants(ctx context.Context, region string, f ParticipantFilter, page paging.Request) (paging.Page[domain.Participant], error)
	// EachParticipant visits every participant the filter selects (reports).
	EachParticipant(ctx context.Context, region string, f ParticipantFilter, fn func(*domain.Participant) error) error

	LoadPartnerSource(ctx context.Context, id string) (*domain.PartnerSource, int, error)
	SavePartnerSource(ctx context.Context, s *domain.PartnerSource, o commit.Outcome) error
	ListPartnerSources(ctx context.Context, region string, page paging.Request) (paging.Page[domain.PartnerSource], error)
	// EraseParticipantHistory removes the personal fields from every stored version.
	EraseParticipantHistory(ctx context.Context, id string) (int, error)

	LoadEnrolment(ctx context.Context, id string) (*domain.Enrolment, int, error)
	// LoadEnrolments reads several at once (a batch of partner messages); missing ones are absent.
	LoadEnrolments(ctx context.Context, ids []string) (map[string]*domain.Enrolment, error)
	SaveEnrolment(ctx context.Context, e *domain.Enrolment, o commit.Outcome) error
	ListEnrolments(ctx context.Context, region string, f EnrolmentFilter, page paging.Request) (paging.Page[domain.Enrolment], error)
	// EachEnrolment visits every enrolment the filter selects (scheduled checks, audits).
	EachEnrolment(ctx context.Context, region string, f EnrolmentFilter, fn func(*domain.Enrolment) error) error
	// CountEnrolments is how many enrolments the filter selects (one count on an index).
	CountEnrolments(ctx context.Context, region string, f EnrolmentFilter) (int64, error)
	// EnrolmentProviders are the providers of the enrolments the filter selects, at most limit.
	EnrolmentProviders(ctx context.Context, region string, f EnrolmentFilter, limit int) ([]string, error)

	// Audit is a page of the merged histories of participants and enrolments, oldest first.
	Audit(ctx context.Context, subjects []Subject, page paging.Request) (paging.Page[AuditRecord], error)
}

// Subject names an aggregate in an audit trail: its kind (participant, enrolment) and id.
type Subject struct{ Kind, ID string }

// EnrolmentFilter narrows a listing of enrolments.
type EnrolmentFilter struct {
	// Organisation: only enrolments of the participants of this organisation.
	Organisation  string
	ParticipantID string
	ProviderKvK   string
	ProductID     string
	Status        domain.Status
}

// Offers is the replica of the providers service's offers.
type Offers interface {
	// SaveOffer keeps o unless a newer revision is stored; it reports whether it was kept.
	SaveOffer(ctx context.Context, o domain.Offer) (bool, error)
	LoadOffer(ctx context.Context, contractID string) (*domain.Offer, error)
}

// ErrNoSeat: every place of the start is taken.
var ErrNoSeat = errors.New("no places left")

// Seats hands out the places of a start, one per enrolment: of two enrolments for the last
// place exactly one gets it, whatever runs concurrently or is retried.
type Seats interface {
	Claim(ctx context.Context, start string, capacity int, enrolmentID string, now time.Time) (int, error)
	Release(ctx context.Context, start, enrolmentID string) error
	// Holders lists who holds the places of a start.
	Holders(ctx context.Context, start string) ([]SeatHolder, error)
	// Reclaim gives place n to enrolmentID if orphan still holds it.
	Reclaim(ctx context.Context, start string, n int, orphan, enrolmentID string, now time.Time) (bool, error)
}

// SeatHolder is the enrolment that took a place, and when.
type SeatHolder struct {
	N           int
	EnrolmentID string
	ClaimedAt   time.Time
}

// SeatLease is how long a place claimed for an enrolment that does not exist may be the
// request that is still saving it; longer than any request may run (the server's write
// timeout), after which the place is an orphan of a crash and taken by the next enrolment.
const SeatLease = 2 * time.Minute

// Identities maps the keyed hash of a BSN to the one participant registered with it.
type Identities interface {
	// Claim records id as the owner of lookup unless another id owns it; it returns the owner.
	Claim(ctx context.Context, lookup, id string) (string, error)
	Find(ctx context.Context, lookup string) (string, error)
	// Forget removes the mapping when it still points at id (erasure).
	Forget(ctx context.Context, lookup, id string) error
}

// Attendance stores reported hours as facts: each report counts once.
type Attendance interface {
	// Record credits each report once; a report that would take its day past
	// domain.MaxMinutesPerDay is not credited: full maps its index to the day's minutes.
	Record(ctx context.Context, reports []domain.AttendanceReport) (full map[int]int, err error)
	Minutes(ctx context.Context, enrolmentID string) (int, error)
	Days(ctx context.Context, enrolmentID string) ([]DayHours, error)
}

// DayHours is the attendance of one day.
type DayHours struct {
	Date    civil.Date
	Hours   float64
	Reports int
}

// Vault seals BSNs and computes their lookup hash. Keys come from configuration.
type Vault interface {
	Seal(participantID, bsn string) (domain.SealedBSN, error)
	Open(participantID string, s domain.SealedBSN) (string, error)
	Lookup(bsn string) string
}

// Pseudonyms turns a BSN into the person's pseudonym shared by every region (SROI counts a
// person once across regions with it).
type Pseudonyms interface {
	Person(bsn string) string
	Fingerprint() string
}

// Service is the participants application.
type Service struct {
	repo       Repository
	offers     Offers
	seats      Seats
	identities Identities
	attendance Attendance
	vault      Vault
	pseudonyms Pseudonyms
	region     string
	now        func() time.Time
	support    support
}

// Deps are the adapters the application needs.
type Deps struct {
	Repo       Repository
	Offers     Offers
	Seats      Seats
	Identities Identities
	Attendance Attendance
	Vault      Vault
	// Pseudonyms is optional: without PERSON_PSEUDONYM_KEY milestones carry no person.
	Pseudonyms Pseudonyms
}

// New builds the application for the instance's region with the real clock.
func New(d Deps, region string) *Service {
	return &Service{repo: d.Repo, offers: d.Offers, seats: d.Seats, identities: d.Identities, attendance: d.Attendance,
		vault: d.Vault, pseudonyms: d.Pseudonyms, region: region, now: time.Now}
}

// WithClock replaces the clock (tests and demo data).
func (s *Service) WithClock(now func() time.Time) *Service { s.now = now; return s }

// Region is the region this instance serves.
func (s *Service) Region() string { return s.region }

// guidance: the roles that register and guide participants and see all of the region's.
func guidance(p auth.Principal) bool {
	return p.Has(auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin)
}

// ownOrganisationOnly: a work coach (of a gemeente or UWV) sees the participants of their
// own organisation, not the region's; coordinators and administrators see the region.
func ownOrganisationOnly(p auth.Principal) bool {
	return p.Has(auth.RoleWorkCoach) && !p.Has(auth.RoleCoordinator, auth.RoleAdmin)
}

// canSeeParticipant: guidance roles of the region, a work coach only the participants of
// their organisation (the organisation of the participant's work coach).
func canSeeParticipant(p auth.Principal, part *domain.Participant) bool {
	if part.Region != p.Region || !guidance(p) {
		return false
	}
	return !ownOrganisationOnly(p) || part.WorkCoach.Org == p.Org
}

// canSeeEnrolment: coordinators, administrators and finance see the region's enrolments; a
// work coach those of their organisation's participants; a provider only those at itself.
func canSeeEnrolment(p auth.Principal, e *domain.Enrolment) bool {
	if e.Region != p.Region {
		return false
	}
	if p.Has(auth.RoleCoordinator, auth.RoleAdmin, auth.RoleFinance) {
		return true
	}
	return (p.Has(auth.RoleWorkCoach) && e.Organisation == p.Org) || (p.Has(auth.RoleProvider) && p.Org == e.ProviderKvK)
}

// providerOf: the caller acts for the enrolment's provider.
func providerOf(p auth.Principal, e *domain.Enrolment) bool {
	return p.Has(auth.RoleProvider) && p.Org == e.ProviderKvK
}

// Event is a public event caused by a command.
type Event = commit.Event
