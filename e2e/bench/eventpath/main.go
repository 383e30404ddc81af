// Command eventpath measures the kit's event path on this machine: consume -> prove the
// sender's signature -> validate against the JSON Schema -> exactly-once fact insert
// (InsertMany, duplicate = done) -> commit, in events per second, beside the raw ceilings of the same run: consuming the same
// messages from Kafka alone, and inserting the same documents into MongoDB alone.
//
//	go run ./e2e/bench/eventpath -n 20000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/store"
)

const eventType = "nl.werkregio.procurement.contract.suspended.v1"

func main() {
	n := flag.Int("n", 20000, "events per measurement")
	batch := flag.Int("batch", 500, "consumer batch size and InsertMany size")
	flag.Parse()
	if err := run(*n, *batch); err != nil {
		fmt.Fprintln(os.Stderr, "eventpath:", err)
		os.Exit(1)
	}
}

func payload(i int) []byte {
	return fmt.Appendf(nil, `{"contractId":"ctr.sch-1.12345678.%d","number":"OH-1/12345678/%d","schemeId":"sch-1","region":"groningen","providerKvk":"12345678","reason":"VCA verlopen","at":"2026-11-24T10:00:00Z"}`, i, i)
}

func run(n, batch int) error {
	infra, err := kittest.Start("")
	if err != nil {
		return err
	}
	defer infra.Stop()
	ctx := context.Background()
	brokers := []string{infra.Kafka}
	topic := fmt.Sprintf("bench.eventpath.%d", time.Now().UnixNano())
	if err := messaging.EnsureTopics(ctx, brokers, messaging.NewTransport(), []messaging.TopicSpec{
		{Name: topic, Partitions: 3, ReplicationFactor: 1}, {Name: messaging.DeadLetterTopic(topic), Partitions: 1, ReplicationFactor: 1},
	}); err != nil {
		return err
	}
	schemas := contracts.MustEventSchemas()
	// signed as procurement signs its events, and proven as its consumers prove them
	prod := messaging.NewProducer(messaging.ProducerConfig{Brokers: brokers, Transport: messaging.NewTransport(), Source: "/bench",
		SigningKey: kittest.ServiceKey(kittest.Region, "procurement")})
	trusted, err := messaging.ParsePublicKeys([]byte(kittest.EventKeys()))
	if err != nil {
		return err
	}
	defer prod.Close()
	fmt.Printf("producing %d events...\n", n)
	for i := 0; i < n; i += 1000 {
		var evs []messaging.Event
		for j := i; j < min(i+1000, n); j++ {
			evs = append(evs, messaging.Event{ID: fmt.Sprintf("e-%d", j), Type: eventType, Time: time.Now(), Key: fmt.Sprintf("ctr-%d", j%97), Data: payload(j)})
		}
		if err := prod.Publish(ctx, topic, evs...); err != nil {
			return err
		}
	}

	// 1. Kafka alone: group consume and commit per batch, nothing else.
	kafkaRate, err := consumeOnly(ctx, brokers, topic, n, batch)
	if err != nil {
		return err
	}

	client, err := store.Connect(ctx, infra.MongoURI, nil)
	if err != nil {
		return err
	}
	defer func() { _ = client.Disconnect(ctx) }()
	db := client.Database("bench")

	// 2. MongoDB alone: InsertMany of the same documents, same batch size.
	coll := db.Collection(fmt.Sprintf("raw%d", time.Now().UnixNano()))
	start := time.Now()
	for i := 0; i < n; i += batch {
		docs := make([]any, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("e-%d", j)}, {Key: "data", Value: string(payload(j))}})
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			return err
		}
	}
	mongoRate := float64(n) / time.Since(start).Seconds()

	// 3. The kit's event path: validate, insert facts, commit.
	facts := db.Collection(fmt.Sprintf("facts%d", time.Now().UnixNano()))
	var done atomic.Int64
	finished := make(chan struct{})
	c, err := messaging.NewConsumer(messaging.FastTimings(messaging.ConsumerConfig{
		Brokers: brokers, GroupID: "bench-path", Topics: []string{topic}, Validator: schemas, DeadLetters: prod, MaxBatch: batch,
		Origin: func(m kafka.Message) (string, error) { return messaging.VerifyOrigin(m, trusted) },
		Handler: func(ctx context.Context, msgs []messaging.Message) error {
			docs := make([]any, len(msgs))
			for i, m := range msgs {
				docs[i] = bson.D{{Key: "_id", Value: m.ID}, {Key: "data", Value: string(m.Data)}}
			}
			if _, err := store.InsertFacts(ctx, facts, docs); err != nil {
				return err
			}
			if done.Add(int64(len(msgs))) >= int64(n) {
				select {
				case finished <- struct{}{}:
				default:
				}
			}
			return nil
		},
	}))
	if err != nil {
		return err
	}
	cctx, cancel := context.WithCancel(ctx)
	start = time.Now()
	go func() { _ = c.Run(cctx) }()
	<-finished
	pathRate := float64(n) / time.Since(start).Seconds()
	cancel()
	if cnt, _ := facts.CountDocuments(ctx, bson.D{}); cnt != int64(n) {
		return fmt.Errorf("event path stored %d facts, want %d", cnt, n)
	}

	fmt.Printf("\n%-46s %10s %8s\n", "measurement ("+fmt.Sprint(n)+" events, batch "+fmt.Sprint(batch)+")", "events/s", "ratio")
	fmt.Printf("%-46s %10.0f %8s\n", "kfake consume + commit alone", kafkaRate, "1.00")
	fmt.Printf("%-46s %10.0f %8s\n", "embedded MongoDB InsertMany alone", mongoRate, "1.00")
	fmt.Printf("%-46s %10.0f %8.2f of Kafka, %.2f of MongoDB\n", "event path: consume+prove+validate+insert+commit", pathRate, pathRate/kafkaRate, pathRate/mongoRate)
	return nil
}

func consumeOnly(ctx context.Context, brokers []string, topic string, n, batch int) (float64, error) {
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: "bench-raw", GroupTopics: []string{topic}, MinBytes: 1, MaxBytes: 10 << 20,
		MaxWait: 100 * time.Millisecond, HeartbeatInterval: 500 * time.Millisecond, SessionTimeout: 6 * time.Second, RebalanceTimeout: 5 * time.Second, StartOffset: kafka.FirstOffset})
	defer r.Close()
	var start time.Time
	pending := make([]kafka.Message, 0, batch)
	for got := 0; got < n; {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return 0, err
		}
		if got == 0 {
			start = time.Now()
		}
		got++
		pending = append(pending, m)
		if len(pending) == batch || got == n {
			if err := r.CommitMessages(ctx, pending...); err != nil {
				return 0, err
			}
			pending = pending[:0]
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
