package domain

import (
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/civil"
)

func table(t *testing.T, region string, day civil.Date) Table {
	t.Helper()
	tb, ok := TableAt(PublishedTables, region, day)
	if !ok {
		t.Fatalf("no table of %s on %s", region, day)
	}
	return tb
}

// A candidate is valued with the region's table in force on the tender's publication date:
// yearly value plus bonuses, pro rata hours and months, to the cent, with every step shown.
func TestADeclarationIsValuedByTheTableOfThePublicationDate(t *testing.T) {
	utrecht := table(t, "utrecht", civil.NewDate(2026, 3, 1))
	v, err := ValueOf(utrecht, Contribution{Kind: KindCandidate, Candidate: CandidateParticipatiewet, HoursPerWeek: 32,
		Bonuses: []Bonus{BonusStatushouder, BonusAge55}}, 6)
	if err != nil {
		t.Fatal(err)
	}
	// (40,000 + 10,000) × 32/36 × 6/12 = 22,222.22
	if v.Cents != 2_222_222 || v.Months != 6 {
		t.Fatalf("value %d cents for %d months, want 2222222", v.Cents, v.Months)
	}
	trace := ""
	for _, s := range v.Trace {
		trace += s.Rule + ": " + s.Detail + "; "
	}
	for _, want := range []string{"participatiewet", "statushouder", "bonus not in this table: age_55_plus", "32.00 of 36", "6 of 12", "Bouwblokken social return Utrecht"} {
		if !strings.Contains(trace+v.Table, want) {
			t.Errorf("the trace lacks %q: %s", want, trace)
		}
	}
	// Haaglanden's table is in force for tenders from 1 July 2023 only.
	if _, ok := TableAt(PublishedTables, "haaglanden", civil.NewDate(2023, 6, 30)); ok {
		t.Error("a tender of June 2023 valued with the table of July 2023")
	}
	full, _ := ValueOf(table(t, "haaglanden", civil.NewDate(2024, 1, 1)), Contribution{Kind: KindCandidate, Candidate: CandidateBanenafspraak, HoursPerWeek: 40}, 12)
	if full.Cents != 50*k {
		t.Errorf("a full year of full time (40 hours count as 36) is %d, want the yearly value", full.Cents)
	}
	// purchasing and hours
	twente := table(t, "twente", civil.NewDate(2025, 1, 1))
	if p, _ := ValueOf(twente, Contribution{Kind: KindPurchase, Enterprise: "social-enterprise-nl", InvoiceCents: 1_234_567}, 0); p.Cents != 617_283 {
		t.Errorf("half an invoice of EUR 12.345,67 rounded down: %d", p.Cents)
	}
	if h, _ := ValueOf(utrecht, Contribution{Kind: KindHours, Hours: 12}, 0); h.Cents != 120_000 {
		t.Errorf("12 hours of coaching at EUR 100: %d", h.Cents)
	}
	if _, err := ValueOf(twente, Contribution{Kind: KindCandidate, Candidate: CandidateWW, HoursPerWeek: 36}, 3); err == nil {
		t.Error("a candidate type the table has no value for was valued")
	}
}

// One rule of "once", in the domain and used where the claims are kept (adapters.Claims):
// a candidate-month counts once, anywhere; the table's cap per candidate on a project
// stops the rest, each refused month with its reason; a month the declaration holds
// already counts again (a replayed claim).
func TestOneRuleOfOnceCountsACandidateMonthOnce(t *testing.T) {
	months := MonthsOf(civil.NewDate(2026, 1, 20), civil.NewDate(2026, 6, 10))
	// January: 12 of 31 days (no); February to May; June: 10 of 30 days (no)
	if strings.Join(months, ",") != "2026-02,2026-03,2026-04,2026-05" {
		t.Fatalf("months %v", months)
	}
	held := map[string]Holder{"2026-03": {Owner: "flevoland/dcl-9", Project: "flevoland/prj-9"}, "2026-02": {Owner: "groningen/dcl-1", Project: "groningen/prj-1"}}
	count, refused := Claimable(months, held, "groningen/dcl-1", "groningen/prj-1", "groningen", 10, 12)
	if strings.Join(count, ",") != "2026-02,2026-04" || len(refused) != 2 {
		t.Fatalf("count %v, refused %v", count, refused)
	}
	if refused[0].Month != "2026-03" || !strings.Contains(refused[0].Reason, "another region (flevoland)") ||
		refused[1].Month != "2026-05" || !strings.Contains(refused[1].Reason, "at most 12 months") {
		t.Fatalf("reasons %v", refused)
	}
}

// A declared candidate earns the bonuses its table rewards: a 55-plus candidate the 50-plus
// bonus of Utrecht and the 55-plus bonus of Haaglanden; a permanent contract where it counts.
func TestBonusesFollowTheTable(t *testing.T) {
	in := CandidateInput{Candidate: CandidateWW, HoursPerWeek: 36, From: civil.NewDate(2026, 1, 1), Until: civil.NewDate(2026, 12, 31),
		ContractType: "permanent", AgeBand: Age55Plus, Statushouder: true}
	utrecht := table(t, "utrecht", civil.NewDate(2026, 1, 1))
	haaglanden := table(t, "haaglanden", civil.NewDate(2026, 1, 1))
	if got := in.BonusesFor(utrecht); len(got) != 3 || got[0] != BonusAge50 {
		t.Errorf("Utrecht: %v", got)
	}
	if got := in.BonusesFor(haaglanden); len(got) != 1 || got[0] != BonusAge55 {
		t.Errorf("Haaglanden: %v", got)
	}
	v, err := ValueOf(utrecht, in.Contribution(utrecht), 12)
	if err != nil || v.Cents != 50*k {
		t.Errorf("a year of WW (20k) with three bonuses (30k): %d %v", v.Cents, err)
	}
	bad := in
	bad.Candidate, bad.AgeBand = CandidateSchoolLeaverVSO, "old"
	if err := bad.Validate(utrecht); err == nil || !strings.Contains(err.Error(), "ageBand") || !strings.Contains(err.Error(), "vso_pro has no value") {
		t.Errorf("validation: %v", err)
	}
	if err := in.Validate(utrecht); err != nil {
		t.Errorf("a valid declaration refused: %v", err)
	}
}

// Holland Rijnland's published values: Participatiewet in the doelgroepregister EUR 50,000,
// plus EUR 15,000 from 55; pro rata hours and months, to the cent.
func TestHollandRijnlandsExampleReproducesToTheCent(t *testing.T) {
	hr := table(t, "holland-rijnland", civil.NewDate(2023, 9, 1))
	in := CandidateInput{Candidate: CandidateParticipatiewetB, HoursPerWeek: 24, From: civil.NewDate(2024, 1, 1), Until: civil.NewDate(2024, 6, 30),
		ContractType: "fixed_term", AgeBand: Age55Plus}
	if err := in.Validate(hr); err != nil {
		t.Fatal(err)
	}
	v, err := ValueOf(hr, in.Contribution(hr), len(MonthsOf(in.From, in.Until)))
	if err != nil {
		t.Fatal(err)
	}
	// (50,000 + 15,000) × 24/36 × 6/12 = 21,666.666… → 21,666.67
	if v.Cents != 2_166_667 {
		t.Fatalf("value %d, want 2166667", v.Cents)
	}
	if _, ok := TableAt(PublishedTables, "holland-rijnland", civil.NewDate(2023, 8, 31)); ok {
		t.Error("a tender of August 2023 valued with the table of September 2023")
	}
}

// A region's new table dated D values tenders published from D; tenders published before
// keep the table they were published under.
func TestATableChangeValuesOnlyTendersPublishedFromItsDate(t *testing.T) {
	old := table(t, "utrecht", civil.NewDate(2024, 1, 1))
	newer := old
	newer.ID, newer.Version, newer.EffectiveFrom = "utrecht-2026-07", 2, civil.NewDate(2026, 7, 1)
	newer.Yearly = map[CandidateType]Cents{CandidateParticipatiewet: 45 * k}
	series := []Table{old, newer}
	before, _ := TableAt(series, "utrecht", civil.NewDate(2026, 6, 30))
	from, _ := TableAt(series, "utrecht", civil.NewDate(2026, 7, 1))
	c := Contribution{Kind: KindCandidate, Candidate: CandidateParticipatiewet, HoursPerWeek: 36}
	vb, _ := ValueOf(before, c, 12)
	vf, _ := ValueOf(from, c, 12)
	if before.Version != 1 || vb.Cents != 40*k || from.Version != 2 || vf.Cents != 45*k {
		t.Fatalf("before D: version %d, %d; from D: version %d, %d", before.Version, vb.Cents, from.Version, vf.Cents)
	}
}
