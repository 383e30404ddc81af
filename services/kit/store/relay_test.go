package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/store"
)

type nopPublisher struct{}

func (nopPublisher) PublishBatch(_ context.Context, out []messaging.Outbound) []error {
	return make([]error, len(out))
}

// recorder is an in-memory publisher for the relay's own logic; the Kafka tests below use
// the real producer.
type recorder struct {
	mu     sync.Mutex
	events []messaging.Event
	down   bool
}

func (r *recorder) PublishBatch(_ context.Context, out []messaging.Outbound) []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	errs := make([]error, len(out))
	for i, o := range out {
		if r.down {
			errs[i] = errors.New("broker unreachable")
			continue
		}
		r.events = append(r.events, o.Event)
	}
	return errs
}

func countEvents(t *testing.T, agg *store.Aggregates, id string, from, to int) {
	t.Helper()
	for v := from; v < to; v++ {
		err := agg.Save(context.Background(), store.Saved{Kind: "thing", ID: id, Region: "groningen", State: thing{ID: id, Count: v},
			Outcome: commit.Outcome{Version: v, Events: []commit.Event{{Type: "thing.counted", Key: id, Data: map[string]int{"n": v}}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Events leave in version order with their aggregate's version as the CloudEvents
// sequence; while the broker is down nothing is lost or parked, only delayed.
func TestRelayPublishesInOrderAndAtLeastOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "", map[string]string{"thing.counted": "things.v1"})
	countEvents(t, agg, "o", 0, 3)
	pub := &recorder{down: true}
	relay := s.NewRelay(pub, store.RelayConfig{Slot: time.Second})
	waitFor(t, "the lease", func() bool {
		_, err := relay.Round(ctx)
		return err != nil // the round got the lease and met the broker down
	})
	if parked, _ := s.Parked(ctx, 10); len(parked) != 0 {
		t.Fatalf("an unreachable broker parked events: %+v", parked)
	}
	pub.mu.Lock()
	pub.down = false
	pub.mu.Unlock()
	waitFor(t, "three events", func() bool {
		_, _ = relay.Round(ctx)
		pub.mu.Lock()
		defer pub.mu.Unlock()
		return len(pub.events) == 3
	})
	_, _ = relay.Round(ctx)
	for i, e := range pub.events {
		if e.ID != fmt.Sprintf("thing/o@%d#0", i+1) || e.Sequence != i+1 {
			t.Errorf("event %d is %s (sequence %d)", i, e.ID, e.Sequence)
		}
	}
	if len(pub.events) != 3 {
		t.Fatalf("published again after marking: %d events", len(pub.events))
	}
}

// kafkaRelay is a relay on the real producer against the embedded broker.
type kafkaFixture struct {
	broker, topic string
	store         *store.Store
	agg           *store.Aggregates
}

func newKafkaFixture(t *testing.T) kafkaFixture {
	infra := kittest.Shared(t)
	topic := fmt.Sprintf("t%d.things.v1", time.Now().UnixNano())
	kittest.CreateTopics(t, infra.Kafka, topic)
	s := newStore(t, database(t))
	return kafkaFixture{broker: infra.Kafka, topic: topic, store: s,
		agg: store.NewAggregates(s, "", map[string]string{"thing.counted": topic, "thing.broken": topic})}
}

func (f kafkaFixture) producer(t *testing.T, v messaging.Validator, maxBytes int) *messaging.Producer {
	p := messaging.NewProducer(messaging.ProducerConfig{Brokers: []string{f.broker}, Transport: messaging.NewTransport(), Validator: v, MaxMessageBytes: maxBytes})
	t.Cleanup(func() { p.Close() })
	return p
}

// thingValidator stands for the JSON Schemas: thing.broken must carry a name.
type thingValidator struct{ lenient bool }

func (v thingValidator) Validate(typ string, data []byte) error {
	var d struct{ Name *string }
	_ = json.Unmarshal(data, &d)
	if typ == "thing.broken" && d.Name == nil && !v.lenient {
		return errors.New("at /: missing property name")
	}
	return nil
}

func (f kafkaFixture) save(t *testing.T, id, typ string, data any) {
	t.Helper()
	if err := f.agg.Save(context.Background(), store.Saved{Kind: "thing", ID: id, Region: "groningen", State: thing{ID: id},
		Outcome: commit.Outcome{Events: []commit.Event{{Type: typ, Key: id, Data: data}}}}); err != nil {
		t.Fatal(err)
	}
}

func received(t *testing.T, f kafkaFixture, want int) []kafka.Message {
	return kittest.ReadUntil(t, f.broker, f.topic, 20*time.Second, func(ms []kafka.Message) bool { return len(ms) >= want })
}

// An oversize event and a schema-invalid one between two good ones: the good ones arrive,
// the bad ones are parked with their reasons and listed, and after a fix they are
// republished.
func TestUnpublishableEventsAreParkedAndTheRestFlow(t *testing.T) {
	ctx := context.Background()
	f := newKafkaFixture(t)
	f.save(t, "first", "thing.counted", map[string]int{"n": 1})
	f.save(t, "huge", "thing.counted", map[string]string{"blob": strings.Repeat("x", 30_000)})
	f.save(t, "invalid", "thing.broken", map[string]int{"n": 3})
	f.save(t, "last", "thing.counted", map[string]int{"n": 4})

	relay := f.store.NewRelay(f.producer(t, thingValidator{}, 20_000), store.RelayConfig{Slot: time.Second})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { relay.Run(rctx); close(done) }()
	msgs := received(t, f, 2)
	var keys []string
	for _, m := range msgs {
		keys = append(keys, string(m.Key))
	}
	if len(msgs) != 2 || !strings.Contains(fmt.Sprint(keys), "first") || !strings.Contains(fmt.Sprint(keys), "last") {
		t.Fatalf("received %v, want first and last", keys)
	}
	var parked []store.ParkedCommit
	waitFor(t, "two parked commits", func() bool {
		parked, _ = f.store.Parked(ctx, 10)
		return len(parked) == 2
	})
	reasons := map[string]string{}
	for _, p := range parked {
		reasons[p.Stream] = p.Parking.Reason
		if p.Parking.Retry {
			t.Errorf("%s is retried automatically, but only a fix can help it", p.Stream)
		}
	}
	if !strings.Contains(reasons["thing/huge"], "larger than the broker accepts") || !strings.Contains(reasons["thing/invalid"], "breaks its schema") {
		t.Fatalf("reasons: %v", reasons)
	}
	stop()
	<-done

	// The fix: a broker that takes larger messages and a corrected schema.
	relay = f.store.NewRelay(f.producer(t, thingValidator{lenient: true}, 1_000_000), store.RelayConfig{Slot: time.Second})
	for _, p := range parked {
		if err := f.store.Republish(ctx, p.Commit, "admin@test"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the republished events", func() bool {
		_, _ = relay.Round(ctx)
		left, _ := f.store.Parked(ctx, 10)
		return len(left) == 0
	})
	if msgs := received(t, f, 4); len(msgs) != 4 {
		t.Fatalf("after republishing: %d messages", len(msgs))
	}
	if err := f.store.Republish(ctx, "thing/none@0000000001", "admin@test"); !errors.Is(err, store.ErrNotParked) {
		t.Fatalf("republish of a commit that is not parked: %v", err)
	}
}

// Two replicas' relays run at once on one store: each aggregate's events still leave in
// version order, because one relay at a time holds the lease.
func TestTwoRelaysKeepEachAggregatesOrder(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newKafkaFixture(t)
	var wg sync.WaitGroup
	for range 2 {
		r := f.store.NewRelay(f.producer(t, nil, 0), store.RelayConfig{Interval: 5 * time.Millisecond, BatchSize: 7, Slot: 600 * time.Millisecond})
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(ctx) }()
	}
	const streams, versions = 6, 40
	var writers sync.WaitGroup
	for s := range streams {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for v := range versions {
				countEvents(t, f.agg, fmt.Sprintf("s%d", s), v, v+1)
				time.Sleep(time.Duration(s+1) * time.Millisecond)
			}
		}()
	}
	writers.Wait()
	msgs := received(t, f, streams*versions)
	cancel()
	wg.Wait()
	// A relay whose lease ended during a produce call may have sent part of it: the next
	// one sends that again (at least once). What must never happen is a version arriving
	// for the first time after a later one.
	last := map[string]int{}
	seen := map[string]bool{}
	for _, m := range msgs {
		seq, _ := strconv.Atoi(kittest.Header(m, messaging.HeaderSequence))
		id := fmt.Sprintf("%s@%d", m.Key, seq)
		if seq < last[string(m.Key)] && !seen[id] {
			t.Fatalf("%s: version %d arrived first after version %d", m.Key, seq, last[string(m.Key)])
		}
		seen[id] = true
		last[string(m.Key)] = max(last[string(m.Key)], seq)
	}
	if len(last) != streams {
		t.Fatalf("streams seen: %v", last)
	}
}

// drain runs rounds until the publisher holds want events.
func drain(t *testing.T, relay *store.Relay, pub *recorder, want int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d events", want), func() bool {
		_, _ = relay.Round(context.Background())
		pub.mu.Lock()
		defer pub.mu.Unlock()
		return len(pub.events) >= want
	})
}

func eventIDs(pub *recorder) map[string]int {
	pub.mu.Lock()
	defer pub.mu.Unlock()
	ids := map[string]int{}
	for _, e := range pub.events {
		ids[e.ID]++
	}
	return ids
}

// A relay that dies after publishing but before saving its position: the next one starts
// from the position saved before and publishes that batch again (at least once); what it
// saved is never published twice.
func TestARelayThatDiesRepublishesOnlyItsLastBatch(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "", map[string]string{"thing.counted": "things.v1"})
	countEvents(t, agg, "a", 0, 4)
	first := &recorder{}
	dying := s.NewRelay(first, store.RelayConfig{Slot: time.Second})
	drain(t, dying, first, 4)
	meta := s.DB().Collection("store_meta")
	var saved bson.M
	if err := meta.FindOne(ctx, bson.D{{Key: "_id", Value: "relay:progress"}}).Decode(&saved); err != nil {
		t.Fatal(err)
	}
	// The relay publishes versions 5 and 6, then dies before its position is saved.
	countEvents(t, agg, "a", 4, 6)
	drain(t, dying, first, 6)
	if _, err := meta.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "relay:progress"}}, saved); err != nil {
		t.Fatal(err)
	}
	second := &recorder{}
	relay := s.NewRelay(second, store.RelayConfig{Slot: time.Second})
	drain(t, relay, second, 2)
	if ids := eventIDs(second); len(ids) != 2 || ids["thing/a@5#0"] != 1 || ids["thing/a@6#0"] != 1 {
		t.Fatalf("the second relay published %v, want versions 5 and 6 only", ids)
	}
	// It saved its position: a third relay publishes nothing old.
	_, _ = relay.Round(ctx)
	third := &recorder{}
	relay3 := s.NewRelay(third, store.RelayConfig{Slot: time.Second})
	countEvents(t, agg, "a", 6, 7)
	drain(t, relay3, third, 1)
	if ids := eventIDs(third); len(ids) != 1 || ids["thing/a@7#0"] != 1 {
		t.Fatalf("after a saved position the relay published %v, want version 7 only", ids)
	}
}

// A log written before the relay had a position (a store of an earlier version): Prepare
// asks for a scan, and the relay publishes every commit of it, in order, then follows.
func TestALogWithoutAPositionIsPublishedByTime(t *testing.T) {
	ctx := context.Background()
	db := database(t)
	s := newStore(t, db)
	agg := store.NewAggregates(s, "", map[string]string{"thing.counted": "things.v1"})
	countEvents(t, agg, "b", 0, 3)
	if _, err := db.Collection("store_meta").DeleteOne(ctx, bson.D{{Key: "_id", Value: "relay:progress"}}); err != nil {
		t.Fatal(err)
	}
	s = newStore(t, db) // Prepare again: commits but no position
	agg = store.NewAggregates(s, "", map[string]string{"thing.counted": "things.v1"})
	pub := &recorder{}
	relay := s.NewRelay(pub, store.RelayConfig{Slot: time.Second})
	drain(t, relay, pub, 3)
	countEvents(t, agg, "b", 3, 4)
	drain(t, relay, pub, 4)
	for i, e := range pub.events {
		if e.Sequence != i+1 {
			t.Fatalf("event %d has version %d: %v", i, e.Sequence, eventIDs(pub))
		}
	}
}

// A position the server no longer knows (MongoDB's history moved on): the relay publishes
// by time since what it finished last, at least once, and follows the log again.
func TestALostPositionIsRecoveredByTime(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "", map[string]string{"thing.counted": "things.v1"})
	countEvents(t, agg, "c", 0, 2)
	first := &recorder{}
	drain(t, s.NewRelay(first, store.RelayConfig{Slot: time.Second}), first, 2)
	countEvents(t, agg, "c", 2, 3)
	if _, err := s.DB().Collection("store_meta").UpdateOne(ctx, bson.D{{Key: "_id", Value: "relay:progress"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "token", Value: bson.D{{Key: "_data", Value: "not-a-position"}}}}}}); err != nil {
		t.Fatal(err)
	}
	pub := &recorder{}
	relay := s.NewRelay(pub, store.RelayConfig{Slot: time.Second})
	drain(t, relay, pub, 3) // the scan reaches back before the last finished commit
	countEvents(t, agg, "c", 3, 4)
	drain(t, relay, pub, 4)
	if ids := eventIDs(pub); ids["thing/c@3#0"] != 1 || ids["thing/c@4#0"] != 1 {
		t.Fatalf("after recovery: %v", ids)
	}
}

// flaky refuses the events of one key once, for a passing reason, and takes the rest.
type flaky struct {
	recorder
	key     string
	refused bool
}

func (f *flaky) PublishBatch(ctx context.Context, out []messaging.Outbound) []error {
	errs := f.recorder.PublishBatch(ctx, out)
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, o := range out {
		if o.Event.Key == f.key && !f.refused {
			f.refused, errs[i] = true, errors.New("leader not available")
			f.events = f.events[:len(f.events)-1] // not taken after all
		}
	}
	return errs
}

// An event a partition refused for a moment while the rest of its batch went out is set
// aside and sent again once its retry is due: at the relay's first round after that time,
// not at its next look at every parked commit (10 s later), so a claim or a milestone held
// up by a broker's hiccup follows seconds later.
func TestAnEventRefusedForAMomentGoesOutWhenItsRetryIsDue(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, database(t))
	agg := store.NewAggregates(s, "", map[string]string{"thing.counted": "things.v1"})
	pub := &flaky{key: "late"}
	relay := s.NewRelay(pub, store.RelayConfig{Slot: time.Minute})
	countEvents(t, agg, "early", 0, 1)
	countEvents(t, agg, "late", 0, 1)
	var parked []store.ParkedCommit
	waitFor(t, "the refused event parked for a retry", func() bool {
		_, _ = relay.Round(ctx)
		parked, _ = s.Parked(ctx, 10)
		return len(parked) == 1 && parked[0].Parking.Retry
	})
	for time.Now().Before(parked[0].Parking.RetryAt) { // the condition is the retry's own time
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := relay.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.Parked(ctx, 10); len(left) != 0 {
		t.Fatalf("still parked at the first round after its retry time: %+v", left)
	}
	pub.mu.Lock()
	defer pub.mu.Unlock()
	if len(pub.events) != 2 {
		t.Fatalf("%d events out, want both", len(pub.events))
	}
}
