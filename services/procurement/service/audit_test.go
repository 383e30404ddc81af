package service_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
)

// Every change names who made it, and an updated tender is published with its new data.
func TestEveryChangeNamesItsActorAndAnUpdatedTenderPublishesItsNewData(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	schemeID, productID := r.openScheme(t, buyer)
	change := terms(40, 40, 20)
	change["effectiveFrom"] = day(10)
	expect(t, "terms", r.call(t, buyer, "POST", "/api/v1/schemes/"+schemeID+"/products/"+productID+"/terms", change, nil), 201)

	var trail struct {
		Items []struct {
			Action string
			Actor  struct{ Subject, Org string }
		}
	}
	expect(t, "audit", r.call(t, buyer, "GET", "/api/v1/schemes/"+schemeID+"/audit", nil, &trail), 200)
	var actions []string
	for _, e := range trail.Items {
		actions = append(actions, e.Action)
		if e.Actor.Subject != "buyer@gemeente-groningen" || e.Actor.Org != "gemeente-groningen" {
			t.Errorf("%s by %+v, want the buyer", e.Action, e.Actor)
		}
	}
	want := []string{"scheme.created", "product.added", "scheme.published", "terms.changed"}
	if len(actions) != len(want) {
		t.Fatalf("audit %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Errorf("audit %v, want %v", actions, want)
		}
	}

	var tender struct{ ID string }
	announce := obj{"title": "Brede school Noord", "sector": "bouw", "expectedPublication": day(30), "estimatedValueCents": 640000000, "sroiBasisPoints": 500}
	expect(t, "announce", r.call(t, buyer, "POST", "/api/v1/tenders", announce, &tender), 201)
	announce["title"] = "Brede school Noord, tweede fase"
	expect(t, "update", r.Update(t, buyer, "PUT", "/api/v1/tenders/"+tender.ID, "/api/v1/tenders/"+tender.ID, announce, nil), 200)
	msgs := kittest.ReadUntil(t, r.kafka, r.prefix+catalog.TopicProcurementTenders, 15*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 2 })
	var last struct{ Title string }
	_ = json.Unmarshal(msgs[len(msgs)-1].Value, &last)
	if last.Title != "Brede school Noord, tweede fase" {
		t.Errorf("the update published the title %q, want the new one", last.Title)
	}
}

// When the scheme adds a product, a contracted provider applies for it and its contract in
// force is extended (announced with the whole contract), not a second contract made.
func TestAContractedProviderIsAdmittedToAProductTheSchemeAdds(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	provider := r.token(t, "groningen", "12345678", auth.RoleProvider)
	schemeID, productID := r.openScheme(t, buyer)
	var first struct{ Contract struct{ ID string } }
	expect(t, "apply", r.call(t, provider, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 95000, day(300)), &first), 201)
	var added struct{ ID string }
	expect(t, "the scheme adds a product", r.call(t, buyer, "POST", "/api/v1/schemes/"+schemeID+"/products", obj{"name": "Metselaar", "terms": terms(40, 30, 30)}, &added), 201)
	expect(t, "the same product again", r.call(t, provider, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 95000, day(300)), nil), 409)
	var second struct {
		Application struct {
			Status    string
			Extension bool
		}
		Contract struct {
			ID       string
			Products []struct{ ProductID string }
		}
	}
	expect(t, "apply for the new product", r.call(t, provider, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(added.ID, 90000, day(300)), &second), 201)
	if second.Application.Status != "accepted" || !second.Application.Extension || second.Contract.ID != first.Contract.ID || len(second.Contract.Products) != 2 {
		t.Fatalf("extension: %+v", second)
	}
	msgs := kittest.ReadUntil(t, r.kafka, r.prefix+catalog.TopicProcurementContracts, 15*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 2 })
	if typ := kittest.Header(msgs[len(msgs)-1], messaging.HeaderType); typ != catalog.TypeContractExtended {
		t.Errorf("last contract event %s, want %s", typ, catalog.TypeContractExtended)
	}
}
