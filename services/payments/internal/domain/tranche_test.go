package domain

import (
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/trajectory"
)

var at = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func newTranche(amount Cents) *Tranche {
	return &Tranche{ID: TrancheID("enr-1", trajectory.MilestoneStarted), EnrolmentID: "enr-1", ProviderKvK: "12345678",
		Milestone: trajectory.MilestoneStarted, AmountCents: amount}
}

// A tranche is held with its reasons and released when they are gone; approval needs two
// different people above the four-eyes amount; a run exports it, the bank settles it, a
// rejection makes it payable again and a withdrawal after payment claims it back.
func TestATrancheGoesFromHeldToPaidAndIsClaimedBackWhenItsMilestoneFalls(t *testing.T) {
	tr := newTranche(380_00)
	if !tr.Checked([]Hold{{Code: HoldBudgetInsufficient, Reason: "x"}}, at, "system") || tr.Status != TrancheHeld {
		t.Fatalf("held: %+v", tr)
	}
	if tr.Checked([]Hold{{Code: HoldBudgetInsufficient, Reason: "x"}}, at, "system") {
		t.Error("the same hold again changed the tranche")
	}
	if err := tr.Approve("fin-1", ApprovalsNeeded(tr.AmountCents, 1000_00), at); err == nil {
		t.Error("a held tranche was approved")
	}
	if !tr.Checked(nil, at, "system") || tr.Status != TranchePayable {
		t.Fatalf("released: %+v", tr)
	}
	if err := tr.Approve("fin-1", ApprovalsNeeded(tr.AmountCents, 1000_00), at); err != nil || tr.Status != TrancheApproved {
		t.Fatalf("approval below the four-eyes amount: %v %s", err, tr.Status)
	}
	if err := tr.Export("run-1", at, "fin-1"); err != nil || tr.Status != TrancheExported {
		t.Fatal(err)
	}
	if err := tr.Export("run-2", at, "fin-1"); err == nil {
		t.Error("a tranche went into a second run")
	}
	if err := tr.Settle(false, "AC04 account closed", at, "bank"); err != nil || tr.Status != TranchePayable || tr.RunID != "" {
		t.Fatalf("rejected: %v %+v", err, tr)
	}
	_ = tr.Approve("fin-1", ApprovalsNeeded(tr.AmountCents, 1000_00), at)
	_ = tr.Export("run-3", at, "fin-1")
	if err := tr.Settle(true, "", at, "bank"); err != nil || tr.Status != TranchePaid {
		t.Fatal(err)
	}
	if tr.Withdraw("sustainable placement withdrawn", at, "system") != TrancheClaimed {
		t.Errorf("a paid tranche whose milestone fell: %s, want claimed", tr.Status)
	}
	unpaid := newTranche(100)
	unpaid.Checked(nil, at, "system")
	if unpaid.Withdraw("milestone withdrawn", at, "system") != TrancheReversed {
		t.Errorf("an unpaid tranche whose milestone fell: %s, want reversed", unpaid.Status)
	}
}

func TestAboveTheFourEyesAmountTwoDifferentPeopleApprove(t *testing.T) {
	tr := newTranche(5000_00)
	tr.Checked(nil, at, "system")
	if err := tr.Approve("fin-1", ApprovalsNeeded(tr.AmountCents, 2500_00), at); err != nil || tr.Status != TranchePayable {
		t.Fatalf("first approval: %v %s", err, tr.Status)
	}
	if err := tr.Approve("fin-1", ApprovalsNeeded(tr.AmountCents, 2500_00), at); err == nil {
		t.Fatal("the same person approved twice")
	}
	if err := tr.Approve("fin-2", ApprovalsNeeded(tr.AmountCents, 2500_00), at); err != nil || tr.Status != TrancheApproved {
		t.Fatalf("second approval: %v %s", err, tr.Status)
	}
	run := newTranche(100)
	run.Checked(nil, at, "s")
	_ = run.Approve("fin-1", 1, at)
	_ = run.Export("run-1", at, "fin-1")
	if !run.Unexport("run-1", at, "fin-1") || run.Status != TrancheApproved {
		t.Errorf("a cancelled run did not return its tranche: %s", run.Status)
	}
}
