package service_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

// An award becomes a project with its obligation and the rule that decided it; a
// contractor's candidate is valued with the table in force on the publication date, with
// its calculation; approval counts it in the project, the region's totals and the CSV.
func TestAnAwardBecomesAnObligationAndADeclarationIsValuedAndApproved(t *testing.T) {
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	id := g.award(t, "tnd-1", 612_500_000, "2025-03-01", "2025-05-01", "2027-04-30")
	p := g.project(t, id)
	if p.Computed.Cents != 30_625_000 || !strings.Contains(p.Computed.Rule, "5% of EUR 6.125.000,00") || p.Table != "utrecht-2022" {
		t.Fatalf("obligation: %+v", p)
	}
	// below the Rijk's threshold: no obligation, and why
	small := g.project(t, g.award(t, "tnd-2", 24_000_000, "2025-03-01", "2025-05-01", "2027-04-30"))
	if small.Computed.Cents != 0 || !strings.Contains(small.Computed.Rule, "below the threshold") || small.Progress.Status != "met" {
		t.Fatalf("small project: %+v", small)
	}

	d := g.declareCandidate(t, id, bsnAnna, "2025-06-01", "2025-11-30")
	// Utrecht: Participatiewet EUR 40,000 a year full time; 36 of 36 hours, 6 months: EUR 20,000
	if d.Status != "submitted" || d.Value.Cents != 2_000_000 || len(d.Counted) != 6 || !strings.Contains(d.Value.Table, "Utrecht") {
		t.Fatalf("declaration: %+v", d)
	}
	if !slices.ContainsFunc(d.Value.Trace, func(s struct {
		Rule   string `json:"rule"`
		Detail string `json:"detail"`
	}) bool {
		return s.Rule == "months that count" && s.Detail == "6 of 12"
	}) {
		t.Fatalf("trace: %+v", d.Value.Trace)
	}
	raw := map[string]any{}
	g.r.Call(t, g.contractor, "GET", "/api/v1/declarations/"+d.ID, nil, &raw)
	if _, ok := raw["person"]; ok || strings.Contains(mustJSON(raw), bsnAnna) {
		t.Fatalf("the declaration shows the person: %v", raw)
	}
	// another contractor sees nothing of it; it cannot approve its own
	expect(t, "other contractor", g.r.Call(t, g.other, "GET", "/api/v1/declarations/"+d.ID, nil, nil), 404)
	expect(t, "contractor approves", g.r.Call(t, g.contractor, "POST", "/api/v1/declarations/"+d.ID+"/approve", nil, nil), 403)
	expect(t, "reject without reason", g.r.Call(t, g.buyer, "POST", "/api/v1/declarations/"+d.ID+"/reject", obj{"reason": ""}, nil), 422)
	expect(t, "approve", g.r.Call(t, g.coord, "POST", "/api/v1/declarations/"+d.ID+"/approve", obj{"reason": "contract gezien"}, nil), 200)

	// a purchase at a social enterprise counts at invoice value
	var pur declaration
	expect(t, "purchase", g.r.Call(t, g.contractor, "POST", "/api/v1/projects/"+id+"/declarations", obj{"kind": "purchase",
		"purchase": obj{"invoiceCents": 1_234_567, "supplier": "Werkbedrijf Groningen", "supplierKvk": "56789012", "invoiceNumber": "F-2025-001",
			"invoiceDate": "2025-07-01"}}, &pur), 201)
	if pur = g.settled(t, pur.ID); pur.Status != "submitted" || pur.Value.Cents != 1_234_567 {
		t.Fatalf("purchase: %+v", pur)
	}

	kittest.Eventually(t, "figures", 20*time.Second, func() bool {
		p = g.project(t, id)
		return p.Figures.Approved == 2_000_000 && p.Figures.Declared == 3_234_567
	})
	if p.Progress.Forecast != 3_234_567 {
		t.Fatalf("forecast: %+v", p.Progress)
	}
	kittest.Eventually(t, "region totals", 20*time.Second, func() bool {
		tt := g.totals(t, "region")
		return tt.Projects == 2 && tt.Approved == 2_000_000 && tt.Declared == 3_234_567 && tt.Obligation == 30_625_000 && tt.ByType["participatiewet"] == 2_000_000
	})
	if c := g.totals(t, "contractor:"+contractor); c.Approved != 2_000_000 {
		t.Fatalf("contractor totals: %+v", c)
	}
	expect(t, "other contractor's totals", g.r.Call(t, g.other, "GET", "/api/v1/totals?scope=contractor:"+contractor, nil, nil), 403)

	// CSV of the projects
	body := getCSV(t, g, "/api/v1/projects")
	if !strings.HasPrefix(body, "project,title,") || !strings.Contains(body, id+",Onderhoud bruggen tnd-1") || !strings.Contains(body, "306250.00,") {
		t.Fatalf("projects CSV:\n%s", body)
	}
}

// The same person on two projects, in two regions, for overlapping months: each month
// counts once. The later declaration is trimmed to the remaining months with the reason;
// a rejected declaration frees its months for another.
func TestACandidateMonthCountsOnceAcrossProjectsAndRegions(t *testing.T) {
	pf := kittest.NewPlatform(t)
	gro := startRegion(t, pf, kittest.Region)
	fle := startRegion(t, pf, "flevoland")
	a := gro.award(t, "tnd-a", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	b := gro.award(t, "tnd-b", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	c := fle.award(t, "tnd-c", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")

	first := gro.declareCandidate(t, a, bsnAnna, "2025-06-01", "2025-11-30")
	if len(first.Counted) != 6 {
		t.Fatalf("first: %+v", first)
	}
	// the same region, another project: Sep–Nov taken, Dec–Feb counted
	same := gro.declareCandidate(t, b, bsnAnna, "2025-09-01", "2026-02-28")
	if strings.Join(same.Counted, ",") != "2025-12,2026-01,2026-02" || len(same.Refused) != 3 ||
		!strings.Contains(same.Refused[0].Reason, "another project of this region") || same.Value.Cents != 1_000_000 {
		t.Fatalf("same region: %+v", same)
	}
	// another region: Oct–Feb taken, Mar counted; the reason names the region, nothing else
	other := fle.declareCandidate(t, c, bsnAnna, "2025-10-01", "2026-03-31")
	if strings.Join(other.Counted, ",") != "2026-03" || len(other.Refused) != 5 || !strings.Contains(other.Refused[0].Reason, "another region (groningen)") {
		t.Fatalf("other region: %+v", other)
	}
	// another person is not affected
	if bram := fle.declareCandidate(t, c, bsnBram, "2025-10-01", "2026-03-31"); len(bram.Counted) != 6 {
		t.Fatalf("another person: %+v", bram)
	}
	// groningen rejects its first declaration: its months are free again, in every region
	expect(t, "reject", gro.r.Call(t, gro.buyer, "POST", "/api/v1/declarations/"+first.ID+"/reject", obj{"reason": "geen arbeidscontract overgelegd"}, nil), 200)
	kittest.Eventually(t, "months free in flevoland", 20*time.Second, func() bool {
		again := fle.declareCandidate(t, c, bsnAnna, "2025-06-01", "2025-09-30")
		return len(again.Counted) == 4
	})
}

// A participant placed with the contractor is declared by reference, with consent; the
// person counts once towards the jobs goal, though placed and declared.
func TestAPlatformPlacementIsDeclaredByReferenceAndCountsOnceForTheJobsGoal(t *testing.T) {
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	id := g.award(t, "tnd-p", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	person := strings.Repeat("ab", 32)
	g.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentPlaced, "enr-1", obj{"enrolmentId": "enr-1", "participantId": "prt-1",
		"person": person, "region": "groningen", "contractId": "ctr-1", "contractNumber": "OH-1", "schemeId": "sch-1", "providerKvk": "12345678",
		"productId": "prd-1", "productName": "Timmerman basis", "startDate": "2025-01-06", "priceCents": 100000,
		"terms": obj{"version": 1, "effectiveFrom": "2024-01-01", "maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{},
			"tranches": []obj{{"milestone": "started", "percent": 100}}, "placementBeforeCompletion": false},
		"targetGroups": []string{"wajong", "statushouder"}, "milestone": "placed", "on": "2025-07-01", "at": time.Now().UTC().Format(time.RFC3339),
		"placement": obj{"id": "job-1", "employerKvk": contractor, "startDate": "2025-07-01", "hoursPerWeek": 18, "contractType": "permanent",
			"recordedBy": "employer", "confirmedBy": []string{"employer"}}})
	expect(t, "goal", g.r.Call(t, g.buyer, "POST", "/api/v1/jobs-goals", obj{"id": "1000-banenplan", "name": "1000-banenplan", "target": 1000,
		"from": "2025-01-01", "deadline": "2027-12-31"}, nil), 201)

	var created json.RawMessage
	kittest.Eventually(t, "placement known", 20*time.Second, func() bool {
		return g.r.Call(t, g.contractor, "POST", "/api/v1/projects/"+id+"/declarations", obj{"kind": "candidate", "source": "platform", "enrolmentId": "enr-1",
			"consent":   obj{"given": true, "on": "2025-07-01", "recordedBy": "werkcoach Groningen"},
			"candidate": obj{"until": "2025-12-31", "ageBand": "under_50"}}, &created) == 201
	})
	var d declaration
	_ = json.Unmarshal(created, &d)
	d = g.settled(t, d.ID)
	// Wajong EUR 50,000 + statushouder 10,000 + permanent contract 10,000 = 70,000 a year; 18 of 36 hours, 6 months: EUR 17,500
	if d.Value.Cents != 1_750_000 || len(d.Counted) != 6 {
		t.Fatalf("declared by reference: %+v", d)
	}
	// without consent: refused
	expect(t, "no consent", g.r.Call(t, g.contractor, "POST", "/api/v1/projects/"+id+"/declarations", obj{"kind": "candidate", "source": "platform",
		"enrolmentId": "enr-1", "candidate": obj{"until": "2025-12-31", "ageBand": "under_50"}}, nil), 422)
	expect(t, "approve", g.r.Call(t, g.buyer, "POST", "/api/v1/declarations/"+d.ID+"/approve", nil, nil), 200)

	var goal struct {
		Placed    int `json:"placed"`
		Shortfall int `json:"shortfall"`
		Quarters  []struct {
			Quarter string `json:"quarter"`
			Placed  int    `json:"placed"`
		} `json:"quarters"`
	}
	kittest.Eventually(t, "jobs goal", 20*time.Second, func() bool {
		expect(t, "goal", g.r.Call(t, g.buyer, "GET", "/api/v1/jobs-goals/1000-banenplan", nil, &goal), 200)
		return goal.Placed == 1
	})
	time.Sleep(500 * time.Millisecond) // the approval's follow-up has run: still one person
	expect(t, "goal", g.r.Call(t, g.buyer, "GET", "/api/v1/jobs-goals/1000-banenplan", nil, &goal), 200)
	if goal.Placed != 1 || goal.Shortfall != 999 || goal.Quarters[2].Quarter != "2025-Q3" || goal.Quarters[2].Placed != 1 {
		t.Fatalf("goal: %+v", goal)
	}
}

// Replaying every topic the service reads and writes, twice, changes no figure.
func TestReplayingEveryTopicTwiceChangesNothing(t *testing.T) {
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	id := g.award(t, "tnd-r", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	d := g.declareCandidate(t, id, bsnAnna, "2025-06-01", "2025-11-30")
	expect(t, "approve", g.r.Call(t, g.buyer, "POST", "/api/v1/declarations/"+d.ID+"/approve", nil, nil), 200)
	d2 := g.declareCandidate(t, id, bsnBram, "2025-06-01", "2025-08-31")
	g.placed(t, "enr-r1", "sch-bt", []string{"ww"}, "permanent", "2025-07-01", true)
	g.tranche(t, "trn-r1", "bud-rif", "paid", 40_000, 5)
	expect(t, "goal", g.r.Call(t, g.buyer, "POST", "/api/v1/jobs-goals", obj{"id": "banenplan", "name": "1000-banenplan", "target": 1000,
		"from": "2025-01-01", "deadline": "2027-12-31"}, nil), 201)
	expect(t, "partnership", g.r.Call(t, g.buyer, "POST", "/api/v1/partnerships", obj{"id": "bt", "name": "Bouw & Techniek", "schemes": []string{"sch-bt"},
		"projects": []string{id}, "budgets": []obj{{"budgetId": "bud-rif", "source": "Regionaal Investeringsfonds"}}}, nil), 201)
	kittest.Eventually(t, "figures", 20*time.Second, func() bool {
		tt := g.totals(t, "region")
		var pa struct {
			Costs struct {
				Paid int64 `json:"paidCents"`
			} `json:"costs"`
		}
		g.r.Call(t, g.buyer, "GET", "/api/v1/partnerships/bt", nil, &pa)
		return tt.Approved == d.Value.Cents && tt.Declared == d.Value.Cents+d2.Value.Cents && pa.Costs.Paid == 40_000
	})
	report := func() string {
		var goal, pa map[string]any
		g.r.Call(t, g.buyer, "GET", "/api/v1/jobs-goals/banenplan", nil, &goal)
		g.r.Call(t, g.buyer, "GET", "/api/v1/partnerships/bt", nil, &pa)
		delete(pa, "partnership")
		return mustJSON(goal["quarters"]) + mustJSON(goal["placed"]) + mustJSON(pa)
	}
	before, beforeTotals, beforeReports := g.project(t, id), g.totals(t, "region"), report()

	topics := []string{g.prefix + catalog.TopicProcurementTenders, g.prefix + catalog.TopicParticipantsEnrolments, g.prefix + catalog.TopicPaymentsTranches,
		g.prefix + catalog.TopicSroiProjects, g.prefix + catalog.TopicSroiDeclarations,
		g.prefix + catalog.TopicSroiNotifications, pf.Prefix + "shared." + catalog.TopicSroiCandidateMonths}
	for round := 0; round < 2; round++ {
		for _, topic := range topics {
			msgs := kittest.ReadUntil(t, pf.Infra.Kafka, topic, 10*time.Second, func([]kafka.Message) bool { return true })
			if len(msgs) == 0 {
				t.Fatalf("nothing on %s", topic)
			}
			for i := range msgs {
				msgs[i] = kafka.Message{Key: msgs[i].Key, Value: msgs[i].Value, Headers: msgs[i].Headers}
			}
			kittest.PublishRaw(t, pf.Infra.Kafka, topic, msgs...)
		}
	}
	time.Sleep(3 * time.Second)
	after, afterTotals, afterReports := g.project(t, id), g.totals(t, "region"), report()
	if afterReports != beforeReports {
		t.Fatalf("replay changed the jobs goal or the partnership:\nbefore %s\nafter  %s", beforeReports, afterReports)
	}
	if before.Figures != after.Figures || mustJSON(beforeTotals) != mustJSON(afterTotals) {
		t.Fatalf("replay changed the figures:\nbefore %+v %+v\nafter  %+v %+v", before.Figures, beforeTotals, after.Figures, afterTotals)
	}
	again := g.settled(t, d2.ID)
	if len(again.Counted) != 3 {
		t.Fatalf("replay changed a declaration: %+v", again)
	}
}

func mustJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

func getCSV(t *testing.T, g *region, path string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", g.r.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+g.buyer)
	req.Header.Set("Accept", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV %s: %d %s", path, resp.StatusCode, body)
	}
	return string(body)
}
