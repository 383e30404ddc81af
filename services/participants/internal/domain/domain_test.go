package domain

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

func TestBSNElevenProef(t *testing.T) {
	valid := []string{"111222333", "123456782", "999999990", "10000021" /* 8 digits: leading zero */}
	for _, s := range valid {
		if _, ok := NormalizeBSN(s); !ok {
			t.Errorf("%s should pass the 11-proef", s)
		}
	}
	if n, _ := NormalizeBSN("10000021"); n != "010000021" {
		t.Errorf("8-digit BSN normalised to %q", n)
	}
	invalid := []string{"", "123456789", "111222334", "000000000", "12345678a", "1234567890", "1112223333"}
	for _, s := range invalid {
		if _, ok := NormalizeBSN(s); ok {
			t.Errorf("%q should fail", s)
		}
	}
}

func TestRegistrationErrorNeverRepeatsTheBSN(t *testing.T) {
	in := validParticipantInput()
	in.BSN = "123456789" // fails the 11-proef
	err := in.ValidateRegistration(civil.NewDate(2026, 3, 1))
	var ve *rules.ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].Field != "bsn" {
		t.Fatalf("want a bsn validation error, got %v", err)
	}
	if strings.Contains(err.Error(), "123456789") {
		t.Fatalf("error repeats the BSN: %v", err)
	}
}

func TestParticipantRulesListEveryProblem(t *testing.T) {
	in := ParticipantInput{BSN: "111222333", TargetGroups: []TargetGroup{"pensioner"}, LadderStep: 7, Competencies: []string{"plumbing"}}
	_, err := NewParticipant("p1", "groningen", in, SealedBSN{}, commit.Actor{Subject: "c"}, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	var ve *rules.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want validation error, got %v", err)
	}
	fields := map[string]bool{}
	for _, p := range ve.Problems {
		fields[p.Field] = true
	}
	for _, f := range []string{"municipality", "name", "targetGroups[0]", "ladderStep", "competencies[0]", "consent.purpose", "consent.givenOn"} {
		if !fields[f] {
			t.Errorf("no problem reported for %s (got %v)", f, ve.Problems)
		}
	}
}

var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func validParticipantInput() ParticipantInput {
	return ParticipantInput{BSN: "111222333", Municipality: "Groningen", Name: "J. de Vries", TargetGroups: []TargetGroup{TargetParticipatiewet},
		LadderStep: 3, Competencies: []string{"http://data.europa.eu/esco/skill/0a0c4d0f-5a7c-4c4a-9c5e-3a8d1e0e3b1f"},
		Consent: Consent{Purpose: "trajectbegeleiding", GivenOn: civil.NewDate(2026, 2, 1)}}
}

func offer(placementFirst bool) *Offer {
	return &Offer{ContractID: "ctr.s.12345678.1", ContractNumber: "OH/12345678/1", SchemeID: "s", Region: "groningen", ProviderKvK: "12345678",
		ProviderName: "Bouwschool", ContractStatus: "active", Revision: 3,
		Products: []OfferProduct{{ProductID: "p1", Name: "Timmerman", PriceCents: 100000,
			Terms: []trajectory.Terms{
				{Version: 1, EffectiveFrom: civil.NewDate(2026, 1, 1), MinAttendanceHours: 256, Tranches: []trajectory.Tranche{{Milestone: "started", Percent: 40}, {Milestone: "completed", Percent: 30}, {Milestone: "sustainably_placed", Percent: 30}}, PlacementBeforeCompletion: placementFirst},
				{Version: 2, EffectiveFrom: civil.NewDate(2026, 4, 1), MinAttendanceHours: 256, Tranches: []trajectory.Tranche{{Milestone: "started", Percent: 40}, {Milestone: "completed", Percent: 40}, {Milestone: "sustainably_placed", Percent: 20}}, PlacementBeforeCompletion: placementFirst},
			},
			Starts: []trajectory.Start{{Date: civil.NewDate(2026, 3, 2), Location: "Groningen", Capacity: 2}, {Date: civil.NewDate(2026, 5, 4), Location: "Groningen", Capacity: 1}},
		}}}
}

func enrolled(t *testing.T, placementFirst bool, start civil.Date) *Enrolment {
	t.Helper()
	p, err := NewParticipant("p1", "groningen", validParticipantInput(), SealedBSN{}, commit.Actor{Subject: "coach"}, now)
	if err != nil {
		t.Fatal(err)
	}
	e, capacity, err := PlanEnrolment(p, offer(placementFirst), EnrolmentInput{ParticipantID: "p1", ContractID: "ctr.s.12345678.1", ProductID: "p1", StartDate: start, Location: "Groningen"}, now, "coach")
	if err != nil {
		t.Fatal(err)
	}
	if capacity < 1 {
		t.Fatalf("capacity %d", capacity)
	}
	return e
}

func TestEnrolmentPinsTheTermsInForceAtItsStart(t *testing.T) {
	if e := enrolled(t, false, civil.NewDate(2026, 3, 2)); e.Terms.Version != 1 || e.Terms.Tranches[1].Percent != 30 {
		t.Errorf("March start: terms %+v, want version 1 (40/30/30)", e.Terms)
	}
	if e := enrolled(t, false, civil.NewDate(2026, 5, 4)); e.Terms.Version != 2 || e.Terms.Tranches[1].Percent != 40 {
		t.Errorf("May start: terms %+v, want version 2 (40/40/20)", e.Terms)
	}
}

// Terms are pinned on the day the participant really starts: an enrolment made in March for
// a start after the 1 April change gets the April terms, even if the change was published
// after the enrolment; a start moved across the date gets the terms of its day, both ways.
func TestTermsArePinnedByTheDayTheParticipantStarts(t *testing.T) {
	march := offer(false)
	march.Products[0].Terms = march.Products[0].Terms[:1] // at enrolment only version 1 is known
	p, _ := NewParticipant("p1", "groningen", validParticipantInput(), SealedBSN{}, commit.Actor{}, now)
	in := EnrolmentInput{ParticipantID: "p1", ContractID: "ctr.s.12345678.1", ProductID: "p1", StartDate: civil.NewDate(2026, 5, 4), Location: "Groningen"}
	march.Products[0].Starts = append(march.Products[0].Starts, trajectory.Start{Date: civil.NewDate(2026, 4, 1), Location: "Groningen", Capacity: 1})
	e, _, err := PlanEnrolment(p, march, in, now, "coach")
	if err != nil || e.Terms.Version != 1 {
		t.Fatalf("enrolment: %v %+v", err, e)
	}
	later := offer(false).Products[0] // the 1 April change (version 2) arrives later
	startedOn := func(day civil.Date) *Enrolment {
		e, _, _ := PlanEnrolment(p, march, in, now, "coach")
		if err := e.Start(day, later.TermsAt, day.Time().Add(10*time.Hour), "prov"); err != nil {
			t.Fatalf("start on %s: %v", day, err)
		}
		return e
	}
	if e := startedOn(civil.NewDate(2026, 5, 4)); e.Terms.Version != 2 || e.Terms.Tranches[1].Percent != 40 {
		t.Errorf("enrolled before the change, started after it: %+v, want version 2 (40/40/20)", e.Terms)
	}
	in.StartDate = civil.NewDate(2026, 4, 1) // a start planned on the change's own day
	if e := startedOn(civil.NewDate(2026, 4, 1)); e.Terms.Version != 2 {
		t.Errorf("started on the change's own day: version %d, want 2", e.Terms.Version)
	}
	if e := startedOn(civil.NewDate(2026, 3, 31)); e.Terms.Version != 1 {
		t.Errorf("start moved to the day before the change: version %d, want 1", e.Terms.Version)
	}
	e, _, _ = PlanEnrolment(p, march, in, now, "coach")
	if err := e.Start(civil.NewDate(2026, 3, 1), later.TermsAt, now.AddDate(0, 1, 0), "prov"); !isInvalid(err) {
		t.Errorf("a start a month before the planned start: %v", err)
	}
	stale := EnrolmentInput{ParticipantID: "p1", ContractID: "ctr.s.12345678.1", ProductID: "p1", StartDate: civil.NewDate(2026, 3, 2), Location: "Groningen"}
	if _, _, err := PlanEnrolment(p, offer(false), stale, now.AddDate(0, 1, 0), "coach"); !isInvalid(err) {
		t.Errorf("an enrolment in a start a month ago: %v", err)
	}
}

func TestEnrolmentNeedsAnActiveContractAnOfferedStartAndConsent(t *testing.T) {
	p, _ := NewParticipant("p1", "groningen", validParticipantInput(), SealedBSN{}, commit.Actor{}, now)
	in := EnrolmentInput{ParticipantID: "p1", ContractID: "ctr.s.12345678.1", ProductID: "p1", StartDate: civil.NewDate(2026, 3, 2), Location: "Groningen"}

	suspended := offer(false)
	suspended.ContractStatus = "suspended"
	if _, _, err := PlanEnrolment(p, suspended, in, now, "c"); !isState(err) {
		t.Errorf("suspended contract: %v", err)
	}
	other := in
	other.StartDate = civil.NewDate(2026, 3, 9)
	if _, _, err := PlanEnrolment(p, offer(false), other, now, "c"); !isInvalid(err) {
		t.Errorf("start not offered: %v", err)
	}
	other = in
	other.ProductID = "nope"
	if _, _, err := PlanEnrolment(p, offer(false), other, now, "c"); !isInvalid(err) {
		t.Errorf("unknown product: %v", err)
	}
	p.Consent.WithdrawnOn = civil.NewDate(2026, 2, 20)
	if _, _, err := PlanEnrolment(p, offer(false), in, now, "c"); !isState(err) {
		t.Errorf("withdrawn consent: %v", err)
	}
	first, again := EnrolmentID(in), EnrolmentID(in)
	if first != again || first == EnrolmentID(other) {
		t.Error("enrolment ids must be deterministic per participant and start")
	}
}

func job(employer string, start, end civil.Date) PlacementInput {
	return PlacementInput{EmployerKvK: employer, StartDate: start, EndDate: end, HoursPerWeek: 32, ContractType: ContractFixedTerm}
}

func TestLifecycleForwardOnly(t *testing.T) {
	e := enrolled(t, false, civil.NewDate(2026, 3, 2))
	later := now.AddDate(0, 3, 0)

	// Nothing before start.
	if err := e.Complete(civil.DateOf(later), 300*60, later, "prov"); !isState(err) {
		t.Errorf("complete before start: %v", err)
	}
	if _, err := e.Place(job("87654321", civil.NewDate(2026, 6, 1), civil.Date{}), "workcoach", later, "coach"); !isState(err) {
		t.Errorf("place before start: %v", err)
	}
	if err := e.Start(civil.NewDate(2026, 3, 2), nil, now, "prov"); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(civil.NewDate(2026, 3, 2), nil, now, "prov"); !isState(err) {
		t.Errorf("start twice: %v", err)
	}
	// Completion needs 256 hours.
	if err := e.Complete(civil.DateOf(later), 255*60+45, later, "prov"); !isState(err) {
		t.Errorf("complete with 255.75 h: %v", err)
	}
	// No placement before completion for this product.
	if _, err := e.Place(job("87654321", civil.NewDate(2026, 6, 1), civil.Date{}), "workcoach", later, "coach"); !isState(err) {
		t.Errorf("place before completion: %v", err)
	}
	if err := e.Complete(civil.DateOf(later), 256*60, later, "prov"); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(civil.NewDate(2026, 3, 2), nil, later, "prov"); !isState(err) {
		t.Errorf("going back to started: %v", err)
	}
	out, err := e.Place(job("87654321", civil.DateOf(later), civil.Date{}), "workcoach", later, "coach")
	if err != nil || !out.BecamePlaced || e.Status != StatusPlaced {
		t.Fatalf("place: %+v %v", out, err)
	}
	if err := e.Complete(civil.DateOf(later), 300*60, later, "prov"); !isState(err) {
		t.Errorf("complete again: %v", err)
	}
	// Six months later the scheduled check makes it sustainable.
	if e.CheckSustainable(later.AddDate(0, 5, 0), "check") {
		t.Error("sustainable after five months")
	}
	if !e.CheckSustainable(later.AddDate(0, 6, 0), "check") || e.Status != StatusSustainablyPlaced {
		t.Fatalf("not sustainable after six months: %s", e.Status)
	}
	if err := e.DropOut("moved", civil.DateOf(later), later.AddDate(0, 7, 0), "coach"); !isState(err) {
		t.Errorf("dropout after sustainable placement: %v", err)
	}
}

func TestPlacementBeforeCompletionWhenTheProductAllowsIt(t *testing.T) {
	e := enrolled(t, true, civil.NewDate(2026, 3, 2))
	_ = e.Start(civil.NewDate(2026, 3, 2), nil, now, "prov")
	later := now.AddDate(0, 1, 0)
	if _, err := e.Place(job("87654321", civil.DateOf(later), civil.Date{}), "workcoach", later, "coach"); err != nil {
		t.Fatal(err)
	}
	if err := e.Complete(civil.DateOf(later.AddDate(0, 2, 0)), 256*60, later.AddDate(0, 2, 0), "prov"); err != nil {
		t.Fatalf("completion after placement: %v", err)
	}
	if e.Status != StatusPlaced || e.CompletedOn.IsZero() {
		t.Errorf("status %s completed %s", e.Status, e.CompletedOn)
	}
}

func TestDropOutFromEveryOpenStateWithAReason(t *testing.T) {
	e := enrolled(t, false, civil.NewDate(2026, 3, 2))
	if err := e.DropOut(" ", civil.DateOf(now), now, "coach"); !isInvalid(err) {
		t.Errorf("dropout without reason: %v", err)
	}
	if err := e.DropOut("found work elsewhere", civil.DateOf(now), now, "coach"); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(civil.DateOf(now), nil, now, "prov"); !isState(err) {
		t.Errorf("start after dropout: %v", err)
	}
	if err := e.DropOut("again", civil.DateOf(now), now, "coach"); !isState(err) {
		t.Errorf("dropout twice: %v", err)
	}
}

func TestSustainableOnAcrossConsecutiveJobs(t *testing.T) {
	d := civil.NewDate
	cases := []struct {
		name string
		jobs []PlacementInput
		want civil.Date // zero: not reachable
	}{
		{"one open job", []PlacementInput{job("1", d(2026, 1, 1), civil.Date{})}, d(2026, 7, 1)},
		{"one job ending the last day of month six", []PlacementInput{job("1", d(2026, 1, 1), d(2026, 6, 30))}, d(2026, 7, 1)},
		{"one job ending a day early", []PlacementInput{job("1", d(2026, 1, 1), d(2026, 6, 29))}, civil.Date{}},
		{"two jobs back to back", []PlacementInput{job("1", d(2026, 1, 1), d(2026, 3, 31)), job("2", d(2026, 4, 1), civil.Date{})}, d(2026, 7, 1)},
		// A 10-day gap is allowed but not counted: 10 days later.
		{"gap of ten days", []PlacementInput{job("1", d(2026, 1, 1), d(2026, 3, 31)), job("2", d(2026, 4, 11), civil.Date{})}, d(2026, 7, 11)},
		{"gap of exactly thirty days", []PlacementInput{job("1", d(2026, 1, 1), d(2026, 3, 31)), job("2", d(2026, 5, 1), civil.Date{})}, d(2026, 7, 31)},
		// 31 days: the run restarts at the second job.
		{"gap of thirty-one days", []PlacementInput{job("1", d(2026, 1, 1), d(2026, 3, 31)), job("2", d(2026, 5, 2), civil.Date{})}, d(2026, 11, 2)},
		{"overlapping jobs count once", []PlacementInput{job("1", d(2026, 1, 1), d(2026, 4, 30)), job("2", d(2026, 3, 1), d(2026, 5, 31)), job("3", d(2026, 6, 1), civil.Date{})}, d(2026, 7, 1)},
	}
	for _, c := range cases {
		var ps []Placement
		for i, j := range c.jobs {
			ps = append(ps, newPlacement(i+1, j, "workcoach"))
		}
		got, ok := SustainableOn(ps)
		if c.want.IsZero() {
			if ok {
				t.Errorf("%s: sustainable on %s, want never", c.name, got)
			}
			continue
		}
		if !ok || got != c.want {
			t.Errorf("%s: got %s %v, want %s", c.name, got, ok, c.want)
		}
	}
}

func TestPartnerConfirmationOfAKnownJobChangesNothingTwice(t *testing.T) {
	e := enrolled(t, false, civil.NewDate(2026, 3, 2))
	_ = e.Start(civil.NewDate(2026, 3, 2), nil, now, "prov")
	later := now.AddDate(0, 3, 0)
	_ = e.Complete(civil.DateOf(later), 300*60, later, "prov")
	in := job("87654321", civil.DateOf(later), civil.Date{})
	if _, err := e.Place(in, "workcoach", later, "coach"); err != nil {
		t.Fatal(err)
	}
	out, err := e.Place(in, "employer", later, "partner")
	if err != nil || out.New || !out.Changed {
		t.Fatalf("first confirmation: %+v %v", out, err)
	}
	out, err = e.Place(in, "employer", later, "partner")
	if err != nil || out.Changed {
		t.Fatalf("repeated confirmation changed something: %+v %v", out, err)
	}
	if len(e.Placements) != 1 || len(e.Placements[0].ConfirmedBy) != 1 {
		t.Fatalf("placements %+v", e.Placements)
	}
}

func TestAttendanceChecks(t *testing.T) {
	e := enrolled(t, false, civil.NewDate(2026, 3, 2))
	ok := AttendanceReport{EnrolmentID: e.ID, ProviderKvK: "12345678", Date: civil.NewDate(2026, 3, 2), Hours: 6.5, ReportID: "r1"}
	if err := e.CheckAttendance(ok, now); err != nil {
		t.Fatal(err)
	}
	bad := []AttendanceReport{ok, ok, ok, ok}
	bad[0].ProviderKvK = "99999999"
	bad[1].Hours = 25
	bad[2].Date = civil.NewDate(2026, 3, 3) // tomorrow
	bad[3].ReportID = ""
	for i, r := range bad {
		if err := e.CheckAttendance(r, now); !isInvalid(err) {
			t.Errorf("report %d accepted: %v", i, err)
		}
	}
	if ok.Minutes() != 390 {
		t.Errorf("minutes %d", ok.Minutes())
	}
}

func isState(err error) bool {
	var se *rules.StateError
	return errors.As(err, &se)
}

func isInvalid(err error) bool {
	var ve *rules.ValidationError
	return errors.As(err, &ve)
}

func TestNoEnrolmentInAStartOutsideTheSchemesRun(t *testing.T) {
	p, _ := NewParticipant("p1", "groningen", validParticipantInput(), SealedBSN{}, commit.Actor{}, now)
	o := offer(false)
	o.SchemeRun = &trajectory.Run{From: civil.NewDate(2026, 1, 1), Until: civil.NewDate(2026, 4, 30)}
	in := EnrolmentInput{ParticipantID: "p1", ContractID: "ctr.s.12345678.1", ProductID: "p1", StartDate: civil.NewDate(2026, 5, 4), Location: "Groningen"}
	if _, _, err := PlanEnrolment(p, o, in, now, "c"); !isInvalid(err) {
		t.Errorf("a start after the run: %v", err)
	}
	in.StartDate = civil.NewDate(2026, 3, 2)
	if _, _, err := PlanEnrolment(p, o, in, now, "c"); err != nil {
		t.Errorf("a start in the run: %v", err)
	}
}
