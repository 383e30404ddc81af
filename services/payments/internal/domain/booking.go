package domain

import "fmt"

// Booking is a tranche's intent to move money in its budget, recorded on the tranche
// before the transfer is booked and cleared after: a tranche and its budget are two
// aggregates, so the transfer is named by the tranche (its number N) and booked once
// however often the step is retried (the budget's history is searched for the name), and
// a crash between the two writes is finished by whoever loads the tranche next. Only one
// booking per tranche is open at a time: the tranche's version serialises them.
type Booking struct {
	N      int
	Move   BudgetMove
	Amount Cents
	Budget string
	// Then is the step the tranche takes once the transfer is booked ("" when the booking
	// is the whole step, e.g. a commitment); Otherwise when the budget refused it.
	Then      TrancheStatus
	Otherwise TrancheStatus
	Reason    string
	By        string
}

// Action names the transfer in the budget's history.
func (b Booking) Action(trancheID string) string {
	return fmt.Sprintf("transfer:%s:%d:%s", trancheID, b.N, b.Move)
}

// Intend records the next transfer of the tranche.
func (t *Tranche) Intend(b Booking) Booking {
	t.Bookings++
	b.N = t.Bookings
	t.Booking = &b
	return b
}
