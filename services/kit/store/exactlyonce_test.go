package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
)

// Each cause applied to an aggregate once, however many writers deliver it at once: the
// writer loads the aggregate, asks HasCause at the version it loaded, and saves with that
// version. Ten causes, each delivered by four writers at the same moment, add up to ten.
func TestEachCauseIsAppliedOnceByConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "", nil)
	if err := saveThing(t, agg, thing{ID: "budget"}, 0); err != nil {
		t.Fatal(err)
	}
	apply := func(cause string) error {
		return optimistic.Retry(ctx, func() error {
			th, v, err := store.LoadAs[thing](ctx, agg, "thing", "budget")
			if err != nil {
				return err
			}
			done, err := agg.HasCause(ctx, "thing", "budget", "cause:"+cause, v)
			if err != nil || done {
				return err
			}
			th.Count++
			return agg.Save(ctx, store.Saved{Kind: "thing", ID: "budget", Region: "groningen", State: th,
				Outcome: commit.Outcome{Version: v, Actor: commit.System("test"), Action: "applied", Causes: []string{"cause:" + cause}}})
		})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []error
	for c := range 10 {
		for range 4 {
			wg.Go(func() {
				for {
					err := apply(fmt.Sprint(c))
					if errors.Is(err, rules.ErrConflict) {
						continue // more contention than Retry's five attempts: deliver again
					}
					if err != nil {
						mu.Lock()
						failed = append(failed, err)
						mu.Unlock()
					}
					return
				}
			})
		}
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Fatal(failed[0])
	}
	th, v, err := store.LoadAs[thing](ctx, agg, "thing", "budget")
	if err != nil || th.Count != 10 || v != 11 {
		t.Fatalf("count %d at version %d (%v): want 10 causes applied once each", th.Count, v, err)
	}
	if done, _ := agg.HasCause(ctx, "thing", "budget", "cause:3", 1); done {
		t.Error("a cause is seen at a version before it was applied")
	}
}

// SaveMany writes many aggregates' changes in two round trips; a change whose version was
// taken is reported and not saved, the others are saved and shown in their views.
func TestSaveManyReportsEachConflictAndSavesTheRest(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "", nil)
	if err := saveThing(t, agg, thing{ID: "b", Count: 1}, 0); err != nil {
		t.Fatal(err)
	}
	saves := []store.Saved{
		{Kind: "thing", ID: "a", Region: "groningen", State: &thing{ID: "a", Count: 1, Colour: "red"}, Outcome: commit.Outcome{Actor: commit.System("test"), Action: "new"}},
		{Kind: "thing", ID: "b", Region: "groningen", State: &thing{ID: "b", Count: 9}, Outcome: commit.Outcome{Version: 0, Actor: commit.System("test"), Action: "stale"}},
		{Kind: "thing", ID: "c", Region: "groningen", State: &thing{ID: "c", Count: 3, Colour: "red"}, Outcome: commit.Outcome{Actor: commit.System("test"), Action: "new"}},
	}
	conflicts, err := agg.SaveMany(ctx, saves)
	if err != nil {
		t.Fatal(err)
	}
	if len(conflicts) != 1 || !errors.Is(conflicts[1], rules.ErrConflict) {
		t.Fatalf("conflicts %v, want the stale change of b", conflicts)
	}
	for id, want := range map[string]int{"a": 1, "b": 1, "c": 3} {
		th, v, err := store.LoadAs[thing](ctx, agg, "thing", id)
		if err != nil || th.Count != want || v != 1 {
			t.Errorf("%s: %v at version %d (%v), want count %d at 1", id, th, v, err, want)
		}
	}
	red, err := store.PageAs[thing](ctx, agg, "thing", store.PageQuery{Region: "groningen", Equals: map[string]any{"colour": "red"}})
	if err != nil || len(red.Items) != 2 {
		t.Fatalf("the views list %d red things (%v), want 2", len(red.Items), err)
	}
}
