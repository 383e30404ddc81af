package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// A milestone event carries the enrolment's price and terms as they are now: until the
// start the version expected on the start day (it follows every change), from the start
// the version pinned then. When they differ from what a tranche was made with, the tranche
// is corrected visibly, never edited quietly:
//   - a tranche to come (expected): its commitment is released and the new amount
//     committed (credit and rebill in the budget);
//   - a tranche reached and not paid (held, payable, approved): the old amount due is
//     reversed and the new one made due, checked and approved anew;
//   - a paid tranche keeps what was paid; a supplement (more) or a claim (less) for the
//     difference is a tranche of its own (<id>-c<n>), paid in a run or set off;
//   - a tranche in a run waits for the bank's answer, a withdrawn one for its milestone.
// Every step is a posting in the budget naming the tranche, and a correction in the
// tranche's history with the terms that caused it.

// correctionNeeded: the event's price or terms give the tranche another worth or terms.
func correctionNeeded(t *domain.Tranche, m Milestone, target domain.Cents) bool {
	return t.CorrectionOf == "" && (t.Worth() != target || t.TermsVersion != m.Terms.Version || t.PriceCents != m.PriceCents ||
		t.MaxPriceCents != m.Terms.MaxPriceCents)
}

// correct brings a tranche to the worth the event's price and terms give it (0 when its
// milestone is no longer in the terms).
func (s *Service) correct(ctx context.Context, t *domain.Tranche, m Milestone, a domain.TrancheAmount) error {
	c := domain.Correction{At: s.now().UTC(), FromCents: t.Worth(), ToCents: a.Cents, TermsVersion: m.Terms.Version, PriceCents: m.PriceCents,
		MaxPrice: m.Terms.MaxPriceCents, Percent: a.Percent}
	c.Reason = fmt.Sprintf("price %s, terms version %d: %s becomes %s", domain.Euro(m.PriceCents), m.Terms.Version, domain.Euro(c.FromCents), domain.Euro(c.ToCents))
	return s.applyCorrection(ctx, t, c)
}

func (s *Service) applyCorrection(ctx context.Context, t *domain.Tranche, c domain.Correction) error {
	actor := "system:" + milestoneActor
	terms := func() {
		t.TermsVersion, t.PriceCents, t.MaxPriceCents, t.Percent = c.TermsVersion, c.PriceCents, c.MaxPrice, c.Percent
		t.Corrections = append(t.Corrections, c)
		t.PendingCorrection = nil
	}
	note := func(status domain.TrancheStatus) {
		t.History = append(t.History, domain.TrancheChange{Status: status, At: c.At, By: actor, Reason: "correction: " + c.Reason})
	}
	credit := "correction: " + c.Reason
	if c.FromCents == c.ToCents {
		terms() // other terms, the same money: recorded, nothing moves
		note(t.Status)
		return s.step(ctx, t, change(milestoneActor, "terms-changed", c.Reason), nil)
	}
	switch t.Status {
	case domain.TrancheExpected, domain.TrancheHeld, domain.TranchePayable, domain.TrancheApproved:
		// until the new amount is booked the correction stands on the tranche: a crash
		// between the credit and the rebill is finished by the next load (loadTranche),
		// and nothing approves or pays a tranche in between
		t.PendingCorrection = &c
	}
	switch t.Status {
	case domain.TrancheExpected:
		if t.Committed {
			if err := s.step(ctx, t, change(milestoneActor, "correction-credit", c.Reason),
				&domain.Booking{Move: domain.MoveRelease, Amount: t.AmountCents, Budget: t.BudgetID, Reason: credit}); err != nil {
				return err
			}
		}
		terms()
		if c.ToCents == 0 {
			// nothing more to come: the amount stays what was released, the worth is nil
			t.NothingMoreToCome(c.ToCents)
			note(t.Status)
			return s.step(ctx, t, change(milestoneActor, actionCancelled, "correction: the terms no longer pay at this milestone"), nil)
		}
		t.AmountCents = c.ToCents
		note(t.Status)
		if t.BudgetID == "" {
			return s.step(ctx, t, change(milestoneActor, "correction-rebill", c.Reason), nil)
		}
		return s.step(ctx, t, change(milestoneActor, "correction-rebill", c.Reason),
			&domain.Booking{Move: domain.MoveCommit, Amount: c.ToCents, Budget: t.BudgetID, Reason: credit})
	case domain.TrancheHeld, domain.TranchePayable, domain.TrancheApproved:
		if t.Owed {
			if err := s.step(ctx, t, change(milestoneActor, "correction-credit", c.Reason),
				&domain.Booking{Move: domain.MoveReverse, Amount: t.AmountCents, Budget: t.BudgetID, Reason: credit}); err != nil {
				return err
			}
		}
		terms()
		t.Approvals = []domain.Approval{}
		if c.ToCents == 0 {
			t.WorthCents, t.Status, t.Holds = &c.ToCents, domain.TrancheReversed, []domain.Hold{}
			note(t.Status)
			return s.step(ctx, t, change(milestoneActor, actionReversed, "correction: the terms no longer pay at this milestone"), nil)
		}
		t.AmountCents = c.ToCents
		note(t.Status)
		return s.reach(ctx, t, t.MilestoneOn) // rebill: due again at the new amount, checked and approved anew
	case domain.TranchePaid:
		return s.correctPaid(ctx, t, c)
	case domain.TrancheExported:
		t.PendingCorrection = &c // the bank's answer decides how (settle)
		note(t.Status)
		return s.step(ctx, t, change(milestoneActor, "correction-pending", c.Reason), nil)
	case domain.TrancheClaimed:
		if t.PaidOut {
			t.PendingCorrection = &c // applies when its milestone is reached again
			note(t.Status)
			return s.step(ctx, t, change(milestoneActor, "correction-pending", c.Reason), nil)
		}
	}
	// reversed, cancelled, or a claim recovered: nothing is owed either way; the new amount
	// is what it pays should it come
	terms()
	if c.ToCents > 0 {
		t.AmountCents, t.WorthCents = c.ToCents, nil
	} else {
		t.WorthCents = &c.ToCents
	}
	note(t.Status)
	return s.step(ctx, t, change(milestoneActor, "corrected", c.Reason), nil)
}

// correctPaid corrects a paid tranche by a tranche for the difference: a supplement that
// is paid as any tranche is, or a claim set off against the provider's next payment (or
// asked back). The paid tranche keeps its amount; its worth is the corrected one.
func (s *Service) correctPaid(ctx context.Context, t *domain.Tranche, c domain.Correction) error {
	n := 1 + len(slices.DeleteFunc(slices.Clone(t.Corrections), func(x domain.Correction) bool { return x.Tranche == "" }))
	id := domain.CorrectionID(t.ID, n)
	delta := c.ToCents - c.FromCents
	existing, err := s.loadTranche(ctx, id)
	switch {
	case err == nil && existing != nil:
		// made before a crash cut the correction short: record it on the paid tranche
	case notFound(err):
		if err := s.makeCorrection(ctx, t, id, delta, c); err != nil {
			return err
		}
	default:
		return err
	}
	c.Tranche = id
	t.TermsVersion, t.PriceCents, t.MaxPriceCents, t.Percent = c.TermsVersion, c.PriceCents, c.MaxPrice, c.Percent
	t.Corrections, t.PendingCorrection = append(t.Corrections, c), nil
	worth := c.ToCents
	t.WorthCents = &worth
	t.History = append(t.History, domain.TrancheChange{Status: t.Status, At: c.At, By: "system:" + milestoneActor, Reason: "correction by " + id + ": " + c.Reason})
	return s.step(ctx, t, change(milestoneActor, "corrected", c.Reason+" ("+id+")"), nil)
}

// makeCorrection creates the supplement or claim that corrects a paid tranche.
func (s *Service) makeCorrection(ctx context.Context, paid *domain.Tranche, id string, delta domain.Cents, c domain.Correction) error {
	x := *paid
	x.StoreVersion = optimistic.StoreVersion{}
	x.ID, x.CorrectionOf = id, paid.ID
	x.TermsVersion, x.PriceCents, x.MaxPriceCents, x.Percent = c.TermsVersion, c.PriceCents, c.MaxPrice, c.Percent
	x.StartOver()
	if delta > 0 {
		x.AmountCents = delta
		x.History = append(x.History, domain.TrancheChange{Status: domain.TrancheExpected, At: c.At, By: "system:" + milestoneActor,
			Reason: "supplement to " + paid.ID + ": " + c.Reason})
		return s.reach(ctx, &x, paid.MilestoneOn)
	}
	// what was paid too much is claimed back: it is in the budget's paid account already
	x.AmountCents, x.PaidOut = -delta, true
	x.MoveTo(domain.TrancheClaimed, c.At, "system:"+milestoneActor, "claim on "+paid.ID+": "+c.Reason)
	return s.step(ctx, &x, change(milestoneActor, actionClaimed, "correction of "+paid.ID+": "+c.Reason), nil)
}

// applyPending applies a correction that waited for the bank's answer (or a claimed
// tranche's milestone reached again), or one a crash cut short, once the tranche can
// take it.
func (s *Service) applyPending(ctx context.Context, t *domain.Tranche) error {
	if t.PendingCorrection == nil || t.Status == domain.TrancheExported || t.Status == domain.TrancheClaimed && t.PaidOut {
		return nil
	}
	c := *t.PendingCorrection
	c.FromCents = t.Worth()
	return s.applyCorrection(ctx, t, c)
}
