package messaging_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
)

func number(m messaging.Message) int {
	var v struct{ N int }
	_ = json.Unmarshal(m.Data, &v)
	return v.N
}

// A handler that panics, while the dead-letter topic does not exist: the consumer keeps
// running, retries the dead letter until the topic is there, and then goes on with the
// messages after it.
func TestPanicsAndAnUnavailableDeadLetterTopicNeverStopTheConsumer(t *testing.T) {
	infra := kittest.Shared(t)
	topic := fmt.Sprintf("test.panic.%d", time.Now().UnixNano())
	kittest.CreateTopics(t, infra.Kafka, topic) // no dead-letter topic yet
	p := messaging.NewProducer(messaging.ProducerConfig{Brokers: []string{infra.Kafka}, Transport: messaging.NewTransport(), Validator: numberValidator{}})
	defer p.Close()
	var handled sync.Map
	h := messaging.PerMessage(func(_ context.Context, m messaging.Message) error {
		if number(m) == 2 {
			panic("index out of range [3] with length 3") // the kind of bug that panics in production
		}
		handled.Store(number(m), true)
		return nil
	})
	c, err := messaging.NewConsumer(kittest.FastConsumer(messaging.ConsumerConfig{
		Brokers: []string{infra.Kafka}, GroupID: "g-panic", Topics: []string{topic}, Validator: numberValidator{},
		DeadLetters: p, Handler: h, AlertAfter: 2, MaxBackoff: 200 * time.Millisecond,
	}))
	if err != nil {
		t.Fatal(err)
	}
	// All three on one partition, so the third waits behind the panicking second.
	one := func(n int) messaging.Event { e := event(n); e.Key = "same-key"; return e }
	if err := p.Publish(context.Background(), topic, one(1), one(2), one(3)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan struct{})
	go func() { _ = c.Run(ctx); close(exited) }()
	defer func() { cancel(); <-exited }()

	waitFor(t, "the first message", func() bool { _, ok := handled.Load(1); return ok })
	time.Sleep(2 * time.Second) // the panics are retried, then the dead letter fails, again and again
	select {
	case <-exited:
		t.Fatal("the consumer stopped")
	default:
	}
	if _, ok := handled.Load(3); ok {
		t.Fatal("the third message overtook the second before it was set aside")
	}
	kittest.CreateTopics(t, infra.Kafka, messaging.DeadLetterTopic(topic)) // the topic is back
	dead := kittest.ReadUntil(t, infra.Kafka, messaging.DeadLetterTopic(topic), 30*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 1 })
	if len(dead) != 1 || !strings.Contains(kittest.Header(dead[0], messaging.HeaderDLQReason), "handler panicked") ||
		kittest.Header(dead[0], messaging.HeaderDLQTopic) != topic || kittest.Header(dead[0], "ce_id") != "e-2" {
		t.Fatalf("dead letters: %d, %v", len(dead), dead)
	}
	waitFor(t, "the message after the poison", func() bool { _, ok := handled.Load(3); return ok })
}

// A batch that fails because one message can never succeed is retried message by message:
// the others are handled, the poison is kept for the administrators and dead-lettered with
// its reason, and the consumer's lag comes to 0.
func TestAPoisonMessageDoesNotTakeItsBatchAlong(t *testing.T) {
	f := setup(t, nil)
	reader := sdkmetric.NewManualReader()
	var handled sync.Map
	h := func(_ context.Context, batch []messaging.Message) error {
		for _, m := range batch {
			if number(m) == 5 {
				return messaging.Permanent(errors.New("constraint violated by message 5"))
			}
		}
		for _, m := range batch {
			handled.Store(number(m), true)
		}
		return nil
	}
	var kept sync.Map
	c, err := messaging.NewConsumer(kittest.FastConsumer(messaging.ConsumerConfig{
		Brokers: []string{f.broker}, GroupID: "g-poison", Topics: []string{f.topic}, Validator: numberValidator{},
		DeadLetters: f.producer, Handler: h, AlertAfter: 3, Linger: 300 * time.Millisecond,
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		Keep:          func(_ context.Context, d messaging.DeadLetter) error { kept.Store(d.Header("ce_id"), d); return nil },
	}))
	if err != nil {
		t.Fatal(err)
	}
	publishNine(t, f)
	stop := run(c)
	defer stop()
	waitFor(t, "the eight good messages", func() bool {
		for n := 1; n <= 9; n++ {
			if _, ok := handled.Load(n); !ok && n != 5 {
				return false
			}
		}
		return true
	})
	dead := kittest.ReadUntil(t, f.broker, messaging.DeadLetterTopic(f.topic), 30*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 1 })
	if len(dead) != 1 || kittest.Header(dead[0], "ce_id") != "e-5" || !strings.Contains(kittest.Header(dead[0], messaging.HeaderDLQReason), "constraint violated") {
		t.Fatalf("dead letters: %v", dead)
	}
	v, ok := kept.Load("e-5")
	if d, _ := v.(messaging.DeadLetter); !ok || d.Group != "g-poison" || d.Topic != f.topic || d.Reason != "constraint violated by message 5" || number(messaging.Message{Event: messaging.Event{Data: d.Value}}) != 5 {
		t.Fatalf("kept for the administrators: %+v", v)
	}
	if lag := gauge(t, reader, "werkregio.messaging.consumer.lag"); lag != 0 {
		t.Fatalf("consumer lag after catching up: %d (-1: no gauge)", lag)
	}
}

// A message that fails for a reason that may pass (a constraint of the moment, a replica
// not there yet) is never dead-lettered, however long it fails: past the bound it counts as
// stuck for the alert, the messages before it in its batch go on, those after it wait (their
// order is kept), and when the cause passes all are handled and nothing is stuck.
func TestATransientFailureIsRetriedWithoutLimitAndAlertedNotDeadLettered(t *testing.T) {
	f := setup(t, nil)
	reader := sdkmetric.NewManualReader()
	var fixed atomic.Bool
	var calls atomic.Int32
	var handled sync.Map
	h := func(_ context.Context, batch []messaging.Message) error {
		for _, m := range batch {
			if number(m) == 5 && !fixed.Load() {
				calls.Add(1)
				return errors.New("enrolment not known yet")
			}
			handled.Store(number(m), true)
		}
		return nil
	}
	c, err := messaging.NewConsumer(kittest.FastConsumer(messaging.ConsumerConfig{
		Brokers: []string{f.broker}, GroupID: "g-transient", Topics: []string{f.topic}, Validator: numberValidator{},
		DeadLetters: f.producer, Handler: h, AlertAfter: 3, MaxBackoff: 50 * time.Millisecond, Linger: 300 * time.Millisecond,
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		Keep: func(context.Context, messaging.DeadLetter) error {
			t.Error("a transient failure was dead-lettered")
			return nil
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	publishNine(t, f)
	stop := run(c)
	defer stop()
	waitFor(t, "many more tries than the bound", func() bool { return calls.Load() > 20 })
	waitFor(t, "the message counted as stuck", func() bool { return gauge(t, reader, "werkregio.messaging.stuck") == 1 })
	for n := 1; n <= 4; n++ {
		if _, ok := handled.Load(n); !ok {
			t.Fatalf("message %d, before the stuck one, waits", n)
		}
	}
	if _, ok := handled.Load(6); ok {
		t.Fatal("message 6 overtook the stuck message 5")
	}
	fixed.Store(true)
	waitFor(t, "all nine once the cause passed", func() bool {
		_, ok := handled.Load(9)
		return ok
	})
	waitFor(t, "nothing stuck", func() bool { return gauge(t, reader, "werkregio.messaging.stuck") == 0 })
	if dead := kittest.ReadUntil(t, f.broker, messaging.DeadLetterTopic(f.topic), time.Second, func(ms []kafka.Message) bool { return len(ms) > 0 }); len(dead) != 0 {
		t.Fatalf("dead-lettered: %v", dead)
	}
}

// A message a rule refused is replayed after the fix: handled once; still refused, the
// reason says why; failing for a reason that may pass, it is not refused.
func TestADeadLetterIsReplayedAfterTheFix(t *testing.T) {
	f := setup(t, nil)
	var fixed atomic.Bool
	col := &collector{seen: map[int]int{}}
	h := messaging.PerMessage(func(ctx context.Context, m messaging.Message) error {
		if !fixed.Load() {
			return messaging.Permanent(errors.New("source not registered"))
		}
		return col.handler(ctx, []messaging.Message{m})
	})
	var kept []messaging.DeadLetter
	var mu sync.Mutex
	c, err := messaging.NewConsumer(kittest.FastConsumer(messaging.ConsumerConfig{
		Brokers: []string{f.broker}, GroupID: "g-replay", Topics: []string{f.topic}, Validator: numberValidator{},
		DeadLetters: f.producer, Handler: h,
		Keep: func(_ context.Context, d messaging.DeadLetter) error {
			mu.Lock()
			kept = append(kept, d)
			mu.Unlock()
			return nil
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.producer.Publish(context.Background(), f.topic, event(7)); err != nil {
		t.Fatal(err)
	}
	stop := run(c)
	defer stop()
	waitFor(t, "the dead letter", func() bool { mu.Lock(); defer mu.Unlock(); return len(kept) == 1 })
	if err := c.Replay(context.Background(), kept[0]); !messaging.IsPermanent(err) || !strings.Contains(err.Error(), "source not registered") {
		t.Fatalf("replayed before the fix: %v", err)
	}
	fixed.Store(true)
	if err := c.Replay(context.Background(), kept[0]); err != nil {
		t.Fatal(err)
	}
	if col.count() != 1 {
		t.Fatalf("handled %d times", col.count())
	}
}

func publishNine(t *testing.T, f fixture) {
	t.Helper()
	var evs []messaging.Event
	for n := 1; n <= 9; n++ {
		e := event(n)
		e.Key = "k"
		evs = append(evs, e)
	}
	if err := f.producer.Publish(context.Background(), f.topic, evs...); err != nil {
		t.Fatal(err)
	}
}

// gauge sums an int64 gauge or up-down counter's points (-1: no such metric yet).
func gauge(t *testing.T, reader *sdkmetric.ManualReader, name string) int {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			sum := 0
			switch d := m.Data.(type) {
			case metricdata.Gauge[int64]:
				for _, dp := range d.DataPoints {
					sum += int(dp.Value)
				}
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					sum += int(dp.Value)
				}
			}
			return sum
		}
	}
	return -1
}

// While what the handler needs is down, a failing message is retried without counting:
// nothing is dead-lettered because of an outage.
func TestAnOutageIsWaitedOutNotDeadLettered(t *testing.T) {
	f := setup(t, nil)
	var down atomic.Bool
	down.Store(true)
	var calls atomic.Int32
	col := &collector{seen: map[int]int{}}
	h := func(ctx context.Context, batch []messaging.Message) error {
		if down.Load() {
			calls.Add(1)
			return errors.New("connection refused")
		}
		return col.handler(ctx, batch)
	}
	c, err := messaging.NewConsumer(kittest.FastConsumer(messaging.ConsumerConfig{
		Brokers: []string{f.broker}, GroupID: "g-outage", Topics: []string{f.topic}, Validator: numberValidator{},
		DeadLetters: f.producer, Handler: h, AlertAfter: 2, MaxBackoff: 50 * time.Millisecond,
		Healthy: func(context.Context) error {
			if down.Load() {
				return errors.New("database unreachable")
			}
			return nil
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.producer.Publish(context.Background(), f.topic, event(1)); err != nil {
		t.Fatal(err)
	}
	stop := run(c)
	defer stop()
	waitFor(t, "many more attempts than AlertAfter", func() bool { return calls.Load() > 10 })
	down.Store(false)
	waitFor(t, "the message handled after the outage", func() bool { return col.count() == 1 })
	time.Sleep(300 * time.Millisecond)
	if dead := kittest.ReadUntil(t, f.broker, messaging.DeadLetterTopic(f.topic), time.Second, func(ms []kafka.Message) bool { return len(ms) > 0 }); len(dead) != 0 {
		t.Fatalf("dead-lettered during an outage: %v", dead)
	}
}
