package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/store"
)

func db(t *testing.T) *store.Commits {
	t.Helper()
	infra := kittest.Shared(t)
	client, err := store.Connect(context.Background(), infra.MongoURI, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return store.NewCommits(client.Database(fmt.Sprintf("t%d", time.Now().UnixNano())))
}

func TestInsertFactsCountsEachEffectOnce(t *testing.T) {
	infra := kittest.Shared(t)
	client, err := store.Connect(context.Background(), infra.MongoURI, nil)
	if err != nil {
		t.Fatal(err)
	}
	coll := client.Database(fmt.Sprintf("f%d", time.Now().UnixNano())).Collection("facts")
	ctx := context.Background()
	docs := []any{bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "_id", Value: "b"}}}
	if n, err := store.InsertFacts(ctx, coll, docs); err != nil || n != 2 {
		t.Fatalf("first: %d %v", n, err)
	}
	replay := []any{bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "_id", Value: "c"}}, bson.D{{Key: "_id", Value: "b"}}}
	if n, err := store.InsertFacts(ctx, coll, replay); err != nil || n != 1 {
		t.Fatalf("replay: %d %v", n, err)
	}
	if ok, err := store.InsertFact(ctx, coll, bson.D{{Key: "_id", Value: "c"}}); ok || err != nil {
		t.Fatalf("duplicate fact inserted: %v %v", ok, err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 3 {
		t.Fatalf("%d facts", n)
	}
}

type state struct{ N int }

// Concurrent writers of the same version: exactly one wins, the rest get ErrConflict.
func TestConcurrentAppendsHaveOneWinner(t *testing.T) {
	c := db(t)
	ctx := context.Background()
	if err := c.Append(ctx, store.Change{Stream: "s/1", Kind: "s", Region: "r", State: state{0}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.Append(ctx, store.Change{Stream: "s/1", Version: 1, Kind: "s", Region: "r", State: state{i}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, store.ErrConflict):
				conflicts++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != 7 {
		t.Fatalf("wins=%d conflicts=%d", wins, conflicts)
	}
	var s state
	if v, err := c.Load(ctx, "s/1", &s); err != nil || v != 2 {
		t.Fatalf("version %d %v", v, err)
	}
	heads, err := c.Heads(ctx, store.Query{Kind: "s", Region: "r"})
	if err != nil || len(heads) != 1 || heads[0].Version != 2 {
		t.Fatalf("heads %+v %v", heads, err)
	}
}

type recorder struct {
	mu     sync.Mutex
	events []messaging.Event
	fail   bool
}

func (r *recorder) Publish(_ context.Context, topic string, evs ...messaging.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("broker down")
	}
	r.events = append(r.events, evs...)
	return nil
}

// The relay publishes each commit's events in version order and not again once marked; a
// failed publish leaves them for the next round (at least once, never lost).
func TestRelayPublishesInOrderAndAtLeastOnce(t *testing.T) {
	c := db(t)
	ctx := context.Background()
	for v := range 3 {
		ev, _ := store.NewEvent("topic", fmt.Sprintf("e%d", v), "t", "k", "", time.Now(), map[string]int{"v": v})
		if err := c.Append(ctx, store.Change{Stream: "s/2", Version: v, Kind: "s", Region: "r", State: state{v}, Events: []store.Outgoing{ev}}); err != nil {
			t.Fatal(err)
		}
	}
	pub := &recorder{fail: true}
	if err := c.RelayOnce(ctx, pub); err == nil {
		t.Fatal("relay ignored a failed publish")
	}
	pub.fail = false
	if err := c.RelayOnce(ctx, pub); err != nil {
		t.Fatal(err)
	}
	if err := c.RelayOnce(ctx, pub); err != nil {
		t.Fatal(err)
	}
	if len(pub.events) != 3 {
		t.Fatalf("published %d events", len(pub.events))
	}
	for i, e := range pub.events {
		if e.ID != fmt.Sprintf("e%d", i) {
			t.Errorf("event %d is %s", i, e.ID)
		}
	}
}
