package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

// withdrawSustainable publishes participants' correction: the six months of work no longer hold.
func (e *env) withdrawSustainable(t *testing.T, enrolment, participant string, seq int) {
	t.Helper()
	d := milestoneData(enrolment, participant, "sustainably_placed", -1, 95_000)
	d["reason"] = "dienstverband eerder beëindigd"
	d["placements"] = []obj{{"id": "job-1", "employerKvk": "87654321", "startDate": kittest.Day(-100), "endDate": kittest.Day(-20),
		"hoursPerWeek": 32, "contractType": "fixed_term", "recordedBy": "employer", "confirmedBy": []string{"employer"}}}
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentSustainableWithdrawn, enrolment, seq, d)
}

func (e *env) claimedCents(t *testing.T) int64 {
	t.Helper()
	var st struct {
		ClaimedCents int64 `json:"claimedCents"`
	}
	expect(t, "statement", e.r.Call(t, e.prov, "GET", "/api/v1/providers/"+provider+"/statement", nil, &st), 200)
	return st.ClaimedCents
}

// A sustainable placement paid, withdrawn (its tranche claimed back) and reached again is
// the provider's again, once: an open claim is dropped and the payment stands; a claim set
// off in a run the bank has not answered is recovered by that run and the tranche is due
// again in the same transfer (paid → due), paid in the next run. Replayed, nothing moves twice.
func TestAMilestoneReachedAgainIsPaidAgainOnce(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 1_000_000)
	for i, ms := range []string{"started", "completed", "sustainably_placed"} {
		e.milestone(t, "enr-1", "prt-1", ms, i+1, -30+i, 95_000)
	}
	e.payAll(t, "trn-enr-1-started", "trn-enr-1-completed", "trn-enr-1-sustainably_placed")
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "paid")

	// an open claim, then the milestone again: the claim is dropped, the payment stands
	e.withdrawSustainable(t, "enr-1", "prt-1", 4)
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "claimed")
	e.milestone(t, "enr-1", "prt-1", "sustainably_placed", 5, -1, 95_000)
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "paid")
	if c := e.claimedCents(t); c != 0 {
		t.Fatalf("a claim of %d cents is left after the milestone was reached again", c)
	}
	if got := e.budget(t, b.ID); got.Paid != 95_000 || got.Due != 0 {
		t.Fatalf("budget after the claim was dropped: %+v", got)
	}
	// replayed: the same events again change nothing
	e.withdrawSustainable(t, "enr-1", "prt-1", 4)
	e.milestone(t, "enr-1", "prt-1", "sustainably_placed", 5, -1, 95_000)
	before := e.consumed(t, "payments.milestones")
	e.milestone(t, "enr-2", "prt-2", "started", 1, -2, 95_000) // a marker after the replay
	e.waitTranche(t, "trn-enr-2-started", "payable")
	if e.consumed(t, "payments.milestones") <= before {
		t.Fatal("the marker was not consumed")
	}
	if tr := e.tranche(t, "trn-enr-1-sustainably_placed"); tr.Status != "paid" {
		t.Fatalf("after the replay the tranche is %s", tr.Status)
	}

	// withdrawn again, its claim set off in a run the bank has not answered, then reached
	// again: that run recovers the claim and the tranche is due again
	e.withdrawSustainable(t, "enr-1", "prt-1", 6)
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "claimed")
	expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-2-started/approve", nil, nil), 200)
	run := e.makeRun(t)
	if run.TotalCents != 38_000-28_500 || run.SetOffCents != 28_500 {
		t.Fatalf("run %+v: the claim is not set off", run)
	}
	e.milestone(t, "enr-1", "prt-1", "sustainably_placed", 7, 0, 95_000)
	e.milestone(t, "enr-1", "prt-1", "sustainably_placed", 7, 0, 95_000) // redelivered
	kittest.Eventually(t, "reached again, waiting for the run", 20*time.Second, func() bool {
		var raw map[string]any
		e.r.Call(t, e.finance, "GET", "/api/v1/tranches/trn-enr-1-sustainably_placed", nil, &raw)
		return raw["reachedAgain"] == kittest.Day(0)
	})
	e2e := "R" + strings.ToUpper(strings.TrimPrefix(run.ID, "run-")) + "-" + provider
	e.bankReport(t, pain002For(run, e2e, "ACSC", "", 9_500))
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "payable")
	if got := e.budget(t, b.ID); got.Paid != 95_000+38_000-28_500 || got.Due != 28_500 {
		t.Fatalf("budget after the claim was recovered and the milestone is due again: %+v", got)
	}
	second := e.payAll(t, "trn-enr-1-sustainably_placed")
	if second.TotalCents != 28_500 {
		t.Fatalf("the tranche due again is paid as %d cents", second.TotalCents)
	}
	e.waitTranche(t, "trn-enr-1-sustainably_placed", "paid")
	if got := e.budget(t, b.ID); got.Paid != 95_000+38_000 || got.Due != 0 || got.Committed != 57_000 {
		t.Fatalf("budget at the end: %+v, want everything earned paid once", got)
	}
}
