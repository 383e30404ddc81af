// Package adapters connects the payments application to MongoDB and Kafka.
package adapters

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/payments/internal/app"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Aggregate kinds in the commit log.
const (
	kindTranche   = "tranche"
	kindBudget    = "budget"
	kindRun       = "run"
	kindException = "bankexception"
)

// month is the period a tranche counts in: its milestone's month, or its forecast's.
func month(t *domain.Tranche) string {
	d := t.MilestoneOn
	if d.IsZero() {
		d = t.ExpectedOn
	}
	if d.IsZero() {
		return ""
	}
	return d.String()[:7]
}

// Views are what lists filter on.
var Views = []*store.View{
	store.NewView(kindTranche, 3, store.StoredAs(documentOfTranche, trancheDocument.tranche), func(t *domain.Tranche) store.Fields {
		codes := make([]string, len(t.Holds))
		for i, h := range t.Holds {
			codes[i] = string(h.Code)
		}
		return store.Fields{"provider": t.ProviderKvK, "status": string(t.Status), "budget": t.BudgetID, "contract": t.ContractID,
			"enrolment": t.EnrolmentID, "run": t.RunID, "holdCodes": codes, "period": month(t),
			"claimOpen": t.Status == domain.TrancheClaimed && t.PaidOut}
	},
		// each index costs every tranche write: the lists' and checks' filters, no more
		// (a held tranche's recheck narrows by status and code, then by its contract,
		// budget or provider among the few held)
		[]string{"status"}, []string{"provider", "status"}, []string{"provider", "period"}, []string{"budget", "status"},
		[]string{"run", "status"}, []string{"enrolment"}, []string{"status", "holdCodes"},
		// a provider's claims still to set off (settled ones stay claimed, for the record)
		[]string{"provider", "claimOpen"}),
	store.NewView(kindBudget, 1, store.StoredAs(documentOfBudget, budgetDocument.budget), func(b *domain.Budget) store.Fields {
		return store.Fields{"draws": b.Draws()}
	}, []string{"draws"}),
	store.NewView(kindRun, 2, store.StoredAs(documentOfRun, runDocument.run), func(r *domain.Run) store.Fields {
		return store.Fields{"status": string(r.Status), "message": r.MessageID}
	}, []string{"status"}, []string{"message"}),
	store.NewView(kindException, 1, store.StoredAs(documentOfBankException, bankExceptionDocument.bankException), func(e *domain.BankException) store.Fields {
		return store.Fields{"status": e.Status}
	}, []string{"status"}),
}

// Repository stores tranches, budgets and runs on the commit log with their views.
type Repository struct {
	agg      *store.Aggregates
	tranches *groupCommit
}

// NewRepository publishes each event to its topic in the catalog.
func NewRepository(s *store.Store, topicPrefix string) *Repository {
	agg := store.NewAggregates(s, topicPrefix, catalog.RoutesOf(catalog.Payments))
	return &Repository{agg: agg, tranches: newGroupCommit(agg)}
}

var _ app.Repository = (*Repository)(nil)

func load[T any](ctx context.Context, a *store.Aggregates, kind, id string) (*T, error) {
	v, _, err := store.LoadAs[T](ctx, a, kind, id)
	return v, err
}

func (r *Repository) LoadTranche(ctx context.Context, id string) (*domain.Tranche, error) {
	return load[domain.Tranche](ctx, r.agg, kindTranche, id)
}

func (r *Repository) LoadTranches(ctx context.Context, ids []string) (map[string]*domain.Tranche, error) {
	return store.LoadManyAs[domain.Tranche](ctx, r.agg, kindTranche, ids)
}

func (r *Repository) SaveTranche(ctx context.Context, t *domain.Tranche, o commit.Outcome) error {
	o.Version = t.CurrentVersion()
	return r.tranches.save(ctx, store.Saved{Kind: kindTranche, ID: t.ID, Region: t.Region, State: t, Outcome: o})
}

func trancheQuery(region string, f app.TrancheFilter, page paging.Request) store.PageQuery {
	q := store.Filtered(region, page, map[string]string{"provider": f.ProviderKvK, "status": string(f.Status), "budget": f.BudgetID,
		"contract": f.ContractID, "enrolment": f.EnrolmentID, "run": f.RunID, "holdCodes": string(f.HoldCode), "period": f.Period})
	if f.OpenClaims {
		q.Equals["claimOpen"] = true
	}
	return q
}

func (r *Repository) ListTranches(ctx context.Context, region string, f app.TrancheFilter, page paging.Request) (paging.Page[domain.Tranche], error) {
	return store.PageAs[domain.Tranche](ctx, r.agg, kindTranche, trancheQuery(region, f, page))
}

func (r *Repository) EachTranche(ctx context.Context, region string, f app.TrancheFilter, fn func(*domain.Tranche) error) error {
	return store.EachAs(ctx, r.agg, kindTranche, trancheQuery(region, f, paging.Request{}), fn)
}

func (r *Repository) LoadBudget(ctx context.Context, id string) (*domain.Budget, error) {
	return load[domain.Budget](ctx, r.agg, kindBudget, id)
}

func (r *Repository) SaveBudget(ctx context.Context, b *domain.Budget, o commit.Outcome) error {
	o.Version = b.CurrentVersion()
	switch postings := o.Detail.(type) {
	case nil:
	case []domain.Posting:
		o.Detail = convert.Each(postings, documentOfPosting)
	default:
		return fmt.Errorf("a budget's change keeps its postings, not %T", o.Detail)
	}
	return r.agg.Save(ctx, store.Saved{Kind: kindBudget, ID: b.ID, Region: b.Region, State: b, Outcome: o})
}

func (r *Repository) ListBudgets(ctx context.Context, region string, page paging.Request) (paging.Page[domain.Budget], error) {
	return store.PageAs[domain.Budget](ctx, r.agg, kindBudget, store.Filtered(region, page, nil))
}

func (r *Repository) BudgetsDrawnBy(ctx context.Context, region, key string) ([]domain.Budget, error) {
	var out []domain.Budget
	err := store.EachAs(ctx, r.agg, kindBudget, store.Filtered(region, paging.Request{}, map[string]string{"draws": key}), func(b *domain.Budget) error {
		out = append(out, *b)
		return nil
	})
	return out, err
}

func (r *Repository) TransfersBooked(ctx context.Context, id string, names []string, atOrBefore int) (map[string]bool, error) {
	return r.agg.CausesApplied(ctx, kindBudget, id, names, atOrBefore)
}

func (r *Repository) LoadRun(ctx context.Context, id string) (*domain.Run, error) {
	return load[domain.Run](ctx, r.agg, kindRun, id)
}

func (r *Repository) SaveRun(ctx context.Context, run *domain.Run, o commit.Outcome) error {
	o.Version = run.CurrentVersion()
	return r.agg.Save(ctx, store.Saved{Kind: kindRun, ID: run.ID, Region: run.Region, State: run, Outcome: o})
}

func (r *Repository) ListRuns(ctx context.Context, region string, status domain.RunStatus, page paging.Request) (paging.Page[domain.Run], error) {
	return store.PageAs[domain.Run](ctx, r.agg, kindRun, store.Filtered(region, page, map[string]string{"status": string(status)}))
}

func (r *Repository) EachRun(ctx context.Context, region string, status domain.RunStatus, fn func(*domain.Run) error) error {
	return store.EachAs(ctx, r.agg, kindRun, store.Filtered(region, paging.Request{}, map[string]string{"status": string(status)}), fn)
}

func (r *Repository) RunByMessage(ctx context.Context, region, messageID string) (*domain.Run, error) {
	page, err := store.PageAs[domain.Run](ctx, r.agg, kindRun, store.Filtered(region, paging.Request{Limit: 1}, map[string]string{"message": messageID}))
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 {
		return nil, rules.ErrNotFound
	}
	return &page.Items[0], nil
}

// CountTranches is how many tranches of the region have the status (one indexed count).
func (r *Repository) CountTranches(ctx context.Context, region string, status domain.TrancheStatus) (int64, error) {
	return r.agg.Count(ctx, kindTranche, store.Filtered(region, paging.Request{}, map[string]string{"status": string(status)}))
}

// EachBudget visits the region's budgets (a region has tens).
func (r *Repository) EachBudget(ctx context.Context, region string, fn func(*domain.Budget) error) error {
	return store.EachAs(ctx, r.agg, kindBudget, store.Filtered(region, paging.Request{}, nil), fn)
}

func (r *Repository) LoadException(ctx context.Context, id string) (*domain.BankException, error) {
	return load[domain.BankException](ctx, r.agg, kindException, id)
}

func (r *Repository) SaveException(ctx context.Context, e *domain.BankException, o commit.Outcome) error {
	o.Version = e.CurrentVersion()
	return r.agg.Save(ctx, store.Saved{Kind: kindException, ID: e.ID, Region: e.Region, State: e, Outcome: o})
}

func (r *Repository) ListExceptions(ctx context.Context, region, status string, page paging.Request) (paging.Page[domain.BankException], error) {
	return store.PageAs[domain.BankException](ctx, r.agg, kindException, store.Filtered(region, page, map[string]string{"status": status}))
}

func (r *Repository) BudgetChanges(ctx context.Context, id string, afterVersion, limit int) ([]app.BudgetChange, error) {
	changes, err := r.agg.Details(ctx, kindBudget, id, afterVersion, limit)
	if err != nil {
		return nil, err
	}
	out := make([]app.BudgetChange, len(changes))
	for i, c := range changes {
		out[i] = app.BudgetChange{Version: c.Version, At: c.At, Actor: c.Actor, Action: c.Action}
		if len(c.Detail) > 0 {
			var postings []postingDocument
			if err := json.Unmarshal(c.Detail, &postings); err != nil {
				return nil, err
			}
			out[i].Postings = convert.Each(postings, postingDocument.posting)
		}
	}
	return out, nil
}
