package domain

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// CandidateType is whom a contractor deploys (doelgroep), as the value tables name them.
type CandidateType string

const (
	CandidateParticipatiewet  CandidateType = "participatiewet"
	CandidateBanenafspraak    CandidateType = "banenafspraak" // doelgroepregister
	CandidateWajong           CandidateType = "wajong"
	CandidateWW               CandidateType = "ww"
	CandidateWIA              CandidateType = "wia_wao"
	CandidateNoBenefit        CandidateType = "no_benefit"
	CandidateSchoolLeaverVSO  CandidateType = "vso_pro" // a school leaver of vso or PrO
	CandidateBBL              CandidateType = "bbl"     // a work-study place
	CandidateBOL              CandidateType = "bol"     // an internship
	CandidateParticipatiewetB CandidateType = "participatiewet_doelgroepregister"
)

// Bonus is what a candidate's circumstances add to the yearly value.
type Bonus string

const (
	BonusAge50        Bonus = "age_50_plus"
	BonusAge55        Bonus = "age_55_plus"
	BonusStatushouder Bonus = "statushouder"
	BonusPermanent    Bonus = "permanent_contract"
)

// Table is a region's value table (bouwblokkentabel) from a day on: what a candidate is
// worth for a year of full-time work, the bonuses, how many months a candidate counts, and
// the alternative contributions. Tables are data: a tender is valued with the table in
// force on its publication date.
type Table struct {
	ID            string
	Region        string
	Name          string
	Version       int
	EffectiveFrom civil.Date
	// Source names the published table (and says what it leaves open).
	Source string
	// FullTimeHours: a week's hours that count as full time (36 in most tables).
	FullTimeHours int
	Yearly        map[CandidateType]Cents
	Bonuses       map[Bonus]Cents
	// MaxMonths: how many months one candidate counts (0: no limit), per type where a type
	// differs (MaxMonthsOf).
	MaxMonths       int
	MaxMonthsByType map[CandidateType]int
	// Purchasing from a social enterprise counts this share of the invoice, in basis points,
	// per kind of enterprise ("" the default).
	PurchaseBasisPoints map[string]int
	// HourlyCents values hours of guest lessons or coaching.
	HourlyCents Cents
	// Examples are the worked examples the table's publication gives: a table is accepted
	// only when it values each of them as published.
	Examples []TableExample
}

// TableExample is one worked example of a published table: a contribution, the months it
// counts for, and the value the publication states.
type TableExample struct {
	Description   string
	Contribution  Contribution
	Months        int
	ExpectedCents Cents
}

// Validate checks a table a region publishes: its facts, and its own examples valued as
// published (a table typed in with a wrong figure is refused before it values anything).
func (t Table) Validate() error {
	var v rules.Checker
	v.Check(tableID.MatchString(t.ID), "id", "lower-case letters, digits and dashes, 3 to 60 (groningen-2027)")
	v.Check(strings.TrimSpace(t.Name) != "" && len(t.Name) <= 200, "name", "is required, at most 200 characters")
	v.Check(t.Version >= 1, "version", "must be 1 or more")
	v.Check(!t.EffectiveFrom.IsZero(), "effectiveFrom", "is required: tenders published from this day on are valued with it")
	v.Check(len(strings.TrimSpace(t.Source)) >= 10 && len(t.Source) <= 1000, "source", "name the published table: 10 to 1000 characters")
	v.Check(t.FullTimeHours >= 1 && t.FullTimeHours <= 60, "fullTimeHours", "1 to 60 (36 in most tables)")
	for c, cents := range t.Yearly {
		v.Check(cents >= 0 && cents <= 100_000_000, "yearlyCents."+string(c), "0 to EUR 1,000,000")
	}
	for b, cents := range t.Bonuses {
		v.Check(cents >= 0 && cents <= 100_000_000, "bonusCents."+string(b), "0 to EUR 1,000,000")
	}
	for e, bp := range t.PurchaseBasisPoints {
		v.Check(bp >= 0 && bp <= 10_000, "purchaseBasisPoints."+e, "0 to 10000")
	}
	v.Check(t.MaxMonths >= 0 && t.HourlyCents >= 0, "maxMonths", "must not be negative")
	v.Check(len(t.Examples) > 0, "examples", "give the publication's worked examples: a table is checked against them")
	for i, ex := range t.Examples {
		field := fmt.Sprintf("examples[%d]", i)
		got, err := ValueOf(t, ex.Contribution, ex.Months)
		if err != nil {
			v.Check(false, field, "cannot be valued with the table: %v", err)
			continue
		}
		v.Check(got.Cents == ex.ExpectedCents, field, "%q: the table values it at %s, the publication at %s", ex.Description, Euro(got.Cents), Euro(ex.ExpectedCents))
	}
	return v.Err()
}

var tableID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$`)

// MaxMonthsOf is how many months a candidate of a type counts (0: no limit).
func (t Table) MaxMonthsOf(c CandidateType) int {
	if n, ok := t.MaxMonthsByType[c]; ok {
		return n
	}
	return t.MaxMonths
}

// TableAt is the table of a series in force on a day (a tender's publication date); series
// "" takes every table given (a region's own).
func TableAt(tables []Table, region string, day civil.Date) (Table, bool) {
	var found Table
	ok := false
	for _, t := range tables {
		if (region == "" || t.Region == region) && !t.EffectiveFrom.After(day) && (!ok || t.EffectiveFrom.After(found.EffectiveFrom) ||
			t.EffectiveFrom == found.EffectiveFrom && t.Version > found.Version) {
			found, ok = t, true
		}
	}
	return found, ok
}
