package service_test

import (
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
)

type decided struct {
	Application struct {
		ID, Status, ContractID string
		Failures               []struct{ Requirement, Detail, Rule string }
		Decision               *struct {
			By          string
			Assessments []struct {
				Requirement string
				Met         bool
				Reason      string
			}
		}
	}
	Contract *struct{ ID string }
}

// A scheme may name requirements a buyer judges by hand: an application that meets every
// rule the platform checks waits in the buyer's work list; the buyer's judgement of each
// either admits the provider with its contract or rejects with the buyer's reasons, and
// the provider may apply again.
func TestABuyerDecidesAnApplicationOnTheRequirementsItJudges(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	otherBuyer := r.token(t, "groningen", "gemeente-assen", auth.RoleBuyer)
	provider := r.token(t, "groningen", "12345678", auth.RoleProvider)
	var s, p struct{ ID string }
	expect(t, "create scheme", r.call(t, buyer, "POST", "/api/v1/schemes", obj{"reference": "OH-2026-ZORG", "title": "Zorg", "sector": "zorg",
		"openFrom": day(-1), "openUntil": day(200), "assessedRequirements": []string{"Uitvoeringsplan sluit aan op de leerdoelen", "Referentie van een vergelijkbare opleiding"}}, &s), 201)
	expect(t, "add product", r.call(t, buyer, "POST", "/api/v1/schemes/"+s.ID+"/products", obj{"name": "Helpende zorg", "terms": terms(50, 50)}, &p), 201)
	expect(t, "publish", r.call(t, buyer, "POST", "/api/v1/schemes/"+s.ID+"/publish", nil, nil), 200)

	in := application(p.ID, 90000, day(300))
	var problem struct {
		Errors []struct{ Field, Rule string }
	}
	expect(t, "apply without statements", r.call(t, provider, "POST", "/api/v1/schemes/"+s.ID+"/applications", in, &problem), 422)
	if len(problem.Errors) != 2 || problem.Errors[0].Field != "statements[0]" || problem.Errors[0].Rule != "say-how-you-meet-x" {
		t.Fatalf("the statements asked for: %+v", problem.Errors)
	}
	in["statements"] = []string{"Ons plan volgt de leerdoelen van het kwalificatiedossier.", "Zorgacademie Oost, 2025."}
	var first decided
	expect(t, "apply", r.call(t, provider, "POST", "/api/v1/schemes/"+s.ID+"/applications", in, &first), 201)
	if first.Application.Status != "in_review" || first.Contract != nil {
		t.Fatalf("an application meeting the platform's rules waits for the buyer: %+v", first)
	}
	expect(t, "apply while one waits", r.call(t, provider, "POST", "/api/v1/schemes/"+s.ID+"/applications", in, nil), 409)
	var work struct{ Items []struct{ ID, Status string } }
	expect(t, "the buyer's work list", r.call(t, buyer, "GET", "/api/v1/applications?status=in_review", nil, &work), 200)
	if len(work.Items) != 1 || work.Items[0].ID != first.Application.ID {
		t.Fatalf("work list %+v", work.Items)
	}
	decide := "/api/v1/applications/" + first.Application.ID + "/decision"
	expect(t, "another buyer's scheme", r.call(t, otherBuyer, "POST", decide, obj{"assessments": []obj{{"met": true}, {"met": true}}}, nil), 403)
	expect(t, "one judgement for two requirements", r.call(t, buyer, "POST", decide, obj{"assessments": []obj{{"met": true}}}, nil), 422)
	expect(t, "not met without a reason", r.call(t, buyer, "POST", decide, obj{"assessments": []obj{{"met": true}, {"met": false}}}, &problem), 422)
	if len(problem.Errors) != 1 || problem.Errors[0].Field != "assessments[1].reason" {
		t.Fatalf("the reason asked for: %+v", problem.Errors)
	}
	var no decided
	var raw map[string]any
	if st := r.call(t, buyer, "POST", decide, obj{"assessments": []obj{{"met": true}, {"met": false, "reason": "De referentie betreft geen zorgopleiding."}}}, &raw); st != 200 {
		t.Fatalf("rejected: %d %v", st, raw)
	}
	expect(t, "read", r.call(t, buyer, "GET", "/api/v1/applications/"+first.Application.ID, nil, &no.Application), 200)
	if no.Application.Status != "rejected" || len(no.Application.Failures) != 1 || no.Application.Failures[0].Requirement != "assessed_requirement_not_met" ||
		no.Application.Failures[0].Rule != "x-not-met-x" || no.Application.Decision == nil || len(no.Application.Decision.Assessments) != 2 ||
		no.Application.Decision.Assessments[1].Requirement != "Referentie van een vergelijkbare opleiding" {
		t.Fatalf("the rejection: %+v", no)
	}
	expect(t, "decided twice", r.call(t, buyer, "POST", decide, obj{"assessments": []obj{{"met": true}, {"met": true}}}, nil), 409)
	expect(t, "work list empty", r.call(t, buyer, "GET", "/api/v1/applications?status=in_review", nil, &work), 200)
	if len(work.Items) != 0 {
		t.Fatalf("decided, yet in the work list: %+v", work.Items)
	}

	// applied again with a better reference: admitted, with the contract and its event
	in["statements"] = []string{"Ons plan volgt de leerdoelen van het kwalificatiedossier.", "ROC Noord, opleiding Helpende Zorg & Welzijn, 2025."}
	var second decided
	expect(t, "apply again", r.call(t, provider, "POST", "/api/v1/schemes/"+s.ID+"/applications", in, &second), 201)
	var yes decided
	expect(t, "admitted", r.call(t, buyer, "POST", "/api/v1/applications/"+second.Application.ID+"/decision", obj{"assessments": []obj{{"met": true}, {"met": true}}}, &yes), 200)
	if yes.Application.Status != "accepted" || yes.Contract == nil || yes.Application.ContractID != yes.Contract.ID {
		t.Fatalf("the admission: %+v", yes)
	}
	awarded := kittest.ReadUntil(t, r.kafka, r.prefix+"procurement.contracts.v1", 30*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 1 })
	if len(awarded) != 1 || string(awarded[0].Key) != yes.Contract.ID || kittest.Header(awarded[0], "ce_type") != "nl.werkregio.procurement.contract.awarded.v1" {
		t.Fatalf("contract events %d", len(awarded))
	}
	rejections := kittest.ReadUntil(t, r.kafka, r.prefix+"procurement.applications.v1", 30*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 1 })
	if len(rejections) != 1 {
		t.Fatalf("%d rejection events, want the buyer's one", len(rejections))
	}
	r.assertAllEventsValid(t)
}
