package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
)

type thing struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
}

func TestAggregatesSaveLoadListAndKeepTheAuditTrail(t *testing.T) {
	ctx := context.Background()
	agg := store.NewAggregates(db(t), "groningen.", map[string]string{"thing.counted": "things.v1"})
	coach := rules.Actor{Subject: "coach@x", Name: "Coach", Org: "gemeente"}

	if _, _, err := store.LoadAs[thing](ctx, agg, "thing", "a"); !errors.Is(err, rules.ErrNotFound) {
		t.Fatalf("missing aggregate: %v", err)
	}
	if _, err := agg.History(ctx, "thing", "a"); !errors.Is(err, rules.ErrNotFound) {
		t.Fatalf("history of a missing aggregate: %v", err)
	}
	save := func(n, version int, actor rules.Actor, action string) error {
		return agg.Save(ctx, store.Saved{Kind: "thing", ID: "a", Region: "groningen", Labels: map[string]string{"parity": []string{"even", "odd"}[n%2]},
			State: thing{ID: "a", Count: n}, Outcome: rules.Outcome{Version: version, Actor: actor, Action: action,
				Events: []rules.Event{{Type: "thing.counted", Key: "a", Data: thing{ID: "a", Count: n}}}}})
	}
	if err := save(1, 0, coach, "thing.created"); err != nil {
		t.Fatal(err)
	}
	if err := save(2, 1, rules.System("check"), ""); err != nil {
		t.Fatal(err)
	}
	if err := save(9, 1, coach, "stale"); !errors.Is(err, rules.ErrConflict) {
		t.Fatalf("a stale version must conflict: %v", err)
	}
	if err := agg.Save(ctx, store.Saved{Kind: "thing", ID: "b", Region: "groningen", State: thing{ID: "b"},
		Outcome: rules.Outcome{Events: []rules.Event{{Type: "unrouted"}}}}); err == nil {
		t.Fatal("an event type without a topic was saved")
	}

	got, v, err := store.LoadAs[thing](ctx, agg, "thing", "a")
	if err != nil || v != 2 || got.Count != 2 {
		t.Fatalf("load: %+v v%d %v", got, v, err)
	}
	if odd, _ := store.ListAs[thing](ctx, agg, "thing", "groningen", map[string]string{"parity": "odd"}); len(odd) != 0 {
		t.Fatalf("labels of an older version matched: %+v", odd)
	}
	if other, _ := store.ListAs[thing](ctx, agg, "thing", "flevoland", nil); len(other) != 0 {
		t.Fatal("another region's aggregates listed")
	}
	h, err := agg.History(ctx, "thing", "a")
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v %v", h, err)
	}
	if h[0].Actor != coach || h[0].Action != "thing.created" || h[1].Actor.Subject != "system:check" || h[1].Action != "thing.counted" {
		t.Fatalf("audit trail %+v", h)
	}
}
