package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

func (e *env) payAll(t *testing.T, ids ...string) runView {
	t.Helper()
	for _, id := range ids {
		e.waitTranche(t, id, "payable")
		expect(t, "approve "+id, e.r.Call(t, e.finance, "POST", "/api/v1/tranches/"+id+"/approve", nil, nil), 200)
	}
	run := e.makeRun(t)
	validPain001(t, e.download(t, run.ID))
	e2e := "R" + strings.ToUpper(strings.TrimPrefix(run.ID, "run-")) + "-" + provider
	if rec := e.bankReport(t, pain002For(run, e2e, "ACSC", "", run.TotalCents)); rec.Paid != 1 {
		t.Fatalf("the bank's report paid nothing: %+v", rec)
	}
	return run
}

// A sustainable placement withdrawn after it was paid becomes a claim on the provider,
// set off against its next payment; the tranche itself is never edited, and the budget
// gets the money back when the set-off is paid. Above the four-eyes amount two different
// officers approve.
func TestAWithdrawnMilestoneIsClaimedBackFromTheNextPayment(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 1_000_000)
	for i, ms := range []string{"started", "completed", "sustainably_placed"} {
		e.milestone(t, "enr-1", "prt-1", ms, i+1, -30+i, 95_000)
	}
	first := e.payAll(t, "trn-enr-1-started", "trn-enr-1-completed", "trn-enr-1-sustainably_placed")
	if first.TotalCents != 95_000 || first.Tranches != 3 {
		t.Fatalf("first run %+v", first)
	}
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "paid")

	e.withdrawSustainable(t, "enr-1", "prt-1", 4)
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "claimed")
	var st struct {
		ClaimedCents int64 `json:"claimedCents"`
	}
	expect(t, "statement", e.r.Call(t, e.prov, "GET", "/api/v1/providers/"+provider+"/statement", nil, &st), 200)
	if st.ClaimedCents != 28_500 {
		t.Fatalf("statement claims %d", st.ClaimedCents)
	}

	// four eyes: EUR 800 is above EUR 500
	dearer := terms(40, 30, 30)
	dearer["maxPriceCents"] = 250_000
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentStarted, "enr-2", 1, milestoneWith("enr-2", "prt-2", "started", -2, 200_000, dearer))
	e.waitTranche(t, "trn-enr-2-started", "payable")
	var tr tranche
	expect(t, "first approval", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-2-started/approve", nil, &tr), 200)
	if tr.Status != "payable" {
		t.Fatalf("one approval of EUR 800 made it %s", tr.Status)
	}
	expect(t, "the same officer again", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-2-started/approve", nil, nil), 409)
	expect(t, "a second officer", e.r.Call(t, e.finance2, "POST", "/api/v1/tranches/trn-enr-2-started/approve", nil, &tr), 200)
	if tr.Status != "approved" {
		t.Fatalf("two approvals made it %s", tr.Status)
	}
	second := e.makeRun(t)
	if second.TotalCents != 80_000-28_500 || second.SetOffCents != 28_500 {
		t.Fatalf("second run %+v: the claim is not set off", second)
	}
	validPain001(t, e.download(t, second.ID))
	e2e := "R" + strings.ToUpper(strings.TrimPrefix(second.ID, "run-")) + "-" + provider
	e.bankReport(t, pain002For(second, e2e, "ACSC", "", second.TotalCents))
	e.waitTranche(t, "trn-enr-2-started", "paid")
	got := e.budget(t, b.ID)
	if got.Paid != 95_000+80_000-28_500 {
		t.Fatalf("budget after the set-off: %+v", got)
	}
}

// A provider whose account awaits confirmation is left out of a run, and so are its
// claims: they are set off in the run that pays it, not held by a transfer never made.
func TestAClaimIsNotHeldByATransferLeftOutOfARun(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	e.openBudget(t, 1_000_000)
	for i, ms := range []string{"started", "completed", "sustainably_placed"} {
		e.milestone(t, "enr-1", "prt-1", ms, i+1, -30+i, 95_000)
	}
	e.payAll(t, "trn-enr-1-started", "trn-enr-1-completed", "trn-enr-1-sustainably_placed")
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "paid")
	e.withdrawSustainable(t, "enr-1", "prt-1", 4)
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "claimed")
	e.milestone(t, "enr-2", "prt-2", "started", 1, -2, 95_000)
	e.waitTranche(t, "trn-enr-2-started", "payable")
	expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-2-started/approve", nil, nil), 200)
	e.account(t, provider, "NL44RABO0123456789", "pending", 2) // the provider changed its account
	kittest.Eventually(t, "the new account known", 20*time.Second, func() bool {
		var raw map[string]any
		e.r.Call(t, e.finance, "GET", "/api/v1/tranches/trn-enr-2-started", nil, &raw)
		return raw["status"] == "approved"
	})
	var left runView
	kittest.Eventually(t, "the run leaves the provider out", 20*time.Second, func() bool {
		expect(t, "run", e.r.Call(t, e.finance, "POST", "/api/v1/runs", obj{"upTo": e.clock.Day(0)}, &left), 201)
		return left.Status == "cancelled"
	})
	var claim struct {
		SettledIn string `json:"settledIn"`
	}
	expect(t, "claim", e.r.Call(t, e.finance, "GET", "/api/v1/tranches/trn-enr-1-sustainably_placed", nil, &claim), 200)
	if claim.SettledIn != "" {
		t.Fatalf("the claim is held by %s, a run that pays the provider nothing", claim.SettledIn)
	}
	e.account(t, provider, "NL44RABO0123456789", "confirmed", 3)
	e.waitTranche(t, "trn-enr-2-started", "approved")
	run := e.makeRun(t)
	if run.SetOffCents != 28_500 {
		t.Fatalf("the next run %+v does not set the claim off", run)
	}
}
