// Package app holds the SROI commands and queries: obligations from awards, declarations
// valued with the dated tables, candidate-months counted once across projects and regions,
// progress with reminders, the region's totals and the jobs goal.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Repository stores projects and declarations on the commit log with their views.
type Repository interface {
	LoadProject(ctx context.Context, id string) (*domain.Project, error)
	SaveProject(ctx context.Context, p *domain.Project, o commit.Outcome) error
	ListProjects(ctx context.Context, region string, f ProjectFilter, page paging.Request) (paging.Page[domain.Project], error)
	// ProjectCounted says whether the project's history up to a version holds the cause.
	ProjectCounted(ctx context.Context, id, cause string, atOrBefore int) (bool, error)
	// EachProjectToCheck visits the projects whose progress may have changed by day.
	EachProjectToCheck(ctx context.Context, region string, day civil.Date, fn func(*domain.Project) error) error

	// EachProjectWithout visits the projects made without a policy ("policy") or a value
	// table ("table"), which one published later completes.
	EachProjectWithout(ctx context.Context, region, what string, fn func(*domain.Project) error) error

	LoadDeclaration(ctx context.Context, id string) (*domain.Declaration, error)
	SaveDeclaration(ctx context.Context, d *domain.Declaration, o commit.Outcome) error
	ListDeclarations(ctx context.Context, region string, f DeclarationFilter, page paging.Request) (paging.Page[domain.Declaration], error)
	// EachDeclarationDue visits the declarations whose date field ("nextPlanned": a month,
	// "decideBy" or "remindOn": a day) is on or before the bound.
	EachDeclarationDue(ctx context.Context, region, field, bound string, fn func(*domain.Declaration) error) error

	LoadPolicy(ctx context.Context, id string) (*PublishedPolicy, error)
	SavePolicy(ctx context.Context, p *PublishedPolicy, o commit.Outcome) error
	Policies(ctx context.Context, region string) ([]PublishedPolicy, error)
	LoadTable(ctx context.Context, id string) (*PublishedTable, error)
	SaveTable(ctx context.Context, t *PublishedTable, o commit.Outcome) error
	Tables(ctx context.Context, region string) ([]PublishedTable, error)
}

// ProjectFilter narrows a list of projects; empty fields filter nothing.
type ProjectFilter struct {
	Buyer      string
	Contractor string
	Status     domain.ProjectStatus
}

// DeclarationFilter narrows a list of declarations.
type DeclarationFilter struct {
	ProjectID  string
	Contractor string
	Status     domain.DeclarationStatus
}

// Claims keeps every region's claims on candidate-months, in the order of the shared topic.
type Claims interface {
	// Claim takes each month for the declaration unless another declaration holds it, or
	// the person's months on the project reach max (0: no cap); a month the declaration
	// holds already is granted again (a replay).
	Claim(ctx context.Context, c MonthsClaim) (granted []string, refused []domain.RefusedMonth, err error)
	// Release frees the declaration's months.
	Release(ctx context.Context, c MonthsClaim) error
}

// Placements is the replica of the platform's placements: what a contractor may declare by
// reference.
type Placements interface {
	Keep(ctx context.Context, p Placement) error
	Load(ctx context.Context, enrolmentID string) (*Placement, error)
	// OfSchemes lists the placements of trajectories in the schemes.
	OfSchemes(ctx context.Context, region string, schemes []string) ([]Placement, error)
	// Unsustainable records that a sustainable placement no longer holds.
	Unsustainable(ctx context.Context, enrolmentID string) error
}

// People counts each person once towards the region's jobs goals.
type People interface {
	// Count records the person's first day in work (the earliest wins).
	Count(ctx context.Context, region, person string, on civil.Date, source string) error
	// FirstDays lists the first days in work between from and until, inclusive.
	FirstDays(ctx context.Context, region string, from, until civil.Date) ([]civil.Date, error)
}

// Goals stores the region's jobs goals.
type Goals interface {
	Save(ctx context.Context, g Goal) error
	Load(ctx context.Context, region, id string) (*Goal, error)
	List(ctx context.Context, region string) ([]Goal, error)
}

// Summaries keeps the totals per scope (the region, a buyer, a contractor) from the
// projects' events: each project's latest version counts once.
type Summaries interface {
	Apply(ctx context.Context, p ProjectData) error
	Totals(ctx context.Context, region, scope string) (Totals, error)
}

// Notifications records notifications once per cause and keeps those to send.
type Notifications interface {
	// Record stores it unless its cause is known; it reports whether it is new.
	Record(ctx context.Context, n Notification) (bool, error)
	Due(ctx context.Context, now time.Time, limit int) ([]Notification, error)
	Sent(ctx context.Context, cause string, at time.Time) error
	Failed(ctx context.Context, cause, reason string, retryAt time.Time) error
	// Unaddressed keeps one no party had an address for; Readdress makes a project's
	// unaddressed ones since a day pending again (its parties were set).
	Unaddressed(ctx context.Context, cause string, at time.Time) error
	Readdress(ctx context.Context, projectID string, since time.Time) (int, error)
}

// Mailer sends a notification as an e-mail to the addresses; its cause makes a resend
// recognisable as the same message.
type Mailer interface {
	Send(ctx context.Context, to []string, n Notification) error
}

// EvidenceStore keeps the documents attached to declarations.
type EvidenceStore interface {
	Put(ctx context.Context, id string, content []byte) error
	Get(ctx context.Context, id string) ([]byte, error)
}

// Pseudonymizer turns a BSN into the person's keyed pseudonym, the same in every region,
// and names its key by a fingerprint that claims carry.
type Pseudonymizer interface {
	Person(bsn string) string
	Fingerprint() string
}

// Counters count what operations must see: claims and placements refused because their
// pseudonym key differs from this region's (people would be counted twice).
type Counters interface {
	KeyMismatch(ctx context.Context, source string)
}

// Settings are the region's social-return settings.
type Settings struct {
	// PortalURL links e-mails to the project (optional).
	PortalURL string
	// DecisionDays: a declaration not decided within so many days expires and frees its
	// claims; the deciders are reminded ReminderDays before.
	DecisionDays, ReminderDays int
}

// Deps are the service's adapters.
type Deps struct {
	Repo          Repository
	Claims        Claims
	Placements    Placements
	People        People
	Goals         Goals
	Summaries     Summaries
	Notifications Notifications
	Mailer        Mailer
	Evidence      EvidenceStore
	Pseudonyms    Pseudonymizer
	Partnerships  Partnerships
	Tranches      Tranches
	Counters      Counters
}

// Service is the SROI application of one region.
type Service struct {
	Deps
	region   string
	settings Settings
	now      func() time.Time
}

// New builds the service for a region.
func New(d Deps, region string, s Settings) *Service {
	return &Service{Deps: d, region: region, settings: s, now: time.Now}
}

// WithClock sets the clock (tests move it to reach deadlines without waiting).
func (s *Service) WithClock(now func() time.Time) *Service { s.now = now; return s }

// Region is the region this instance serves.
func (s *Service) Region() string { return s.region }

func (s *Service) today() civil.Date { return civil.DateOf(s.now()) }

var reject = rules.Reject

func notFound(err error) bool { return errors.Is(err, rules.ErrNotFound) }
