package domain

import (
	"slices"

	"time"

	"github.com/werkregio/platform/services/kit/civil"

	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

// TrancheStatus is where a tranche is on its way to the provider's bank account.
type TrancheStatus string

const (
	TrancheExpected  TrancheStatus = "expected"  // the milestone is still to come: its amount is committed
	TrancheCancelled TrancheStatus = "cancelled" // the enrolment dropped out before the milestone: commitment released
	TrancheHeld      TrancheStatus = "held"      // a pre-check failed; released when its cause is fixed
	TranchePayable   TrancheStatus = "payable"   // every pre-check passed; awaits finance's approval
	TrancheApproved  TrancheStatus = "approved"  // approved (by two people above the four-eyes amount)
	TrancheExported  TrancheStatus = "exported"  // in a payment run's SEPA file
	TranchePaid      TrancheStatus = "paid"      // the bank reported it transferred
	TrancheReversed  TrancheStatus = "reversed"  // the milestone was withdrawn before payment
	TrancheClaimed   TrancheStatus = "claimed"   // the milestone was withdrawn after payment: claimed back
)

// Tranche is one enrolment's payment at one milestone. Its id is the enrolment and the
// milestone, so it exists once however often the milestone is delivered.
type Tranche struct {
	rules.StoreVersion `json:"-"`
	ID                 string `json:"id"`
	Region             string `json:"region"`
	EnrolmentID        string `json:"enrolmentId"`
	ContractID         string `json:"contractId"`
	ProviderKvK        string `json:"providerKvk"`
	ProductID          string `json:"productId"`
	SchemeID           string `json:"schemeId"`
	ParticipantID      string `json:"participantId"`
	BudgetID           string `json:"budgetId,omitempty"`
	// Committed: the amount was committed in the budget while the milestone was to come.
	Committed bool `json:"committed"`
	// Owed: the amount is booked as due to the provider (in the budget's due account).
	Owed bool `json:"owed"`
	// PaidOut: the bank paid the amount to the provider (a withdrawal is then a claim).
	PaidOut bool `json:"paidOut"`
	// ExpectedOn is when an expected milestone is forecast (the budget's forecast per month).
	ExpectedOn Date `json:"expectedOn,omitzero"`
	// StartDate is the enrolment's start: the budget in force then pays all its tranches.
	StartDate    Date                 `json:"startDate"`
	Milestone    trajectory.Milestone `json:"milestone"`
	MilestoneOn  Date                 `json:"milestoneOn"`
	TermsVersion int                  `json:"termsVersion"`
	Percent      int                  `json:"percent"`
	AmountCents  Cents                `json:"amountCents"`
	// PriceCents and MaxPriceCents: the enrolment's price and its terms' cap (pre-check).
	PriceCents    Cents `json:"priceCents"`
	MaxPriceCents Cents `json:"maxPriceCents"`
	// Overridden: holds finance released by hand, with a reason (audited); not raised again.
	Overridden []HoldCode    `json:"overridden,omitempty"`
	Status     TrancheStatus `json:"status"`
	Holds      []Hold        `json:"holds"`
	Approvals  []Approval    `json:"approvals"`
	RunID      string        `json:"runId,omitempty"`
	EndToEndID string        `json:"endToEndId,omitempty"`
	// Booking is a budget transfer this tranche asked for and has not seen the outcome of
	// (see Booking); Bookings counts the tranche's transfers, naming each.
	Booking  *Booking `json:"booking,omitempty"`
	Bookings int      `json:"bookings"`
	// Pending is the change (its audit entry and events) that waits for the booking.
	Pending *PendingChange `json:"pending,omitempty"`
	// SettledIn: the run whose payment to the provider a claim on this tranche was set off against.
	SettledIn  string          `json:"settledIn,omitempty"`
	BankReason string          `json:"bankReason,omitempty"`
	History    []TrancheChange `json:"history"`
}

// Approval is one finance officer's approval.
type Approval struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// TrancheChange is one step of a tranche's history.
type TrancheChange struct {
	Status TrancheStatus `json:"status"`
	At     time.Time     `json:"at"`
	By     string        `json:"by"`
	Reason string        `json:"reason,omitempty"`
}

// TrancheID is deterministic: one tranche per enrolment and milestone.
func TrancheID(enrolmentID string, m trajectory.Milestone) string {
	return "trn-" + enrolmentID + "-" + string(m)
}

// Date is a calendar day (Europe/Amsterdam).
type Date = civil.Date

func (t *Tranche) move(to TrancheStatus, now time.Time, by, reason string) {
	t.Status = to
	t.History = append(t.History, TrancheChange{Status: to, At: now.UTC(), By: by, Reason: reason})
}

// Checked applies the outcome of the pre-checks to a new or held tranche: held with every
// reason, or payable. It reports whether the status changed.
func (t *Tranche) Checked(holds []Hold, now time.Time, by string) bool {
	if t.Status != "" && t.Status != TrancheHeld {
		return false
	}
	if holds == nil {
		holds = []Hold{}
	}
	was := t.Status
	t.Holds = holds
	if len(holds) > 0 {
		if was != TrancheHeld {
			t.move(TrancheHeld, now, by, holds[0].Reason)
		}
		return was != TrancheHeld
	}
	t.move(TranchePayable, now, by, "every pre-check passed")
	return true
}

// Approve records a finance officer's approval. Above fourEyes the tranche needs two
// approvals by different people; the same person approving twice is refused.
func (t *Tranche) Approve(by string, fourEyes Cents, now time.Time) error {
	if t.Status != TranchePayable {
		return rules.State("tranche %s is %s; only a payable tranche is approved", t.ID, t.Status)
	}
	if slices.ContainsFunc(t.Approvals, func(a Approval) bool { return a.By == by }) {
		return rules.State("tranche %s was approved by %s already; a second approver must be someone else", t.ID, by)
	}
	t.Approvals = append(t.Approvals, Approval{By: by, At: now.UTC()})
	need := 1
	if t.AmountCents > fourEyes {
		need = 2
	}
	if len(t.Approvals) >= need {
		t.move(TrancheApproved, now, by, "")
	}
	return nil
}

// Export puts an approved tranche in a payment run.
func (t *Tranche) Export(runID string, now time.Time, by string) error {
	if t.Status != TrancheApproved {
		return rules.State("tranche %s is %s; only an approved tranche goes in a run", t.ID, t.Status)
	}
	t.RunID = runID
	t.move(TrancheExported, now, by, runID)
	return nil
}

// Unexport returns a tranche of a cancelled run to approved.
func (t *Tranche) Unexport(runID string, now time.Time, by string) bool {
	if t.Status != TrancheExported || t.RunID != runID {
		return false
	}
	t.RunID = ""
	t.move(TrancheApproved, now, by, "run "+runID+" cancelled")
	return true
}

// Settle records the bank's answer for an exported tranche: paid, or rejected with the
// bank's reason (the tranche is payable again once the cause is fixed, and needs approval
// anew).
func (t *Tranche) Settle(paid bool, reason string, now time.Time, by string) error {
	if t.Status != TrancheExported {
		return rules.State("tranche %s is %s; only an exported tranche is settled", t.ID, t.Status)
	}
	if paid {
		t.move(TranchePaid, now, by, "")
		return nil
	}
	t.BankReason, t.RunID, t.Approvals = reason, "", []Approval{}
	t.move(TranchePayable, now, by, "rejected by the bank: "+reason)
	return nil
}

// Withdraw follows a milestone that no longer holds: before payment the tranche is
// reversed; once paid (or on its way in a run that the bank may still pay) it is claimed
// back. It reports the new status.
func (t *Tranche) Withdraw(reason string, now time.Time, by string) TrancheStatus {
	switch t.Status {
	case TrancheReversed, TrancheClaimed:
		return t.Status
	case TranchePaid, TrancheExported:
		t.move(TrancheClaimed, now, by, reason)
	default:
		t.move(TrancheReversed, now, by, reason)
	}
	return t.Status
}

// PendingChange is who asked for a tranche's change that waits for its booking, and what.
type PendingChange struct {
	Actor  rules.Actor `json:"actor"`
	Action string      `json:"action"`
	Reason string      `json:"reason,omitempty"`
}
