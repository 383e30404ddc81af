package domain

import (
	"time"

	"github.com/werkregio/platform/services/kit/rules"
)

// RunStatus is where a payment run is.
type RunStatus string

const (
	RunBuilding  RunStatus = "building"  // tranches are being taken into the run
	RunReady     RunStatus = "ready"     // the file can be downloaded; it may still be cancelled
	RunSent      RunStatus = "sent"      // finance sent it to the bank (or the bank answered): no cancel
	RunCancelled RunStatus = "cancelled" // its tranches went back to approved
)

// Run is a payment run: approved tranches up to a date, paid by one SEPA credit-transfer
// file. Its transfers are stored beside it (a run may hold 100,000), in a fixed order, so
// the file is the same every time it is asked for.
type Run struct {
	rules.StoreVersion `json:"-"`
	ID                 string    `json:"id"`
	Region             string    `json:"region"`
	Status             RunStatus `json:"status"`
	UpTo               Date      `json:"upTo"`
	ExecutionDate      Date      `json:"executionDate"`
	// PerTranche: one transfer per tranche instead of one per provider.
	PerTranche bool `json:"perTranche"`
	// Format: the pain.001 version of the file ("pain.001.001.09").
	Format      string    `json:"format"`
	MessageID   string    `json:"messageId"`
	Transfers   int       `json:"transfers"`
	Tranches    int       `json:"tranches"`
	TotalCents  Cents     `json:"totalCents"`
	SetOffCents Cents     `json:"setOffCents"` // claims set off against the providers' payments
	Paid        int       `json:"paid"`
	Rejected    int       `json:"rejected"`
	CreatedAt   time.Time `json:"createdAt"`
	CreatedBy   string    `json:"createdBy"`
	Reason      string    `json:"reason,omitempty"`
}

// RunTransfer is one credit transfer of a run: to one provider, for one or more tranches,
// less the claims set off against it.
type RunTransfer struct {
	RunID       string   `json:"runId"`
	Seq         int      `json:"seq"`
	EndToEndID  string   `json:"endToEndId"`
	ProviderKvK string   `json:"providerKvk"`
	AmountCents Cents    `json:"amountCents"`
	Tranches    []string `json:"tranches"`
	Claims      []string `json:"claims,omitempty"`
	Remittance  string   `json:"remittance"`
	// The creditor as confirmed when the run was made, so the file is the same every time.
	Creditor        string        `json:"creditor"`
	CreditorIBAN    string        `json:"creditorIban"`
	CreditorBIC     string        `json:"creditorBic,omitempty"`
	CreditorAddress PostalAddress `json:"creditorAddress"`
	Status          string        `json:"status"` // exported, paid, rejected
	Reason          string        `json:"reason,omitempty"`
}

// Cancel returns a ready run's tranches: once sent, the bank may pay it.
func (r *Run) Cancel(reason string) error {
	if r.Status != RunReady && r.Status != RunBuilding {
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
	case RunReady:
		r.Status = RunSent
		return nil
	}
	return rules.State("run %s is %s; only a ready run is sent", r.ID, r.Status)
}
