package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

func (g *region) declaration(t *testing.T, id string) declaration {
	t.Helper()
	var d declaration
	expect(t, "declaration", g.r.Call(t, g.buyer, "GET", "/api/v1/declarations/"+id, nil, &d), 200)
	return d
}

// Only worked months count: a candidate's months before the award or after the deadline
// are refused, months after the current month are planned — a forecast, not counted —
// and count once they have passed; a declaration with no month in the project's window is
// refused outright.
func TestOnlyWorkedMonthsCount(t *testing.T) {
	pf := kittest.NewPlatform(t)
	clock := &kittest.Clock{}
	g := startRegionAt(t, pf, kittest.Region, clock)
	awarded, deadline := clock.Day(-60), clock.Day(150)
	id := g.award(t, "tnd-w", 900_000_000, clock.Day(-120), awarded, deadline)

	from := clock.Now().AddDate(0, -4, 0).Format("2006-01") + "-01"
	until := clock.Now().AddDate(0, 7, 0).Format("2006-01") + "-28"
	d := g.declareCandidate(t, id, bsnAnna, from, until)
	var before, after, planned int
	for _, r := range d.Refused {
		switch {
		case strings.Contains(r.Reason, "before the award"):
			before++
		case strings.Contains(r.Reason, "after the deadline"):
			after++
		}
	}
	planned = len(d.Planned)
	if before == 0 || after == 0 || planned == 0 || len(d.Counted) == 0 {
		t.Fatalf("months: counted %v, planned %v, refused %+v", d.Counted, d.Planned, d.Refused)
	}
	for _, m := range d.Planned {
		if m <= clock.Now().Format("2006-01") {
			t.Fatalf("a month up to the current one is planned: %v", d.Planned)
		}
	}
	counted := len(d.Counted)
	// Participatiewet EUR 40,000 a year full time: a month is EUR 3,333.33
	if d.Value.Cents != int64(counted)*4_000_000/12 && d.Value.Cents != (int64(counted)*4_000_000+6)/12 || d.PlannedCents == 0 {
		t.Fatalf("value %d for %d months, planned %d", d.Value.Cents, counted, d.PlannedCents)
	}
	kittest.Eventually(t, "the forecast holds the planned months, the figures do not", 20*time.Second, func() bool {
		p := g.project(t, id)
		return p.Figures.Declared == d.Value.Cents && p.Progress.Forecast == d.Value.Cents+d.PlannedCents
	})
	expect(t, "approve", g.r.Call(t, g.buyer, "POST", "/api/v1/declarations/"+d.ID+"/approve", obj{"reason": "contract gezien"}, nil), 200)

	// two months pass: the planned months that have passed are claimed and count
	clock.Advance(62 * 24 * time.Hour)
	kittest.Eventually(t, "passed months count", 20*time.Second, func() bool {
		d = g.declaration(t, d.ID)
		return len(d.Counted) >= counted+2 && len(d.Planned) == planned-(len(d.Counted)-counted)
	})
	kittest.Eventually(t, "the approved value follows", 20*time.Second, func() bool {
		p := g.project(t, id)
		return p.Figures.Approved == d.Value.Cents && p.Progress.Forecast == d.Value.Cents+d.PlannedCents
	})

	// a period wholly outside the project's window counts nothing
	var problem struct{ Errors []struct{ Field string } }
	expect(t, "before the award", g.r.Call(t, g.contractor, "POST", "/api/v1/projects/"+id+"/declarations", obj{"kind": "candidate", "source": "external",
		"bsn": bsnBram, "candidate": obj{"candidateType": "ww", "hoursPerWeek": 36, "from": clock.Day(-900), "until": clock.Day(-800),
			"contractType": "fixed_term", "ageBand": "under_50"}}, &problem), 422)
}

// Claims cannot block for ever: a declaration no one decides is reminded to its deciders
// before its decision period ends, then expires, and its months count for another
// declaration; a rejection frees them at once.
func TestClaimsThatCannotBlockForEver(t *testing.T) {
	pf := kittest.NewPlatform(t)
	clock := &kittest.Clock{}
	g := startRegionAt(t, pf, kittest.Region, clock, "SROI_DECISION_DAYS", "10", "SROI_DECISION_REMINDER_DAYS", "3")
	a := g.award(t, "tnd-x", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	b := g.award(t, "tnd-y", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	first := g.declareCandidate(t, a, bsnAnna, "2025-06-01", "2025-11-30")
	if len(first.Counted) != 6 || first.DecideBy != clock.Day(10) {
		t.Fatalf("first %+v", first)
	}
	blocked := g.declareCandidate(t, b, bsnAnna, "2025-06-01", "2025-11-30")
	if len(blocked.Counted) != 0 {
		t.Fatalf("a held month counted twice: %+v", blocked)
	}
	clock.Advance(8 * 24 * time.Hour)
	msgs := kittest.ReadUntil(t, pf.Infra.Kafka, g.prefix+catalog.TopicSroiNotifications, 20*time.Second, func(ms []kafkaMessage) bool {
		return anyContains(ms, "awaits your decision")
	})
	if !anyContains(msgs, "Decide by "+first.DecideBy) {
		t.Fatal("the reminder does not say by when")
	}
	clock.Advance(3 * 24 * time.Hour)
	kittest.Eventually(t, "expired", 20*time.Second, func() bool { return g.declaration(t, first.ID).Status == "expired" })
	kittest.Eventually(t, "the figures no longer count it", 20*time.Second, func() bool { return g.project(t, a).Figures.Declared == 0 })
	again := g.declareCandidate(t, b, bsnAnna, "2025-06-01", "2025-11-30")
	if len(again.Counted) != 6 {
		t.Fatalf("the months an expired declaration held are not free: %+v", again)
	}
}

// A purchase counts once by its supplier's KvK number and invoice number, a person's hours
// once a week — on one project, across projects and across regions.
func TestPurchasesAndHoursOnce(t *testing.T) {
	pf := kittest.NewPlatform(t)
	gro := startRegion(t, pf, kittest.Region)
	fle := startRegion(t, pf, "flevoland")
	a := gro.award(t, "tnd-p1", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	b := fle.award(t, "tnd-p2", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	purchase := func(g *region, project, invoice string) declaration {
		var d declaration
		expect(t, "purchase", g.r.Call(t, g.contractor, "POST", "/api/v1/projects/"+project+"/declarations", obj{"kind": "purchase",
			"purchase": obj{"invoiceCents": 500_000, "supplier": "Werkbedrijf Groningen", "supplierKvk": "56789012", "invoiceNumber": invoice,
				"invoiceDate": "2025-07-01"}}, &d), 201)
		return g.settled(t, d.ID)
	}
	hours := func(g *region, project, bsn, on string) declaration {
		var d declaration
		expect(t, "hours", g.r.Call(t, g.contractor, "POST", "/api/v1/projects/"+project+"/declarations", obj{"kind": "hours", "bsn": bsn,
			"hours": obj{"hours": 8, "activity": "gastles lassen op het ROC", "on": on}}, &d), 201)
		return g.settled(t, d.ID)
	}
	first := purchase(gro, a, "F-2025-001")
	if first.Value.Cents != 500_000 {
		t.Fatalf("first purchase %+v", first)
	}
	if p := purchase(gro, a, "f 2025 001"); p.Value.Cents != 0 || len(p.Refused) != 1 || !strings.Contains(p.Refused[0].Reason, "this project") {
		t.Fatalf("the same invoice again on the project: %+v", p)
	}
	if p := purchase(fle, b, "F2025001"); p.Value.Cents != 0 || !strings.Contains(p.Refused[0].Reason, "another region (groningen)") {
		t.Fatalf("the same invoice in another region: %+v", p)
	}
	if p := purchase(fle, b, "F-2025-002"); p.Value.Cents != 500_000 {
		t.Fatalf("another invoice: %+v", p)
	}
	expect(t, "hours without the person", gro.r.Call(t, gro.contractor, "POST", "/api/v1/projects/"+a+"/declarations", obj{"kind": "hours",
		"hours": obj{"hours": 8, "activity": "gastles", "on": "2025-07-01"}}, nil), 422)
	if h := hours(gro, a, bsnAnna, "2025-07-01"); h.Value.Cents != 80_000 {
		t.Fatalf("hours %+v", h)
	}
	if h := hours(fle, b, bsnAnna, "2025-07-03"); h.Value.Cents != 0 || !strings.Contains(h.Refused[0].Reason, "another region") {
		t.Fatalf("the same person's week in another region: %+v", h)
	}
	if h := hours(fle, b, bsnAnna, "2025-07-08"); h.Value.Cents != 80_000 {
		t.Fatalf("the next week: %+v", h)
	}
	// a rejected purchase frees its invoice at once
	expect(t, "reject", gro.r.Call(t, gro.buyer, "POST", "/api/v1/declarations/"+first.ID+"/reject", obj{"reason": "factuur is geen inkoop bij een sociale onderneming"}, nil), 200)
	kittest.Eventually(t, "the invoice is free again", 20*time.Second, func() bool {
		return purchase(fle, b, "F-2025-001").Value.Cents == 500_000
	})
}

type kafkaMessage = kafka.Message

func anyContains(ms []kafka.Message, text string) bool {
	for _, m := range ms {
		if strings.Contains(string(m.Value), text) {
			return true
		}
	}
	return false
}

// A contractor learns nothing of a person from another project: a month that counts
// elsewhere is "not available" to it, in the refused months and in the calculation; the
// project's buyer and the werkplein see where and why.
func TestAContractorLearnsNothingOfAPersonFromAnotherProject(t *testing.T) {
	pf := kittest.NewPlatform(t)
	gro := startRegion(t, pf, kittest.Region)
	fle := startRegion(t, pf, "flevoland")
	a := gro.award(t, "tnd-l1", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	b := fle.award(t, "tnd-l2", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	gro.declareCandidate(t, a, bsnAnna, "2025-06-01", "2025-11-30")
	d := fle.declareCandidate(t, b, bsnAnna, "2025-09-01", "2026-02-28")
	if len(d.Refused) != 3 || !strings.Contains(d.Refused[0].Reason, "another region (groningen)") {
		t.Fatalf("the buyer sees where: %+v", d.Refused)
	}
	var seen declaration
	expect(t, "the contractor's view", fle.r.Call(t, fle.contractor, "GET", "/api/v1/declarations/"+d.ID, nil, &seen), 200)
	raw := mustJSON(seen)
	if len(seen.Refused) != 3 || !strings.HasPrefix(seen.Refused[0].Reason, "not available") ||
		strings.Contains(raw, "groningen") || strings.Contains(raw, "region") || strings.Contains(raw, "project") {
		t.Fatalf("the contractor learns where the person counts: %s", raw)
	}
	var list struct{ Items []declaration }
	expect(t, "the contractor's list", fle.r.Call(t, fle.contractor, "GET", "/api/v1/declarations", nil, &list), 200)
	if s := mustJSON(list); strings.Contains(s, "groningen") {
		t.Fatalf("the contractor's list tells where: %s", s)
	}
}
