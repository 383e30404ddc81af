// Package domain holds the payment rules: how a price splits into tranches, which checks a
// tranche passes before it is payable, bank accounts, and the ledger's invariants. No I/O.
package domain

import (
	"fmt"

	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

// Cents is an amount in euro cents: money is never a float.
type Cents = int64

// TrancheAmount is what falls due at one milestone.
type TrancheAmount struct {
	Milestone trajectory.Milestone
	Percent   int
	Cents     Cents
}

// Split divides a contracted price over the tranche scheme of the enrolment's terms.
//
// The rounding rule: every tranche but the last is price × percent / 100 rounded down to
// the cent; the last tranche of the scheme (its final milestone) takes the rest. So the
// tranches of one enrolment always add up to the price exactly, each differs from its
// exact share by less than a cent except the last, which is at most (n-1) cents above it,
// and the same price and scheme always give the same amounts.
func Split(price Cents, scheme []trajectory.Tranche) ([]TrancheAmount, error) {
	if price <= 0 {
		return nil, rules.Invalid("priceCents", "must be a positive amount, got %d", price)
	}
	if err := checkScheme(scheme); err != nil {
		return nil, err
	}
	out := make([]TrancheAmount, len(scheme))
	var rest = price
	for i, t := range scheme {
		amount := price * int64(t.Percent) / 100
		if i == len(scheme)-1 {
			amount = rest
		}
		out[i] = TrancheAmount{Milestone: t.Milestone, Percent: t.Percent, Cents: amount}
		rest -= amount
	}
	return out, nil
}

func checkScheme(scheme []trajectory.Tranche) error {
	var v rules.Checker
	v.Check(len(scheme) > 0, "tranches", "the terms have no tranche scheme")
	total := 0
	seen := map[trajectory.Milestone]bool{}
	for i, t := range scheme {
		v.Check(t.Percent > 0 && t.Percent <= 100, fmt.Sprintf("tranches[%d].percent", i), "must be from 1 to 100")
		v.Check(!seen[t.Milestone], fmt.Sprintf("tranches[%d].milestone", i), "%s has two tranches", t.Milestone)
		seen[t.Milestone] = true
		total += t.Percent
	}
	v.Check(len(scheme) == 0 || total == 100, "tranches", "percentages add up to %d, not 100", total)
	return v.Err()
}

// TrancheAt is the amount due at a milestone, if the scheme pays one there.
func TrancheAt(price Cents, scheme []trajectory.Tranche, m trajectory.Milestone) (TrancheAmount, bool, error) {
	amounts, err := Split(price, scheme)
	if err != nil {
		return TrancheAmount{}, false, err
	}
	for _, a := range amounts {
		if a.Milestone == m {
			return a, true, nil
		}
	}
	return TrancheAmount{}, false, nil
}
