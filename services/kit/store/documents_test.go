package store_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/store"
)

// plant is a domain type: it knows nothing of how it is stored.
type plant struct {
	ID      string
	Species string
}

// plantDocument is its stored shape, owned by the adapters.
type plantDocument struct {
	ID      string `json:"id"`
	Species string `json:"soort"`
}

// An aggregate is kept as the document its adapters say, with their field names, in the log
// and in the view, and read back as the domain's type.
func TestAnAggregateIsStoredAsItsDocument(t *testing.T) {
	ctx := context.Background()
	view := store.NewView("plant", 1, store.StoredAs(
		func(p plant) plantDocument { return plantDocument(p) },
		func(d plantDocument) plant { return plant(d) }),
		func(p *plant) store.Fields { return store.Fields{"species": p.Species} }, []string{"species"})
	db := database(t)
	agg := store.NewAggregates(newStore(t, db, view), "", map[string]string{})
	if err := agg.Save(ctx, store.Saved{Kind: "plant", ID: "p1", Region: "r", State: &plant{ID: "p1", Species: "eik"},
		Outcome: commit.Outcome{Actor: commit.System("test"), Action: "planted"}}); err != nil {
		t.Fatal(err)
	}
	var stored struct {
		State string `bson:"state"`
	}
	if err := db.Collection("commits").FindOne(ctx, bson.D{{Key: "stream", Value: "plant/p1"}}).Decode(&stored); err != nil {
		t.Fatal(err)
	}
	if stored.State != `{"id":"p1","soort":"eik"}` {
		t.Errorf("stored state %s, want the document's field names", stored.State)
	}
	got, version, err := store.LoadAs[plant](ctx, agg, "plant", "p1")
	if err != nil || version != 1 || got.Species != "eik" {
		t.Fatalf("LoadAs = %+v, %d, %v", got, version, err)
	}
	page, err := store.PageAs[plant](ctx, agg, "plant", store.Filtered("r", paging.Request{Limit: 10}, map[string]string{"species": "eik"}))
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("the view's field, computed from the domain's type, selects it: %+v %v", page, err)
	}
	if _, _, err := store.LoadAs[plantDocument](ctx, agg, "plant", "p1"); err == nil {
		t.Error("reading a kind as another type than its view keeps is refused")
	}
}
