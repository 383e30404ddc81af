package domain

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
var today = civil.DateOf(now)

func tranches(ps ...int) []trajectory.Tranche {
	ms := []trajectory.Milestone{trajectory.MilestoneStarted, trajectory.MilestoneCompleted, trajectory.MilestoneSustainablyPlaced}
	out := make([]trajectory.Tranche, len(ps))
	for i, p := range ps {
		out[i] = trajectory.Tranche{Milestone: ms[i], Percent: p}
	}
	return out
}

func validTerms() TermsInput {
	return TermsInput{MaxPriceCents: 100000, MinAttendanceHours: 256, RequiredCertificates: []string{"VCA"}, Tranches: tranches(40, 30, 30)}
}

func openScheme(t *testing.T) (*Scheme, *Product) {
	t.Helper()
	s, err := NewScheme("sch-1", "groningen", "gemeente-groningen", SchemeInput{
		Reference: "OH-2026-BT", Title: "Bouw & Techniek", Sector: "bouw-en-techniek",
		OpenFrom: today.AddDays(-30), OpenUntil: today.AddDays(300),
	})
	if err != nil {
		t.Fatal(err)
	}
	in := validTerms()
	in.EffectiveFrom = today.AddDays(-30)
	p, err := s.AddProduct("prd-1", ProductInput{Name: "Timmerman", Terms: in}, today)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(now); err != nil {
		t.Fatal(err)
	}
	return s, p
}

func fields(err error) []string {
	var ve *rules.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Field)
	}
	return out
}

func TestInvalidSchemeListsEveryProblem(t *testing.T) {
	_, err := NewScheme("x", "groningen", "b", SchemeInput{Reference: "oh", Sector: "ruimtevaart", OpenFrom: today, OpenUntil: today.AddDays(-1)})
	got := strings.Join(fields(err), ",")
	for _, want := range []string{"reference", "title", "sector", "openUntil"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing problem for %s in %s", want, got)
		}
	}
}

func TestTranchesMustAddUpTo100(t *testing.T) {
	for name, ts := range map[string][]trajectory.Tranche{
		"90":        tranches(40, 30, 20),
		"110":       tranches(40, 40, 30),
		"none":      nil,
		"zero":      {{Milestone: trajectory.MilestoneStarted, Percent: 0}, {Milestone: trajectory.MilestoneCompleted, Percent: 100}},
		"duplicate": {{Milestone: trajectory.MilestoneStarted, Percent: 50}, {Milestone: trajectory.MilestoneStarted, Percent: 50}},
		"unknown":   {{Milestone: "payday", Percent: 100}},
	} {
		in := validTerms()
		in.Tranches = ts
		if _, err := newTerms(1, in, today); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	in := validTerms()
	in.Tranches = []trajectory.Tranche{{Milestone: trajectory.MilestoneCompleted, Percent: 50}, {Milestone: trajectory.MilestoneStarted, Percent: 50}} // werkfit: no placement tranche
	terms, err := newTerms(1, in, today)
	if err != nil {
		t.Fatal(err)
	}
	if terms.Tranches[0].Milestone != trajectory.MilestoneStarted {
		t.Errorf("tranches not in trajectory order: %v", terms.Tranches)
	}
}

func TestNegativeOrZeroPriceIsRejected(t *testing.T) {
	for _, cents := range []int64{-100, 0, MaxPriceCentsLimit + 1} {
		in := validTerms()
		in.MaxPriceCents = cents
		if _, err := newTerms(1, in, today); !strings.Contains(strings.Join(fields(err), ","), "maxPriceCents") {
			t.Errorf("price %d: %v", cents, err)
		}
	}
}

func TestSchemeLifecycle(t *testing.T) {
	s, err := NewScheme("sch", "groningen", "b", SchemeInput{Reference: "OH-1", Title: "t", Sector: "zorg", OpenFrom: today, OpenUntil: today.AddDays(10)})
	if err != nil {
		t.Fatal(err)
	}
	var se *rules.StateError
	if err := s.Publish(now); !errors.As(err, &se) {
		t.Errorf("published without products: %v", err)
	}
	if err := s.Close(now); !errors.As(err, &se) {
		t.Errorf("closed a draft: %v", err)
	}
	if _, err := s.AddProduct("p", ProductInput{Name: "x", Terms: validTerms()}, today); err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(now); err != nil {
		t.Fatal(err)
	}
	if err := s.Edit(SchemeInput{Reference: "OH-1", Title: "new", Sector: "zorg", OpenFrom: today, OpenUntil: today.AddDays(5)}); !errors.As(err, &se) {
		t.Errorf("edited an open scheme: %v", err)
	}
	if err := s.Close(now); err != nil || s.Status != SchemeClosed {
		t.Fatal(err)
	}
	if err := s.Publish(now); !errors.As(err, &se) {
		t.Error("re-published a closed scheme")
	}
}

func TestTermsVersionsApplyByStartDate(t *testing.T) {
	s, p := openScheme(t)
	change := validTerms()
	change.EffectiveFrom = today.AddDays(14)
	change.Tranches = tranches(40, 40, 20) // Bouw & Techniek: 40/30/30 -> 40/40/20
	v2, err := s.ChangeTerms(p.ID, change, today)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 {
		t.Fatalf("version %d", v2.Version)
	}
	before, _ := p.TermsAt(today.AddDays(13))
	after, _ := p.TermsAt(today.AddDays(14))
	if before.Version != 1 || before.Tranches[1].Percent != 30 {
		t.Errorf("enrolment starting before the change got %+v", before)
	}
	if after.Version != 2 || after.Tranches[1].Percent != 40 || after.Tranches[2].Percent != 20 {
		t.Errorf("enrolment starting on the change day got %+v", after)
	}

	// A late correction: decided earlier, recorded now. It applies to every start from its
	// date on (the newest version wins), so enrolments still to start get it.
	late := validTerms()
	late.EffectiveFrom = today.AddDays(-1)
	late.Tranches = tranches(50, 30, 20)
	v3, err := s.ChangeTerms(p.ID, late, today)
	if err != nil {
		t.Fatalf("a late correction was refused: %v", err)
	}
	if got, _ := p.TermsAt(today); got.Version != v3.Version {
		t.Errorf("a start today got version %d, want the correction %d", got.Version, v3.Version)
	}
	if got, _ := p.TermsAt(today.AddDays(-2)); got.Version != 1 {
		t.Errorf("a start before the correction got version %d, want 1", got.Version)
	}
	tooOld := validTerms()
	tooOld.EffectiveFrom = today.AddDays(-MaxTermsBackdating - 1)
	if _, err := s.ChangeTerms(p.ID, tooOld, today); err == nil {
		t.Error("a change dated more than a year back was accepted")
	}
}

func application(productID string, price int64, hours int, certs ...HeldCertificate) ApplicationInput {
	return ApplicationInput{ProviderName: "Bouwopleiding Noord", AcceptsConditions: true,
		Products: []ProductOffer{{ProductID: productID, PriceCents: price, PlannedAttendanceHours: hours}}, Certificates: certs}
}

func TestApplicationMeetingEveryRequirementGetsAContract(t *testing.T) {
	s, p := openScheme(t)
	adm := NewAdmission(s, "12345678")
	app, err := adm.Apply(s, application(p.ID, 95000, 280, HeldCertificate{"vca", today.AddDays(100)}), now, "u")
	if err != nil {
		t.Fatal(err)
	}
	if app.Status != ApplicationAccepted || len(app.Failures) != 0 {
		t.Fatalf("%+v", app)
	}
	c, ok := adm.Contract(app.ContractID)
	if !ok || c.Status != ContractActive || c.Products[0].PriceCents != 95000 || c.Products[0].TermsVersion != 1 {
		t.Fatalf("contract %+v", c)
	}
	if id, ok := ParseContractID(c.ID); !ok || id != adm.ID {
		t.Errorf("contract id %s does not name admission %s", c.ID, adm.ID)
	}
	var se *rules.StateError
	if _, err := adm.Apply(s, application(p.ID, 95000, 280, HeldCertificate{"VCA", today.AddDays(100)}), now, "u"); !errors.As(err, &se) {
		t.Errorf("second application with a contract in force: %v", err)
	}
}

func TestRejectionListsEveryFailedRequirementAndAllowsReapplying(t *testing.T) {
	s, p := openScheme(t)
	adm := NewAdmission(s, "12345678")
	in := application(p.ID, 120000, 200, HeldCertificate{"VCA", today.AddDays(-1)})
	in.AcceptsConditions = false
	in.Products = append(in.Products, ProductOffer{ProductID: "prd-nope", PriceCents: 1})
	app, err := adm.Apply(s, in, now, "u")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range app.Failures {
		got[f.Requirement] = true
	}
	for _, want := range []string{ReqConditions, ReqPrice, ReqAttendance, ReqCertificateExpiry, ReqUnknownProduct} {
		if !got[want] {
			t.Errorf("failure %s not listed: %+v", want, app.Failures)
		}
	}
	if app.Status != ApplicationRejected || len(adm.Contracts) != 0 {
		t.Fatal("rejected application made a contract")
	}
	noCert := application(p.ID, 90000, 300)
	app2, _ := adm.Apply(s, noCert, now, "u")
	if app2.Failures[0].Requirement != ReqCertificate {
		t.Errorf("%+v", app2.Failures)
	}
	app3, err := adm.Apply(s, application(p.ID, 90000, 300, HeldCertificate{"VCA", today.AddDays(10)}), now, "u")
	if err != nil || app3.Status != ApplicationAccepted {
		t.Fatalf("reapplication: %v %+v", err, app3)
	}
	if len(adm.Applications) != 3 {
		t.Errorf("%d applications kept", len(adm.Applications))
	}
}

func TestApplicationToAClosedOrNotYetOpenSchemeIsRefused(t *testing.T) {
	s, p := openScheme(t)
	adm := NewAdmission(s, "12345678")
	in := application(p.ID, 90000, 300, HeldCertificate{"VCA", today.AddDays(10)})
	var se *rules.StateError
	if _, err := adm.Apply(s, in, now.AddDate(2, 0, 0), "u"); !errors.As(err, &se) {
		t.Errorf("applied after the run: %v", err)
	}
	if err := s.Close(now); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.Apply(s, in, now, "u"); !errors.As(err, &se) {
		t.Errorf("applied to a closed scheme: %v", err)
	}
	if _, err := adm.Apply(s, ApplicationInput{}, now, "u"); len(fields(err)) == 0 {
		t.Errorf("empty application: %v", err)
	}
}

func TestContractLifecycle(t *testing.T) {
	s, p := openScheme(t)
	adm := NewAdmission(s, "12345678")
	app, _ := adm.Apply(s, application(p.ID, 90000, 300, HeldCertificate{"VCA", today.AddDays(10)}), now, "u")
	c, _ := adm.Contract(app.ContractID)
	var se *rules.StateError
	if err := c.Resume(now, "b"); !errors.As(err, &se) {
		t.Error("resumed an active contract")
	}
	if err := c.Suspend("", now, "b"); err == nil {
		t.Error("suspended without a reason")
	}
	if err := c.Suspend("VCA expired", now, "b"); err != nil || c.Status != ContractSuspended {
		t.Fatal(err)
	}
	if err := c.Resume(now, "b"); err != nil || c.Status != ContractActive {
		t.Fatal(err)
	}
	if err := c.End(EndWithdrawn, now, "p"); err != nil {
		t.Fatal(err)
	}
	if err := c.End(EndWithdrawn, now, "p"); !errors.As(err, &se) {
		t.Error("ended twice")
	}
	if len(c.History) != 4 {
		t.Errorf("history %+v", c.History)
	}
	// After withdrawal the provider may rejoin with a new contract.
	app2, err := adm.Apply(s, application(p.ID, 90000, 300, HeldCertificate{"VCA", today.AddDays(10)}), now, "u")
	if err != nil || app2.ContractID == c.ID {
		t.Fatalf("rejoin: %v %s", err, app2.ContractID)
	}
}

func TestTenderAwardAndObligation(t *testing.T) {
	tn, err := NewTender("tnd", "groningen", "b", TenderInput{Title: "Versterking", Sector: "bouw", ExpectedPublication: today, EstimatedValueCents: 1, SroiBasisPoints: 500}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewTender("t", "g", "b", TenderInput{Title: "x", Sector: "bouw", ExpectedPublication: today, EstimatedValueCents: -5, SroiBasisPoints: 10001}, now); len(fields(err)) != 2 {
		t.Errorf("bad tender: %v", err)
	}
	bad := AwardInput{ContractorKvK: "123", ContractValueExclVatCents: 0, PublicationDate: today, AwardedOn: today.AddDays(-1)}
	if err := tn.RecordAward(bad, now); len(fields(err)) < 4 {
		t.Errorf("bad award: %v", err)
	}
	good := AwardInput{ContractorKvK: "45678901", ContractorName: "Bouwbedrijf", ContractValueExclVatCents: 612_345_67, SroiBasisPoints: 500, PublicationDate: today.AddDays(-40), AwardedOn: today}
	if err := tn.RecordAward(good, now); err != nil {
		t.Fatal(err)
	}
	// 5% of EUR 612.345,67 = EUR 30.617,2835 -> 3061728 cents, rounded down.
	if got := tn.Award.SroiObligationCents(); got != 3061728 {
		t.Errorf("obligation %d", got)
	}
	var se *rules.StateError
	if err := tn.RecordAward(good, now); !errors.As(err, &se) {
		t.Error("awarded twice")
	}
}

func TestEuroFormatting(t *testing.T) {
	for cents, want := range map[int64]string{100000: "EUR 1.000,00", 5: "EUR 0,05", 1250000000: "EUR 12.500.000,00", -150: "EUR -1,50"} {
		if got := Euro(cents); got != want {
			t.Errorf("Euro(%d) = %s, want %s", cents, got, want)
		}
	}
}

func TestCertificatesSuspendAndResumeOnlyWhatTheyCaused(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := &Contract{Number: "OH/12345678/1", Status: ContractActive}
	if got := c.CheckCertificates([]string{"VCA"}, []string{"VCA", "NRTO"}, at, "check"); got != CertificatesUnchanged || c.Status != ContractActive {
		t.Fatalf("valid certificates: %s %s", got, c.Status)
	}
	if got := c.CheckCertificates([]string{"VCA", "NEN 4000"}, []string{"NRTO"}, at, "check"); got != CertificatesSuspended ||
		c.Status != ContractSuspended || len(c.MissingCertificates) != 2 {
		t.Fatalf("expired: %s %+v", got, c)
	}
	if got := c.CheckCertificates([]string{"VCA", "NEN 4000"}, []string{"NRTO"}, at, "check"); got != CertificatesUnchanged {
		t.Fatalf("redelivered expiry changed the contract again: %s", got)
	}
	if got := c.CheckCertificates([]string{"VCA", "NEN 4000"}, []string{"VCA"}, at, "check"); got != CertificatesUnchanged ||
		c.Status != ContractSuspended || len(c.MissingCertificates) != 1 {
		t.Fatalf("one of two renewed: %s %+v", got, c)
	}
	if got := c.CheckCertificates([]string{"VCA", "NEN 4000"}, []string{"VCA", "NEN 4000"}, at, "check"); got != CertificatesResumed || c.Status != ContractActive {
		t.Fatalf("renewed: %s %+v", got, c)
	}

	// A buyer's suspension is the buyer's to lift.
	byBuyer := &Contract{Number: "OH/12345678/2", Status: ContractActive}
	_ = byBuyer.Suspend("quality complaint", at, "buyer")
	if got := byBuyer.CheckCertificates([]string{"VCA"}, []string{"VCA"}, at, "check"); got != CertificatesUnchanged || byBuyer.Status != ContractSuspended {
		t.Fatalf("certificate check lifted a buyer's suspension: %s", got)
	}
	ended := &Contract{Status: ContractEnded}
	if got := ended.CheckCertificates([]string{"VCA"}, nil, at, "check"); got != CertificatesUnchanged || ended.Status != ContractEnded {
		t.Fatal("an ended contract was touched")
	}
}
