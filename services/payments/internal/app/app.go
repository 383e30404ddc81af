// Package app holds the payments commands and queries: tranches due at milestones, the
// budget transfers that follow them exactly once, pre-checks and holds, approvals, payment
// runs with their SEPA files, the bank's answers, and statements.
package app

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/mail"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Repository stores tranches, budgets and runs on the commit log with their views.
type Repository interface {
	LoadTranche(ctx context.Context, id string) (*domain.Tranche, error)
	// LoadTranches reads several at once; missing ones are absent.
	LoadTranches(ctx context.Context, ids []string) (map[string]*domain.Tranche, error)
	SaveTranche(ctx context.Context, t *domain.Tranche, o commit.Outcome) error
	ListTranches(ctx context.Context, region string, f TrancheFilter, page paging.Request) (paging.Page[domain.Tranche], error)
	EachTranche(ctx context.Context, region string, f TrancheFilter, fn func(*domain.Tranche) error) error

	LoadBudget(ctx context.Context, id string) (*domain.Budget, error)
	SaveBudget(ctx context.Context, b *domain.Budget, o commit.Outcome) error
	ListBudgets(ctx context.Context, region string, page paging.Request) (paging.Page[domain.Budget], error)
	// BudgetsDrawnBy lists the budgets a scheme or product draws on ("scheme:x", "product:y").
	BudgetsDrawnBy(ctx context.Context, region, key string) ([]domain.Budget, error)
	// BudgetChanges reads a budget's changes after a version with their postings (its ledger).
	BudgetChanges(ctx context.Context, id string, afterVersion, limit int) ([]BudgetChange, error)
	// TransfersBooked: which of the named transfers the budget's history holds at or before version.
	TransfersBooked(ctx context.Context, id string, names []string, atOrBefore int) (map[string]bool, error)

	LoadRun(ctx context.Context, id string) (*domain.Run, error)
	SaveRun(ctx context.Context, r *domain.Run, o commit.Outcome) error
	ListRuns(ctx context.Context, region string, status domain.RunStatus, page paging.Request) (paging.Page[domain.Run], error)
	EachRun(ctx context.Context, region string, status domain.RunStatus, fn func(*domain.Run) error) error
	// RunByMessage finds the run whose file has this message id (a bank's answer names it).
	RunByMessage(ctx context.Context, region, messageID string) (*domain.Run, error)

	LoadException(ctx context.Context, id string) (*domain.BankException, error)
	// SaveException: rules.ErrConflict when a new one exists already (the same line again).
	SaveException(ctx context.Context, e *domain.BankException, o commit.Outcome) error
	ListExceptions(ctx context.Context, region, status string, page paging.Request) (paging.Page[domain.BankException], error)
}

// TrancheFilter narrows a listing of tranches; empty fields filter nothing.
type TrancheFilter struct {
	ProviderKvK string
	Status      domain.TrancheStatus
	BudgetID    string
	ContractID  string
	EnrolmentID string
	RunID       string
	HoldCode    domain.HoldCode
	// Period is the month of the milestone (YYYY-MM), or of the forecast for an expected one.
	Period string
	// OpenClaims: only claims paid out and not yet settled (a provider's set-off).
	OpenClaims bool
}

// Transfers stores the transfers of runs, in order.
type Transfers interface {
	// Add stores transfers once (a retried build adds nothing twice).
	Add(ctx context.Context, ts []domain.RunTransfer) error
	// Each visits a run's transfers in order without holding them all.
	Each(ctx context.Context, runID string) iter.Seq2[domain.RunTransfer, error]
	// Page is the transfers after a sequence number, in order.
	Page(ctx context.Context, runID string, afterSeq, limit int) ([]domain.RunTransfer, error)
	Find(ctx context.Context, endToEndID string) (*domain.RunTransfer, error)
	SetStatus(ctx context.Context, endToEndID, status, reason string) error
}

// Contracts is the replica of procurement's contracts: their status over time.
type Contracts interface {
	Record(ctx context.Context, c ContractChange) error
	// StatusOn is the contract's status on a day: "" (none), active, suspended or ended.
	StatusOn(ctx context.Context, contractID string, day civil.Date) (string, error)
}

// ContractChange is one event of a contract, on the day it took effect.
type ContractChange struct {
	ContractID  string
	Region      string
	ProviderKvK string
	Status      string
	On          civil.Date
	Seq         int
}

// Accounts is the replica of providers' bank accounts.
type Accounts interface {
	// Keep stores a revision unless a newer one is kept; it reports whether it was kept.
	Keep(ctx context.Context, a domain.BankAccount) (bool, error)
	Load(ctx context.Context, kvk string) (*domain.BankAccount, error)
}

// Keys claims the natural key of a tranche (participant, product, milestone) for one
// tranche: a second enrolment of the same person in the same product is a duplicate.
type Keys interface {
	Claim(ctx context.Context, key, trancheID string) (owner string, err error)
}

// Settings are the region's payment settings.
type Settings struct {
	// FourEyesCents: a tranche above it needs two approvers.
	FourEyesCents domain.Cents
	// PerTranche: one transfer per tranche in runs instead of one per provider.
	PerTranche bool
	// PainVersion is the credit-transfer file's version: pain.001.001.09, or .03 for a bank
	// that still asks for it.
	PainVersion string
	// Debtor is the region's paying organisation and account.
	Debtor Debtor
	// RepaymentDays: a claim no payment can set off is asked back within so many days.
	RepaymentDays int
	// FinanceEmail is the finance team's mailbox: each morning what waits for it, and a
	// bank's rejections as they come ("" sends none). PortalURL links the e-mails to the portal.
	FinanceEmail string
	PortalURL    string
}

// Debtor is who pays: the region's organisation, its account and address.
type Debtor struct {
	Name    string
	IBAN    string
	BIC     string
	Address domain.PostalAddress
}

// Deps are the service's adapters.
type Deps struct {
	Repo      Repository
	Transfers Transfers
	Contracts Contracts
	Accounts  Accounts
	Keys      Keys
	// Mail keeps the e-mails to finance (nil: none are sent).
	Mail Mailbox
}

// Mailbox keeps e-mails until they are sent, one per cause (kit/mail's outbox).
type Mailbox interface {
	Queue(ctx context.Context, m mail.Mail) (bool, error)
	Queued(ctx context.Context, cause string) (bool, error)
	// Sends reports whether e-mail goes out at all (without SMTP nothing is kept).
	Sends() bool
}

// Service is the payments application of one region.
type Service struct {
	Deps
	region   string
	settings Settings
	now      func() time.Time
	ledger   ledger
}

// New builds the service for a region.
func New(d Deps, region string, s Settings) *Service {
	return &Service{Deps: d, region: region, settings: s, now: time.Now}
}

// WithClock sets the clock (tests move it to reach forecast dates without waiting).
func (s *Service) WithClock(now func() time.Time) *Service { s.now = now; return s }

// Region is the region this instance serves.
func (s *Service) Region() string { return s.region }

func (s *Service) today() civil.Date { return civil.DateOf(s.now()) }

// Rejected is a message this service cannot take (it goes to the dead-letter topic).
type Rejected = rules.Rejected

var reject = rules.Reject

func notFound(err error) bool { return errors.Is(err, rules.ErrNotFound) }
