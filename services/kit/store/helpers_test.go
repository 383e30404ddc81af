package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/store"
)

// thing is the aggregate of these tests.
type thing struct {
	ID     string   `json:"id"`
	Count  int      `json:"count"`
	Colour string   `json:"colour"`
	Tags   []string `json:"tags,omitempty"`
}

var thingView = store.NewView("thing", 1, store.Itself[thing](), func(t *thing) store.Fields {
	return store.Fields{"colour": t.Colour, "even": t.Count%2 == 0}
}, []string{"colour"}, []string{"colour", "even"})

// database is a fresh database on the shared embedded MongoDB.
func database(t *testing.T) *mongo.Database {
	t.Helper()
	infra := kittest.Shared(t)
	client, err := store.Connect(context.Background(), infra.MongoURI, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client.Database(fmt.Sprintf("t%d", time.Now().UnixNano()))
}

func newStore(t *testing.T, db *mongo.Database, views ...*store.View) *store.Store {
	t.Helper()
	if len(views) == 0 {
		views = []*store.View{thingView}
	}
	s := store.New(db, nil, views...)
	if err := s.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// planStages explains a find and returns the stages of its winning plan, outermost first;
// the same command answers on MongoDB.
func planStages(t *testing.T, db *mongo.Database, find bson.D) []string {
	t.Helper()
	type stage struct {
		Stage      string `bson:"stage"`
		InputStage *stage `bson:"inputStage"`
	}
	var res struct {
		QueryPlanner struct {
			WinningPlan *stage `bson:"winningPlan"`
		} `bson:"queryPlanner"`
	}
	if err := db.RunCommand(context.Background(), bson.D{{Key: "explain", Value: find}}).Decode(&res); err != nil {
		t.Fatal(err)
	}
	var out []string
	for s := res.QueryPlanner.WinningPlan; s != nil; s = s.InputStage {
		out = append(out, s.Stage)
	}
	return out
}
