package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
)

// measureRelay writes n commits with one event each, then measures InsertMany of copies of
// those very documents into a collection with the same indexes (the store's ceiling for
// them) and the relay draining the originals to Kafka.
func (b *bench) measureRelay(ctx context.Context, n int) (relayRate, ceilingRate float64, err error) {
	db := b.mongo.Database("relay-bench")
	view := store.NewView[map[string]any]("bench", 1, nil)
	s := store.New(db, nil, view)
	if err := s.Prepare(ctx); err != nil {
		return 0, 0, err
	}
	topic := "bench.relay.things.v1"
	if err := messaging.EnsureTopics(ctx, []string{b.infra.Kafka}, messaging.NewTransport(), []messaging.TopicSpec{{Name: topic, Partitions: 3, ReplicationFactor: 1}}); err != nil {
		return 0, 0, err
	}
	agg := store.NewAggregates(s, "", map[string]string{"bench.counted": topic})
	fmt.Printf("\nwriting %d commits for the relay...\n", n)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				id := fmt.Sprintf("thing-%06d", i)
				state := map[string]any{"id": id, "n": i, "note": strings.Repeat("werkregio ", 60)}
				err := agg.Save(ctx, store.Saved{Kind: "bench", ID: id, Region: "groningen", State: state, Outcome: rules.Outcome{
					Events: []rules.Event{{Type: "bench.counted", Key: id, Data: map[string]any{"id": id, "n": i, "note": strings.Repeat("x", 200)}}}}})
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
	for _, ix := range []bson.D{{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}, {{Key: "pending", Value: 1}, {Key: "recordedAt", Value: 1}}, {{Key: "parkedAt", Value: 1}}} {
		if _, err := ceiling.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix}); err != nil {
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

	// The relay, holding the lease, until nothing is pending.
	prod := messaging.NewProducer(messaging.ProducerConfig{Brokers: []string{b.infra.Kafka}, Transport: messaging.NewTransport(), Source: "/bench"})
	defer prod.Close()
	relay := s.NewRelay(prod, store.RelayConfig{BatchSize: 500, Slot: time.Minute})
	pending := func() int64 {
		left, _ := db.Collection("commits").CountDocuments(ctx, bson.D{{Key: "pending", Value: true}})
		return left
	}
	for pending() == int64(n) { // a fresh relay waits a moment into its first lease slot
		if _, err := relay.Round(ctx); err != nil {
			return 0, 0, err
		}
		time.Sleep(10 * time.Millisecond)
	}
	before := pending()
	start = time.Now()
	for {
		full, err := relay.Round(ctx)
		if err != nil {
			return 0, 0, err
		}
		if !full {
			break
		}
	}
	elapsed := time.Since(start)
	if left := pending(); left != 0 {
		return 0, 0, fmt.Errorf("the relay left %d commits pending", left)
	}
	relayRate = float64(before) / elapsed.Seconds()
	return relayRate, ceilingRate, nil
}
