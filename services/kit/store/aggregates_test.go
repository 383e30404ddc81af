package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
)

func saveThing(t *testing.T, agg *store.Aggregates, th thing, version int) error {
	t.Helper()
	return agg.Save(context.Background(), store.Saved{Kind: "thing", ID: th.ID, Region: "groningen", State: th,
		Outcome: commit.Outcome{Version: version, Actor: commit.System("test"), Action: "thing.saved"}})
}

func TestSaveLoadAndTheAuditTrail(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "groningen.", map[string]string{"thing.counted": "things.v1"})
	coach := commit.Actor{Subject: "coach@x", Name: "Coach", Org: "gemeente"}

	if _, _, err := store.LoadAs[thing](ctx, agg, "thing", "a"); !errors.Is(err, rules.ErrNotFound) {
		t.Fatalf("missing aggregate: %v", err)
	}
	if h, err := agg.HistoryPage(ctx, []store.Ref{{Kind: "thing", ID: "a"}}, paging.Request{}); err != nil || len(h.Items) != 0 {
		t.Fatalf("history of a missing aggregate: %+v %v", h, err)
	}
	save := func(n, version int, actor commit.Actor, action string) error {
		return agg.Save(ctx, store.Saved{Kind: "thing", ID: "a", Region: "groningen", State: thing{ID: "a", Count: n, Colour: "red", Tags: []string{"x"}},
			Outcome: commit.Outcome{Version: version, Actor: actor, Action: action,
				Events: []commit.Event{{Type: "thing.counted", Key: "a", Data: thing{ID: "a", Count: n}}}}})
	}
	if err := save(1, 0, coach, "thing.created"); err != nil {
		t.Fatal(err)
	}
	if err := save(2, 1, commit.System("check"), ""); err != nil {
		t.Fatal(err)
	}
	if err := save(9, 1, coach, "stale"); !errors.Is(err, rules.ErrConflict) {
		t.Fatalf("a stale version must conflict: %v", err)
	}
	if err := agg.Save(ctx, store.Saved{Kind: "thing", ID: "b", Region: "groningen", State: thing{ID: "b"},
		Outcome: commit.Outcome{Events: []commit.Event{{Type: "unrouted"}}}}); err == nil {
		t.Fatal("an event type without a topic was saved")
	}
	got, v, err := store.LoadAs[thing](ctx, agg, "thing", "a")
	if err != nil || v != 2 || got.Count != 2 || got.Tags[0] != "x" {
		t.Fatalf("load: %+v v%d %v", got, v, err)
	}
	page, err := agg.HistoryPage(ctx, []store.Ref{{Kind: "thing", ID: "a"}}, paging.Request{})
	h := page.Items
	if err != nil || len(h) != 2 || page.Next != "" || h[0].Subject != "thing/a" {
		t.Fatalf("history %+v %v", page, err)
	}
	if h[0].Actor != coach || h[0].Action != "thing.created" || h[1].Actor.Subject != "system:check" || h[1].Action != "thing.counted" {
		t.Fatalf("audit trail %+v", h)
	}
	many, err := store.LoadManyAs[thing](ctx, agg, "thing", []string{"a", "nope"})
	if err != nil || len(many) != 1 || many["a"].Count != 2 {
		t.Fatalf("load many: %v %v", many, err)
	}
}

// Concurrent writers of one version: exactly one wins, the rest conflict, and the view
// shows the winner.
func TestConcurrentSavesHaveOneWinner(t *testing.T) {
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "", nil)
	if err := saveThing(t, agg, thing{ID: "c"}, 0); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	winner, wins, conflicts := 0, 0, 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := saveThing(t, agg, thing{ID: "c", Count: i + 1}, 1)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
				winner = i + 1
			case errors.Is(err, rules.ErrConflict):
				conflicts++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, v, err := store.LoadAs[thing](context.Background(), agg, "thing", "c")
	if wins != 1 || conflicts != 7 || err != nil || v != 2 || got.Count != winner {
		t.Fatalf("wins=%d conflicts=%d view=%+v v%d %v", wins, conflicts, got, v, err)
	}
}

func TestPagesFollowTheIndexAndKeepTheirOrder(t *testing.T) {
	ctx := context.Background()
	db := database(t)
	s := newStore(t, db)
	agg := store.NewAggregates(s, "", nil)
	colours := []string{"red", "green", "blue"}
	for i := range 130 {
		if err := saveThing(t, agg, thing{ID: fmt.Sprintf("t%03d", i), Count: i, Colour: colours[i%3]}, 0); err != nil {
			t.Fatal(err)
		}
	}
	// A change later does not move an aggregate in the creation order.
	if err := saveThing(t, agg, thing{ID: "t000", Count: 1000, Colour: "red"}, 1); err != nil {
		t.Fatal(err)
	}
	var ids []string
	q := store.PageQuery{Region: "groningen", Request: paging.Request{Limit: 50}}
	pages := 0
	for {
		page, err := store.PageAs[thing](ctx, agg, "thing", q)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	if pages != 3 || len(ids) != 130 || ids[0] != "t000" || ids[129] != "t129" {
		t.Fatalf("%d pages, %d items, first %s", pages, len(ids), ids[0])
	}
	red, err := store.PageAs[thing](ctx, agg, "thing", store.PageQuery{Region: "groningen", Equals: map[string]any{"colour": "red", "even": true}, Request: paging.Request{Limit: 500}})
	if err != nil || len(red.Items) != 22 || red.Next != "" {
		t.Fatalf("red and even: %d items (want 22), next %q, %v", len(red.Items), red.Next, err)
	}
	// a count for a gauge: the same fields, the same index
	if n, err := agg.Count(ctx, "thing", store.PageQuery{Region: "groningen", Equals: map[string]any{"colour": "red", "even": true}}); err != nil || n != 22 {
		t.Fatalf("count of red and even: %d (want 22), %v", n, err)
	}
	// Changed since: oldest change first, so t000's change comes last.
	since, err := store.PageAs[thing](ctx, agg, "thing", store.PageQuery{Region: "groningen", Request: paging.Request{UpdatedSince: time.Now().Add(-time.Hour), Limit: 500}})
	if err != nil || since.Items[len(since.Items)-1].ID != "t000" {
		t.Fatalf("updated since: %v", err)
	}
	other, _ := store.PageAs[thing](ctx, agg, "thing", store.PageQuery{Region: "flevoland"})
	if len(other.Items) != 0 {
		t.Fatal("another region's aggregates listed")
	}
	if _, err := store.PageAs[thing](ctx, agg, "thing", store.PageQuery{Region: "groningen", Request: paging.Request{After: "not-a-cursor"}}); !errors.As(err, new(*rules.QueryError)) {
		t.Fatalf("a forged cursor: %v", err)
	}
	// Every read is index-backed: a page after a cursor, with and without filters, and a load.
	after := bson.D{{Key: "$gt", Value: "2000"}}
	for _, find := range []bson.D{
		{{Key: "find", Value: "view_thing"}, {Key: "filter", Value: bson.D{{Key: "region", Value: "groningen"}, {Key: "ord", Value: after}}}, {Key: "sort", Value: bson.D{{Key: "ord", Value: 1}}}, {Key: "limit", Value: 51}},
		{{Key: "find", Value: "view_thing"}, {Key: "filter", Value: bson.D{{Key: "region", Value: "groningen"}, {Key: "f.colour", Value: "red"}, {Key: "f.even", Value: true}, {Key: "ord", Value: after}}}, {Key: "sort", Value: bson.D{{Key: "ord", Value: 1}}}, {Key: "limit", Value: 51}},
		{{Key: "find", Value: "view_thing"}, {Key: "filter", Value: bson.D{{Key: "region", Value: "groningen"}, {Key: "f.colour", Value: "red"}, {Key: "uord", Value: after}}}, {Key: "sort", Value: bson.D{{Key: "uord", Value: 1}}}, {Key: "limit", Value: 51}},
		{{Key: "find", Value: "view_thing"}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "t007"}}}},
		{{Key: "find", Value: "commits"}, {Key: "filter", Value: bson.D{{Key: "pending", Value: true}}}, {Key: "sort", Value: bson.D{{Key: "pending", Value: 1}, {Key: "recordedAt", Value: 1}}}, {Key: "limit", Value: 500}},
		{{Key: "find", Value: "commits"}, {Key: "filter", Value: bson.D{{Key: "stream", Value: "thing/t007"}}}, {Key: "sort", Value: bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}}, {Key: "limit", Value: 51}},
		{{Key: "find", Value: "commits"}, {Key: "filter", Value: bson.D{{Key: "stream", Value: "thing/t007"}, {Key: "version", Value: bson.D{{Key: "$gt", Value: 3}}}}}, {Key: "sort", Value: bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}}, {Key: "limit", Value: 51}},
		// CausesApplied
		{{Key: "find", Value: "commits"}, {Key: "filter", Value: bson.D{{Key: "stream", Value: "thing/t007"}, {Key: "causes", Value: bson.D{{Key: "$in", Value: bson.A{"transfer:1", "transfer:2"}}}}, {Key: "version", Value: bson.D{{Key: "$lte", Value: 3}}}}}},
	} {
		if stages := planStages(t, db, find); fmt.Sprint(stages) != "[IXSCAN]" {
			t.Errorf("%v: plan %v, want an index scan without sorting", find, stages)
		}
	}
}

// A writer that dies between its commit and its view leaves the view behind; the relay
// and the next writer repair it from the log.
func TestViewsAreRepairedFromTheLog(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "", nil)
	if err := saveThing(t, agg, thing{ID: "r", Count: 1}, 0); err != nil {
		t.Fatal(err)
	}
	if err := agg.CommitOnly(ctx, store.Saved{Kind: "thing", ID: "r", Region: "groningen", State: thing{ID: "r", Count: 2}, Outcome: commit.Outcome{Version: 1}}); err != nil {
		t.Fatal(err)
	}
	if got, v, _ := store.LoadAs[thing](ctx, agg, "thing", "r"); v != 1 || got.Count != 1 {
		t.Fatalf("the view should still show version 1: v%d", v)
	}
	// The next writer loads version 1, conflicts, and finds the view repaired on retry.
	err := optimistic.Retry(ctx, func() error {
		cur, v, err := store.LoadAs[thing](ctx, agg, "thing", "r")
		if err != nil {
			return err
		}
		cur.Count += 10
		return saveThing(t, agg, *cur, v)
	})
	if got, v, _ := store.LoadAs[thing](ctx, agg, "thing", "r"); err != nil || v != 3 || got.Count != 12 {
		t.Fatalf("after retry: %+v v%d %v", got, v, err)
	}
	// A new aggregate whose first view write never happened (its process or store went away
	// between commit and view): the first read shows it, so a client told it was made can
	// use it at once (a work coach enrolling the participant just registered) ...
	if err := agg.CommitOnly(ctx, store.Saved{Kind: "thing", ID: "made", Region: "groningen", State: thing{ID: "made", Count: 7}}); err != nil {
		t.Fatal(err)
	}
	if got, v, err := store.LoadAs[thing](ctx, agg, "thing", "made"); err != nil || v != 1 || got.Count != 7 {
		t.Fatalf("a made aggregate whose view was never written: %+v v%d %v", got, v, err)
	}
	if _, _, err := store.LoadAs[thing](ctx, agg, "thing", "never"); !errors.Is(err, rules.ErrNotFound) {
		t.Fatalf("an aggregate never made: %v", err)
	}
	// ... and the relay shows one nobody asked for.
	if err := agg.CommitOnly(ctx, store.Saved{Kind: "thing", ID: "lost", Region: "groningen", State: thing{ID: "lost", Count: 5}}); err != nil {
		t.Fatal(err)
	}
	relay := s.NewRelay(nopPublisher{}, store.RelayConfig{Slot: time.Second})
	waitFor(t, "the relay to repair the view", func() bool {
		_, _ = relay.Round(ctx)
		n, err := s.DB().Collection("view_thing").CountDocuments(ctx, bson.D{{Key: "_id", Value: "lost"}})
		return err == nil && n == 1 // the view itself, as lists read it
	})
}

// A changed view definition is rebuilt from the log at start: new fields become filterable
// and the creation order stays.
func TestChangedViewsAreRebuiltAtStart(t *testing.T) {
	ctx := context.Background()
	db := database(t)
	agg := store.NewAggregates(newStore(t, db), "", nil)
	for i := range 12 {
		if err := saveThing(t, agg, thing{ID: fmt.Sprintf("b%02d", i), Count: i, Colour: "red"}, 0); err != nil {
			t.Fatal(err)
		}
		if err := saveThing(t, agg, thing{ID: fmt.Sprintf("b%02d", i), Count: i * 10, Colour: "red"}, 1); err != nil {
			t.Fatal(err)
		}
	}
	v2 := store.NewView("thing", 2, store.Itself[thing](), func(t *thing) store.Fields {
		return store.Fields{"colour": t.Colour, "big": t.Count >= 50}
	}, []string{"big"})
	agg = store.NewAggregates(newStore(t, db, v2), "", nil)
	page, err := store.PageAs[thing](ctx, agg, "thing", store.PageQuery{Region: "groningen", Equals: map[string]any{"big": true}})
	if err != nil || len(page.Items) != 7 || page.Items[0].ID != "b05" || page.Items[6].ID != "b11" {
		t.Fatalf("rebuilt view: %+v %v", page.Items, err)
	}
	got, v, err := store.LoadAs[thing](ctx, agg, "thing", "b03")
	if err != nil || v != 2 || got.Count != 30 {
		t.Fatalf("rebuilt state: %+v v%d %v", got, v, err)
	}
}

func TestInsertFactsCountsEachEffectOnce(t *testing.T) {
	coll := database(t).Collection("facts")
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

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// With the broker's limit and the schemas known, a change whose event could not be published
// is refused as invalid input, and nothing is committed.
func TestSaveRefusesEventsThatCouldNotBePublished(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	s.CheckEvents(thingValidator{}, 10_000)
	agg := store.NewAggregates(s, "", map[string]string{"thing.counted": "things.v1", "thing.broken": "things.v1"})
	save := func(typ string, data any) error {
		return agg.Save(ctx, store.Saved{Kind: "thing", ID: "x", Region: "groningen", State: thing{ID: "x"},
			Outcome: commit.Outcome{Events: []commit.Event{{Type: typ, Key: "x", Data: data}}}})
	}
	var invalid *rules.ValidationError
	if err := save("thing.counted", map[string]string{"blob": strings.Repeat("x", 20_000)}); !errors.As(err, &invalid) || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("an oversize event: %v", err)
	}
	if err := save("thing.broken", map[string]int{"n": 1}); !errors.As(err, &invalid) || !strings.Contains(err.Error(), "missing property name") {
		t.Fatalf("a schema-invalid event: %v", err)
	}
	if h, err := agg.HistoryPage(ctx, []store.Ref{{Kind: "thing", ID: "x"}}, paging.Request{}); err != nil || len(h.Items) != 0 {
		t.Fatalf("a refused change was committed: %+v %v", h, err)
	}
	if err := save("thing.broken", map[string]string{"name": "ok"}); err != nil {
		t.Fatal(err)
	}
}

// An audit trail of several aggregates pages through their merged changes in time order,
// each change once, however the pages fall.
func TestHistoryPagesThroughMergedStreams(t *testing.T) {
	ctx := context.Background()
	agg := store.NewAggregates(newStore(t, database(t)), "groningen.", nil)
	for round := range 4 {
		for _, id := range []string{"b", "a", "c"} {
			if err := agg.Save(ctx, store.Saved{Kind: "thing", ID: id, Region: "groningen", State: thing{ID: id, Count: round},
				Outcome: commit.Outcome{Version: round, Actor: commit.System("test"), Action: fmt.Sprintf("round %d", round)}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	refs := []store.Ref{{Kind: "thing", ID: "a"}, {Kind: "thing", ID: "b"}, {Kind: "thing", ID: "c"}}
	whole, err := agg.HistoryPage(ctx, refs, paging.Request{Limit: 100})
	if err != nil || len(whole.Items) != 12 || whole.Next != "" {
		t.Fatalf("whole trail: %d items, next %q, %v", len(whole.Items), whole.Next, err)
	}
	for _, limit := range []int{1, 2, 5, 11} {
		var got []store.HistoryEntry
		page := paging.Request{Limit: limit}
		for pages := 0; ; pages++ {
			p, err := agg.HistoryPage(ctx, refs, page)
			if err != nil || pages > 12 {
				t.Fatalf("limit %d: %v after %d pages", limit, err, pages)
			}
			got = append(got, p.Items...)
			if p.Next == "" {
				break
			}
			page.After = p.Next
		}
		if len(got) != len(whole.Items) {
			t.Fatalf("limit %d: %d changes, want %d", limit, len(got), len(whole.Items))
		}
		for i := range got {
			if got[i] != whole.Items[i] {
				t.Fatalf("limit %d: change %d is %+v, want %+v", limit, i, got[i], whole.Items[i])
			}
		}
	}
	for i := 1; i < len(whole.Items); i++ {
		if whole.Items[i].At.Before(whole.Items[i-1].At) {
			t.Fatalf("out of time order at %d: %+v", i, whole.Items)
		}
	}
	if _, err := agg.HistoryPage(ctx, refs, paging.Request{After: "not-a-cursor!"}); !errors.Is(err, store.ErrBadCursor) {
		t.Fatalf("a bad cursor: %v", err)
	}
}
