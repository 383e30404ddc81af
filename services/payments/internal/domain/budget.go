package domain

import (
	"fmt"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// Budget is what a financing source (a regional investment fund, a national programme,
// the NCG 1000-banenplan, ...) makes available to a region for a period, for the schemes or
// products that draw on it. It is one partition of the ledger: its accounts (free,
// committed, due, paid) live in one aggregate, so every transfer among them is one atomic
// change with the invariants checked, and the budget's history is its ledger.
type Budget struct {
	optimistic.StoreVersion
	ID       string
	Region   string
	Name     string
	Source   string // the financing source
	From     civil.Date
	Until    civil.Date
	Schemes  []string // schemes that draw on it (empty: none yet)
	Products []string // or single products of them
	// Accounts: granted (debit-normal, the source), free, committed, due, paid.
	Granted   Cents
	Free      Cents
	Committed Cents
	Due       Cents
	Paid      Cents
	UpdatedAt time.Time
}

// Check verifies the budget's invariants: nothing below zero, and the money granted is
// exactly what is free, committed, due and paid.
func (b *Budget) Check() error {
	if b.Free < 0 || b.Committed < 0 || b.Due < 0 || b.Paid < 0 {
		return rules.State("budget %s would go below zero", b.ID)
	}
	if b.Free+b.Committed+b.Due+b.Paid != b.Granted {
		return rules.State("budget %s does not add up: %d granted, %d accounted for", b.ID, b.Granted, b.Free+b.Committed+b.Due+b.Paid)
	}
	return nil
}

// BudgetMove is one of the transfers within a budget.
type BudgetMove string

const (
	MoveTopUp   BudgetMove = "top-up"   // the source grants more: → free
	MoveReduce  BudgetMove = "reduce"   // the source grants less: free →
	MoveCommit  BudgetMove = "commit"   // free → committed (a running enrolment's tranches to come)
	MoveRelease BudgetMove = "release"  // committed → free (a dropout: tranches that will not come)
	MoveDue     BudgetMove = "due"      // committed → due (a milestone reached)
	MoveDueFree BudgetMove = "due-free" // free → due (a milestone reached whose amount was not committed)
	MovePay     BudgetMove = "pay"      // due → paid (the bank transferred it)
	MoveReject  BudgetMove = "reject"   // paid → due (the bank rejected it)
	MoveReverse BudgetMove = "reverse"  // due → free (the milestone fell before payment)
	MoveClaim   BudgetMove = "claim"    // paid → free (claimed back from the provider)
	// MoveClaimDue: paid → due, a claim recovered from the provider whose milestone was
	// reached again meanwhile: the recovery and the tranche due again in one transfer.
	MoveClaimDue BudgetMove = "claim-due"
)

// The budget's accounts, as postings name them; the source is the world outside (what
// the financing source granted is what left it).
const (
	AccountSource    = "source"
	AccountFree      = "free"
	AccountCommitted = "committed"
	AccountDue       = "due"
	AccountPaid      = "paid"
)

// moves are the accounts each move takes money from and to.
var moves = map[BudgetMove][2]string{
	MoveTopUp: {AccountSource, AccountFree}, MoveReduce: {AccountFree, AccountSource},
	MoveCommit: {AccountFree, AccountCommitted}, MoveRelease: {AccountCommitted, AccountFree},
	MoveDue: {AccountCommitted, AccountDue}, MoveDueFree: {AccountFree, AccountDue},
	MovePay: {AccountDue, AccountPaid}, MoveReject: {AccountPaid, AccountDue},
	MoveReverse: {AccountDue, AccountFree}, MoveClaim: {AccountPaid, AccountFree},
	MoveClaimDue: {AccountPaid, AccountDue},
}

// Posting is one transfer between two of a budget's accounts, never edited: a correction
// is another posting. The budget's commit log keeps the postings of each change with it,
// so the log is the budget's ledger: its balances are recomputed from the postings and
// compared with the budget (Recompute), and its transfers are listed with their cause.
type Posting struct {
	// Transfer names it once: "transfer:<tranche>:<n>:<move>" for a tranche's, the budget
	// and its version for a grant's.
	Transfer string
	Move     BudgetMove
	From     string
	To       string
	Amount   Cents
	Tranche  string
	Reason   string
}

// ErrInsufficient refuses a transfer that would take an account below zero.
type ErrInsufficient struct {
	Account    string
	Have, Need Cents
}

func (e *ErrInsufficient) Error() string {
	return fmt.Sprintf("%s holds %s; %s is needed", e.Account, Euro(e.Have), Euro(e.Need))
}

// Apply books one transfer in the budget and returns its posting, or refuses it with the
// budget unchanged when an account would go below zero: the invariant is checked at every
// booking.
func (b *Budget) Apply(move BudgetMove, amount Cents, now time.Time) (Posting, error) {
	if amount <= 0 {
		return Posting{}, rules.Invalid("amountCents", "must be positive, got %d", amount)
	}
	accts, ok := moves[move]
	if !ok {
		return Posting{}, rules.Invalid("move", "unknown move %q", move)
	}
	next := *b
	if accts[0] == AccountSource {
		next.Granted += amount
	} else {
		from := next.account(accts[0])
		if *from < amount {
			return Posting{}, &ErrInsufficient{Account: b.ID + "/" + accts[0], Have: *from, Need: amount}
		}
		*from -= amount
	}
	if accts[1] == AccountSource {
		next.Granted -= amount
	} else {
		*next.account(accts[1]) += amount
	}
	if err := next.Check(); err != nil {
		return Posting{}, err
	}
	next.UpdatedAt = now.UTC()
	*b = next
	return Posting{Move: move, From: accts[0], To: accts[1], Amount: amount}, nil
}

func (b *Budget) account(name string) *Cents {
	switch name {
	case AccountFree:
		return &b.Free
	case AccountCommitted:
		return &b.Committed
	case AccountDue:
		return &b.Due
	case AccountPaid:
		return &b.Paid
	}
	return nil
}

// Balances are a budget's accounts.
type Balances struct {
	Granted   Cents
	Free      Cents
	Committed Cents
	Due       Cents
	Paid      Cents
}

// Balances are the budget's accounts as it keeps them.
func (b *Budget) Balances() Balances {
	return Balances{Granted: b.Granted, Free: b.Free, Committed: b.Committed, Due: b.Due, Paid: b.Paid}
}

// Recompute adds up postings into balances: what left the source was granted, every other
// account holds what went in less what went out. Every posting moves an amount from one
// account to another, so debits equal credits by construction; a budget whose balances
// differ from its postings' was changed outside its ledger.
func Recompute(postings []Posting) Balances {
	var b Balances
	acct := map[string]*Cents{AccountFree: &b.Free, AccountCommitted: &b.Committed, AccountDue: &b.Due, AccountPaid: &b.Paid}
	for _, p := range postings {
		if p.From == AccountSource {
			b.Granted += p.Amount
		} else if c := acct[p.From]; c != nil {
			*c -= p.Amount
		}
		if p.To == AccountSource {
			b.Granted -= p.Amount
		} else if c := acct[p.To]; c != nil {
			*c += p.Amount
		}
	}
	return b
}

// Draws lists what draws on the budget, as the keys a tranche looks it up by.
func (b *Budget) Draws() []string {
	out := make([]string, 0, len(b.Schemes)+len(b.Products))
	for _, s := range b.Schemes {
		out = append(out, "scheme:"+s)
	}
	for _, p := range b.Products {
		out = append(out, "product:"+p)
	}
	return out
}

// Covers reports whether day lies in the budget's period.
func (b *Budget) Covers(day civil.Date) bool { return !day.Before(b.From) && !day.After(b.Until) }

// BudgetInput is what finance states when it opens a budget.
type BudgetInput struct {
	Name        string
	Source      string
	From        civil.Date
	Until       civil.Date
	Schemes     []string
	Products    []string
	AmountCents Cents
}

// Validate checks a budget as stated.
func (in BudgetInput) Validate() error {
	var v rules.Checker
	v.Check(strings.TrimSpace(in.Name) != "", "name", "is required")
	v.Check(strings.TrimSpace(in.Source) != "", "source", "is required (the financing source)")
	v.Check(!in.From.IsZero() && !in.Until.IsZero() && !in.Until.Before(in.From), "until", "the period must end on or after it starts")
	v.Check(len(in.Schemes)+len(in.Products) > 0, "schemes", "name the schemes or products that draw on the budget")
	v.Check(in.AmountCents >= 0, "amountCents", "must not be negative")
	return v.Err()
}
