package domain

import (
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/rules"
)

// Budget is what a financing source (a regional investment fund, a national programme,
// the NCG 1000-banenplan, ...) makes available to a region for a period, for the schemes or
// products that draw on it. It is one partition of the ledger: its accounts (free,
// committed, due, paid) live in one aggregate, so every transfer among them is one atomic
// change with the invariants checked, and the budget's history is its ledger.
type Budget struct {
	rules.StoreVersion `json:"-"`
	ID                 string   `json:"id"`
	Region             string   `json:"region"`
	Name               string   `json:"name"`
	Source             string   `json:"source"` // the financing source
	From               Date     `json:"from"`
	Until              Date     `json:"until"`
	Schemes            []string `json:"schemes"`  // schemes that draw on it (empty: none yet)
	Products           []string `json:"products"` // or single products of them
	// Accounts: granted (debit-normal, the source), free, committed, due, paid.
	Granted   Cents     `json:"grantedCents"`
	Free      Cents     `json:"freeCents"`
	Committed Cents     `json:"committedCents"`
	Due       Cents     `json:"dueCents"`
	Paid      Cents     `json:"paidCents"`
	UpdatedAt time.Time `json:"updatedAt"`
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
	MoveCommit  BudgetMove = "commit"   // free → committed (a running enrolment's tranches to come)
	MoveRelease BudgetMove = "release"  // committed → free (a dropout: tranches that will not come)
	MoveDue     BudgetMove = "due"      // committed → due (a milestone reached)
	MoveDueFree BudgetMove = "due-free" // free → due (a milestone reached whose amount was not committed)
	MovePay     BudgetMove = "pay"      // due → paid (the bank transferred it)
	MoveReject  BudgetMove = "reject"   // paid → due (the bank rejected it)
	MoveReverse BudgetMove = "reverse"  // due → free (the milestone fell before payment)
	MoveClaim   BudgetMove = "claim"    // paid → free (claimed back from the provider)
)

// Apply books one transfer in the budget, or refuses it with the budget unchanged when an
// account would go below zero: the invariant is checked at every booking.
func (b *Budget) Apply(move BudgetMove, amount Cents, now time.Time) error {
	if amount <= 0 {
		return rules.Invalid("amountCents", "must be positive, got %d", amount)
	}
	next := *b
	from, to := accounts(&next, move)
	if to == nil {
		return rules.Invalid("move", "unknown move %q", move)
	}
	if from != nil {
		if *from < amount {
			return &ErrInsufficient{Account: Account{Kind: AccountBudget, Owner: b.ID + "/" + fromName(move)}, Have: *from, Need: amount}
		}
		*from -= amount
	} else {
		next.Granted += amount
	}
	*to += amount
	if err := next.Check(); err != nil {
		return err
	}
	next.UpdatedAt = now.UTC()
	*b = next
	return nil
}

func accounts(b *Budget, move BudgetMove) (from, to *Cents) {
	switch move {
	case MoveTopUp:
		return nil, &b.Free
	case MoveCommit:
		return &b.Free, &b.Committed
	case MoveRelease:
		return &b.Committed, &b.Free
	case MoveDue:
		return &b.Committed, &b.Due
	case MoveDueFree:
		return &b.Free, &b.Due
	case MovePay:
		return &b.Due, &b.Paid
	case MoveReject:
		return &b.Paid, &b.Due
	case MoveReverse:
		return &b.Due, &b.Free
	case MoveClaim:
		return &b.Paid, &b.Free
	}
	return nil, nil
}

func fromName(move BudgetMove) string {
	return strings.SplitN(map[BudgetMove]string{MoveCommit: "free", MoveRelease: "committed", MoveDue: "committed",
		MoveDueFree: "free", MovePay: "due", MoveReject: "paid", MoveReverse: "due", MoveClaim: "paid"}[move], "/", 2)[0]
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
func (b *Budget) Covers(day Date) bool { return !day.Before(b.From) && !day.After(b.Until) }

// BudgetInput is what finance states when it opens a budget.
type BudgetInput struct {
	Name        string   `json:"name"`
	Source      string   `json:"source"`
	From        Date     `json:"from"`
	Until       Date     `json:"until"`
	Schemes     []string `json:"schemes"`
	Products    []string `json:"products"`
	AmountCents Cents    `json:"amountCents"`
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
