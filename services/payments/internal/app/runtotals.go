package app

import (
	"slices"
	"strings"

	"github.com/werkregio/platform/services/payments/internal/domain"
)

// runTotals adds up a run's transfers per provider and per budget, for its approver.
type runTotals struct {
	providers map[string]*domain.RunProviderTotal
	budgets   map[string]*domain.RunBudgetTotal
}

func newRunTotals() *runTotals {
	return &runTotals{providers: map[string]*domain.RunProviderTotal{}, budgets: map[string]*domain.RunBudgetTotal{}}
}

func (t *runTotals) budget(id string) *domain.RunBudgetTotal {
	b := t.budgets[id]
	if b == nil {
		b = &domain.RunBudgetTotal{BudgetID: id}
		t.budgets[id] = b
	}
	return b
}

// transfer counts a transfer of the run (its amount after set-off, the claims set off
// against it) and its tranches, each from its budget.
func (t *runTotals) transfer(tr *domain.RunTransfer, setOff domain.Cents, tranches map[string]trancheShare) {
	p := t.providers[tr.ProviderKvK]
	if p == nil {
		p = &domain.RunProviderTotal{ProviderKvK: tr.ProviderKvK}
		t.providers[tr.ProviderKvK] = p
	}
	p.Transfers++
	p.Tranches += len(tr.Tranches)
	p.AmountCents += tr.AmountCents
	p.SetOffCents += setOff
	for _, id := range tr.Tranches {
		share := tranches[id]
		b := t.budget(share.budget)
		b.Tranches++
		b.AmountCents += share.amount
	}
}

// trancheShare is what one tranche of a run draws on which budget.
type trancheShare struct {
	budget string
	amount domain.Cents
}

// setOff counts a claim set off against the run, returning its amount to its budget.
func (t *runTotals) setOff(budgetID string, amount domain.Cents) {
	t.budget(budgetID).SetOffCents += amount
}

func (t *runTotals) lists() ([]domain.RunProviderTotal, []domain.RunBudgetTotal) {
	ps := make([]domain.RunProviderTotal, 0, len(t.providers))
	for _, p := range t.providers {
		ps = append(ps, *p)
	}
	slices.SortFunc(ps, func(a, b domain.RunProviderTotal) int { return strings.Compare(a.ProviderKvK, b.ProviderKvK) })
	bs := make([]domain.RunBudgetTotal, 0, len(t.budgets))
	for _, b := range t.budgets {
		bs = append(bs, *b)
	}
	slices.SortFunc(bs, func(a, b domain.RunBudgetTotal) int { return strings.Compare(a.BudgetID, b.BudgetID) })
	return ps, bs
}
