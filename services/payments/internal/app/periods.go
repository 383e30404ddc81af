package app

import (
	"context"
	"slices"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// CarryInput names the budget of the new period that takes over a budget's commitments.
type CarryInput struct {
	ToBudgetID string
	Reason     string
}

// Carried is what a carry-over did.
type Carried struct {
	From    string
	To      string
	Carried int
	Skipped []SkippedItem
}

// SkippedItem is a tranche a carry-over left where it was, and why.
type SkippedItem struct {
	TrancheID string
	Reason    string
}

// CarryOver moves what a budget committed beyond its period to a budget of the new period:
// the tranches held because their milestone fell after its end (budget-period-ended) and
// the expected ones forecast after it. Each is released from the old budget and committed,
// or made due, in the new one, every step a posting in both ledgers naming the tranche and
// the cause; a tranche the new budget does not cover (its schemes and products, its period)
// stays. Safe to repeat: a carry-over a crash cut short is finished by the next.
func (s *Service) CarryOver(ctx context.Context, p auth.Principal, fromID string, in CarryInput) (*Carried, error) {
	from, err := s.budget(ctx, fromID)
	if err != nil {
		return nil, err
	}
	var v rules.Checker
	v.Check(in.ToBudgetID != "" && in.ToBudgetID != fromID, "toBudgetId", "name the budget of the new period")
	v.Check(len(strings.TrimSpace(in.Reason)) >= 3, "reason", "say why (the decision of the financing source)")
	if err := v.Err(); err != nil {
		return nil, err
	}
	to, err := s.budget(ctx, in.ToBudgetID)
	if notFound(err) {
		return nil, rules.Invalid("toBudgetId", "is not a budget of this region")
	} else if err != nil {
		return nil, err
	}
	var ids []string
	collect := func(t *domain.Tranche) error {
		if t.Status == domain.TrancheHeld || t.ExpectedOn.After(from.Until) {
			ids = append(ids, t.ID)
		}
		return nil
	}
	if err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{BudgetID: fromID, Status: domain.TrancheHeld, HoldCode: domain.HoldBudgetPeriodEnded}, collect); err != nil {
		return nil, err
	}
	if err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{BudgetID: fromID, Status: domain.TrancheExpected}, collect); err != nil {
		return nil, err
	}
	out := &Carried{From: fromID, To: to.ID, Skipped: []SkippedItem{}}
	reason := "carried from " + fromID + " to " + to.ID + ": " + strings.TrimSpace(in.Reason)
	for _, id := range ids {
		why, err := s.carry(ctx, id, from, to, p.Actor(), reason)
		if err != nil {
			return out, err
		}
		if why != "" {
			out.Skipped = append(out.Skipped, SkippedItem{TrancheID: id, Reason: why})
			continue
		}
		out.Carried++
	}
	return out, nil
}

// carry moves one tranche's commitment; it says why when the new budget cannot take it.
func (s *Service) carry(ctx context.Context, id string, from, to *domain.Budget, actor commit.Actor, reason string) (string, error) {
	why := ""
	err := optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil || t.BudgetID != from.ID {
			return err // carried before
		}
		day := t.MilestoneOn
		if t.Status == domain.TrancheExpected {
			day = t.ExpectedOn
		}
		if why = carriable(t, to, day); why != "" {
			return nil
		}
		c := domain.PendingChange{Actor: actor, Action: "carried", Reason: reason}
		if t.Committed {
			if err := s.step(ctx, t, c, &domain.Booking{Move: domain.MoveRelease, Amount: t.AmountCents, Budget: from.ID, Reason: reason}); err != nil {
				return err
			}
		}
		t.BudgetID = to.ID
		t.Holds = slices.DeleteFunc(t.Holds, func(h domain.Hold) bool { return h.Code == domain.HoldBudgetPeriodEnded })
		if t.Status == domain.TrancheExpected {
			return s.step(ctx, t, c, &domain.Booking{Move: domain.MoveCommit, Amount: t.AmountCents, Budget: to.ID, Reason: reason})
		}
		if len(t.Holds) == 0 {
			t.Holds = []domain.Hold{hold(domain.HoldBudgetInsufficient, "rechecking in %s", to.ID)} // until the recheck books it
		}
		return s.step(ctx, t, c, nil)
	})
	if err != nil || why != "" {
		return why, err
	}
	_, err = s.Recheck(ctx, id, actor)
	return "", err
}

// carriable says why a budget cannot take a tranche over, or "".
func carriable(t *domain.Tranche, to *domain.Budget, day civil.Date) string {
	switch {
	case !slices.Contains(to.Schemes, t.SchemeID) && !slices.Contains(to.Products, t.ProductID):
		return "the budget " + to.ID + " does not draw on the tranche's scheme or product"
	case !to.Covers(day):
		return "the budget " + to.ID + " does not cover " + day.String()
	}
	return ""
}
