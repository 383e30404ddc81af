package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
)

// A demo contractor's project: awarded some months ago, due some months from now, with
// candidates declared and approved so that it is on track, behind, met or overdue.
type demoProject struct {
	title          string
	contractor     string
	contractorName string
	valueCents     int64
	awardedDays    int // days ago
	deadlineDays   int // days from now (negative: passed)
	candidates     []demoCandidate
}

type demoCandidate struct {
	bsn, typ            string
	hours               float64
	fromDays, untilDays int
	approve             bool
}

// Valid BSNs of made-up people (11-proef); the pseudonyms hide them everywhere after.
var demoBSNs = []string{"111222333", "123456782", "234567806", "234567818", "999999990"}

var demoProjects = []demoProject{
	// 5% of EUR 2,000,000 = EUR 100,000; a quarter of the time passed, 40% approved
	{"Groot onderhoud N33 Zuidbroek", "56789012", "Infra Noord B.V.", 200_000_000, 180, 550,
		[]demoCandidate{{demoBSNs[0], "participatiewet", 36, -180, 185, true}, {demoBSNs[1], "wajong", 24, -120, 60, false}}},
	// EUR 200,000; three quarters of the time passed, a tenth approved
	{"Versterking scholen Eemsdelta", "45678901", "Bouwbedrijf Eemsdelta BV", 400_000_000, 540, 180,
		[]demoCandidate{{demoBSNs[2], "ww", 36, -300, -1, true}, {demoBSNs[0], "participatiewet", 36, 0, 240, false}}},
	// EUR 12,500; met by one candidate of a year
	{"Groenonderhoud Midden-Groningen", "67890123", "Groenbedrijf Hunze", 25_000_000, 400, 330,
		[]demoCandidate{{demoBSNs[3], "participatiewet", 36, -390, -25, true}}},
	// EUR 50,000; the deadline passed a month ago with a fifth approved
	{"Renovatie sporthal Delfzijl", "45678901", "Bouwbedrijf Eemsdelta BV", 100_000_000, 760, -30,
		[]demoCandidate{{demoBSNs[4], "no_benefit", 36, -700, -340, true}}},
}

// loadSroi shows social return in every state: projects on track, behind, met and overdue
// with their declarations (one candidate declared on two projects: the later trimmed to the
// months left), the parties to e-mail, and the 1000-banenplan.
func loadSroi(ctx context.Context, t Target) error {
	if t.URLs["sroi"] == "" {
		return nil
	}
	buyer, err := t.as(auth.RoleBuyer, BuyerOrg)
	if err != nil {
		return err
	}
	social, err := t.at("sroi", auth.RoleBuyer, BuyerOrg)
	if err != nil {
		return err
	}
	if err := publishGroningenRules(ctx, t); err != nil {
		return err
	}
	for i, p := range demoProjects {
		var td struct{ ID string }
		if err := buyer.do(ctx, "POST", "/api/v1/tenders", obj{"title": p.title, "sector": "bouw", "expectedPublication": day(-p.awardedDays - 60),
			"estimatedValueCents": p.valueCents, "sroiBasisPoints": 500}, &td); err != nil {
			return err
		}
		if err := buyer.do(ctx, "POST", "/api/v1/tenders/"+td.ID+"/award", obj{"contractorKvk": p.contractor, "contractorName": p.contractorName,
			"contractValueExclVatCents": p.valueCents, "sroiBasisPoints": 500, "publicationDate": day(-p.awardedDays - 30),
			"awardedOn": day(-p.awardedDays), "contractType": "works", "contractEnd": day(p.deadlineDays)}, nil); err != nil {
			return err
		}
		id := "prj-" + td.ID
		if err := eventually(ctx, func() error { return social.do(ctx, "GET", "/api/v1/projects/"+id, nil, nil) }); err != nil {
			return fmt.Errorf("project of %s: %w", p.title, err)
		}
		if err := social.update(ctx, "PUT", "/api/v1/projects/"+id+"/parties", "/api/v1/projects/"+id, obj{
			"buyer":      obj{"name": "Inkoop Gemeente Groningen", "email": "inkoop@groningen.example.nl"},
			"contractor": obj{"name": "SROI-coördinator " + p.contractorName, "email": fmt.Sprintf("sroi@contractor%d.example.nl", i+1)},
			"werkplein":  obj{"name": "Werkplein Groningen", "email": "sroi@werkplein-groningen.example.nl"}}, nil); err != nil {
			return err
		}
		contractor, err := t.at("sroi", auth.RoleContractor, p.contractor)
		if err != nil {
			return err
		}
		for _, c := range p.candidates {
			var d struct{ ID, Status string }
			if err := contractor.do(ctx, "POST", "/api/v1/projects/"+id+"/declarations", obj{"kind": "candidate", "source": "external", "bsn": c.bsn,
				"candidate": obj{"candidateType": c.typ, "hoursPerWeek": c.hours, "from": day(c.fromDays), "until": day(c.untilDays),
					"contractType": "fixed_term", "ageBand": "under_50"}}, &d); err != nil {
				return err
			}
			if err := eventually(ctx, func() error {
				if err := social.do(ctx, "GET", "/api/v1/declarations/"+d.ID, nil, &d); err != nil {
					return err
				}
				if d.Status == "checking" {
					return fmt.Errorf("declaration %s still checking", d.ID)
				}
				return nil
			}); err != nil {
				return err
			}
			if c.approve {
				if err := social.do(ctx, "POST", "/api/v1/declarations/"+d.ID+"/approve", obj{"reason": "arbeidsovereenkomst en loonstroken gezien"}, nil); err != nil {
					return err
				}
			}
		}
	}
	return social.do(ctx, "POST", "/api/v1/jobs-goals", obj{"id": "1000-banenplan", "name": "1000-banenplan Groningen (vervolg)",
		"target": 1000, "from": day(-540), "deadline": day(540)}, nil)
}

// eventually repeats f until it succeeds or a minute passes (events take a moment, longer on
// a busy machine).
func eventually(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(time.Minute)
	for {
		err := f()
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// publishGroningenRules publishes the demo region's own social-return policy and value
// table, as its administrator would: no region gets another's by default.
func publishGroningenRules(ctx context.Context, t Target) error {
	admin, err := t.at("sroi", auth.RoleAdmin, "regio-groningen")
	if err != nil {
		return err
	}
	const k = 100_000 // EUR 1,000
	table := obj{"id": "groningen-2017", "name": "Bouwblokken social return arbeidsmarktregio Groningen", "version": 1, "effectiveFrom": "2017-01-01",
		"source": "Demo: de waardetabel van de regio voor het 1000-banenplan, met de bedragen van de bouwblokkenmethode (zoals Utrecht die hanteert); " +
			"een regio publiceert haar eigen tabel onder Beheer, Waardetabellen",
		"fullTimeHours": 36,
		"yearlyCents": obj{"participatiewet": 40 * k, "banenafspraak": 50 * k, "wajong": 50 * k, "ww": 20 * k, "wia_wao": 40 * k, "bbl": 35 * k,
			"bol": 20 * k, "no_benefit": 10 * k},
		"bonusCents": obj{"age_50_plus": 10 * k, "statushouder": 10 * k, "permanent_contract": 10 * k}, "purchaseBasisPoints": obj{"": 10_000},
		"hourlyCents": 100_00,
		"examples": []obj{
			{"description": "Participatiewet, voltijd, zes maanden", "months": 6, "expectedCents": 20 * k,
				"contribution": obj{"kind": "candidate", "candidateType": "participatiewet", "hoursPerWeek": 36}},
			{"description": "Wajong, halftijd, een jaar, statushouder", "months": 12, "expectedCents": 30 * k,
				"contribution": obj{"kind": "candidate", "candidateType": "wajong", "hoursPerWeek": 18, "bonuses": []string{"statushouder"}}},
			{"description": "tien uur gastlessen", "months": 0, "expectedCents": 1 * k, "contribution": obj{"kind": "hours", "hours": 10}}}}
	if err := admin.do(ctx, "POST", "/api/v1/tables", table, nil); err != nil {
		return fmt.Errorf("the demo's value table: %w", err)
	}
	policy := obj{"version": 1, "effectiveFrom": "2017-01-01",
		"source": "Demo: social return in de arbeidsmarktregio Groningen (1000-banenplan): 5% bij werken vanaf € 250.000 en diensten vanaf " +
			"€ 100.000 met een looptijd van zes maanden of meer (een regio legt haar eigen beleid vast in het portaal)",
		"basisPoints": 500, "thresholdCents": 25_000_000, "thresholds": obj{"works": 25_000_000, "services": 10_000_000},
		"minMonths": 6, "defaultMonths": 24, "graceMonths": 3}
	if err := admin.do(ctx, "POST", "/api/v1/policies", policy, nil); err != nil {
		return fmt.Errorf("the demo's policy: %w", err)
	}
	return nil
}
