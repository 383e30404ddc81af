package domain

import (
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/civil"
)

// The policies in use: Rijk 5% above EUR 250,000 lasting at least six months; Friesland 2%
// capped at EUR 300,000. Each obligation says the rule that decided it.
func TestAnAwardBecomesAnObligationByTheRegionsPolicy(t *testing.T) {
	rijk := Policy{Version: 1, EffectiveFrom: civil.NewDate(2020, 1, 1), ThresholdCents: 25_000_000, MinMonths: 6, BasisPoints: 500,
		ContractTypes: []string{"works", "services"}}
	friesland := Policy{Version: 1, EffectiveFrom: civil.NewDate(2020, 1, 1), ThresholdCents: 25_000_000, BasisPoints: 200, CapCents: 30_000_000}
	for name, c := range map[string]struct {
		p      Policy
		a      Award
		cents  Cents
		phrase string
	}{
		"5% of a works contract":      {rijk, Award{ValueCents: 612_500_000, Months: 18, ContractType: "works"}, 30_625_000, "5% of EUR 6.125.000,00"},
		"below the threshold":         {rijk, Award{ValueCents: 24_999_999, Months: 18, ContractType: "works"}, 0, "below the threshold"},
		"too short":                   {rijk, Award{ValueCents: 90_000_000, Months: 5, ContractType: "services"}, 0, "shorter than 6"},
		"supplies are not in scope":   {rijk, Award{ValueCents: 90_000_000, Months: 12, ContractType: "supplies"}, 0, "not to supplies"},
		"the tender's own percentage": {rijk, Award{ValueCents: 100_000_000, Months: 12, ContractType: "works", BasisPoints: 350}, 3_500_000, "3,50%"},
		"capped":                      {friesland, Award{ValueCents: 2_000_000_000, Months: 24}, 30_000_000, "capped at EUR 300.000,00"},
		"rounded down to the cent":    {friesland, Award{ValueCents: 25_000_049, Months: 24}, 500_000, "2% of"},
	} {
		o, err := ObligationOf(c.p, c.a)
		if err != nil || o.Cents != c.cents || !strings.Contains(o.Rule, c.phrase) {
			t.Errorf("%s: %+v (%v), want %d cents and a rule saying %q", name, o, err, c.cents, c.phrase)
		}
	}
	newer := rijk
	newer.Version, newer.EffectiveFrom, newer.BasisPoints = 2, civil.NewDate(2026, 1, 1), 600
	if p, _ := PolicyAt([]Policy{rijk, newer}, civil.NewDate(2025, 12, 31)); p.Version != 1 {
		t.Errorf("a 2025 award valued by version %d", p.Version)
	}
	if p, _ := PolicyAt([]Policy{rijk, newer}, civil.NewDate(2026, 1, 1)); p.Version != 2 {
		t.Errorf("a 2026 award valued by version %d", p.Version)
	}
}

// The tables the platform ships with value their own worked examples as published, and a
// table typed in with a wrong figure is refused before it values anything.
func TestPublishedTablesValueTheirOwnExamples(t *testing.T) {
	for _, tb := range PublishedTables {
		if err := tb.Validate(); err != nil {
			t.Errorf("%s: %v", tb.ID, err)
		}
	}
	wrong := PublishedTables[0]
	wrong.Yearly = map[CandidateType]Cents{CandidateParticipatiewet: 39 * k, CandidateWW: 20 * k}
	if err := wrong.Validate(); err == nil || !strings.Contains(err.Error(), "Participatiewet, full time, six months") {
		t.Fatalf("a table that does not value its example: %v", err)
	}
	for name, versions := range PublishedPolicies {
		for _, p := range versions {
			if err := p.Validate(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

// Thresholds per contract type (Friesland: works from EUR 250,000, services from EUR
// 100,000): each award is held against its own.
func TestAPolicyHasAThresholdPerContractType(t *testing.T) {
	p := Policy{Version: 1, BasisPoints: 200, CapCents: 30_000_000, DefaultMonths: 24,
		Thresholds: map[string]Cents{"works": 25_000_000, "services": 10_000_000}}
	services, _ := ObligationOf(p, Award{ValueCents: 15_000_000, ContractType: "services"})
	works, _ := ObligationOf(p, Award{ValueCents: 15_000_000, ContractType: "works"})
	supplies, _ := ObligationOf(p, Award{ValueCents: 15_000_000, ContractType: "supplies"})
	if services.Cents != 300_000 || !strings.Contains(services.Rule, "services from EUR 100.000,00") {
		t.Errorf("services of EUR 150,000: %+v", services)
	}
	if works.Cents != 0 || !strings.Contains(works.Rule, "below the threshold of EUR 250.000,00 (works") {
		t.Errorf("works of EUR 150,000: %+v", works)
	}
	if supplies.Cents != 0 || !strings.Contains(supplies.Rule, "applies to services, works, not to supplies") {
		t.Errorf("supplies: %+v", supplies)
	}
}
