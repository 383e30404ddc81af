package service_test

import (
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/kittest"
)

// A claim no payment can set off — runs that pay one transfer per tranche set nothing off —
// is asked back from the provider with a due date by the daily check, is no longer set off,
// and when finance records the repayment its money returns to the budget, once.
func TestAClaimNoPaymentCanSetOffIsAskedBack(t *testing.T) {
	e := startOn(t, kittest.NewPlatform(t), &kittest.Clock{}, "PAYMENTS_TRANSFER_PER_TRANCHE", "true", "PAYMENTS_REPAYMENT_CHECK_INTERVAL", "200ms")
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 1_000_000)
	for i, ms := range []string{"started", "completed", "sustainably_placed"} {
		e.milestone(t, "enr-1", "prt-1", ms, i+1, -30+i, 95_000)
	}
	for _, id := range []string{"trn-enr-1-started", "trn-enr-1-completed", "trn-enr-1-sustainably_placed"} {
		e.waitTranche(t, id, "payable")
		expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/"+id+"/approve", nil, nil), 200)
	}
	run := e.makeRun(t)
	whole := statusReport(run.MessageID, "", "ACSC")
	whole = replaceTotals(whole, 3, 95_000)
	if rec := e.bankReport(t, whole); rec.Paid != 3 {
		t.Fatalf("paid %+v", rec)
	}
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "paid")
	e.withdrawSustainable(t, "enr-1", "prt-1", 4)
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "claimed")

	var claim struct {
		Status    string
		Repayment *struct {
			DueOn    string `json:"dueOn"`
			Reason   string
			RepaidOn string `json:"repaidOn"`
		}
	}
	kittest.Eventually(t, "the claim is asked back", 20*time.Second, func() bool {
		expect(t, "claim", e.r.Call(t, e.finance, "GET", "/api/v1/tranches/trn-enr-1-sustainably_placed", nil, &claim), 200)
		return claim.Repayment != nil
	})
	if claim.Repayment.DueOn != kittest.Day(30) || claim.Repayment.Reason == "" {
		t.Fatalf("repayment %+v, due in 30 days with the reason", claim.Repayment)
	}
	expect(t, "repaid in the future", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-sustainably_placed/repayment",
		obj{"receivedOn": kittest.Day(1), "reference": "NOTPROVIDED"}, nil), 422)
	expect(t, "repaid", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-sustainably_placed/repayment",
		obj{"receivedOn": kittest.Day(0), "reference": "Terugbetaling Bouwschool Noord"}, nil), 200)
	expect(t, "recorded twice", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-sustainably_placed/repayment",
		obj{"receivedOn": kittest.Day(0), "reference": "Terugbetaling Bouwschool Noord"}, nil), 200)
	kittest.Eventually(t, "the repayment returns to the budget", 20*time.Second, func() bool {
		got := e.budget(t, b.ID)
		return got.Paid == 95_000-28_500 && got.Free == 1_000_000-95_000+28_500
	})
	if c := e.claimedCents(t); c != 0 {
		t.Fatalf("%d cents still claimed after the repayment", c)
	}
	e.balanced(t, b.ID)
}

// replaceTotals sets a status report's count and sum of its payment.
func replaceTotals(doc string, n int, cents int64) string {
	return replaceOnce(replaceOnce(doc, "<OrgnlNbOfTxs>2</OrgnlNbOfTxs>", "<OrgnlNbOfTxs>"+itoa(n)+"</OrgnlNbOfTxs>"),
		"<OrgnlCtrlSum>760.00</OrgnlCtrlSum>", "<OrgnlCtrlSum>"+euros(cents)+"</OrgnlCtrlSum>")
}
