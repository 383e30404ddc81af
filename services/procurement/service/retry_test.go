package service_test

import (
	"context"
	"net/http"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/auth"
)

// A create whose answer a crash lost (the aggregate saved, its kept answer not) is sent
// again with the same Idempotency-Key: the scheme, its product and the tender exist once,
// and the retry is answered with them.
func TestCreatesRepeatedAfterTheirAnswerWasLostMakeNothingTwice(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	lose := func() {
		// what a crash between the save and the kept answer leaves: no answer for the key
		if _, err := r.Platform.DB.Collection("idempotency_keys").DeleteMany(context.Background(), bson.D{}); err != nil {
			t.Fatal(err)
		}
	}
	twice := func(what, path, key string, body obj) string {
		t.Helper()
		h := http.Header{"Idempotency-Key": {key}}
		var first, again struct{ ID string }
		if s, _ := r.CallWith(t, buyer, "POST", path, h, body, &first); s != 201 {
			t.Fatalf("%s: %d", what, s)
		}
		lose()
		if s, _ := r.CallWith(t, buyer, "POST", path, h, body, &again); s != 201 || again.ID != first.ID {
			t.Fatalf("%s again: %d %s, want 201 with %s", what, s, again.ID, first.ID)
		}
		return first.ID
	}
	scheme := twice("scheme", "/api/v1/schemes", "scheme-1", obj{"reference": "OH-2027-ZORG", "title": "Zorg", "sector": "zorg", "openFrom": day(0), "openUntil": day(90)})
	twice("product", "/api/v1/schemes/"+scheme+"/products", "product-1", obj{"name": "Helpende zorg", "terms": terms(40, 30, 30)})
	tender := twice("tender", "/api/v1/tenders", "tender-1", obj{"title": "Brede school", "sector": "bouw", "expectedPublication": day(30),
		"estimatedValueCents": 640000000, "sroiBasisPoints": 500})

	var sch struct{ Products []struct{ ID string } }
	expect(t, "scheme", r.call(t, buyer, "GET", "/api/v1/schemes/"+scheme, nil, &sch), 200)
	var tenders struct{ Items []struct{ ID string } }
	expect(t, "tenders", r.call(t, buyer, "GET", "/api/v1/tenders", nil, &tenders), 200)
	if len(sch.Products) != 1 || len(tenders.Items) != 1 || tenders.Items[0].ID != tender {
		t.Fatalf("made twice: products %v, tenders %v", sch.Products, tenders.Items)
	}
	var schemes struct{ Items []struct{ ID string } }
	expect(t, "schemes", r.call(t, buyer, "GET", "/api/v1/schemes", nil, &schemes), 200)
	if len(schemes.Items) != 1 {
		t.Fatalf("schemes %v", schemes.Items)
	}
}
