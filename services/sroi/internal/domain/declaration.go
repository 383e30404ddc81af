package domain

import (
	"strings"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// AgeBand is a candidate's age as declared: no birth date is needed, only what the tables
// reward.
type AgeBand string

const (
	AgeUnder50 AgeBand = "under_50"
	Age50To54  AgeBand = "50_54"
	Age55Plus  AgeBand = "55_plus"
)

// CandidateInput is what a contractor declares of a candidate it deploys.
type CandidateInput struct {
	Candidate    CandidateType
	HoursPerWeek float64
	From         civil.Date
	Until        civil.Date
	ContractType string // permanent, fixed_term, temporary_agency, bbl, other
	AgeBand      AgeBand
	Statushouder bool
}

// Validate checks a candidate's declaration against the table that values it.
func (in CandidateInput) Validate(t Table) error {
	var v rules.Checker
	_, known := t.Yearly[in.Candidate]
	v.Check(known, "candidateType", "%s has no value in %s; it values %s", in.Candidate, t.Name, strings.Join(typesOf(t), ", "))
	v.Check(in.HoursPerWeek > 0 && in.HoursPerWeek <= 60, "hoursPerWeek", "must be more than 0 and at most 60")
	v.Check(!in.From.IsZero() && !in.Until.IsZero() && !in.Until.Before(in.From), "until", "the period must end on or after it starts")
	switch in.AgeBand {
	case AgeUnder50, Age50To54, Age55Plus:
	default:
		v.Check(false, "ageBand", "must be under_50, 50_54 or 55_plus")
	}
	return v.Err()
}

func typesOf(t Table) []string {
	var out []string
	for c := range t.Yearly {
		out = append(out, string(c))
	}
	return sortedStrings(out)
}

// BonusesFor are the bonuses a declared candidate earns under a table: an age bonus the
// table rewards (a 55-plus candidate earns a 50-plus bonus where that is the table's),
// statushouder and a permanent contract.
func (in CandidateInput) BonusesFor(t Table) []Bonus {
	var out []Bonus
	has := func(b Bonus) bool { _, ok := t.Bonuses[b]; return ok }
	switch {
	case in.AgeBand == Age55Plus && has(BonusAge55):
		out = append(out, BonusAge55)
	case (in.AgeBand == Age55Plus || in.AgeBand == Age50To54) && has(BonusAge50):
		out = append(out, BonusAge50)
	}
	if in.Statushouder && has(BonusStatushouder) {
		out = append(out, BonusStatushouder)
	}
	if in.ContractType == "permanent" && has(BonusPermanent) {
		out = append(out, BonusPermanent)
	}
	return out
}

// Contribution is the line to value.
func (in CandidateInput) Contribution(t Table) Contribution {
	return Contribution{Kind: KindCandidate, Candidate: in.Candidate, HoursPerWeek: in.HoursPerWeek, From: in.From, Until: in.Until, Bonuses: in.BonusesFor(t)}
}
