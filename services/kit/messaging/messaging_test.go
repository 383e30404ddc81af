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
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
)

const testType = "nl.werkregio.test.counted.v1"

// numberValidator accepts {"n": <integer>} of testType only: a real check of the data, as
// the contracts package does with JSON Schema.
type numberValidator struct{}

func (numberValidator) Validate(typ string, data []byte) error {
	if typ != testType {
		return fmt.Errorf("unknown event type %q", typ)
	}
	var v struct{ N *int }
	if err := json.Unmarshal(data, &v); err != nil || v.N == nil {
		return fmt.Errorf("data must be {\"n\": integer}")
	}
	return nil
}

func event(n int) messaging.Event {
	return messaging.Event{ID: fmt.Sprintf("e-%d", n), Type: testType, Source: "/test", Time: time.Now(), Key: fmt.Sprintf("k%d", n%3), Data: fmt.Appendf(nil, `{"n":%d}`, n)}
}

type fixture struct {
	broker   string
	topic    string
	producer *messaging.Producer
}

func setup(t *testing.T, tp trace.TracerProvider) fixture {
	infra := kittest.Shared(t)
	topic := fmt.Sprintf("test.%s.%d", t.Name(), time.Now().UnixNano())
	kittest.CreateTopics(t, infra.Kafka, topic, messaging.DeadLetterTopic(topic))
	p := messaging.NewProducer(messaging.ProducerConfig{Brokers: []string{infra.Kafka}, Transport: messaging.NewTransport(), Validator: numberValidator{}, TracerProvider: tp})
	t.Cleanup(func() { p.Close() })
	return fixture{broker: infra.Kafka, topic: topic, producer: p}
}

func (f fixture) consumer(t *testing.T, group string, h messaging.Handler, tp trace.TracerProvider) *messaging.Consumer {
	c, err := messaging.NewConsumer(kittest.FastConsumer(messaging.ConsumerConfig{
		Brokers: []string{f.broker}, GroupID: group, Topics: []string{f.topic}, Validator: numberValidator{},
		DeadLetters: f.producer, Handler: h, TracerProvider: tp,
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func run(c *messaging.Consumer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func rawWrite(t *testing.T, broker, topic string, msgs ...kafka.Message) {
	w := &kafka.Writer{Addr: kafka.TCP(broker), Topic: topic, BatchTimeout: time.Millisecond}
	defer w.Close()
	if err := w.WriteMessages(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
}

type collector struct {
	mu   sync.Mutex
	seen map[int]int
}

func (c *collector) handler(ctx context.Context, batch []messaging.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range batch {
		var v struct{ N int }
		_ = json.Unmarshal(m.Data, &v)
		c.seen[v.N]++
	}
	return nil
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestMalformedMessagesGoToDeadLetterTopicAndTheFlowGoesOn(t *testing.T) {
	f := setup(t, nil)
	ctx := context.Background()
	if err := f.producer.Publish(ctx, f.topic, event(1)); err != nil {
		t.Fatal(err)
	}
	rawWrite(t, f.broker, f.topic,
		kafka.Message{Key: []byte("k1"), Value: []byte(`{"n":2}`)}, // no CloudEvents headers
		kafka.Message{Key: []byte("k1"), Value: []byte(`{"n":"three"}`), Headers: []kafka.Header{ // breaks the schema
			{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte("x")},
			{Key: "ce_source", Value: []byte("/partner")}, {Key: "ce_type", Value: []byte(testType)},
		}},
	)
	if err := f.producer.Publish(ctx, f.topic, event(4)); err != nil {
		t.Fatal(err)
	}

	col := &collector{seen: map[int]int{}}
	stop := run(f.consumer(t, "g-dlq", col.handler, nil))
	defer stop()
	waitFor(t, "both valid events", func() bool { return col.count() == 2 })

	dead := kittest.ReadUntil(t, f.broker, messaging.DeadLetterTopic(f.topic), 30*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 2 })
	if len(dead) != 2 {
		t.Fatalf("%d dead letters", len(dead))
	}
	reasons := kittest.Header(dead[0], messaging.HeaderDLQReason) + " | " + kittest.Header(dead[1], messaging.HeaderDLQReason)
	for _, want := range []string{"not a CloudEvent", "must be {\"n\": integer}"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons %q lack %q", reasons, want)
		}
	}
	for _, d := range dead {
		if kittest.Header(d, messaging.HeaderDLQTopic) != f.topic || kittest.Header(d, messaging.HeaderDLQOffset) == "" {
			t.Errorf("dead letter lacks its origin: %v", d.Headers)
		}
	}
	if col.seen[1] != 1 || col.seen[4] != 1 {
		t.Errorf("handled %v", col.seen)
	}
}

func TestRejectedMessagesAreDeadLetteredAndTransientFailuresRetried(t *testing.T) {
	f := setup(t, nil)
	var calls atomic.Int32
	var handled sync.Map
	h := func(ctx context.Context, batch []messaging.Message) error {
		if calls.Add(1) <= 2 {
			return errors.New("database briefly unavailable")
		}
		rej := messaging.Rejections{}
		for i, m := range batch {
			if m.ID == "e-2" {
				rej[i] = messaging.Permanent(errors.New("enrolment unknown"))
				continue
			}
			handled.Store(m.ID, true)
		}
		if len(rej) > 0 {
			return rej
		}
		return nil
	}
	if err := f.producer.Publish(context.Background(), f.topic, event(1), event(2), event(3)); err != nil {
		t.Fatal(err)
	}
	stop := run(f.consumer(t, "g-retry", h, nil))
	defer stop()
	dead := kittest.ReadUntil(t, f.broker, messaging.DeadLetterTopic(f.topic), 30*time.Second, func(ms []kafka.Message) bool { return len(ms) >= 1 })
	if len(dead) != 1 || kittest.Header(dead[0], "ce_id") != "e-2" || kittest.Header(dead[0], messaging.HeaderDLQReason) != "enrolment unknown" {
		t.Fatalf("dead letters: %+v", dead)
	}
	waitFor(t, "e-1 and e-3", func() bool {
		_, a := handled.Load("e-1")
		_, b := handled.Load("e-3")
		return a && b
	})
}

// A message is committed only after its handler succeeded: a consumer that stops while the
// handler fails leaves the message for the next member of the group, and handled messages
// are not delivered again.
func TestCommitOnlyAfterHandling(t *testing.T) {
	f := setup(t, nil)
	if err := f.producer.Publish(context.Background(), f.topic, event(1)); err != nil {
		t.Fatal(err)
	}
	failing := make(chan struct{}, 1)
	stop := run(f.consumer(t, "g-commit", func(context.Context, []messaging.Message) error {
		select {
		case failing <- struct{}{}:
		default:
		}
		return errors.New("crash before the effect")
	}, nil))
	<-failing
	stop()

	col := &collector{seen: map[int]int{}}
	stop = run(f.consumer(t, "g-commit", col.handler, nil))
	waitFor(t, "redelivery", func() bool { return col.count() == 1 })
	stop()

	if err := f.producer.Publish(context.Background(), f.topic, event(2)); err != nil {
		t.Fatal(err)
	}
	col2 := &collector{seen: map[int]int{}}
	stop = run(f.consumer(t, "g-commit", col2.handler, nil))
	defer stop()
	waitFor(t, "the new event", func() bool { return col2.count() == 1 })
	time.Sleep(300 * time.Millisecond)
	if col2.seen[1] != 0 {
		t.Error("a handled and committed message was delivered again")
	}
}

func TestTraceContextTravelsFromProducerToConsumerSpan(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	f := setup(t, tp)
	ctx, root := tp.Tracer("test").Start(context.Background(), "request")
	if err := f.producer.Publish(ctx, f.topic, event(7)); err != nil {
		t.Fatal(err)
	}
	root.End()

	col := &collector{seen: map[int]int{}}
	stop := run(f.consumer(t, "g-trace", col.handler, tp))
	waitFor(t, "the event", func() bool { return col.count() == 1 })
	stop()

	var send, process sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		switch s.Name() {
		case "send " + f.topic:
			send = s
		case "process " + f.topic:
			process = s
		}
	}
	if send == nil || process == nil {
		t.Fatalf("spans missing: send=%v process=%v", send != nil, process != nil)
	}
	if send.SpanKind() != trace.SpanKindProducer || process.SpanKind() != trace.SpanKindConsumer {
		t.Error("wrong span kinds")
	}
	if process.SpanContext().TraceID() != root.SpanContext().TraceID() || process.Parent().SpanID() != send.SpanContext().SpanID() {
		t.Error("the consumer span is not a child of the producer span in the same trace")
	}
	attrs := map[string]string{}
	for _, a := range process.Attributes() {
		attrs[string(a.Key)] = a.Value.String()
	}
	if attrs["messaging.system"] != "kafka" || attrs["messaging.destination.name"] != f.topic || attrs["messaging.operation.type"] != "process" || attrs["messaging.consumer.group.name"] != "g-trace" {
		t.Errorf("attributes %v", attrs)
	}
}

func TestProducerRefusesEventsThatBreakTheirSchema(t *testing.T) {
	f := setup(t, nil)
	bad := event(1)
	bad.Data = []byte(`{"n":"one"}`)
	if err := f.producer.Publish(context.Background(), f.topic, bad); err == nil {
		t.Fatal("an invalid event was published")
	}
}

// A message as large as the producers may write (KAFKA_MAX_MESSAGE_BYTES raised above the
// fetch size a consumer takes by default) is read and handled, not stuck for ever.
func TestTheLargestMessageTheProducersMayWriteIsRead(t *testing.T) {
	f := setup(t, nil)
	const size = 12 << 20
	f.topic += ".big"
	if err := messaging.EnsureTopics(context.Background(), []string{f.broker}, messaging.NewTransport(), []messaging.TopicSpec{
		{Name: f.topic, Partitions: 1, ReplicationFactor: 1, Config: map[string]string{"max.message.bytes": fmt.Sprint(size + 1<<16)}}}); err != nil {
		t.Fatal(err)
	}
	big := messaging.NewProducer(messaging.ProducerConfig{Brokers: []string{f.broker}, Transport: messaging.NewTransport(), Validator: numberValidator{}, MaxMessageBytes: size})
	t.Cleanup(func() { big.Close() })
	e := event(1)
	e.Data = fmt.Appendf(nil, `{"n":1,"pad":"%s"}`, strings.Repeat("x", size-1<<16))
	if err := big.Publish(context.Background(), f.topic, e); err != nil {
		t.Fatal(err)
	}
	var got atomic.Int32
	c, err := messaging.NewConsumer(kittest.FastConsumer(messaging.ConsumerConfig{
		Brokers: []string{f.broker}, GroupID: "big", Topics: []string{f.topic}, Validator: numberValidator{},
		DeadLetters: f.producer, MaxMessageBytes: size,
		Handler: func(_ context.Context, batch []messaging.Message) error { got.Add(int32(len(batch))); return nil },
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer run(c)()
	waitFor(t, "the large message", func() bool { return got.Load() == 1 })
}
