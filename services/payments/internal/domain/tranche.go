package domain

import (
	"fmt"
	"slices"

	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"

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
	optimistic.StoreVersion
	ID            string
	Region        string
	EnrolmentID   string
	ContractID    string
	ProviderKvK   string
	ProductID     string
	SchemeID      string
	ParticipantID string
	BudgetID      string
	// Committed: the amount was committed in the budget while the milestone was to come.
	Committed bool
	// Owed: the amount is booked as due to the provider (in the budget's due account).
	Owed bool
	// PaidOut: the bank paid the amount to the provider (a withdrawal is then a claim).
	PaidOut bool
	// ExpectedOn is when an expected milestone is forecast (the budget's forecast per month).
	ExpectedOn civil.Date
	// StartDate is the enrolment's start: the budget in force then pays all its tranches.
	StartDate    civil.Date
	Milestone    trajectory.Milestone
	MilestoneOn  civil.Date
	TermsVersion int
	Percent      int
	AmountCents  Cents
	// PriceCents and MaxPriceCents: the enrolment's price and its terms' cap (pre-check).
	PriceCents    Cents
	MaxPriceCents Cents
	// Overridden: holds finance released by hand, with a reason (audited); not raised again.
	Overridden []HoldCode
	// Releases asked for holds that two people lift (bank-rejected): the first officer's,
	// which a second, other officer confirms.
	Releases []Release
	// DuplicateReleasedBy: who released a duplicate hold; someone else approves the tranche.
	DuplicateReleasedBy string
	Status              TrancheStatus
	Holds               []Hold
	Approvals           []Approval
	RunID               string
	EndToEndID          string
	// Booking is a budget transfer this tranche asked for and has not seen the outcome of
	// (see Booking); Bookings counts the tranche's transfers, naming each.
	Booking  *Booking
	Bookings int
	// Pending is the change (its audit entry and events) that waits for the booking.
	Pending *PendingChange
	// SettledIn: the run whose payment to the provider a claim on this tranche was set off against.
	SettledIn string
	// Corrections are the changes of its price or terms after the enrolment's first event,
	// each with the money it moved; CorrectionOf names the tranche a supplement or claim
	// corrects; WorthCents is what the tranche is worth after corrections made by such
	// tranches (a paid tranche keeps the amount paid); PendingCorrection waits for the
	// bank's answer on a tranche in a run (or for a withdrawn one to be reached again).
	Corrections       []Correction
	CorrectionOf      string
	WorthCents        *Cents
	PendingCorrection *Correction
	// Repayment: a claim no payment can set off, asked back from the provider.
	Repayment *Repayment
	// ReachedAgain: the day a claimed tranche's milestone was reached again while its claim
	// was set off in a run the bank has not answered; the answer settles it (see app).
	ReachedAgain civil.Date
	BankReason   string
	History      []TrancheChange
}

// Approval is one finance officer's approval.
type Approval struct {
	By string
	At time.Time
}

// TrancheChange is one step of a tranche's history.
type TrancheChange struct {
	Status TrancheStatus
	At     time.Time
	By     string
	Reason string
}

// Correction is one change of a tranche's price or terms: from and to what it is worth,
// under which terms, and the tranche that corrects a paid one (a supplement or a claim).
type Correction struct {
	At           time.Time
	FromCents    Cents
	ToCents      Cents
	TermsVersion int
	PriceCents   Cents
	MaxPrice     Cents
	Percent      int
	Tranche      string
	Reason       string
}

// Repayment is a claim asked back from the provider because no payment can set it off.
type Repayment struct {
	RequestedAt time.Time
	RequestedBy string
	DueOn       civil.Date
	Reason      string
	RepaidOn    civil.Date
	Reference   string
	RecordedBy  string
}

// AwaitBooking: a tranche whose milestone is reached is expected until the outcome of its
// booking is known.
func (t *Tranche) AwaitBooking() {
	if t.Status == "" {
		t.Status = TrancheExpected
	}
}

// HoldFor holds the tranche for one more reason.
func (t *Tranche) HoldFor(h Hold) {
	t.Holds = append(t.Holds, h)
	t.Status = TrancheHeld
}

// NothingMoreToCome: a correction left the tranche worth this (nothing more is paid at
// its milestone); what was released stays its amount.
func (t *Tranche) NothingMoreToCome(worth Cents) {
	t.WorthCents, t.Status = &worth, TrancheCancelled
}

// MarkReversed: withdrawn while in a run the bank did not pay after all, the tranche is
// simply reversed.
func (t *Tranche) MarkReversed() { t.Status = TrancheReversed }

// StartOver forgets everything a tranche went through: the copy of a paid tranche that
// becomes its supplement or its claim begins with no status, bookings or history.
func (t *Tranche) StartOver() {
	t.Committed, t.Owed, t.PaidOut, t.WorthCents, t.PendingCorrection = false, false, false, nil, nil
	t.RunID, t.EndToEndID, t.SettledIn, t.BankReason = "", "", "", ""
	t.Holds, t.Approvals, t.Corrections, t.History, t.Overridden, t.Releases = []Hold{}, []Approval{}, nil, []TrancheChange{}, nil, nil
	t.Booking, t.Bookings, t.Pending, t.Repayment, t.DuplicateReleasedBy = nil, 0, nil, nil, ""
	t.Status = ""
}

// Worth is what the tranche is worth after its corrections.
func (t *Tranche) Worth() Cents {
	if t.WorthCents != nil {
		return *t.WorthCents
	}
	return t.AmountCents
}

// CorrectionID names the n-th tranche that corrects a paid one: deterministic, so a
// correction repeated after a crash finds the one it made.
func CorrectionID(of string, n int) string { return fmt.Sprintf("%s-c%d", of, n) }

// TrancheID is deterministic: one tranche per enrolment and milestone.
func TrancheID(enrolmentID string, m trajectory.Milestone) string {
	return "trn-" + enrolmentID + "-" + string(m)
}

// MoveTo records that the tranche moved to a status: who moved it, when and why (its history).
func (t *Tranche) MoveTo(to TrancheStatus, now time.Time, by, reason string) {
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
			t.MoveTo(TrancheHeld, now, by, holds[0].Reason)
		}
		return was != TrancheHeld
	}
	t.MoveTo(TranchePayable, now, by, "every pre-check passed")
	return true
}

// Release is one officer's release of a hold that two people lift.
type Release struct {
	Code   HoldCode
	By     string
	At     time.Time
	Reason string
}

// AskRelease records the first of the two releases a hold needs and reports true; when a
// first release stands it reports false and the caller lifts the hold, unless by is who
// asked first: four eyes.
func (t *Tranche) AskRelease(code HoldCode, by, reason string, now time.Time) (asked bool, err error) {
	i := slices.IndexFunc(t.Releases, func(r Release) bool { return r.Code == code })
	if i < 0 {
		t.Releases = append(t.Releases, Release{Code: code, By: by, At: now.UTC(), Reason: reason})
		t.History = append(t.History, TrancheChange{Status: t.Status, At: now.UTC(), By: by,
			Reason: "release of " + string(code) + " asked: " + reason + "; a second finance officer confirms it"})
		return true, nil
	}
	if t.Releases[i].By == by {
		return false, rules.State("tranche %s: %s asked to release %s already; a second finance officer, someone else, confirms it", t.ID, by, code)
	}
	t.Releases = slices.Delete(t.Releases, i, i+1)
	return false, nil
}

// ApprovalsNeeded is how many different officers approve a tranche whose milestone day
// brings sameDay in all for its provider and enrolment (this tranche included): two above
// the four-eyes amount, so splitting an amount over tranches of one day does not evade it.
func ApprovalsNeeded(sameDay, fourEyes Cents) int {
	if sameDay > fourEyes {
		return 2
	}
	return 1
}

// Approve records a finance officer's approval; need (ApprovalsNeeded) different people
// approve. The same person approving twice, or the one who released the tranche's
// duplicate hold, is refused.
func (t *Tranche) Approve(by string, need int, now time.Time) error {
	if t.Status != TranchePayable {
		return rules.State("tranche %s is %s; only a payable tranche is approved", t.ID, t.Status)
	}
	if slices.ContainsFunc(t.Approvals, func(a Approval) bool { return a.By == by }) {
		return rules.State("tranche %s was approved by %s already; a second approver must be someone else", t.ID, by)
	}
	if t.DuplicateReleasedBy == by {
		return rules.State("tranche %s: %s released its duplicate hold; someone else approves it", t.ID, by)
	}
	t.Approvals = append(t.Approvals, Approval{By: by, At: now.UTC()})
	if len(t.Approvals) >= need {
		t.MoveTo(TrancheApproved, now, by, "")
	}
	return nil
}

// Export puts an approved tranche in a payment run.
func (t *Tranche) Export(runID string, now time.Time, by string) error {
	if t.Status != TrancheApproved {
		return rules.State("tranche %s is %s; only an approved tranche goes in a run", t.ID, t.Status)
	}
	t.RunID = runID
	t.MoveTo(TrancheExported, now, by, runID)
	return nil
}

// Unexport returns a tranche of a cancelled run to approved.
func (t *Tranche) Unexport(runID string, now time.Time, by string) bool {
	if t.Status != TrancheExported || t.RunID != runID {
		return false
	}
	t.RunID = ""
	t.MoveTo(TrancheApproved, now, by, "run "+runID+" cancelled")
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
		t.MoveTo(TranchePaid, now, by, "")
		return nil
	}
	t.BankReason, t.RunID, t.Approvals = reason, "", []Approval{}
	t.MoveTo(TranchePayable, now, by, "rejected by the bank: "+reason)
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
		t.MoveTo(TrancheClaimed, now, by, reason)
	default:
		t.MoveTo(TrancheReversed, now, by, reason)
	}
	return t.Status
}

// PendingChange is who asked for a tranche's change that waits for its booking, and what.
type PendingChange struct {
	Actor  commit.Actor
	Action string
	Reason string
}
