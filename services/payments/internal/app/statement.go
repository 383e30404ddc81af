package app

import (
	"context"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Statement is what a provider is owed, has been paid and owes back, with a line per
// tranche (enrolment and milestone) to reconcile by.
type Statement struct {
	ProviderKvK string
	Period      string
	// DueCents: reached and not yet paid (payable, approved, in a run); HeldCents: reached
	// but held; PaidCents: paid; ClaimedCents: paid, then withdrawn: owed back (open claims).
	DueCents     domain.Cents
	HeldCents    domain.Cents
	PaidCents    domain.Cents
	ClaimedCents domain.Cents
	Lines        []StatementLine
	At           time.Time
}

// StatementLine is one tranche on a statement.
type StatementLine struct {
	TrancheID   string
	EnrolmentID string
	ProductID   string
	Milestone   string
	MilestoneOn civil.Date
	AmountCents domain.Cents
	Status      domain.TrancheStatus
	Holds       []domain.Hold
	RunID       string
	EndToEndID  string
}

// Statement lists a provider's reached tranches (in a month, or all): finance sees any
// provider's, a provider only its own.
func (s *Service) Statement(ctx context.Context, p auth.Principal, kvk, period string) (*Statement, error) {
	if !sees(p, kvk) {
		return nil, rules.ErrNotFound
	}
	st := &Statement{ProviderKvK: kvk, Period: period, Lines: []StatementLine{}, At: s.now().UTC()}
	err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{ProviderKvK: kvk, Period: period}, func(t *domain.Tranche) error {
		switch t.Status {
		case domain.TrancheExpected, domain.TrancheCancelled, domain.TrancheReversed:
			return nil
		case domain.TrancheHeld:
			st.HeldCents += t.AmountCents
		case domain.TranchePaid:
			st.PaidCents += t.AmountCents
		case domain.TrancheClaimed:
			if t.PaidOut {
				st.PaidCents += t.AmountCents
				st.ClaimedCents += t.AmountCents
			}
		default:
			st.DueCents += t.AmountCents
		}
		st.Lines = append(st.Lines, StatementLine{TrancheID: t.ID, EnrolmentID: t.EnrolmentID, ProductID: t.ProductID, Milestone: string(t.Milestone),
			MilestoneOn: t.MilestoneOn, AmountCents: t.AmountCents, Status: t.Status, Holds: t.Holds, RunID: t.RunID, EndToEndID: t.EndToEndID})
		return nil
	})
	return st, err
}
