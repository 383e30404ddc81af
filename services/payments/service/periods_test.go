package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/kittest"
)

func (e *env) openBudgetFor(t *testing.T, name string, from, until int, amount int64) budget {
	t.Helper()
	var b budget
	expect(t, "open budget", e.r.Call(t, e.finance, "POST", "/api/v1/budgets", obj{"name": name, "source": "Regionaal Investeringsfonds",
		"from": kittest.Day(from), "until": kittest.Day(until), "schemes": []string{"sch-1"}, "amountCents": amount}, &b), 201)
	return b
}

// A budget pays for what falls due in its period: a tranche due after its until is held
// (budget-period-ended), still committed there, until finance carries the commitments to a
// budget of the new period, which then pays them; a grant can be reduced, never below what
// is committed, due and paid.
func TestBudgetPeriods(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	old := e.openBudgetFor(t, "RIF 2025-2026", -400, -10, 1_000_000)
	for i, ms := range []string{"started", "completed"} {
		e.milestone(t, "enr-1", "prt-1", ms, i+1, []int{-20, -5}[i], 95_000)
	}
	e.waitTranche(t, "trn-enr-1-started", "payable")
	e.waitHolds(t, "trn-enr-1-completed", "budget-period-ended")
	if got := e.budget(t, old.ID); got.Due != 38_000 || got.Committed != 57_000 {
		t.Fatalf("the old budget keeps the commitment until it is carried: %+v", got)
	}

	next := e.openBudgetFor(t, "RIF 2027-2028", -9, 730, 1_000_000)
	expect(t, "carry without a reason", e.r.Call(t, e.finance, "POST", "/api/v1/budgets/"+old.ID+"/carry-over", obj{"toBudgetId": next.ID, "reason": ""}, nil), 422)
	var carried struct {
		Carried int
		Skipped []any
	}
	expect(t, "carry over", e.r.Call(t, e.finance, "POST", "/api/v1/budgets/"+old.ID+"/carry-over",
		obj{"toBudgetId": next.ID, "reason": "besluit RIF 2027: lopende trajecten overgeheveld"}, &carried), 200)
	if carried.Carried != 2 || len(carried.Skipped) != 0 {
		t.Fatalf("carried %+v, want the held completion and the placement to come", carried)
	}
	e.waitTranche(t, "trn-enr-1-completed", "payable")
	if got := e.budget(t, old.ID); got.Committed != 0 || got.Due != 38_000 || got.Free != 1_000_000-38_000 {
		t.Fatalf("the old budget after the carry-over: %+v", got)
	}
	if got := e.budget(t, next.ID); got.Due != 28_500 || got.Committed != 28_500 {
		t.Fatalf("the new budget after the carry-over: %+v", got)
	}
	// a repeated carry-over carries nothing twice
	expect(t, "carry over again", e.r.Call(t, e.finance, "POST", "/api/v1/budgets/"+old.ID+"/carry-over",
		obj{"toBudgetId": next.ID, "reason": "nogmaals"}, &carried), 200)
	if carried.Carried != 0 {
		t.Fatalf("a second carry-over carried %d", carried.Carried)
	}
	carriedPostings := 0
	for _, tr := range e.budgetTransfers(t, old.ID) {
		if tr.Move == "release" && strings.Contains(tr.Reason, "carried from "+old.ID) {
			carriedPostings++
		}
	}
	if carriedPostings != 2 {
		t.Fatalf("%d postings of the carry-over in the old budget's ledger", carriedPostings)
	}

	// a grant reduced: never below what is committed, due and paid
	expect(t, "reduce below what is bound", e.r.Call(t, e.finance, "POST", "/api/v1/budgets/"+next.ID+"/reductions",
		obj{"amountCents": 1_000_000, "reason": "lagere toekenning"}, nil), 422)
	var reduced budget
	expect(t, "reduce", e.r.Call(t, e.finance, "POST", "/api/v1/budgets/"+next.ID+"/reductions",
		obj{"amountCents": 100_000, "reason": "lagere toekenning van de financier"}, &reduced), 200)
	if reduced.Granted != 900_000 || reduced.Free != 900_000-57_000 {
		t.Fatalf("reduced budget %+v", reduced)
	}
	e.balanced(t, old.ID)
	e.balanced(t, next.ID)
}

// The budget's commit log is its ledger: every change keeps its postings, the transfers
// are listed with their cause, and a budget whose kept balances were changed outside its
// ledger is caught by the check that recomputes them from the postings.
func TestOneLedgerBalancesAreRecomputedFromPostings(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 1_000_000)
	for i, ms := range []string{"started", "completed"} {
		e.milestone(t, "enr-1", "prt-1", ms, i+1, -10+i, 95_000)
	}
	e.payAll(t, "trn-enr-1-started")
	e.waitTranche(t, "trn-enr-1-started", "paid")
	e.waitTranche(t, "trn-enr-1-completed", "payable")
	expect(t, "top up", e.r.Call(t, e.finance, "POST", "/api/v1/budgets/"+b.ID+"/top-ups", obj{"amountCents": 50_000, "reason": "tweede tranche RIF"}, nil), 200)
	e.balanced(t, b.ID)
	moves := map[string]int{}
	for _, tr := range e.budgetTransfers(t, b.ID) {
		moves[tr.Move]++
		if tr.Transfer == "" || tr.Amount <= 0 {
			t.Fatalf("a posting without its name or amount: %+v", tr)
		}
		if strings.HasPrefix(tr.Transfer, "transfer:") && tr.Tranche == "" {
			t.Fatalf("a tranche's posting does not name it: %+v", tr)
		}
	}
	// the start was the enrolment's first event: due from what was free, the others committed
	if moves["top-up"] != 2 || moves["commit"] != 2 || moves["due-free"] != 1 || moves["due"] != 1 || moves["pay"] != 1 {
		t.Fatalf("the ledger's moves %v", moves)
	}

	// someone changes the budget's balances outside its ledger: the check says so
	coll := e.r.Platform.DB.Collection("view_budget")
	if _, err := coll.UpdateOne(context.Background(), bson.D{{Key: "_id", Value: b.ID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "s.freeCents", Value: 10_000}, {Key: "s.dueCents", Value: -10_000}}}}); err != nil {
		t.Fatal(err)
	}
	var check struct{ Balanced bool }
	kittest.Eventually(t, "the corrupted balance is caught", 10*time.Second, func() bool {
		expect(t, "ledger check", e.r.Call(t, e.finance, "GET", "/api/v1/budgets/"+b.ID+"/ledger-check", nil, &check), 200)
		return !check.Balanced
	})
}
