package app

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// step saves a tranche's change; when the change moves money it is done in three writes
// that are each safe to repeat: the tranche records the transfer it intends (naming it by
// its number), the budget books that transfer unless its history holds it, and the tranche
// records the outcome with its events. A crash between any two is finished by the next
// load of the tranche (finish), so the money moves exactly once and the tranche always
// learns whether it moved.
func (s *Service) step(ctx context.Context, t *domain.Tranche, c domain.PendingChange, b *domain.Booking) error {
	if b == nil {
		if t.Status == domain.TrancheHeld && len(t.Holds) == 0 {
			return errors.New("a held tranche without a reason") // a defect: never store it
		}
		return s.Repo.SaveTranche(ctx, t, rules.Outcome{Actor: c.Actor, Action: c.Action, Events: eventsFor(c, t)})
	}
	if b.By == "" {
		b.By = c.Actor.Subject
	}
	pending := *t
	pending.Intend(*b)
	pending.Pending = &c
	if err := s.Repo.SaveTranche(ctx, &pending, rules.Outcome{Actor: c.Actor, Action: "intend:" + string(b.Move)}); err != nil {
		return err
	}
	*t = pending
	return s.finish(ctx, t)
}

// finish books a tranche's intended transfer (once) and records its outcome.
func (s *Service) finish(ctx context.Context, t *domain.Tranche) error {
	b := *t.Booking
	booked, err := s.transfer(ctx, t.ID, b)
	if err != nil {
		return err
	}
	c := domain.PendingChange{Actor: rules.System("ledger"), Action: "booked:" + string(b.Move)}
	if t.Pending != nil {
		c = *t.Pending
	}
	t.Booking, t.Pending = nil, nil
	if booked {
		switch b.Move {
		case domain.MoveCommit:
			t.Committed = true
		case domain.MoveDue, domain.MoveDueFree:
			t.Owed, t.Committed = true, false
		case domain.MoveRelease:
			t.Committed = false
		case domain.MoveReverse:
			t.Owed = false
		case domain.MovePay:
			t.Owed, t.PaidOut = false, true
		case domain.MoveReject:
			t.Owed, t.PaidOut = true, false
		case domain.MoveClaim:
			t.PaidOut = false
		}
		if b.Then != "" && b.Then != t.Status || b.Then == domain.TranchePayable {
			s.arrive(t, b.Then, b.By, b.Reason)
		}
	} else if b.Otherwise != "" {
		t.Holds = append(t.Holds, hold(domain.HoldBudgetInsufficient, domain.Euro(b.Amount)+" needed"))
		s.arrive(t, b.Otherwise, b.By, t.Holds[0].Reason)
	}
	return s.Repo.SaveTranche(ctx, t, rules.Outcome{Actor: c.Actor, Action: c.Action, Events: eventsFor(c, t)})
}

// arrive moves a tranche to the status a booking led to.
func (s *Service) arrive(t *domain.Tranche, to domain.TrancheStatus, by, reason string) {
	if to == "" {
		return
	}
	if to == domain.TranchePayable && len(t.Holds) > 0 {
		to = domain.TrancheHeld
	}
	if to == domain.TrancheHeld && reason == "" && len(t.Holds) > 0 {
		reason = t.Holds[0].Reason
	}
	t.Status = to
	t.History = append(t.History, domain.TrancheChange{Status: to, At: s.clock().UTC(), By: by, Reason: reason})
}

// transfer books one move in a budget exactly once: the budget's history is searched for
// the transfer's name at the version loaded; a concurrent writer makes the save conflict
// and the retry find it. It reports false when the budget had too little (nothing booked).
func (s *Service) transfer(ctx context.Context, trancheID string, b domain.Booking) (bool, error) {
	action := b.Action(trancheID)
	for attempt := 0; ; attempt++ {
		budget, err := s.Repo.LoadBudget(ctx, b.Budget)
		if err != nil {
			return false, err
		}
		done, err := s.Repo.BudgetHasTransfer(ctx, b.Budget, action, budget.CurrentVersion())
		if err != nil || done {
			return done, err
		}
		var short *domain.ErrInsufficient
		if err := budget.Apply(b.Move, b.Amount, s.clock()); errors.As(err, &short) {
			if b.Move == domain.MoveCommit || b.Move == domain.MoveDueFree {
				return false, nil
			}
			return false, err // the ledger's invariant caught a defect: retried, then dead-lettered
		} else if err != nil {
			return false, err
		}
		err = s.Repo.SaveBudget(ctx, budget, rules.Outcome{Actor: rules.Actor{Subject: b.By}, Action: action})
		if !errors.Is(err, rules.ErrConflict) {
			return err == nil, err
		}
		// many milestones draw on one budget: back off a little, with jitter, and retry
		if attempt > 200 || ctx.Err() != nil {
			return false, err
		}
		time.Sleep(time.Duration(rand.IntN(1+min(attempt, 20))) * time.Millisecond)
	}
}
