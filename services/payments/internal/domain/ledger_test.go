package domain

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func budget(id string) Account     { return Account{Kind: AccountBudget, Owner: id} }
func committed(id string) Account  { return Account{Kind: AccountCommitted, Owner: id} }
func payableOf(kvk string) Account { return Account{Kind: AccountPayable, Owner: kvk} }

func topUp(l *Ledger, id string, c Cents) {
	if _, err := l.Book(Transfer{ID: TransferID("top-up", id), Debit: Account{Kind: AccountFunding, Owner: "rif"}, Credit: budget("rif"), Amount: c, Code: "top-up"}); err != nil {
		panic(err)
	}
}

// No bounded account goes below zero, a transfer books once, and the balances are the
// sums of the transfers.
func TestTheLedgerNeverOverrunsABudgetAndBooksEachCauseOnce(t *testing.T) {
	l := NewLedger()
	topUp(l, "1", 100_000)
	commit := Transfer{ID: TransferID("commit", "enr-1"), Debit: budget("rif"), Credit: committed("rif"), Amount: 95_000, Code: "commit"}
	if ok, err := l.Book(commit); !ok || err != nil {
		t.Fatalf("commit: %v %v", ok, err)
	}
	if ok, err := l.Book(commit); ok || err != nil {
		t.Fatalf("the same commit again: booked %v, %v; want done", ok, err)
	}
	other := commit
	other.Amount = 1
	if _, err := l.Book(other); err == nil {
		t.Fatal("one id booked with two amounts")
	}
	var short *ErrInsufficient
	if _, err := l.Book(Transfer{ID: TransferID("commit", "enr-2"), Debit: budget("rif"), Credit: committed("rif"), Amount: 5_001, Code: "commit"}); !errors.As(err, &short) || short.Have != 5_000 {
		t.Fatalf("a commitment beyond the budget: %v", err)
	}
	if _, err := l.Book(Transfer{ID: TransferID("due", "enr-1", "started"), Debit: committed("rif"), Credit: payableOf("12345678"), Amount: 38_000, Code: "due"}); err != nil {
		t.Fatal(err)
	}
	if got := l.Balance(budget("rif")).Net(); got != 5_000 {
		t.Errorf("budget free %d", got)
	}
	if got := l.Balance(committed("rif")).Net(); got != 57_000 {
		t.Errorf("committed %d", got)
	}
	if err := l.Check(); err != nil {
		t.Fatal(err)
	}
}

// Two ledgers built from the same causes, one in order and one shuffled with every cause
// repeated (redelivery and replay), hold the same bookings; a commitment that does not fit
// is refused in both, never booked half.
func TestReplayedAndReorderedCausesGiveTheSameLedger(t *testing.T) {
	var causes []Transfer
	for i := range 200 {
		causes = append(causes, Transfer{ID: TransferID("commit", string(rune('a'+i%26)), string(rune('A'+i/26))), Debit: budget("rif"), Credit: committed("rif"), Amount: Cents(100 + i), Code: "commit"})
	}
	build := func(order []Transfer) *Ledger {
		l := NewLedger()
		topUp(l, "1", 1_000_000)
		for _, c := range order {
			if _, err := l.Book(c); err != nil {
				t.Fatal(err)
			}
		}
		return l
	}
	inOrder := build(causes)
	replayed := append(append([]Transfer{}, causes...), causes...)
	rand.Shuffle(len(replayed), func(i, j int) { replayed[i], replayed[j] = replayed[j], replayed[i] })
	shuffled := build(replayed)
	if inOrder.Digest() != shuffled.Digest() {
		t.Fatal("a replay in another order gave another ledger")
	}
	if err := shuffled.Check(); err != nil {
		t.Fatal(err)
	}
}
