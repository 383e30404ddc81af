package service_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

func terms() obj {
	return obj{"version": 1, "effectiveFrom": "2024-01-01", "maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{},
		"tranches": []obj{{"milestone": "started", "percent": 100}}, "placementBeforeCompletion": false}
}

// placed publishes participants' placement of an enrolment in a scheme.
func (g *region) placed(t *testing.T, enrolment, scheme string, groups []string, contract, start string, sustainable bool) {
	t.Helper()
	base := obj{"enrolmentId": enrolment, "participantId": "prt-" + enrolment, "region": g.name, "contractId": "ctr-1", "contractNumber": "OH-1",
		"schemeId": scheme, "providerKvk": "12345678", "productId": "prd-1", "productName": "Timmerman basis", "startDate": "2024-09-02",
		"priceCents": 100000, "terms": terms(), "targetGroups": groups, "at": time.Now().UTC().Format(time.RFC3339)}
	job := obj{"id": "job-" + enrolment, "employerKvk": "87654321", "startDate": start, "hoursPerWeek": 36, "contractType": contract,
		"recordedBy": "employer", "confirmedBy": []string{"employer"}}
	p := obj{"milestone": "placed", "on": start, "placement": job}
	for k, v := range base {
		p[k] = v
	}
	g.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentPlaced, enrolment, p)
	if sustainable {
		s := obj{"milestone": "sustainably_placed", "on": start, "placements": []obj{job}}
		for k, v := range base {
			s[k] = v
		}
		g.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentSustainablyPlaced, enrolment, s)
	}
}

// tranche publishes payments' tranche as it is at a version.
func (g *region) tranche(t *testing.T, id, budget, status string, cents int64, version int) {
	t.Helper()
	typ := map[string]string{"paid": catalog.TypeTranchePaid, "approved": catalog.TypeTrancheApproved, "payable": catalog.TypeTrancheDue}[status]
	d := obj{"trancheId": id, "region": g.name, "enrolmentId": "enr-x", "contractId": "ctr-1", "providerKvk": "12345678", "productId": "prd-1",
		"budgetId": budget, "milestone": "started", "milestoneOn": "2025-01-06", "termsVersion": 1, "percent": 40, "amountCents": cents,
		"status": status, "holds": []obj{}, "at": time.Now().UTC().Format(time.RFC3339)}
	if status == "paid" {
		d["runId"], d["endToEndId"] = "run-1", "E2E-"+id
	}
	g.publishSeq(t, catalog.TopicPaymentsTranches, typ, id, version, d)
}

// A partnership's report: placements for employers, from a benefit for government, BBL for
// education; costs by financing source from payments' tranches (the newest version of each);
// impact after six and twelve months.
func TestAPartnershipsValueCostsAndImpact(t *testing.T) {
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	id := g.award(t, "tnd-pa", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	var bbl declaration
	expect(t, "declare", g.r.Call(t, g.contractor, "POST", "/api/v1/projects/"+id+"/declarations", obj{"kind": "candidate", "bsn": bsnAnna,
		"candidate": obj{"candidateType": "bbl", "hoursPerWeek": 36, "from": "2025-06-01", "until": "2025-11-30", "contractType": "bbl", "ageBand": "under_50"}}, &bbl), 201)
	bbl = g.settled(t, bbl.ID)
	expect(t, "approve", g.r.Call(t, g.buyer, "POST", "/api/v1/declarations/"+bbl.ID+"/approve", nil, nil), 200)

	year := time.Now().AddDate(-1, -1, 0).Format("2006-01-02")
	g.placed(t, "enr-1", "sch-bt", []string{"ww"}, "permanent", year, true)
	g.placed(t, "enr-2", "sch-bt", []string{"no_benefit"}, "bbl", time.Now().AddDate(0, -7, 0).Format("2006-01-02"), true)
	g.placed(t, "enr-3", "sch-bt", []string{"participatiewet"}, "fixed_term", time.Now().AddDate(0, -1, 0).Format("2006-01-02"), false)
	g.placed(t, "enr-4", "sch-other", []string{"ww"}, "fixed_term", year, true)
	g.tranche(t, "trn-1", "bud-rif", "approved", 40_000, 3)
	g.tranche(t, "trn-1", "bud-rif", "paid", 40_000, 5)
	g.tranche(t, "trn-1", "bud-rif", "approved", 40_000, 3) // redelivered older version: no effect
	g.tranche(t, "trn-2", "bud-pow", "approved", 27_500, 2)
	g.tranche(t, "trn-3", "bud-elsewhere", "paid", 99_999, 5)

	expect(t, "partnership", g.r.Call(t, g.buyer, "POST", "/api/v1/partnerships", obj{"id": "bouw-techniek", "name": "Bouw & Techniek Groningen",
		"schemes": []string{"sch-bt"}, "projects": []string{id},
		"budgets": []obj{{"budgetId": "bud-rif", "source": "Regionaal Investeringsfonds"}, {"budgetId": "bud-pow", "source": "Perspectief op Werk"}}}, nil), 201)
	var r struct {
		Employers struct {
			Placements int   `json:"placements"`
			Approved   int64 `json:"sroiApprovedCents"`
		} `json:"employers"`
		Government struct {
			FromBenefit int `json:"placementsFromBenefit"`
		} `json:"government"`
		Education struct {
			BBL      int   `json:"bblPlacements"`
			Approved int64 `json:"bblBolApprovedCents"`
		} `json:"education"`
		Costs struct {
			Paid     int64 `json:"paidCents"`
			Owed     int64 `json:"owedCents"`
			BySource map[string]struct {
				Paid int64 `json:"paidCents"`
				Owed int64 `json:"owedCents"`
			} `json:"bySource"`
		} `json:"costs"`
		Impact struct {
			Placed, After6, After12 int
		} `json:"impact"`
	}
	kittest.Eventually(t, "the report", 20*time.Second, func() bool {
		expect(t, "report", g.r.Call(t, g.buyer, "GET", "/api/v1/partnerships/bouw-techniek", nil, &r), 200)
		return r.Impact.Placed == 3 && r.Costs.Paid == 40_000 && r.Costs.Owed == 27_500 && r.Employers.Approved > 0
	})
	var impact struct {
		Impact struct {
			Placed  int `json:"placed"`
			After6  int `json:"stillWorkingAfter6Months"`
			After12 int `json:"stillWorkingAfter12Months"`
		} `json:"impact"`
	}
	expect(t, "report", g.r.Call(t, g.buyer, "GET", "/api/v1/partnerships/bouw-techniek", nil, &impact), 200)
	// Utrecht: BBL EUR 35,000 a year, six months full time
	got := fmt.Sprint(r.Employers.Placements, r.Government.FromBenefit, r.Education.BBL, r.Education.Approved, r.Employers.Approved,
		r.Costs.BySource["Regionaal Investeringsfonds"].Paid, r.Costs.BySource["Perspectief op Werk"].Owed, impact.Impact.After6, impact.Impact.After12)
	if want := fmt.Sprint(3, 2, 1, 1_750_000, 1_750_000, 40_000, 27_500, 2, 1); got != want {
		t.Fatalf("report %s, want %s", got, want)
	}
	csv := getCSV(t, g, "/api/v1/partnerships/bouw-techniek")
	if want := "financing:Regionaal Investeringsfonds,paid_eur,400.00"; !strings.Contains(csv, want) {
		t.Fatalf("CSV lacks %q:\n%s", want, csv)
	}
}
