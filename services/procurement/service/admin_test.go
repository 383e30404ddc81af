package service_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/auth"
)

// The administration every service offers, through HTTP and its OpenAPI document: parked
// events listed, discarded with a reason or republished (and then gone from the list once
// the relay sent them), and a view rebuilt from the commit log; for administrators only.
func TestAdministratorsSeeAndSettleParkedEventsAndRebuildViews(t *testing.T) {
	ctx := context.Background()
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	admin := r.token(t, "groningen", "werkregio", auth.RoleAdmin)
	schemeID, _ := r.openScheme(t, buyer)

	// Two of the scheme's commits as the relay parks what the broker refused.
	parked := r.platform.Store.DB().Collection("outbox_parked")
	for v, reason := range map[int]string{1: "event larger than the broker accepts", 2: "breaks its schema"} {
		commit := "scheme/" + schemeID + "@" + []string{"", "0000000001", "0000000002"}[v]
		if _, err := parked.InsertOne(ctx, bson.D{{Key: "_id", Value: commit}, {Key: "stream", Value: "scheme/" + schemeID}, {Key: "version", Value: v},
			{Key: "events", Value: bson.A{bson.D{{Key: "id", Value: commit + "#0"}, {Key: "type", Value: "scheme.opened"}, {Key: "topic", Value: "x"}, {Key: "bytes", Value: 10}}}},
			{Key: "parking", Value: bson.D{{Key: "reason", Value: reason}, {Key: "attempts", Value: 1}, {Key: "retry", Value: false}}},
			{Key: "parkedAt", Value: time.Now().UTC()}, {Key: "open", Value: true}}); err != nil {
			t.Fatal(err)
		}
	}
	expect(t, "a buyer is no administrator", r.call(t, buyer, "GET", "/api/v1/admin/outbox/parked", nil, nil), 403)
	var list struct {
		Items []struct {
			Commit   string
			Retrying bool
			Parking  struct{ Reason string }
		}
	}
	expect(t, "parked", r.call(t, admin, "GET", "/api/v1/admin/outbox/parked", nil, &list), 200)
	if len(list.Items) != 2 || list.Items[0].Parking.Reason == "" || list.Items[0].Retrying {
		t.Fatalf("parked: %+v", list.Items)
	}
	first, second := list.Items[0].Commit, list.Items[1].Commit
	expect(t, "discard without a reason", r.call(t, admin, "POST", "/api/v1/admin/outbox/parked/discard", obj{"commit": first, "reason": " "}, nil), 422)
	expect(t, "discard", r.call(t, admin, "POST", "/api/v1/admin/outbox/parked/discard", obj{"commit": first, "reason": "sent by hand to the provider"}, nil), 204)
	expect(t, "republish", r.call(t, admin, "POST", "/api/v1/admin/outbox/parked/republish", obj{"commit": second}, nil), 204)
	deadline := time.Now().Add(20 * time.Second)
	for {
		expect(t, "parked", r.call(t, admin, "GET", "/api/v1/admin/outbox/parked", nil, &list), 200)
		if len(list.Items) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the republished commit is still parked: %+v", list.Items)
		}
		time.Sleep(100 * time.Millisecond)
	}
	expect(t, "republish what is not parked", r.call(t, admin, "POST", "/api/v1/admin/outbox/parked/republish", obj{"commit": second}, nil), 404)

	var rebuilt struct{ Aggregates int }
	expect(t, "rebuild", r.call(t, admin, "POST", "/api/v1/admin/views/scheme/rebuild", nil, &rebuilt), 200)
	if rebuilt.Aggregates != 1 {
		t.Fatalf("rebuilt %d schemes", rebuilt.Aggregates)
	}
	expect(t, "rebuild an unknown view", r.call(t, admin, "POST", "/api/v1/admin/views/nothing/rebuild", nil, nil), 404)
}
