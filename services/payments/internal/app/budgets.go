package app

import (
	"context"
	"sort"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// OpenBudget opens a budget of a financing source with its first grant (finance).
func (s *Service) OpenBudget(ctx context.Context, p auth.Principal, in domain.BudgetInput) (*domain.Budget, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.clock()
	b := &domain.Budget{ID: rules.NewIDOf(ctx, "bud-", 6), Region: s.region, Name: in.Name, Source: in.Source, From: in.From, Until: in.Until,
		Schemes: nonNil(in.Schemes), Products: nonNil(in.Products), UpdatedAt: now.UTC()}
	if in.AmountCents > 0 {
		if err := b.Apply(domain.MoveTopUp, in.AmountCents, now); err != nil {
			return nil, err
		}
	}
	if err := s.Repo.SaveBudget(ctx, b, rules.Outcome{Actor: p.Actor(), Action: "opened"}); err != nil {
		made, ok := rules.MadeBefore(ctx, err, func() (*domain.Budget, error) { return s.Repo.LoadBudget(ctx, b.ID) })
		if !ok {
			return nil, err
		}
		b = made
	}
	// tranches that waited for a budget of these schemes or products are checked again
	if err := s.releaseForBudget(ctx, b, p.Actor(), true); err != nil {
		return b, err
	}
	return s.Repo.LoadBudget(ctx, b.ID)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TopUp adds a grant to a budget; tranches held for want of budget are released oldest
// first while it lasts.
func (s *Service) TopUp(ctx context.Context, p auth.Principal, id string, amount domain.Cents, reason string) (*domain.Budget, error) {
	if amount <= 0 {
		return nil, rules.Invalid("amountCents", "must be positive")
	}
	var b *domain.Budget
	err := rules.Retry(ctx, func() error {
		var err error
		if b, err = s.budget(ctx, id); err != nil {
			return err
		}
		if err := b.Apply(domain.MoveTopUp, amount, s.clock()); err != nil {
			return err
		}
		return s.Repo.SaveBudget(ctx, b, rules.Outcome{Actor: p.Actor(), Action: "top-up: " + reason})
	})
	if err != nil {
		return nil, err
	}
	if err := s.releaseForBudget(ctx, b, p.Actor(), false); err != nil {
		return b, err
	}
	return s.Repo.LoadBudget(ctx, id)
}

// releaseForBudget rechecks the tranches held for this budget (and, for a new budget,
// those that had none), oldest first.
func (s *Service) releaseForBudget(ctx context.Context, b *domain.Budget, actor rules.Actor, opened bool) error {
	if _, err := s.recheckWhere(ctx, TrancheFilter{BudgetID: b.ID, HoldCode: domain.HoldBudgetInsufficient}, actor); err != nil {
		return err
	}
	if !opened {
		return nil
	}
	_, err := s.recheckWhere(ctx, TrancheFilter{HoldCode: domain.HoldNoBudget}, actor)
	return err
}

func (s *Service) budget(ctx context.Context, id string) (*domain.Budget, error) {
	b, err := s.Repo.LoadBudget(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Region != s.region {
		return nil, rules.ErrNotFound
	}
	return b, nil
}

// GetBudget is one budget: granted, free, committed, due, paid.
func (s *Service) GetBudget(ctx context.Context, id string) (*domain.Budget, error) {
	return s.budget(ctx, id)
}

// ListBudgets pages the region's budgets.
func (s *Service) ListBudgets(ctx context.Context, page paging.Request) (paging.Page[domain.Budget], error) {
	return s.Repo.ListBudgets(ctx, s.region, page)
}

// MonthForecast is what a budget expects to pay in one month.
type MonthForecast struct {
	Month string `json:"month"`
	// CommittedCents: tranches still to come, committed in the budget.
	CommittedCents domain.Cents `json:"committedCents"`
	// UncommittedCents: tranches still to come that did not fit when their enrolment began.
	UncommittedCents domain.Cents `json:"uncommittedCents"`
	Tranches         int          `json:"tranches"`
}

// Forecast is a budget's expected payments per month, from its running enrolments.
type Forecast struct {
	BudgetID string          `json:"budgetId"`
	Free     domain.Cents    `json:"freeCents"`
	Months   []MonthForecast `json:"months"`
}

// Forecast sums the expected tranches of a budget by the month they are forecast in.
func (s *Service) Forecast(ctx context.Context, id string) (*Forecast, error) {
	b, err := s.budget(ctx, id)
	if err != nil {
		return nil, err
	}
	months := map[string]*MonthForecast{}
	err = s.Repo.EachTranche(ctx, s.region, TrancheFilter{BudgetID: id, Status: domain.TrancheExpected}, func(t *domain.Tranche) error {
		m := t.ExpectedOn.String()[:7]
		f := months[m]
		if f == nil {
			f = &MonthForecast{Month: m}
			months[m] = f
		}
		if t.Committed {
			f.CommittedCents += t.AmountCents
		} else {
			f.UncommittedCents += t.AmountCents
		}
		f.Tranches++
		return nil
	})
	out := &Forecast{BudgetID: id, Free: b.Free, Months: []MonthForecast{}}
	for _, f := range months {
		out.Months = append(out.Months, *f)
	}
	sort.Slice(out.Months, func(i, j int) bool { return out.Months[i].Month < out.Months[j].Month })
	return out, err
}
