package service_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
)

// groningenTable is a table a region publishes itself, with its worked examples.
func groningenTable(example int64) obj {
	return obj{"id": "groningen-2026", "name": "Bouwblokken Groningen", "version": 1, "effectiveFrom": "2026-01-01",
		"source": "Werk in Zicht, bouwblokken social return arbeidsmarktregio Groningen 2026", "fullTimeHours": 36,
		"yearlyCents": obj{"participatiewet": 4_000_000, "ww": 2_000_000}, "bonusCents": obj{"age_50_plus": 1_000_000},
		"purchaseBasisPoints": obj{"": 10_000}, "hourlyCents": 10_000,
		"examples": []obj{{"description": "Participatiewet, full time, six months", "months": 6, "expectedCents": example,
			"contribution": obj{"kind": "candidate", "candidateType": "participatiewet", "hoursPerWeek": 36}}}}
}

// A region's own policy and value table: without them a project says it has no policy and
// nothing can be declared (no silent default); its administrator publishes a dated policy
// with a threshold per contract type and a dated table checked against its own examples,
// and the waiting projects get their obligation and table; a published version is never
// changed. A region also brings them from its configuration (the Region or the chart).
func TestARegionsOwnPolicyAndValueTable(t *testing.T) {
	pf := kittest.NewPlatform(t)
	defer func() {
		if t.Failed() {
			t.Log(pf.Logs.String())
		}
	}()
	g := startRegion(t, pf, kittest.Region, "SROI_POLICY", "", "SROI_TABLES", "")
	admin := pf.TokenIn(t, kittest.Region, "regio-groningen", auth.RoleAdmin)
	services := obj{"tenderId": "tnd-n", "region": g.name, "buyer": buyerOrg, "title": "Schoonmaak gemeentehuis", "sector": "schoonmaak",
		"contractorKvk": contractor, "contractorName": "Schoon B.V.", "contractValueExclVatCents": 15_000_000, "sroiBasisPoints": 0,
		"sroiObligationCents": 0, "publicationDate": "2026-02-01", "awardedOn": "2026-04-01", "contractType": "services", "contractEnd": "2027-12-31"}
	g.publish(t, catalog.TopicProcurementTenders, catalog.TypeTenderAwarded, "tnd-n", services)
	var p struct {
		Table    string `json:"table"`
		NoPolicy bool   `json:"noPolicy"`
		Computed struct {
			Cents int64  `json:"cents"`
			Rule  string `json:"rule"`
		} `json:"computed"`
		Progress struct{ Status, Reason string } `json:"progress"`
	}
	kittest.Eventually(t, "the project without a policy", 20*time.Second, func() bool {
		return g.r.Call(t, g.buyer, "GET", "/api/v1/projects/prj-tnd-n", nil, &p) == 200
	})
	if !p.NoPolicy || p.Progress.Status != "no_policy" || !strings.Contains(p.Progress.Reason, "no social-return policy") || p.Table != "" {
		t.Fatalf("a project of a region without a policy: %+v", p)
	}
	expect(t, "nothing to value with", g.r.Call(t, g.contractor, "POST", "/api/v1/projects/prj-tnd-n/declarations", obj{"kind": "candidate", "source": "external",
		"bsn": bsnAnna, "candidate": obj{"candidateType": "participatiewet", "hoursPerWeek": 36, "from": "2026-05-01", "until": "2026-08-31",
			"contractType": "fixed_term", "ageBand": "under_50"}}, nil), 409)

	var problem struct {
		Errors []struct{ Field, Reason string }
	}
	expect(t, "a table that does not value its own example", g.r.Call(t, admin, "POST", "/api/v1/tables", groningenTable(2_000_001), &problem), 422)
	if len(problem.Errors) != 1 || problem.Errors[0].Field != "examples[0]" || !strings.Contains(problem.Errors[0].Reason, "EUR 20.000,00") {
		t.Fatalf("refusal %+v", problem)
	}
	expect(t, "only the administrator", g.r.Call(t, g.buyer, "POST", "/api/v1/tables", groningenTable(2_000_000), nil), 403)
	expect(t, "the table", g.r.Call(t, admin, "POST", "/api/v1/tables", groningenTable(2_000_000), nil), 201)
	policy := obj{"version": 1, "effectiveFrom": "2026-01-01", "source": "Beleidsregel social return arbeidsmarktregio Groningen 2026",
		"basisPoints": 500, "thresholdCents": 25_000_000, "thresholds": obj{"works": 25_000_000, "services": 10_000_000},
		"defaultMonths": 24, "graceMonths": 3}
	expect(t, "the policy", g.r.Call(t, admin, "POST", "/api/v1/policies", policy, nil), 201)
	kittest.Eventually(t, "the waiting project gets its obligation and table", 20*time.Second, func() bool {
		p.NoPolicy = false // absent when false
		g.r.Call(t, g.buyer, "GET", "/api/v1/projects/prj-tnd-n", nil, &p)
		return !p.NoPolicy && p.Computed.Cents == 750_000 && p.Table == "groningen-2026"
	})
	if !strings.Contains(p.Computed.Rule, "services from EUR 100.000,00") {
		t.Fatalf("the rule %q does not name the services' threshold", p.Computed.Rule)
	}
	changed := obj{}
	for k, v := range policy {
		changed[k] = v
	}
	changed["basisPoints"] = 600
	expect(t, "a published version changed", g.r.Call(t, admin, "POST", "/api/v1/policies", changed, nil), 409)
	expect(t, "the same version again", g.r.Call(t, admin, "POST", "/api/v1/policies", policy, nil), 201)
	// works of the same value: below the works threshold
	works := obj{}
	for k, v := range services {
		works[k] = v
	}
	works["tenderId"], works["contractType"] = "tnd-w2", "works"
	g.publish(t, catalog.TopicProcurementTenders, catalog.TypeTenderAwarded, "tnd-w2", works)
	kittest.Eventually(t, "works below their threshold", 20*time.Second, func() bool {
		return g.r.Call(t, g.buyer, "GET", "/api/v1/projects/prj-tnd-w2", nil, &p) == 200 && p.Computed.Cents == 0 &&
			strings.Contains(p.Computed.Rule, "below the threshold of EUR 250.000,00 (works")
	})
	if d := g.declareCandidate(t, "prj-tnd-n", bsnAnna, "2026-05-01", "2026-10-31"); d.Value.Cents != 2_000_000 || !strings.Contains(d.Value.Table, "Groningen") {
		t.Fatalf("declared with the region's table: %+v", d)
	}

	// from the configuration: the Region's or chart's SROI_POLICIES and SROI_VALUE_TABLES
	raw, _ := json.Marshal([]obj{policy})
	tables, _ := json.Marshal([]obj{groningenTable(2_000_000)})
	fle := startRegion(t, pf, "flevoland", "SROI_POLICY", "", "SROI_TABLES", "", "SROI_POLICIES", string(raw), "SROI_VALUE_TABLES", string(tables))
	var list struct{ Items []struct{ Version int } }
	expect(t, "policies", fle.r.Call(t, fle.buyer, "GET", "/api/v1/policies", nil, &list), 200)
	if len(list.Items) != 1 || list.Items[0].Version != 1 {
		t.Fatalf("the configured policy: %+v", list)
	}
}

// Dedup that cannot silently fail: a claim made with another pseudonym key (a region
// configured with another PERSON_PSEUDONYM_KEY) is refused, dead-lettered with the reason
// and counted in a metric, and holds nothing; a platform participant without a pseudonym
// of this key (participants without the key, or another key) is not declared by reference.
func TestDedupThatCannotSilentlyFail(t *testing.T) {
	pf := kittest.NewPlatform(t)
	gro := startRegion(t, pf, kittest.Region)
	odd := startRegion(t, pf, "flevoland", "PERSON_PSEUDONYM_KEY", kittest.RandomKey(32))
	a := gro.award(t, "tnd-d1", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	b := odd.award(t, "tnd-d2", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	odd.declareCandidate(t, b, bsnAnna, "2025-06-01", "2025-11-30")
	kittest.Eventually(t, "the foreign claim counted as a mismatch", 20*time.Second, func() bool {
		v, _ := kittest.Sample(gro.r.Metrics(t), "werkregio_sroi_pseudonym_key_mismatches_total", `source="claim"`)
		return v != "" && v != "0"
	})
	dlq := kittest.ReadUntil(t, pf.Infra.Kafka, pf.Prefix+"shared."+catalog.TopicSroiCandidateMonths+".dlq", 20*time.Second, func(ms []kafka.Message) bool {
		for _, m := range ms {
			if strings.Contains(kittest.Header(m, "dlq_reason"), "another pseudonym key") {
				return true
			}
		}
		return false
	})
	if len(dlq) == 0 {
		t.Fatal("the foreign claim was not dead-lettered")
	}
	if d := gro.declareCandidate(t, a, bsnAnna, "2025-06-01", "2025-11-30"); len(d.Counted) != 6 {
		t.Fatalf("a claim of another key held months: %+v", d)
	}

	// placements whose person is not of this key are not declared by reference
	placed := func(enrolment string, person obj) {
		d := obj{"enrolmentId": enrolment, "participantId": "prt-" + enrolment, "region": "groningen", "contractId": "ctr-1", "contractNumber": "OH-1",
			"schemeId": "sch-1", "providerKvk": "12345678", "productId": "prd-1", "productName": "Timmerman basis", "startDate": "2025-01-06", "priceCents": 100000,
			"terms": obj{"version": 1, "effectiveFrom": "2024-01-01", "maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{},
				"tranches": []obj{{"milestone": "started", "percent": 100}}, "placementBeforeCompletion": false},
			"targetGroups": []string{"wajong"}, "milestone": "placed", "on": "2025-07-01", "at": time.Now().UTC().Format(time.RFC3339),
			"placement": obj{"id": "job-1", "employerKvk": contractor, "startDate": "2025-07-01", "hoursPerWeek": 18, "contractType": "permanent",
				"recordedBy": "employer", "confirmedBy": []string{"employer"}}}
		for k, v := range person {
			d[k] = v
		}
		gro.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentPlaced, enrolment, d)
	}
	placed("enr-nokey", obj{})
	placed("enr-otherkey", obj{"person": strings.Repeat("cd", 32), "personKeyFingerprint": "0123456789abcdef"})
	for _, enrolment := range []string{"enr-nokey", "enr-otherkey"} {
		var problem struct {
			Errors []struct{ Field, Reason string }
		}
		kittest.Eventually(t, enrolment+" refused by reference", 20*time.Second, func() bool {
			s := gro.r.Call(t, gro.contractor, "POST", "/api/v1/projects/"+a+"/declarations", obj{"kind": "candidate", "source": "platform", "enrolmentId": enrolment,
				"consent": obj{"given": true, "on": "2025-07-01", "recordedBy": "werkcoach"}, "candidate": obj{"until": "2025-12-31", "ageBand": "under_50"}}, &problem)
			return s == 422 && len(problem.Errors) == 1 && strings.Contains(problem.Errors[0].Reason, "declare the person by BSN")
		})
	}
}
