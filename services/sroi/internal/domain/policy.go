// Package domain holds the social-return rules: a region's dated policy that turns an award
// into an obligation, the dated value tables (bouwblokken) that value what a contractor
// declares, and the candidate-months that count once. No I/O.
package domain

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// Cents is an amount in euro cents.
type Cents = int64

// Policy is a region's social-return policy from a day on (data, not code): above which
// contract value and duration an award carries an obligation, which percentage by default,
// the cap, and which kinds of contract it applies to.
type Policy struct {
	Region         string
	Version        int
	EffectiveFrom  civil.Date
	Source         string
	ThresholdCents Cents    // an obligation from this value (excl. VAT) up
	MinMonths      int      // and this duration up (0: any)
	BasisPoints    int      // the default percentage: 500 = 5%
	CapCents       Cents    // at most this obligation (0: no cap)
	ContractTypes  []string // works, services, supplies; empty: all
	// Thresholds per contract type where they differ (Friesland: works from EUR 250,000,
	// services from EUR 100,000); a type listed here is in scope. ThresholdCents applies
	// to the others and to an award that names no type.
	Thresholds map[string]Cents
	// DefaultMonths is the period to realise an obligation when the award names no
	// contract end (the buyer sets the deadline otherwise).
	DefaultMonths int
	// GraceMonths: months after the deadline in which worked months may still be declared
	// (declarations of the last months come in late); later ones are refused.
	GraceMonths int
}

// ContractTypesKnown are the kinds of public contract (Aanbestedingswet: werken, diensten,
// leveringen).
var ContractTypesKnown = []string{"works", "services", "supplies"}

// Validate checks a policy version a region publishes.
func (p Policy) Validate() error {
	var v rules.Checker
	v.Check(p.Version >= 1, "version", "must be 1 or more")
	v.Check(!p.EffectiveFrom.IsZero(), "effectiveFrom", "is required: tenders published from this day on use it")
	v.Check(len(strings.TrimSpace(p.Source)) >= 10 && len(p.Source) <= 1000, "source", "name the published policy (a council decision, a policy rule): 10 to 1000 characters")
	v.Check(p.BasisPoints >= 1 && p.BasisPoints <= 10_000, "basisPoints", "the default percentage in basis points, 1 to 10000 (500 = 5%%)")
	v.Check(p.ThresholdCents >= 0 && p.CapCents >= 0, "thresholdCents", "thresholds and the cap must not be negative")
	v.Check(p.MinMonths >= 0 && p.MinMonths <= 120, "minMonths", "0 to 120")
	v.Check(p.DefaultMonths >= 1 && p.DefaultMonths <= 120, "defaultMonths", "1 to 120: the period to realise an obligation when the award names no end")
	v.Check(p.GraceMonths >= 0 && p.GraceMonths <= 24, "graceMonths", "0 to 24")
	for t, c := range p.Thresholds {
		v.Check(slices.Contains(ContractTypesKnown, t), "thresholds."+t, "is not a contract type (works, services, supplies)")
		v.Check(c >= 0, "thresholds."+t, "must not be negative")
	}
	for _, t := range p.ContractTypes {
		v.Check(slices.Contains(ContractTypesKnown, t), "contractTypes", "%s is not a contract type (works, services, supplies)", t)
	}
	return v.Err()
}

// thresholdFor is the value from which the policy applies to a contract type, whether it
// applies to it at all, and whether the threshold is the contract type's own.
func (p Policy) thresholdFor(contractType string) (Cents, bool, bool) {
	if len(p.Thresholds) > 0 {
		if c, ok := p.Thresholds[contractType]; ok {
			return c, true, true
		}
		if contractType != "" && len(p.ContractTypes) == 0 {
			return 0, false, false
		}
	}
	if len(p.ContractTypes) > 0 && contractType != "" && !slices.Contains(p.ContractTypes, contractType) {
		return 0, false, false
	}
	return p.ThresholdCents, true, false
}

// PolicyAt is the version in force on a day: of those effective on or before it, the newest.
func PolicyAt(versions []Policy, day civil.Date) (Policy, bool) {
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
	ValueCents   Cents // excl. VAT
	Months       int   // the contract's duration
	ContractType string
	// BasisPoints is the SROI percentage the tender stated (0: the policy's default).
	BasisPoints int
	Published   civil.Date
}

// Obligation is what an award obliges the contractor to, and the rule that decided it.
type Obligation struct {
	Cents       Cents
	BasisPoints int
	Capped      bool
	Rule        string
	// Why is the rule by its parts' codes (the decision, then a cap, then assumptions made),
	// for people to read in Dutch.
	Why    []messages.Message
	Policy int
}

// decidedBy sets the rule from its parts: the decision, then ", " a cap, then "; " each
// assumption made.
func (o *Obligation) decidedBy(parts ...messages.Message) {
	o.Why, o.Rule = parts, ""
	for i, m := range parts {
		switch {
		case i == 0:
		case m.Code == messages.CodeOf(cappedAt):
			o.Rule += ", "
		default:
			o.Rule += "; "
		}
		o.Rule += m.English()
	}
}

const cappedAt = "capped at %s"

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
	var assumed []messages.Message
	threshold, inScope, own := p.thresholdFor(a.ContractType)
	switch {
	case !inScope:
		o.BasisPoints = 0
		o.decidedBy(messages.Of("no obligation: the policy applies to %s, not to %s", strings.Join(p.scope(), ", "), a.ContractType))
		return o, nil
	case (len(p.ContractTypes) > 0 || len(p.Thresholds) > 0) && a.ContractType == "":
		assumed = append(assumed, messages.Of("the award names no contract type: taken to be in scope"))
	}
	switch {
	case a.ValueCents < threshold && own:
		o.BasisPoints = 0
		o.decidedBy(messages.Of("no obligation: %s is below the threshold of %s (%s from %s)", Euro(a.ValueCents), Euro(threshold), a.ContractType, Euro(threshold)))
	case a.ValueCents < threshold:
		o.BasisPoints = 0
		o.decidedBy(messages.Of("no obligation: %s is below the threshold of %s", Euro(a.ValueCents), Euro(threshold)))
	case p.MinMonths > 0 && a.Months > 0 && a.Months < p.MinMonths:
		o.BasisPoints = 0
		o.decidedBy(messages.Of("no obligation: %d months is shorter than %d", a.Months, p.MinMonths))
	default:
		if p.MinMonths > 0 && a.Months == 0 {
			assumed = append(assumed, messages.Of("the award names no duration: taken to last at least %d months", p.MinMonths))
		}
		o.Cents = a.ValueCents * int64(o.BasisPoints) / 10_000
		parts := []messages.Message{messages.Of("%s of %s", percent(o.BasisPoints), Euro(a.ValueCents))}
		if own {
			parts[0] = messages.Of("%s of %s (%s from %s)", percent(o.BasisPoints), Euro(a.ValueCents), a.ContractType, Euro(threshold))
		}
		if p.CapCents > 0 && o.Cents > p.CapCents {
			o.Cents, o.Capped = p.CapCents, true
			parts = append(parts, messages.Of("capped at %s", Euro(p.CapCents)))
		}
		o.decidedBy(append(parts, assumed...)...)
	}
	return o, nil
}

// scope lists the contract types the policy applies to.
func (p Policy) scope() []string {
	set := map[string]bool{}
	for _, t := range p.ContractTypes {
		set[t] = true
	}
	for t := range p.Thresholds {
		set[t] = true
	}
	return sortedStrings(slices.Collect(maps.Keys(set)))
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
