package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/rules"
)

// The ledger is double-entry, after TigerBeetle: money moves between accounts in transfers
// that are never edited (a correction is a new transfer the other way), and every balance
// is the sum of its transfers, so it can be recomputed and compared at any time.
//
// Accounts, and how a tranche's money moves:
//
//	funding:<budget>   --top-up-->   budget:<budget>       what the financing source granted, not yet committed
//	budget:<budget>    --commit-->   committed:<budget>    promised to running enrolments (tranches still to come)
//	committed:<budget> --due-->      payable:<provider>    a milestone reached: owed to the provider
//	payable:<provider> --paid-->     paid:<provider>       the bank transferred it
//
// and back: a released commitment returns to the budget, a rejected transfer to payable, a
// milestone withdrawn after payment becomes a claim on the provider (paid → claim), settled
// against its next payable tranches (claim → ... ) or repaid.
type AccountKind string

const (
	AccountFunding   AccountKind = "funding"
	AccountBudget    AccountKind = "budget"
	AccountCommitted AccountKind = "committed"
	AccountPayable   AccountKind = "payable"
	AccountPaid      AccountKind = "paid"
	AccountClaim     AccountKind = "claim"
)

// Account names one account: kind and owner (a budget's id or a provider's KvK number).
type Account struct {
	Kind  AccountKind `json:"kind"`
	Owner string      `json:"owner"`
}

func (a Account) String() string { return string(a.Kind) + ":" + a.Owner }

// bounded accounts may never hold less than nothing: debits must not exceed credits. A
// funding account is the outside world and may go below zero (it is what was granted).
func (a Account) bounded() bool { return a.Kind != AccountFunding }

// Transfer moves an amount from the debit account to the credit account, once: its id is
// derived from what caused it, so a redelivered or replayed cause books nothing twice.
type Transfer struct {
	ID     string    `json:"id"`
	Debit  Account   `json:"debit"`
	Credit Account   `json:"credit"`
	Amount Cents     `json:"amountCents"`
	Code   string    `json:"code"` // what happened: top-up, commit, due, paid, reversal, claim, ...
	Ref    string    `json:"ref"`  // the tranche, budget or run it belongs to
	At     time.Time `json:"at"`
}

// TransferID is the deterministic id of a transfer: the same cause, the same id.
func TransferID(code string, parts ...string) string {
	h := sha256.Sum256([]byte(code + "|" + strings.Join(parts, "|")))
	return "tr-" + hex.EncodeToString(h[:12])
}

// Balance is what an account holds: credits minus debits (for a funding account, what went
// out of it is negative).
type Balance struct {
	Debits  Cents `json:"debitsCents"`
	Credits Cents `json:"creditsCents"`
}

// Net is credits minus debits.
func (b Balance) Net() Cents { return b.Credits - b.Debits }

// ErrInsufficient refuses a transfer that would take a bounded account below zero.
type ErrInsufficient struct {
	Account    Account
	Have, Need Cents
}

func (e *ErrInsufficient) Error() string {
	return fmt.Sprintf("%s holds %s; %s is needed", e.Account, Euro(e.Have), Euro(e.Need))
}

// Ledger is balances and the ids of the transfers booked. It checks every transfer before
// it books it: a positive amount between two different accounts, never twice, and no
// bounded account below zero.
type Ledger struct {
	balances map[Account]Balance
	booked   map[string]Transfer
}

// NewLedger is an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{balances: map[Account]Balance{}, booked: map[string]Transfer{}}
}

// Book applies a transfer. A transfer with an id booked before is "done" if identical and
// refused if not (an id names one cause). It reports whether it booked.
func (l *Ledger) Book(t Transfer) (bool, error) {
	if err := checkTransfer(t); err != nil {
		return false, err
	}
	if prev, ok := l.booked[t.ID]; ok {
		if prev.Debit != t.Debit || prev.Credit != t.Credit || prev.Amount != t.Amount {
			return false, rules.State("transfer %s was booked with other accounts or amount", t.ID)
		}
		return false, nil
	}
	from := l.balances[t.Debit]
	if t.Debit.bounded() && from.Net() < t.Amount {
		return false, &ErrInsufficient{Account: t.Debit, Have: from.Net(), Need: t.Amount}
	}
	from.Debits += t.Amount
	l.balances[t.Debit] = from
	to := l.balances[t.Credit]
	to.Credits += t.Amount
	l.balances[t.Credit] = to
	l.booked[t.ID] = t
	return true, nil
}

func checkTransfer(t Transfer) error {
	var v rules.Checker
	v.Check(t.ID != "", "id", "is required")
	v.Check(t.Amount > 0, "amountCents", "must be positive, got %d", t.Amount)
	v.Check(t.Debit != t.Credit, "credit", "must differ from the debit account")
	v.Check(t.Debit.Owner != "" && t.Credit.Owner != "", "account", "needs an owner")
	return v.Err()
}

// Balance of one account.
func (l *Ledger) Balance(a Account) Balance { return l.balances[a] }

// Check verifies the ledger's invariants from its transfers alone: every balance equals the
// sum of its transfers, all debits equal all credits, and no bounded account is below zero.
func (l *Ledger) Check() error {
	sums := map[Account]Balance{}
	var debits, credits Cents
	for _, t := range l.booked {
		d, c := sums[t.Debit], sums[t.Credit]
		d.Debits += t.Amount
		c.Credits += t.Amount
		sums[t.Debit], sums[t.Credit] = d, c
		debits += t.Amount
		credits += t.Amount
	}
	if debits != credits {
		return fmt.Errorf("debits %d and credits %d differ", debits, credits)
	}
	for a, b := range l.balances {
		if sums[a] != b {
			return fmt.Errorf("%s: balance %+v, transfers add up to %+v", a, b, sums[a])
		}
		if a.bounded() && b.Net() < 0 {
			return fmt.Errorf("%s is below zero: %d", a, b.Net())
		}
	}
	return nil
}

// Digest fingerprints every booking (id, accounts, amount), independent of the order they
// were booked in: two ledgers built from the same causes, in any order, have one digest.
func (l *Ledger) Digest() string {
	lines := make([]string, 0, len(l.booked))
	for _, t := range l.booked {
		lines = append(lines, fmt.Sprintf("%s %s %s %d", t.ID, t.Debit, t.Credit, t.Amount))
	}
	slices.Sort(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(h[:])
}
