package domain

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// A budget moves money between its accounts; no move takes an account below zero and the
// accounts always add up to what was granted, whatever order the moves come in.
func TestABudgetNeverGoesBelowZeroAndAlwaysAddsUp(t *testing.T) {
	b := &Budget{ID: "rif-2026"}
	first, err := b.Apply(MoveTopUp, 100_000_00, at)
	if err != nil {
		t.Fatal(err)
	}
	postings := []Posting{first}
	steps := []struct {
		move   BudgetMove
		amount Cents
		ok     bool
	}{
		{MoveCommit, 95_000, true}, {MoveDue, 38_000, true}, {MovePay, 38_000, true}, {MoveDue, 57_001, false},
		{MoveDue, 28_500, true}, {MoveReverse, 28_500, true}, {MoveClaim, 38_000, true}, {MoveClaim, 1, false},
		{MoveRelease, 28_500, true}, {MoveCommit, 100_000_01, false},
	}
	for i, s := range steps {
		before := *b
		p, err := b.Apply(s.move, s.amount, at)
		if err == nil {
			postings = append(postings, p)
		}
		var short *ErrInsufficient
		switch {
		case s.ok && err != nil:
			t.Fatalf("step %d %s %d: %v", i, s.move, s.amount, err)
		case !s.ok && !errors.As(err, &short):
			t.Fatalf("step %d %s %d: %v, want refused for too little", i, s.move, s.amount, err)
		case !s.ok && (b.Free != before.Free || b.Committed != before.Committed || b.Due != before.Due || b.Paid != before.Paid || b.Granted != before.Granted):
			t.Fatalf("step %d: a refused move changed the budget", i)
		}
		if err := b.Check(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if b.Free != 100_000_00 || b.Committed != 0 || b.Due != 0 || b.Paid != 0 {
		t.Errorf("after every move back: %+v", b)
	}

	// Random moves: the invariants hold after each.
	r := rand.New(rand.NewPCG(1, 2))
	moves := []BudgetMove{MoveTopUp, MoveReduce, MoveCommit, MoveRelease, MoveDue, MoveDueFree, MovePay, MoveReject, MoveReverse, MoveClaim, MoveClaimDue}
	for range 10_000 {
		if p, err := b.Apply(moves[r.IntN(len(moves))], Cents(1+r.IntN(50_000)), at); err == nil {
			postings = append(postings, p)
		}
		if err := b.Check(); err != nil {
			t.Fatal(err)
		}
	}
	// the postings are the ledger: they add up to the budget's accounts
	if got := Recompute(postings); got != b.Balances() {
		t.Fatalf("postings add up to %+v, the budget holds %+v", got, b.Balances())
	}
	// a budget changed outside its postings does not
	b.Due += 100
	b.Free -= 100
	if Recompute(postings) == b.Balances() {
		t.Fatal("a budget changed without a posting still balances")
	}
}
