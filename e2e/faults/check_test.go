package faults

import (
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

// check waits for the platform to settle and compares what it holds with the facts the
// flows were told were accepted: each once, every event once, the money and totals exact.
func (r *region) check(t *testing.T, f *facts, broker, prefix string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	type item = struct{ ID string }

	// procurement: every accepted tender and contract once (and the award's tender)
	tenders := list[item](r.buyer, "/api/v1/tenders")
	contracts := list[item](r.buyer, "/api/v1/contracts")
	if len(tenders) != len(f.tenders)+1 || distinct(tenders) != len(tenders) {
		t.Errorf("tenders: %d accepted, %d listed (%d distinct): want each once", len(f.tenders)+1, len(tenders), distinct(tenders))
	}
	if len(contracts) != len(f.contracts)+1 || distinct(contracts) != len(contracts) {
		t.Errorf("contracts: %d accepted applications, %d listed (%d distinct): want each once", len(f.contracts)+1, len(contracts), distinct(contracts))
	}
	// providers: every contract's offer, carried over Kafka through the faults
	for _, id := range sortedKeys(f.contracts) {
		kvk := f.contracts[id]
		owner := r.provider
		owner.token = r.providers.Token("planner@"+kvk, kvk, "provider")
		kittest.Eventually(t, "the offer of "+id, 2*time.Minute, func() bool {
			s, _, _ := owner.get("/api/v1/offers/"+id, nil)
			return s == 200
		})
	}

	// participants: every registration and enrolment once, every hour once
	participants := list[item](r.coach, "/api/v1/participants")
	enrolments := list[item](r.coach, "/api/v1/enrolments")
	if len(participants) != len(f.participants) || distinct(participants) != len(participants) {
		t.Errorf("participants: %d accepted, %d listed (%d distinct)", len(f.participants), len(participants), distinct(participants))
	}
	if len(enrolments) != len(f.enrolments) || distinct(enrolments) != len(enrolments) {
		t.Errorf("enrolments: %d accepted, %d listed (%d distinct)", len(f.enrolments), len(enrolments), distinct(enrolments))
	}
	hours := 0.0
	for _, id := range sortedKeys(f.enrolments) {
		var att struct{ TotalHours float64 }
		kittest.Eventually(t, "the hours of "+id, 2*time.Minute, func() bool {
			s, _, _ := r.provider.as(r.participants).get("/api/v1/enrolments/"+id+"/attendance", &att)
			return s == 200 && att.TotalHours >= 12
		})
		if att.TotalHours != 12 {
			t.Errorf("enrolment %s: %.2f hours from three reports of 4 sent twice, want 12", id, att.TotalHours)
		}
		hours += att.TotalHours
	}

	// payments: three tranches per start, each paid at most once, the budget exact and its
	// balances equal to what its postings add up to
	n := len(f.enrolments)
	var b struct{ GrantedCents, FreeCents, CommittedCents, DueCents, PaidCents int64 }
	kittest.Eventually(t, "every start's tranches booked", 3*time.Minute, func() bool {
		s, _, _ := r.finance.get("/api/v1/budgets/"+r.budget, &b)
		return s == 200 && b.CommittedCents+b.DueCents+b.PaidCents >= int64(n)*priceCents
	})
	tranches := list[item](r.finance, "/api/v1/tranches")
	if len(tranches) != 3*n || distinct(tranches) != 3*n {
		t.Errorf("%d tranches (%d distinct) for %d starts: want three each", len(tranches), distinct(tranches), n)
	}
	for id, times := range f.paid {
		if times != 1 {
			t.Errorf("tranche %s paid in %d transfers", id, times)
		}
	}
	if b.CommittedCents+b.DueCents+b.PaidCents != int64(n)*priceCents || b.PaidCents != f.paidCents ||
		b.FreeCents+b.CommittedCents+b.DueCents+b.PaidCents != b.GrantedCents {
		t.Errorf("budget %+v for %d starts of %d cents and %d cents paid by the bank", b, n, priceCents, f.paidCents)
	}
	var ledger struct{ Balanced bool }
	if s, body, _ := r.finance.get("/api/v1/budgets/"+r.budget+"/ledger-check", &ledger); s != 200 || !ledger.Balanced {
		t.Errorf("ledger check: %d %s", s, body)
	}

	// sroi: every declaration once, every month counted once, the totals their sum
	var declared int64
	for _, id := range sortedKeys(f.declarations) {
		var d struct {
			Status  string
			Counted []string
			Refused []struct{ Month, Reason string }
			Value   struct{ Cents int64 }
		}
		kittest.Eventually(t, "declaration "+id+" valued", 2*time.Minute, func() bool {
			s, _, _ := r.contractor.get("/api/v1/declarations/"+id, &d)
			return s == 200 && d.Status != "checking"
		})
		if len(d.Refused) != 0 || len(d.Counted) == 0 || d.Value.Cents <= 0 {
			t.Errorf("declaration %s: counted %v, refused %+v, value %d", id, d.Counted, d.Refused, d.Value.Cents)
		}
		declared += d.Value.Cents
	}
	var totals struct {
		Declared int64 `json:"declaredCents"`
	}
	buyer := r.buyer.as(r.sroi)
	kittest.Eventually(t, "the totals of every declaration", 3*time.Minute, func() bool {
		s, _, _ := buyer.get("/api/v1/totals?scope=region", &totals)
		return s == 200 && totals.Declared == declared
	})

	// every fact published once
	events := []struct {
		topic, typ string
		want       int
	}{
		{catalog.TopicProcurementTenders, catalog.TypeTenderAnnounced, len(f.tenders) + 1},
		{catalog.TopicProcurementContracts, catalog.TypeContractAwarded, len(f.contracts) + 1},
		{catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentStarted, n},
		{catalog.TopicPaymentsTranches, catalog.TypeTrancheDue, n},
	}
	for _, e := range events {
		facts, ids, messages := eventsOnce(t, broker, prefix+e.topic, e.typ, e.want)
		t.Logf("%-50s %4d facts, %4d events, %4d messages", e.typ, facts, ids, messages)
		if facts != e.want || ids != facts {
			t.Errorf("%s: %d events (%d ids) for %d facts: want each once", e.typ, facts, ids, e.want)
		}
	}
	t.Logf("%d tenders, %d contracts, %d participants enrolled and started with %.0f hours from %d reports, %d tranches (%d paid in %d runs, %d cents), budget %+v; %d declarations worth %d cents",
		len(f.tenders), len(f.contracts)+1, n, hours, f.attendance, len(tranches), len(f.paid), f.runs, f.paidCents, b, len(f.declarations), declared)
}

func distinct(items []struct{ ID string }) int {
	ids := map[string]bool{}
	for _, it := range items {
		ids[it.ID] = true
	}
	return len(ids)
}
