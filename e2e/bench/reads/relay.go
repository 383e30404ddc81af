package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/store"
)

// relayRound is one measurement of the event path.
type relayRound struct{ relay, ceiling float64 }

func (r relayRound) ratio() float64 { return r.relay / r.ceiling }

// measureRelay measures the event path in rounds (each on a database of its own) and
// returns them ordered by ratio: a shared 2-core machine moves single figures by a fifth,
// the median of three much less.
func (b *bench) measureRelay(ctx context.Context, n, rounds int) ([]relayRound, error) {
	var out []relayRound
	for i := range rounds {
		relay, ceiling, err := b.relayRound(ctx, fmt.Sprintf("relay-bench-%d", i), n)
		if err != nil {
			return nil, err
		}
		fmt.Printf("  round %d: relay %.0f commits/s, ceiling %.0f commits/s, %.2f\n", i+1, relay, ceiling, relay/ceiling)
		out = append(out, relayRound{relay, ceiling})
	}
	slices.SortFunc(out, func(a, b relayRound) int { return cmp.Compare(a.ratio(), b.ratio()) })
	return out, nil
}

// relayRound writes n commits with one event each, then measures InsertMany of copies of
// those very documents into a collection with the same indexes (the store's ceiling for
// them) and the relay following the log and publishing them to Kafka (after its first
// batch, which waits for the lease).
func (b *bench) relayRound(ctx context.Context, name string, n int) (relayRate, ceilingRate float64, err error) {
	db := b.mongo.Database(name)
	view := store.NewView("bench", 1, store.Itself[map[string]any](), nil)
	s := store.New(db, nil, view)
	if err := s.Prepare(ctx); err != nil {
		return 0, 0, err
	}
	topic := "bench.relay.things.v1"
	if err := messaging.EnsureTopics(ctx, []string{b.infra.Kafka}, messaging.NewTransport(), []messaging.TopicSpec{{Name: topic, Partitions: 3, ReplicationFactor: 1}}); err != nil {
		return 0, 0, err
	}
	agg := store.NewAggregates(s, "", map[string]string{"bench.counted": topic})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				id := fmt.Sprintf("thing-%06d", i)
				state := map[string]any{"id": id, "n": i, "note": strings.Repeat("werkregio ", 60)}
				err := agg.Save(ctx, store.Saved{Kind: "bench", ID: id, Region: "groningen", State: state, Outcome: commit.Outcome{
					Events: []commit.Event{{Type: "bench.counted", Key: id, Data: map[string]any{"id": id, "n": i, "note": strings.Repeat("x", 200)}}}}})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, 0, err
	}

	// The ceiling: the same documents, InsertMany in batches of 500.
	cur, err := db.Collection("commits").Find(ctx, bson.D{})
	if err != nil {
		return 0, 0, err
	}
	var docs []bson.D
	if err := cur.All(ctx, &docs); err != nil {
		return 0, 0, err
	}
	ceiling := db.Collection("ceiling")
	for _, ix := range store.CommitIndexes {
		if _, err := ceiling.Indexes().CreateOne(ctx, ix.Model); err != nil {
			return 0, 0, err
		}
	}
	start := time.Now()
	for i := 0; i < len(docs); i += 500 {
		batch := make([]any, 0, 500)
		for _, d := range docs[i:min(i+500, len(docs))] {
			batch = append(batch, d)
		}
		if _, err := ceiling.InsertMany(ctx, batch); err != nil {
			return 0, 0, err
		}
	}
	ceilingRate = float64(len(docs)) / time.Since(start).Seconds()

	prod := messaging.NewProducer(messaging.ProducerConfig{Brokers: []string{b.infra.Kafka}, Transport: messaging.NewTransport(), Source: "/bench"})
	defer prod.Close()
	relay := s.NewRelay(prod, store.RelayConfig{Slot: time.Minute}) // default batch size
	for relay.Relayed() == 0 {                                      // a fresh relay waits a moment into its first lease slot
		if _, err := relay.Round(ctx); err != nil {
			return 0, 0, err
		}
	}
	// The relay, holding the lease, until it has finished every commit.
	first := relay.Relayed()
	start = time.Now()
	for relay.Relayed() < int64(n) {
		if _, err := relay.Round(ctx); err != nil {
			return 0, 0, err
		}
	}
	relayRate = float64(int64(n)-first) / time.Since(start).Seconds()
	return relayRate, ceilingRate, nil
}
