// Package domain holds the social-return rules: a region's dated policy that turns an award
// into an obligation, the dated value tables (bouwblokken) that value what a contractor
// declares, and the candidate-months that count once. No I/O.
package domain

import (
	"fmt"
	"slices"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// Cents is an amount in euro cents.
type Cents = int64

// Date is a calendar day.
type Date = civil.Date

// Policy is a region's social-return policy from a day on (data, not code): above which
// contract value and duration an award carries an obligation, which percentage by default,
// the cap, and which kinds of contract it applies to.
type Policy struct {
	Region         string   `json:"region"`
	Version        int      `json:"version"`
	EffectiveFrom  Date     `json:"effectiveFrom"`
	Source         string   `json:"source"`
	ThresholdCents Cents    `json:"thresholdCents"` // an obligation from this value (excl. VAT) up
	MinMonths      int      `json:"minMonths"`      // and this duration up (0: any)
	BasisPoints    int      `json:"basisPoints"`    // the default percentage: 500 = 5%
	CapCents       Cents    `json:"capCents"`       // at most this obligation (0: no cap)
	ContractTypes  []string `json:"contractTypes"`  // works, services, supplies; empty: all
	// DefaultMonths is the period to realise an obligation when the award names no
	// contract end (the buyer sets the deadline otherwise).
	DefaultMonths int `json:"defaultMonths"`
}

// PolicyAt is the version in force on a day: of those effective on or before it, the newest.
func PolicyAt(versions []Policy, day Date) (Policy, bool) {
	var found Policy
	ok := false
	for _, p := range versions {
		if !p.EffectiveFrom.After(day) && (!ok || p.Version > found.Version) {
			found, ok = p, true
		}
	}
	return found, ok
}

// Award is what procurement's award says of a contract.
type Award struct {
	ValueCents   Cents  `json:"valueCents"` // excl. VAT
	Months       int    `json:"months"`     // the contract's duration
	ContractType string `json:"contractType"`
	// BasisPoints is the SROI percentage the tender stated (0: the policy's default).
	BasisPoints int  `json:"basisPoints"`
	Published   Date `json:"published"`
}

// Obligation is what an award obliges the contractor to, and the rule that decided it.
type Obligation struct {
	Cents       Cents  `json:"cents"`
	BasisPoints int    `json:"basisPoints"`
	Capped      bool   `json:"capped"`
	Rule        string `json:"rule"`
	Policy      int    `json:"policyVersion"`
}

// ObligationOf applies a policy to an award: none below the threshold, the duration or for
// another kind of contract; otherwise the percentage of the value, rounded down to the
// cent, at most the cap. The rule says which of these decided, in words a buyer reads.
func ObligationOf(p Policy, a Award) (Obligation, error) {
	if a.ValueCents <= 0 {
		return Obligation{}, rules.Invalid("valueCents", "the contract value must be positive")
	}
	o := Obligation{Policy: p.Version, BasisPoints: a.BasisPoints}
	if o.BasisPoints == 0 {
		o.BasisPoints = p.BasisPoints
	}
	var assumed []string
	switch {
	case len(p.ContractTypes) > 0 && a.ContractType != "" && !slices.Contains(p.ContractTypes, a.ContractType):
		o.BasisPoints, o.Rule = 0, fmt.Sprintf("no obligation: the policy applies to %v, not to %s", p.ContractTypes, a.ContractType)
		return o, nil
	case len(p.ContractTypes) > 0 && a.ContractType == "":
		assumed = append(assumed, "the award names no contract type: taken to be in scope")
	}
	switch {
	case a.ValueCents < p.ThresholdCents:
		o.BasisPoints, o.Rule = 0, fmt.Sprintf("no obligation: %s is below the threshold of %s", Euro(a.ValueCents), Euro(p.ThresholdCents))
	case p.MinMonths > 0 && a.Months > 0 && a.Months < p.MinMonths:
		o.BasisPoints, o.Rule = 0, fmt.Sprintf("no obligation: %d months is shorter than %d", a.Months, p.MinMonths)
	default:
		if p.MinMonths > 0 && a.Months == 0 {
			assumed = append(assumed, fmt.Sprintf("the award names no duration: taken to last at least %d months", p.MinMonths))
		}
		o.Cents = a.ValueCents * int64(o.BasisPoints) / 10_000
		o.Rule = fmt.Sprintf("%s of %s", percent(o.BasisPoints), Euro(a.ValueCents))
		if p.CapCents > 0 && o.Cents > p.CapCents {
			o.Cents, o.Capped = p.CapCents, true
			o.Rule += ", capped at " + Euro(p.CapCents)
		}
		for _, s := range assumed {
			o.Rule += "; " + s
		}
	}
	return o, nil
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return s
}

func percent(bp int) string {
	if bp%100 == 0 {
		return fmt.Sprintf("%d%%", bp/100)
	}
	return fmt.Sprintf("%d,%02d%%", bp/100, bp%100)
}

// Euro writes cents as the Dutch notation of an amount: EUR 1.234,56.
func Euro(c Cents) string { return civil.Euro(c) }
