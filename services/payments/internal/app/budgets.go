package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/requestkey"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// OpenBudget opens a budget of a financing source with its first grant (finance).
func (s *Service) OpenBudget(ctx context.Context, p auth.Principal, in domain.BudgetInput) (*domain.Budget, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	b := &domain.Budget{ID: requestkey.NewIDOf(ctx, "bud-", 6), Region: s.region, Name: in.Name, Source: in.Source, From: in.From, Until: in.Until,
		Schemes: nonNil(in.Schemes), Products: nonNil(in.Products), UpdatedAt: now.UTC()}
	var postings []domain.Posting
	if in.AmountCents > 0 {
		posting, err := b.Apply(domain.MoveTopUp, in.AmountCents, now)
		if err != nil {
			return nil, err
		}
		posting.Transfer, posting.Reason = grantName(b), "opened"
		postings = append(postings, posting)
	}
	if err := s.Repo.SaveBudget(ctx, b, commit.Outcome{Actor: p.Actor(), Action: "opened", Detail: postings}); err != nil {
		made, ok := requestkey.MadeBefore(ctx, err, func() (*domain.Budget, error) { return s.Repo.LoadBudget(ctx, b.ID) })
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

// grantName names a change of a budget's grant by the version it makes.
func grantName(b *domain.Budget) string {
	return fmt.Sprintf("grant:%s:%d", b.ID, b.CurrentVersion()+1)
}

// TopUp adds a grant to a budget; tranches held for want of budget are released oldest
// first while it lasts.
func (s *Service) TopUp(ctx context.Context, p auth.Principal, id string, amount domain.Cents, reason string) (*domain.Budget, error) {
	if amount <= 0 {
		return nil, rules.Invalid("amountCents", "must be positive")
	}
	b, err := s.changeGrant(ctx, p, id, domain.MoveTopUp, amount, reason)
	if err != nil {
		return nil, err
	}
	if err := s.releaseForBudget(ctx, b, p.Actor(), false); err != nil {
		return b, err
	}
	return s.Repo.LoadBudget(ctx, id)
}

// Reduce lowers a budget's grant (the source granted less): at most what is free, so
// never below what is committed, due and paid.
func (s *Service) Reduce(ctx context.Context, p auth.Principal, id string, amount domain.Cents, reason string) (*domain.Budget, error) {
	if amount <= 0 {
		return nil, rules.Invalid("amountCents", "must be positive")
	}
	b, err := s.changeGrant(ctx, p, id, domain.MoveReduce, amount, reason)
	var short *domain.ErrInsufficient
	if errors.As(err, &short) {
		return nil, rules.Invalid("amountCents", "only %s of the budget is free; what is committed, due and paid stays granted", domain.Euro(short.Have))
	}
	return b, err
}

// changeGrant books a top-up or reduction with its posting, a reason required.
func (s *Service) changeGrant(ctx context.Context, p auth.Principal, id string, move domain.BudgetMove, amount domain.Cents, reason string) (*domain.Budget, error) {
	reason = strings.TrimSpace(reason)
	if len(reason) < 3 || len(reason) > 500 {
		return nil, rules.Invalid("reason", "say why (the decision, the letter of the financing source): 3 to 500 characters")
	}
	var b *domain.Budget
	err := optimistic.Retry(ctx, func() error {
		var err error
		if b, err = s.budget(ctx, id); err != nil {
			return err
		}
		posting, err := b.Apply(move, amount, s.now())
		if err != nil {
			return err
		}
		posting.Transfer, posting.Reason = grantName(b), reason
		return s.Repo.SaveBudget(ctx, b, commit.Outcome{Actor: p.Actor(), Action: string(move) + ": " + reason, Detail: []domain.Posting{posting}})
	})
	return b, err
}

// releaseForBudget rechecks the tranches held for this budget (and, for a new budget,
// those that had none), oldest first.
func (s *Service) releaseForBudget(ctx context.Context, b *domain.Budget, actor commit.Actor, opened bool) error {
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
	Month string
	// CommittedCents: tranches still to come, committed in the budget.
	CommittedCents domain.Cents
	// UncommittedCents: tranches still to come that did not fit when their enrolment began.
	UncommittedCents domain.Cents
	Tranches         int
}

// Forecast is a budget's expected payments per month, from its running enrolments.
type Forecast struct {
	BudgetID string
	Free     domain.Cents
	Months   []MonthForecast
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
