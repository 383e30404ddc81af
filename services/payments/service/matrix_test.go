package service_test

import (
	"testing"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/payments/service"
)

var (
	financeOnly  = []auth.Role{auth.RoleFinance}
	budgetReader = []auth.Role{auth.RoleFinance, auth.RoleBuyer, auth.RoleAdmin}
	trancheUser  = []auth.Role{auth.RoleFinance, auth.RoleAdmin, auth.RoleProvider}
	runReader    = []auth.Role{auth.RoleFinance, auth.RoleAdmin}
	ownProvider  = []auth.Role{auth.RoleProvider}
)

// paymentsAccess is who may do what: finance approves and pays, a buyer and the
// administrator see the budgets, a provider only its own tranches and statement.
var paymentsAccess = map[string]kittest.Rule{
	"listBudgets":          {Roles: budgetReader},
	"openBudget":           {Roles: financeOnly},
	"getBudget":            {Roles: budgetReader},
	"topUpBudget":          {Roles: financeOnly},
	"budgetForecast":       {Roles: budgetReader},
	"listTranches":         {Roles: trancheUser, OwnOrg: ownProvider},
	"getTranche":           {Roles: trancheUser, OwnOrg: ownProvider},
	"approveTranche":       {Roles: financeOnly},
	"releaseTranche":       {Roles: financeOnly},
	"recheckTranche":       {Roles: financeOnly},
	"providerStatement":    {Roles: trancheUser, OwnOrg: ownProvider},
	"listRuns":             {Roles: runReader},
	"createRun":            {Roles: financeOnly},
	"getRun":               {Roles: runReader},
	"runFile":              {Roles: financeOnly},
	"runTransfers":         {Roles: runReader},
	"cancelRun":            {Roles: financeOnly},
	"markRunSent":          {Roles: financeOnly},
	"importBankReport":     {Roles: financeOnly},
	"approveRun":           {Roles: financeOnly},
	"listBankExceptions":   {Roles: runReader},
	"getBankException":     {Roles: runReader},
	"resolveBankException": {Roles: financeOnly},
	"reduceBudget":         {Roles: financeOnly},
	"carryOverBudget":      {Roles: financeOnly},
	"budgetTransfers":      {Roles: budgetReader},
	"budgetLedgerCheck":    {Roles: runReader},
	"requestRepayment":     {Roles: financeOnly},
	"recordRepayment":      {Roles: financeOnly},
}

// fixture is a budget, a tranche of provider 12345678, a run that pays it and a line of the
// bank's that matched nothing (an exception).
func fixture(t *testing.T) (e *env, budgetID, trancheID, runID, exceptionID string) {
	t.Helper()
	e = start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 1_000_000)
	e.milestone(t, "enr-1", "prt-1", "started", 1, -5, 95_000)
	e.milestone(t, "enr-2", "prt-2", "started", 1, -5, 95_000)
	e.waitTranche(t, "trn-enr-1-started", "payable")
	expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-started/approve", nil, nil), 200)
	run := e.makeRun(t)
	e.waitTranche(t, "trn-enr-2-started", "payable")
	e.bankReport(t, statusReport(run.MessageID, "PART", "", txLine("NO-SUCH-TRANSFER", "ACSC", "1.00", debtorIBAN)))
	var open struct{ Items []struct{ ID string } }
	expect(t, "the exception", e.r.Call(t, e.finance, "GET", "/api/v1/bank-exceptions?status=open", nil, &open), 200)
	if len(open.Items) != 1 {
		t.Fatalf("%d exceptions, want the one", len(open.Items))
	}
	return e, b.ID, "trn-enr-2-started", run.ID, open.Items[0].ID
}

// Every role, of this region and another, of the resource's organisation and another, on
// every operation of the document.
func TestAccessMatrixOfEveryRoleRegionOrganisationAndRoute(t *testing.T) {
	e, budgetID, trancheID, runID, exceptionID := fixture(t)
	raw, _ := contracts.OpenAPI(service.Name)
	e.pf.CheckAccessMatrix(t, e.r, raw, contracts.OpenAPIFiles(), kittest.Matrix{
		Rules:  paymentsAccess,
		Params: map[string]string{"budgetId": budgetID, "trancheId": trancheID, "runId": runID, "kvk": provider, "kind": "tranche", "exceptionId": exceptionID},
		Hidden: []string{trancheID, "enr-2"},
	})
}

// On every topic of the platform's own it reads, an event its owner did not sign is
// dead-lettered for its origin.
func TestForgedEventsAreRefusedOnEveryTopicItReads(t *testing.T) {
	e := start(t)
	e.pf.CheckForgedEventsAreRefused(t, e.r)
}

// Every route it serves is in its document, which it publishes (API-51) with its version
// on every answer (API-57).
func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	e := start(t)
	raw, _ := contracts.OpenAPI(service.Name)
	e.r.RoutesInDocument(t, raw, contracts.OpenAPIFiles())
}
