package app

import (
	"context"
	"slices"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Recheck runs a held tranche's checks again because a cause may be fixed (a budget
// top-up, a confirmed bank account, a contract in force, a day passed): payable when every
// check passes, otherwise held with the reasons that remain. A tranche that was not booked
// for want of budget is booked now, if it fits.
func (s *Service) Recheck(ctx context.Context, id string, actor commit.Actor) (*domain.Tranche, error) {
	var out *domain.Tranche
	err := optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil {
			return err
		}
		out = t
		if t.Status != domain.TrancheHeld {
			return nil
		}
		holds, err := s.precheck(ctx, t)
		if err != nil {
			return err
		}
		if err := s.assignBudget(ctx, t); err != nil {
			return err
		}
		if t.BudgetID == "" {
			holds = append(holds, hold(domain.HoldNoBudget, ""))
		}
		if held(t, domain.HoldBankRejected) && !slices.Contains(t.Overridden, domain.HoldBankRejected) {
			holds = append(holds, *find(t.Holds, domain.HoldBankRejected))
		}
		c := domain.PendingChange{Actor: actor, Action: actionRecheck}
		ended := false
		if !t.Owed && t.BudgetID != "" {
			h, err := s.periodHold(ctx, t)
			if err != nil {
				return err
			}
			if ended = h != nil; ended {
				holds = append(holds, *h)
			}
		}
		if !t.Owed && t.BudgetID != "" && !ended {
			t.Holds = holds
			move := domain.MoveDueFree
			if t.Committed {
				move = domain.MoveDue
			}
			return s.step(ctx, t, c, &domain.Booking{Move: move, Amount: t.AmountCents, Budget: t.BudgetID,
				Then: domain.TranchePayable, Otherwise: domain.TrancheHeld, Reason: "released", By: actor.Subject})
		}
		if sameHolds(t.Holds, holds) {
			return nil // nothing changed: no write
		}
		t.Holds = holds
		if len(holds) == 0 {
			s.arrive(t, domain.TranchePayable, actor.Subject, "every pre-check passes")
		}
		return s.step(ctx, t, c, nil)
	})
	return out, err
}

func held(t *domain.Tranche, c domain.HoldCode) bool { return find(t.Holds, c) != nil }

func find(holds []domain.Hold, c domain.HoldCode) *domain.Hold {
	for i := range holds {
		if holds[i].Code == c {
			return &holds[i]
		}
	}
	return nil
}

func sameHolds(a, b []domain.Hold) bool {
	return slices.EqualFunc(a, b, func(x, y domain.Hold) bool { return x.Code == y.Code && x.Reason == y.Reason })
}

// recheckWhere rechecks the held tranches a filter selects, oldest first (a budget top-up
// releases the oldest held tranches first, while it lasts).
func (s *Service) recheckWhere(ctx context.Context, f TrancheFilter, actor commit.Actor) (int, error) {
	f.Status = domain.TrancheHeld
	var ids []string
	if err := s.Repo.EachTranche(ctx, s.region, f, func(t *domain.Tranche) error {
		ids = append(ids, t.ID)
		return nil
	}); err != nil {
		return 0, err
	}
	released := 0
	for _, id := range ids {
		t, err := s.Recheck(ctx, id, actor)
		if err != nil {
			return released, err
		}
		if t.Status == domain.TranchePayable {
			released++
		}
	}
	return released, nil
}

// RecheckDue rechecks tranches held because their milestone day had not come, or their
// budget's period had ended (a carry-over a crash cut short is finished) (a scheduled job).
func (s *Service) RecheckDue(ctx context.Context) (int, error) {
	n, err := s.recheckWhere(ctx, TrancheFilter{HoldCode: domain.HoldMilestoneNotDue}, commit.System("recheck"))
	if err != nil {
		return n, err
	}
	m, err := s.recheckWhere(ctx, TrancheFilter{HoldCode: domain.HoldBudgetPeriodEnded}, commit.System("recheck"))
	return n + m, err
}

// Release is finance's release of a hold the checks cannot lift themselves (a duplicate
// that is none, a transfer the bank rejected whose cause is fixed), with a reason: audited.
// Four eyes: a transfer the bank rejected returns to payable only when a second officer
// confirms the first one's release (a new confirmed bank account counts as the first, by
// who confirmed it); who released a duplicate hold does not approve the tranche.
func (s *Service) Release(ctx context.Context, actor commit.Actor, id string, code domain.HoldCode, reason string) (*domain.Tranche, error) {
	if code != domain.HoldDuplicate && code != domain.HoldBankRejected {
		return nil, rules.Invalid("code", "only the holds %s and %s are released by hand; the others are released when their cause is fixed", domain.HoldDuplicate, domain.HoldBankRejected)
	}
	if len(reason) < 5 {
		return nil, rules.Invalid("reason", "state why the hold no longer applies")
	}
	err := optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil {
			return err
		}
		if t.Status != domain.TrancheHeld || !held(t, code) {
			return rules.State("tranche %s is not held with %s", id, code)
		}
		if code == domain.HoldBankRejected {
			asked, err := t.AskRelease(code, actor.Subject, reason, s.now())
			if err != nil {
				return err
			}
			if asked {
				return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: "release-asked", Reason: reason}, nil)
			}
		}
		if code == domain.HoldDuplicate {
			t.DuplicateReleasedBy = actor.Subject
		}
		if !slices.Contains(t.Overridden, code) {
			t.Overridden = append(t.Overridden, code)
		}
		t.History = append(t.History, domain.TrancheChange{Status: t.Status, At: s.now().UTC(), By: actor.Subject, Reason: "released " + string(code) + ": " + reason})
		t.Holds = slices.DeleteFunc(t.Holds, func(h domain.Hold) bool { return h.Code == code })
		if len(t.Holds) == 0 && t.Owed {
			s.arrive(t, domain.TranchePayable, actor.Subject, reason)
		} else if len(t.Holds) == 0 {
			t.Holds = []domain.Hold{hold(domain.HoldBudgetInsufficient, "rechecking")}
		}
		return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionRecheck, Reason: reason}, nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Recheck(ctx, id, actor)
}
