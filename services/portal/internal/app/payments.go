package app

import (
	"context"
	"net/url"

	"github.com/werkregio/platform/contracts/openapi/paymentsapi"
)

// Tranches is a page of tranches; q filters (status, provider, budget) and pages.
func (p *Portal) Tranches(ctx context.Context, u User, q url.Values) (Page[paymentsapi.Tranche], error) {
	return list[paymentsapi.Tranche](ctx, p, u.call(Payments, "/api/v1/tranches", q))
}

// ApproveTranche records the user's approval (four eyes: the service refuses a second
// approval by the same person).
func (p *Portal) ApproveTranche(ctx context.Context, u User, id, key string) (paymentsapi.Tranche, error) {
	return post[paymentsapi.Tranche](ctx, p, u.call(Payments, "/api/v1/tranches/"+url.PathEscape(id)+"/approve", nil), key, nil)
}

// Budgets is a page of budgets.
func (p *Portal) Budgets(ctx context.Context, u User, q url.Values) (Page[paymentsapi.Budget], error) {
	return list[paymentsapi.Budget](ctx, p, u.call(Payments, "/api/v1/budgets", q))
}

// Budget is one budget with its balances.
func (p *Portal) Budget(ctx context.Context, u User, id string) (paymentsapi.Budget, error) {
	return get[paymentsapi.Budget](ctx, p, u.call(Payments, "/api/v1/budgets/"+url.PathEscape(id), nil))
}

// Forecast is what a budget is expected to pay per month.
func (p *Portal) Forecast(ctx context.Context, u User, budgetID string) (paymentsapi.Forecast, error) {
	return get[paymentsapi.Forecast](ctx, p, u.call(Payments, "/api/v1/budgets/"+url.PathEscape(budgetID)+"/forecast", nil))
}

// Runs is a page of payment runs.
func (p *Portal) Runs(ctx context.Context, u User, q url.Values) (Page[paymentsapi.Run], error) {
	return list[paymentsapi.Run](ctx, p, u.call(Payments, "/api/v1/runs", q))
}

// Run is one payment run.
func (p *Portal) Run(ctx context.Context, u User, id string) (paymentsapi.Run, error) {
	return get[paymentsapi.Run](ctx, p, u.call(Payments, "/api/v1/runs/"+url.PathEscape(id), nil))
}

// CreateRun builds a run of the approved tranches.
func (p *Portal) CreateRun(ctx context.Context, u User, key string, in paymentsapi.RunInput) (paymentsapi.Run, error) {
	return post[paymentsapi.Run](ctx, p, u.call(Payments, "/api/v1/runs", nil), key, in)
}

// ApproveRun is the second officer's approval of a built run: only then is its file released.
func (p *Portal) ApproveRun(ctx context.Context, u User, id, key string) (paymentsapi.Run, error) {
	return post[paymentsapi.Run](ctx, p, u.call(Payments, "/api/v1/runs/"+url.PathEscape(id)+"/approval", nil), key, nil)
}

// Transfers is a page of a run's transfers with what the bank answered.
func (p *Portal) Transfers(ctx context.Context, u User, runID string, q url.Values) (Page[paymentsapi.Transfer], error) {
	return list[paymentsapi.Transfer](ctx, p, u.call(Payments, "/api/v1/runs/"+url.PathEscape(runID)+"/transfers", q))
}

// RunFile is the run's pain.001, the same bytes every time.
func (p *Portal) RunFile(ctx context.Context, u User, runID string) (*File, error) {
	call := u.call(Payments, "/api/v1/runs/"+url.PathEscape(runID)+"/file", nil)
	call.Accept = "application/xml"
	return p.api.Open(ctx, call)
}

// Statement is the user's (a provider's) account; q: period (YYYY-MM).
func (p *Portal) Statement(ctx context.Context, u User, q url.Values) (paymentsapi.Statement, error) {
	return get[paymentsapi.Statement](ctx, p, u.call(Payments, "/api/v1/providers/"+url.PathEscape(u.Org)+"/statement", q))
}

// StatementCSV is the same account as CSV.
func (p *Portal) StatementCSV(ctx context.Context, u User, q url.Values) (*File, error) {
	call := u.call(Payments, "/api/v1/providers/"+url.PathEscape(u.Org)+"/statement", q)
	call.Accept = "text/csv"
	return p.api.Open(ctx, call)
}

// BudgetVersion is a budget with its version (ETag).
func (p *Portal) BudgetVersion(ctx context.Context, u User, id string) (paymentsapi.Budget, string, error) {
	var out paymentsapi.Budget
	etag, err := p.api.Get(ctx, u.call(Payments, "/api/v1/budgets/"+url.PathEscape(id), nil), &out)
	return out, etag, err
}

// OpenBudget opens a budget of a financing source for schemes or products.
func (p *Portal) OpenBudget(ctx context.Context, u User, key string, in paymentsapi.BudgetInput) (paymentsapi.Budget, error) {
	return post[paymentsapi.Budget](ctx, p, u.call(Payments, "/api/v1/budgets", nil), key, in)
}

// ChangeBudget tops a budget up or reduces it ("top-ups" or "reductions"), with the reason.
func (p *Portal) ChangeBudget(ctx context.Context, u User, id, change, version, key string, in paymentsapi.TopUpInput) (paymentsapi.Budget, error) {
	call := u.call(Payments, "/api/v1/budgets/"+url.PathEscape(id)+"/"+change, nil)
	call.IfMatch = version
	return post[paymentsapi.Budget](ctx, p, call, key, in)
}

// ImportBankReport applies the bank's status report (pain.002) or statement (camt.053/054).
func (p *Portal) ImportBankReport(ctx context.Context, u User, key, document string) (paymentsapi.Reconciliation, error) {
	return post[paymentsapi.Reconciliation](ctx, p, u.call(Payments, "/api/v1/bank-reports", nil), key, paymentsapi.BankReportInput{Document: document})
}

// BankExceptions is a page of the bank's answers that were not applied; q: status.
func (p *Portal) BankExceptions(ctx context.Context, u User, q url.Values) (Page[paymentsapi.BankException], error) {
	return list[paymentsapi.BankException](ctx, p, u.call(Payments, "/api/v1/bank-exceptions", q))
}

// BankException is one of the bank's answers that was not applied.
func (p *Portal) BankException(ctx context.Context, u User, id string) (paymentsapi.BankException, error) {
	return get[paymentsapi.BankException](ctx, p, u.call(Payments, "/api/v1/bank-exceptions/"+url.PathEscape(id), nil))
}

// ResolveBankException records how an exception was resolved.
func (p *Portal) ResolveBankException(ctx context.Context, u User, id, key, reason string) (paymentsapi.BankException, error) {
	return post[paymentsapi.BankException](ctx, p, u.call(Payments, "/api/v1/bank-exceptions/"+url.PathEscape(id)+"/resolution", nil), key, paymentsapi.ReasonInput{Reason: reason})
}

// Tranche is one tranche.
func (p *Portal) Tranche(ctx context.Context, u User, id string) (paymentsapi.Tranche, error) {
	return get[paymentsapi.Tranche](ctx, p, u.call(Payments, "/api/v1/tranches/"+url.PathEscape(id), nil))
}

// ReleaseHold releases a hold the checks cannot lift themselves, with a reason.
func (p *Portal) ReleaseHold(ctx context.Context, u User, id, key string, in paymentsapi.ReleaseInput) (paymentsapi.Tranche, error) {
	return post[paymentsapi.Tranche](ctx, p, u.call(Payments, "/api/v1/tranches/"+url.PathEscape(id)+"/release", nil), key, in)
}
