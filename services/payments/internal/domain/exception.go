package domain

import (
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// ExceptionCode says why a line of the bank's answer was not applied. A bank answer moves
// money only when it matches a transfer on reference, amount and the debtor's account;
// anything else waits here for finance, stated.
type ExceptionCode string

const (
	ExceptionUnknownReference ExceptionCode = "unknown-reference" // no transfer or run of this region has the reference
	ExceptionOtherMessage     ExceptionCode = "other-message"     // the report answers another message than the transfer's run
	ExceptionAmountDiffers    ExceptionCode = "amount-differs"    // the bank's amount or currency is not the transfer's
	ExceptionAmountMissing    ExceptionCode = "amount-missing"    // the bank reports a payment without its amount
	ExceptionAccountDiffers   ExceptionCode = "account-differs"   // the debtor account the bank names is not the run's
	ExceptionTotalsDiffer     ExceptionCode = "totals-differ"     // a whole payment settled: its count or sum is not the run's
	ExceptionNotReleased      ExceptionCode = "not-released"      // an answer on a run whose file was never released
	ExceptionContradicts      ExceptionCode = "contradicts"       // paid after the bank rejected the same transfer
)

// ExceptionReasons are the codes' plain reasons.
var ExceptionReasons = map[ExceptionCode]string{
	ExceptionUnknownReference: "no transfer or payment run of this region has this reference",
	ExceptionOtherMessage:     "the bank answers another payment file than the one the transfer was in",
	ExceptionAmountDiffers:    "the bank's amount differs from the transfer's",
	ExceptionAmountMissing:    "the bank reports the transfer paid without stating its amount",
	ExceptionAccountDiffers:   "the bank names another debtor account than the run's",
	ExceptionTotalsDiffer:     "the bank settled the whole payment, but its count or sum differs from the run's",
	ExceptionNotReleased:      "the bank answers on a payment run whose file was never approved for sending",
	ExceptionContradicts:      "the bank reports paid a transfer it rejected before",
}

// BankException is a line of a bank's answer that was not applied, with what the bank said
// and the transfer it was matched against, until finance resolves it (with a reason).
type BankException struct {
	optimistic.StoreVersion
	ID     string
	Region string
	Code   ExceptionCode
	Reason string
	// File is the kind of the bank's file (pain.002, camt.053, camt.054); Line the bank's
	// line as it wrote it; Reference the EndToEndId or message it names.
	File      string
	Line      string
	Reference string
	// What the bank stated.
	BankStatus      string // paid or rejected
	BankAmountCents *Cents
	BankCurrency    string
	BankDebtorIBAN  string
	// The transfer (or run) it was matched against, when one was found.
	RunID       string
	EndToEndID  string
	ProviderKvK string
	AmountCents *Cents
	DebtorIBAN  string
	Status      string // open, resolved
	FoundAt     time.Time
	Resolution  string
	ResolvedBy  string
	ResolvedAt  time.Time
}

// Resolve records how finance settled the exception (a call with the bank, a manual
// booking): the reason is kept with who resolved it.
func (e *BankException) Resolve(reason, by string, now time.Time) error {
	if e.Status != "open" {
		return rules.State("exception %s is %s", e.ID, e.Status)
	}
	reason = strings.TrimSpace(reason)
	if len(reason) < 5 || len(reason) > 1000 {
		return rules.Invalid("reason", "say how it was resolved (5 to 1000 characters)")
	}
	e.Status, e.Resolution, e.ResolvedBy, e.ResolvedAt = "resolved", reason, by, now.UTC()
	return nil
}
