package domain

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"

	"github.com/werkregio/platform/services/kit/rules"
)

// RunStatus is where a payment run is.
type RunStatus string

const (
	RunBuilding RunStatus = "building" // tranches are being taken into the run
	// RunReady: built, with its totals per provider and budget; a second finance officer,
	// not the one who built it, approves it before its file is released.
	RunReady     RunStatus = "ready"
	RunApproved  RunStatus = "approved"  // the file can be downloaded and sent; it may still be cancelled
	RunSent      RunStatus = "sent"      // finance sent it to the bank (or the bank answered): no cancel
	RunCancelled RunStatus = "cancelled" // its tranches went back to approved
)

// Run is a payment run: approved tranches up to a date, paid by one SEPA credit-transfer
// file. Its transfers are stored beside it (a run may hold 100,000), in a fixed order, so
// the file is the same every time it is asked for.
type Run struct {
	optimistic.StoreVersion
	ID            string
	Region        string
	Status        RunStatus
	UpTo          civil.Date
	ExecutionDate civil.Date
	// PerTranche: one transfer per tranche instead of one per provider.
	PerTranche bool
	// Format: the pain.001 version of the file ("pain.001.001.09").
	Format      string
	MessageID   string
	Transfers   int
	Tranches    int
	TotalCents  Cents
	SetOffCents Cents // claims set off against the providers' payments
	Paid        int
	Rejected    int
	// DebtorIBAN is the account the run pays from, pinned when it was made: the file is
	// the same every time, and the bank's answers are matched against it.
	DebtorIBAN string
	// ByProvider and ByBudget are the run's totals as its approver sees them.
	ByProvider []RunProviderTotal
	ByBudget   []RunBudgetTotal
	CreatedAt  time.Time
	CreatedBy  string
	ApprovedBy string
	ApprovedAt time.Time
	Reason     string
}

// RunProviderTotal is what a run pays one provider.
type RunProviderTotal struct {
	ProviderKvK string
	Transfers   int
	Tranches    int
	AmountCents Cents
	SetOffCents Cents
}

// RunBudgetTotal is what a run pays from one budget, and the claims it returns to it.
type RunBudgetTotal struct {
	BudgetID    string
	Tranches    int
	AmountCents Cents
	SetOffCents Cents
}

// Approve releases a built run's file: four eyes where money leaves, so the officer who
// built the run cannot approve it.
func (r *Run) Approve(by string, now time.Time) error {
	switch {
	case r.Status == RunApproved && r.ApprovedBy == by:
		return nil
	case r.Status != RunReady:
		return rules.State("run %s is %s; only a built run awaiting approval is approved", r.ID, r.Status)
	case by == r.CreatedBy:
		return rules.State("run %s was built by %s; a second finance officer approves it", r.ID, by)
	}
	r.Status, r.ApprovedBy, r.ApprovedAt = RunApproved, by, now.UTC()
	return nil
}

// Built: a run awaits a second officer's approval; one with nothing to pay is cancelled.
func (r *Run) Built() {
	r.Status = RunReady
	if r.Transfers == 0 {
		r.Status, r.Reason = RunCancelled, "no approved tranche to pay up to "+r.UpTo.String()
	}
}

// Released reports whether the run's file may be downloaded and answered by the bank.
func (r *Run) Released() bool { return r.Status == RunApproved || r.Status == RunSent }

// RunTransfer is one credit transfer of a run: to one provider, for one or more tranches,
// less the claims set off against it.
type RunTransfer struct {
	RunID       string
	Seq         int
	EndToEndID  string
	ProviderKvK string
	AmountCents Cents
	Tranches    []string
	Claims      []string
	Remittance  string
	// The creditor as confirmed when the run was made, so the file is the same every time.
	Creditor        string
	CreditorIBAN    string
	CreditorBIC     string
	CreditorAddress PostalAddress
	Status          string // exported, paid, rejected
	Reason          string
}

// Cancel returns a run's tranches until it was sent: then the bank may pay it.
func (r *Run) Cancel(reason string) error {
	if r.Status != RunReady && r.Status != RunBuilding && r.Status != RunApproved {
		return rules.State("run %s is %s; only a run that was not sent can be cancelled", r.ID, r.Status)
	}
	r.Status, r.Reason = RunCancelled, reason
	return nil
}

// MarkSent records that the file went to the bank.
func (r *Run) MarkSent() error {
	switch r.Status {
	case RunSent:
		return nil
	case RunApproved:
		r.Status = RunSent
		return nil
	}
	return rules.State("run %s is %s; only an approved run is sent", r.ID, r.Status)
}

// MessageID is a run's MsgId and PmtInfId: unique per debtor for ever and at most 35
// characters of letters, digits and dashes, whatever the region's name (a bank refuses a
// file whose message id it has seen): "WR", a tag of the region (6 characters of its
// name's hash, so regions that share a debtor differ), the day the run was made and the
// run's id, which the store keeps unique in the region ("WRK7Q2MA-20261207-0A1B2C3D4E5F").
func MessageID(region, runID string, created time.Time) string {
	sum := sha256.Sum256([]byte(region))
	tag := base32.StdEncoding.EncodeToString(sum[:])[:6]
	day := strings.ReplaceAll(civil.DateOf(created).String(), "-", "")
	return "WR" + tag + "-" + day + "-" + strings.ToUpper(strings.TrimPrefix(runID, "run-"))
}
