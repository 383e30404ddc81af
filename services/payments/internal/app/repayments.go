package app

import (
	"context"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// A claim is set off against the provider's next payment. One that no payment can set off
// — runs of one transfer per tranche set nothing off, and a provider with nothing more to
// be paid has no next payment — becomes a repayment request with a due date, and finance
// records the repayment when it arrives: then the money returns to the claim's budget.

// RequestRepayment asks an open claim back from the provider by a day (finance, or the
// daily check with actor system:repayments).
func (s *Service) RequestRepayment(ctx context.Context, actor commit.Actor, id string, dueOn civil.Date, reason string) (*domain.Tranche, error) {
	reason = strings.TrimSpace(reason)
	var v rules.Checker
	v.Check(!dueOn.IsZero() && dueOn.After(s.today()), "dueOn", "must be a day after today")
	v.Check(len(reason) >= 5 && len(reason) <= 500, "reason", "say why the claim is asked back (5 to 500 characters)")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *domain.Tranche
	err := optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil {
			return err
		}
		out = t
		switch {
		case t.Status != domain.TrancheClaimed || !t.PaidOut:
			return rules.State("tranche %s is no open claim", id)
		case t.SettledIn != "":
			return rules.State("the claim %s is set off in run %s", id, t.SettledIn)
		case t.Repayment != nil:
			return nil
		}
		t.Repayment = &domain.Repayment{RequestedAt: s.now().UTC(), RequestedBy: actor.Subject, DueOn: dueOn, Reason: reason}
		t.History = append(t.History, domain.TrancheChange{Status: t.Status, At: s.now().UTC(), By: actor.Subject,
			Reason: "repayment asked by " + dueOn.String() + ": " + reason})
		return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: "repayment-requested", Reason: reason}, nil)
	})
	return out, err
}

// RepaymentInput is a repayment received.
type RepaymentInput struct {
	ReceivedOn civil.Date
	Reference  string
}

// RecordRepayment records that the provider repaid a claim: its amount returns to the
// budget (paid → free), once.
func (s *Service) RecordRepayment(ctx context.Context, p auth.Principal, id string, in RepaymentInput) (*domain.Tranche, error) {
	var v rules.Checker
	v.Check(!in.ReceivedOn.IsZero() && !in.ReceivedOn.After(s.today()), "receivedOn", "is the day the money arrived, not after today")
	v.Check(strings.TrimSpace(in.Reference) != "" && len(in.Reference) <= 140, "reference", "the bank statement's reference of the repayment")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *domain.Tranche
	err := optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil {
			return err
		}
		out = t
		switch {
		case t.Repayment == nil:
			return rules.State("no repayment of %s was asked", id)
		case !t.Repayment.RepaidOn.IsZero():
			return nil // recorded before
		case !t.PaidOut:
			return rules.State("the claim %s was settled otherwise", id)
		}
		t.Repayment.RepaidOn, t.Repayment.Reference, t.Repayment.RecordedBy = in.ReceivedOn, strings.TrimSpace(in.Reference), p.Subject
		return s.step(ctx, t, domain.PendingChange{Actor: p.Actor(), Action: "repaid", Reason: in.Reference},
			&domain.Booking{Move: domain.MoveClaim, Amount: t.AmountCents, Budget: t.BudgetID, Reason: "repaid: " + in.Reference})
	})
	return out, err
}

// RequestDueRepayments asks back the open claims no payment can set off (a daily job):
// every claim when runs pay per tranche, otherwise a claim whose provider has nothing to
// come or to be paid.
func (s *Service) RequestDueRepayments(ctx context.Context, days int) (int, error) {
	var claims []*domain.Tranche
	if err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{OpenClaims: true}, func(t *domain.Tranche) error {
		if t.SettledIn == "" && t.Repayment == nil {
			c := *t
			claims = append(claims, &c)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	owedTo := map[string]bool{}
	n := 0
	for _, c := range claims {
		reason := "runs pay one transfer per tranche: nothing is set off"
		if !s.settings.PerTranche {
			owed, ok := owedTo[c.ProviderKvK]
			if !ok {
				var err error
				if owed, err = s.anythingToPay(ctx, c.ProviderKvK); err != nil {
					return n, err
				}
				owedTo[c.ProviderKvK] = owed
			}
			if owed {
				continue // its next payment sets it off
			}
			reason = "the provider has nothing more to be paid to set the claim off against"
		}
		if _, err := s.RequestRepayment(ctx, commit.System("repayments"), c.ID, s.today().AddDays(days), reason); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// anythingToPay: the provider has a tranche to come or to be paid.
func (s *Service) anythingToPay(ctx context.Context, kvk string) (bool, error) {
	for _, st := range []domain.TrancheStatus{domain.TrancheExpected, domain.TrancheHeld, domain.TranchePayable, domain.TrancheApproved} {
		page, err := s.Repo.ListTranches(ctx, s.region, TrancheFilter{ProviderKvK: kvk, Status: st}, paging.Request{Limit: 1})
		if err != nil {
			return false, err
		}
		if len(page.Items) > 0 {
			return true, nil
		}
	}
	return false, nil
}
