package service_test

import (
	"strings"
	"testing"

	"github.com/werkregio/platform/contracts/catalog"
)

func (e *env) approveAs(t *testing.T, token, id string) tranche {
	t.Helper()
	var tr tranche
	expect(t, "approve "+id, e.r.Call(t, token, "POST", "/api/v1/tranches/"+id+"/approve", nil, &tr), 200)
	return tr
}

// Four eyes where the money leaves: a run's file is released only after a second finance
// officer, not its builder, approved the run with its totals per provider and budget;
// tranches of one provider, enrolment and day are added up against the four-eyes amount
// (splitting does not evade it); who released a duplicate hold does not approve the
// tranche; a transfer the bank rejected returns to payable only when a second officer
// confirms the first one's release.
func TestFourEyesWhereTheMoneyLeaves(t *testing.T) {
	e := start(t) // four eyes above EUR 500
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 10_000_000)

	// EUR 900 split 50/50 over two milestones of one day: EUR 450 each, EUR 900 that day
	halves := terms(50, 50)
	halves["tranches"] = []obj{{"milestone": "started", "percent": 50}, {"milestone": "completed", "percent": 50}}
	for i, ms := range []string{"started", "completed"} {
		d := milestoneWith("enr-1", "prt-1", ms, -3, 90_000, halves)
		e.publish(t, catalog.TopicParticipantsEnrolments, milestoneTypes[ms], "enr-1", i+1, d)
	}
	// the same amount alone on its day needs one officer
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentStarted, "enr-2", 1, milestoneWith("enr-2", "prt-2", "started", -4, 90_000, halves))
	for _, id := range []string{"trn-enr-1-started", "trn-enr-1-completed", "trn-enr-2-started"} {
		e.waitTranche(t, id, "payable")
	}
	if tr := e.approveAs(t, e.finance, "trn-enr-1-started"); tr.Status != "payable" {
		t.Fatalf("EUR 450 of a EUR 900 day approved by one officer: %s", tr.Status)
	}
	if tr := e.approveAs(t, e.finance2, "trn-enr-1-started"); tr.Status != "approved" {
		t.Fatalf("two officers: %s", tr.Status)
	}
	e.approveAs(t, e.finance, "trn-enr-1-completed")
	e.approveAs(t, e.finance2, "trn-enr-1-completed")
	if tr := e.approveAs(t, e.finance, "trn-enr-2-started"); tr.Status != "approved" {
		t.Fatalf("EUR 450 alone on its day: %s after one approval", tr.Status)
	}

	// the run: built by one officer, approved by another, then its file
	var run runView
	expect(t, "run", e.r.Call(t, e.finance, "POST", "/api/v1/runs", obj{"upTo": e.clock.Day(0)}, &run), 201)
	if run.Status != "ready" || len(run.ByProvider) != 1 || run.ByProvider[0].AmountCents != 135_000 ||
		len(run.ByBudget) != 1 || run.ByBudget[0].BudgetID != b.ID || run.ByBudget[0].AmountCents != 135_000 || run.ByBudget[0].Tranches != 3 {
		t.Fatalf("the run's totals per provider and budget: %+v", run)
	}
	expect(t, "no file before approval", e.r.Call(t, e.finance, "GET", "/api/v1/runs/"+run.ID+"/file", nil, nil), 409)
	expect(t, "not marked sent before approval", e.r.Call(t, e.finance, "POST", "/api/v1/runs/"+run.ID+"/sent", nil, nil), 409)
	expect(t, "its builder does not approve it", e.r.Call(t, e.finance, "POST", "/api/v1/runs/"+run.ID+"/approval", nil, nil), 409)
	expect(t, "a second officer", e.r.Call(t, e.finance2, "POST", "/api/v1/runs/"+run.ID+"/approval", nil, &run), 200)
	if run.Status != "approved" || run.ApprovedBy != secondOfficerSubject {
		t.Fatalf("approved run %+v", run)
	}
	validPain001(t, e.download(t, run.ID))

	// a duplicate released by one officer is approved by another
	e.milestone(t, "enr-3", "prt-1", "completed", 1, -1, 30_000)
	e.waitHolds(t, "trn-enr-3-completed", "duplicate")
	expect(t, "release", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-3-completed/release",
		obj{"code": "duplicate", "reason": "tweede traject na uitval, afgestemd met de regio"}, nil), 200)
	e.waitTranche(t, "trn-enr-3-completed", "payable")
	expect(t, "who released the duplicate does not approve it", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-3-completed/approve", nil, nil), 409)
	e.approveAs(t, e.finance2, "trn-enr-3-completed")

	// the bank rejects a transfer: two officers return it to payable
	e2e := "R" + strings.ToUpper(strings.TrimPrefix(run.ID, "run-")) + "-" + provider
	e.bankReport(t, pain002For(run, e2e, "RJCT", "AC04", 135_000))
	e.waitHolds(t, "trn-enr-2-started", "bank-rejected")
	expect(t, "first release", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-2-started/release",
		obj{"code": "bank-rejected", "reason": "rekening bij de opleider nagevraagd"}, nil), 200)
	e.waitHolds(t, "trn-enr-2-started", "bank-rejected")
	expect(t, "the same officer again", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-2-started/release",
		obj{"code": "bank-rejected", "reason": "rekening bij de opleider nagevraagd"}, nil), 409)
	expect(t, "a second officer", e.r.Call(t, e.finance2, "POST", "/api/v1/tranches/trn-enr-2-started/release",
		obj{"code": "bank-rejected", "reason": "nagevraagd en juist bevonden"}, nil), 200)
	e.waitTranche(t, "trn-enr-2-started", "payable")
}
