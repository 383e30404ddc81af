package messaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/werkregio/platform/services/kit/outage"
	"github.com/werkregio/platform/services/kit/privacy"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Message is a consumed, validated event with its Kafka coordinates. Context carries the
// message's process span, a child of the producer's span.
type Message struct {
	Event
	Topic     string
	Partition int
	Offset    int64
	// Signer is the kid of the key that proved the message's origin (Origin), if checked.
	Signer string
	ctx    context.Context
	raw    kafka.Message
}

// Context returns the context of the message's process span.
func (m Message) Context() context.Context { return m.ctx }

// Handler handles a batch of messages in partition order. It returns nil when every message
// is done, Rejections to dead-letter some of them, or any other error to retry the whole
// batch (handlers are idempotent, so redoing the done part is harmless).
type Handler func(ctx context.Context, batch []Message) error

// PerMessage adapts a one-at-a-time handler. Permanent errors become rejections; the first
// other error stops the batch for a retry.
func PerMessage(h func(ctx context.Context, m Message) error) Handler {
	return func(_ context.Context, batch []Message) error {
		rej := Rejections{}
		for i, m := range batch {
			if err := h(m.Context(), m); err != nil {
				if IsPermanent(err) {
					rej[i] = err
					continue
				}
				return err
			}
		}
		if len(rej) > 0 {
			return rej
		}
		return nil
	}
}

// PerKey adapts a one-at-a-time handler whose messages of one key must stay in order but
// whose keys are independent (one enrolment's milestones): the keys of a batch are handled
// by up to workers goroutines at once, each key's messages in partition order. A key whose
// message fails for a retryable reason stops there; the batch is retried (handlers are
// idempotent), permanent errors become rejections.
func PerKey(workers int, h func(ctx context.Context, m Message) error) Handler {
	return func(ctx context.Context, batch []Message) error {
		order := []string{}
		byKey := map[string][]int{}
		for i, m := range batch {
			if _, ok := byKey[m.Key]; !ok {
				order = append(order, m.Key)
			}
			byKey[m.Key] = append(byKey[m.Key], i)
		}
		var mu sync.Mutex
		rej := Rejections{}
		var retry error
		sem := make(chan struct{}, max(workers, 1))
		var wg sync.WaitGroup
		for _, key := range order {
			sem <- struct{}{}
			wg.Add(1)
			go func(idx []int) {
				defer func() { <-sem; wg.Done() }()
				for _, i := range idx {
					err := h(batch[i].Context(), batch[i])
					if err == nil {
						continue
					}
					mu.Lock()
					if IsPermanent(err) {
						rej[i] = err
						mu.Unlock()
						continue
					}
					if retry == nil {
						retry = err
					}
					mu.Unlock()
					return
				}
			}(byKey[key])
		}
		wg.Wait()
		if retry != nil {
			return retry
		}
		if len(rej) > 0 {
			return rej
		}
		return nil
	}
}

// ConsumerConfig configures a consumer group member.
type ConsumerConfig struct {
	Brokers []string
	GroupID string
	Topics  []string
	// Types the handler wants; other valid events on the topics are skipped. Empty: all.
	Types     []string
	Validator Validator
	// DeadLetters publishes rejected messages to <topic>.dlq.
	DeadLetters *Producer
	Handler     Handler
	Logger      *slog.Logger
	Dialer      *kafka.Dialer
	// Origin proves who wrote a message (VerifyOrigin against the keys of the service that
	// owns its topic) and returns the signer's kid; a message it refuses is dead-lettered
	// and never handled. Nil: the handler proves the origin itself (partner topics).
	Origin func(kafka.Message) (string, error)
	// Keep records a dead letter where administrators list, replay and discard it (the
	// service's store), before it goes to the dead-letter topic. Retried until it succeeds.
	Keep func(context.Context, DeadLetter) error
	// Outages hears when the consumer waits for the broker or the database, and when it
	// goes on (said once per outage, not per retry); none: each retry is logged.
	Outages *outage.Tracker
	// Healthy reports whether what handlers depend on (the database) answers. While it does
	// not, failures are waited out without counting towards AlertAfter.
	Healthy func(context.Context) error

	MaxBatch   int           // messages per handler call (default 500)
	Linger     time.Duration // how long to wait to fill a batch (default 5ms)
	MinBackoff time.Duration // first retry delay (default 100ms)
	MaxBackoff time.Duration // longest retry delay (default 10s)
	// AlertAfter is how many failed tries (while healthy) make a message stuck: a batch is
	// then handled one message at a time, the message counts in werkregio.messaging.stuck
	// and is logged once at ERROR — and is retried on, without limit (default 10). A panic
	// that repeats this often is a bug: that message is dead-lettered, for a replay after
	// the fix.
	AlertAfter int

	// MaxMessageBytes is the largest message the producers may write (KAFKA_MAX_MESSAGE_BYTES):
	// a fetch takes at least that much, so no message the platform accepted is too large
	// for the consumer to read (default 10 MiB a fetch).
	MaxMessageBytes int

	// Group timings; defaults suit production, tests shorten them.
	MaxWait           time.Duration
	HeartbeatInterval time.Duration
	SessionTimeout    time.Duration
	RebalanceTimeout  time.Duration

	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
}

// Consumer reads, validates, handles and only then commits. Every message passes the same
// chain, as in watermill's router: schema validation, panic recovery, retries with capped,
// jittered backoff, and the dead letters. Only a message that can never succeed (it breaks
// its schema, a rule rejects it, the handler panics on it again and again) is dead-lettered:
// kept with its reason for the administrators (Keep) and put on the dead-letter topic. A
// failure that may pass (the database, a replica not yet there) is retried without limit;
// a batch that keeps failing is retried one message at a time, so the good ones go on.
// Nothing but the end of its context stops a consumer: a failing dead-letter publish or
// commit is retried with backoff.
type Consumer struct {
	cfg        ConsumerConfig
	reader     *kafka.Reader
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	types      map[string]bool

	processed, deadLettered, retries, panics, dlqFailures metric.Int64Counter
	stuck                                                 metric.Int64UpDownCounter
	duration                                              metric.Float64Histogram
	lagMu                                                 sync.Mutex
	lag                                                   map[partitionKey]int64
	handler                                               Handler // the configured handler in the chain's steps
}

type partitionKey struct {
	topic     string
	partition int
}

// NewConsumer validates the configuration and joins no group until Run.
func NewConsumer(cfg ConsumerConfig) (*Consumer, error) {
	if cfg.GroupID == "" || len(cfg.Topics) == 0 || cfg.Handler == nil || cfg.Validator == nil || cfg.DeadLetters == nil {
		return nil, errors.New("messaging: consumer needs a group, topics, handler, validator and dead-letter producer")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = 500
	}
	if cfg.AlertAfter == 0 {
		cfg.AlertAfter = 10
	}
	def(&cfg.Linger, 5*time.Millisecond)
	def(&cfg.MinBackoff, 100*time.Millisecond)
	def(&cfg.MaxBackoff, 10*time.Second)
	def(&cfg.MaxWait, 5*time.Second) // a long poll: the broker answers as soon as messages arrive
	def(&cfg.HeartbeatInterval, 3*time.Second)
	def(&cfg.SessionTimeout, 30*time.Second)
	def(&cfg.RebalanceTimeout, 30*time.Second)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Healthy == nil {
		cfg.Healthy = func(context.Context) error { return nil }
	}
	tp, mp := cfg.TracerProvider, cfg.MeterProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	c := &Consumer{cfg: cfg, tracer: tp.Tracer(instrumentation), propagator: W3C, types: map[string]bool{}, lag: map[partitionKey]int64{}}
	for _, t := range cfg.Types {
		c.types[t] = true
	}
	c.handler = c.chain()
	meter := mp.Meter(instrumentation)
	group := attribute.String("messaging.consumer.group.name", cfg.GroupID)
	c.processed, _ = meter.Int64Counter("messaging.client.consumed.messages", metric.WithDescription("Messages handled and committed"))
	c.deadLettered, _ = meter.Int64Counter("werkregio.messaging.dead_lettered", metric.WithDescription("Messages sent to a dead-letter topic"))
	c.retries, _ = meter.Int64Counter("werkregio.messaging.retries", metric.WithDescription("Handler retries after a failure"))
	c.panics, _ = meter.Int64Counter("werkregio.messaging.panics", metric.WithDescription("Handler panics recovered"))
	c.dlqFailures, _ = meter.Int64Counter("werkregio.messaging.dead_letter_failures", metric.WithDescription("Failed attempts to publish to a dead-letter topic (retried)"))
	c.stuck, _ = meter.Int64UpDownCounter("werkregio.messaging.stuck", metric.WithDescription("Messages failing past the alert bound, retried until they succeed"))
	c.duration, _ = meter.Float64Histogram("messaging.process.duration", metric.WithUnit("s"))
	_, _ = meter.Int64ObservableGauge("werkregio.messaging.consumer.lag",
		metric.WithDescription("Messages behind the end of the partition, as of the last fetch"),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			c.lagMu.Lock()
			defer c.lagMu.Unlock()
			for k, v := range c.lag {
				o.Observe(v, metric.WithAttributes(group, semconv.MessagingDestinationName(k.topic),
					semconv.MessagingDestinationPartitionID(strconv.Itoa(k.partition))))
			}
			return nil
		}))
	c.reader = kafka.NewReader(kafka.ReaderConfig{
		Brokers:           cfg.Brokers,
		GroupID:           cfg.GroupID,
		GroupTopics:       cfg.Topics,
		Dialer:            cfg.Dialer,
		MinBytes:          1,
		MaxBytes:          FetchBytes(cfg.MaxMessageBytes),
		MaxWait:           cfg.MaxWait,
		HeartbeatInterval: cfg.HeartbeatInterval,
		SessionTimeout:    cfg.SessionTimeout,
		RebalanceTimeout:  cfg.RebalanceTimeout,
		StartOffset:       kafka.FirstOffset, // a new group starts at the beginning: nothing is skipped
		ReadBackoffMin:    50 * time.Millisecond,
		ReadBackoffMax:    time.Second,
		CommitInterval:    0, // synchronous commits, only after handling
		// the group's troubles (a join that fails, a lost coordinator) are otherwise silent
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			cfg.Logger.Warn("kafka consumer group: "+fmt.Sprintf(msg, args...), "group", cfg.GroupID)
		}),
	})
	return c, nil
}

// FetchBytes is how much one fetch takes: 10 MiB, or more when the producers may write a
// larger message (with room for the record's headers and its batch).
func FetchBytes(maxMessageBytes int) int {
	return max(10<<20, maxMessageBytes+1<<16)
}

// Topics are the topics the consumer reads.
func (c *Consumer) Topics() []string { return c.cfg.Topics }

// Run consumes until ctx ends. Nothing is committed that was not handled or dead-lettered.
func (c *Consumer) Run(ctx context.Context) error {
	defer c.reader.Close()
	backoff := c.cfg.MinBackoff
	for ctx.Err() == nil {
		batch, err := c.fetchBatch(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			c.waiting(ctx, "fetch failed; retrying", err)
			backoff = c.pause(ctx, backoff)
			continue
		}
		c.back(ctx)
		backoff = c.cfg.MinBackoff
		c.noteLag(batch)
		c.handle(ctx, batch)
		for ctx.Err() == nil {
			err := c.reader.CommitMessages(ctx, batch...)
			if err == nil {
				break
			}
			c.waiting(ctx, "commit failed; retrying", err)
			backoff = c.pause(ctx, backoff)
		}
	}
	return nil
}

// pause waits about backoff (or until ctx ends) and returns the next, longer backoff. The
// wait is jittered (half to all of it), so replicas that failed together do not retry
// together.
func (c *Consumer) pause(ctx context.Context, backoff time.Duration) time.Duration {
	wait := backoff/2 + rand.N(backoff/2+1)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	return min(backoff*2, c.cfg.MaxBackoff)
}

func (c *Consumer) noteLag(batch []kafka.Message) {
	c.lagMu.Lock()
	defer c.lagMu.Unlock()
	for _, m := range batch {
		c.lag[partitionKey{m.Topic, m.Partition}] = max(m.HighWaterMark-m.Offset-1, 0)
	}
}

// fetchBatch blocks for one message, then takes whatever else arrives within Linger.
func (c *Consumer) fetchBatch(ctx context.Context) ([]kafka.Message, error) {
	first, err := c.reader.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	batch := []kafka.Message{first}
	lctx, cancel := context.WithTimeout(ctx, c.cfg.Linger)
	defer cancel()
	for len(batch) < c.cfg.MaxBatch {
		m, err := c.reader.FetchMessage(lctx)
		if err != nil {
			break
		}
		batch = append(batch, m)
	}
	return batch, nil
}

// handle takes a batch through the chain. When it returns, every message was handled,
// skipped (a type the consumer does not want) or dead-lettered, unless ctx ended.
func (c *Consumer) handle(ctx context.Context, raw []kafka.Message) {
	start := time.Now()
	var valid []Message
	var spans []trace.Span
	defer func() {
		for _, s := range spans {
			s.End()
		}
	}()
	origins := c.origins(raw)
	for i, m := range raw {
		mctx, span := c.startProcessSpan(ctx, m)
		spans = append(spans, span)
		e, signer, skip, refusal, reason := c.admit(m, origins[i])
		if reason != nil {
			c.refuse(mctx, m, span, refusal, reason)
			continue
		}
		span.SetAttributes(semconv.MessagingMessageID(privacy.Redact(e.ID)), attribute.String("cloudevents.event_type", privacy.Redact(e.Type)))
		if skip {
			continue
		}
		valid = append(valid, Message{Event: e, Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Signer: signer, ctx: mctx, raw: m})
	}
	if len(valid) == 0 {
		return
	}
	_ = c.handler(ctx, valid) // an error: the context ended, the batch is fetched again
	c.processed.Add(ctx, int64(len(valid)), metric.WithAttributes(attribute.String("messaging.consumer.group.name", c.cfg.GroupID)))
	c.duration.Record(ctx, time.Since(start).Seconds())
}

func (c *Consumer) startProcessSpan(ctx context.Context, m kafka.Message) (context.Context, trace.Span) {
	hs := m.Headers
	parent := c.propagator.Extract(ctx, HeaderCarrier{&hs})
	return c.tracer.Start(parent, "process "+m.Topic, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			semconv.MessagingSystemKafka,
			semconv.MessagingOperationTypeProcess,
			semconv.MessagingOperationName("process"),
			semconv.MessagingDestinationName(m.Topic),
			semconv.MessagingConsumerGroupName(c.cfg.GroupID),
			semconv.MessagingDestinationPartitionID(strconv.Itoa(m.Partition)),
			semconv.MessagingKafkaOffset(int(m.Offset)),
			semconv.MessagingKafkaMessageKey(privacy.Redact(string(m.Key))), // partner input: a BSN may be put anywhere
			semconv.MessagingMessageBodySize(len(m.Value)),
		))
}

// waiting says the consumer waits for a dependency: once per outage with Outages, else
// per retry.
func (c *Consumer) waiting(ctx context.Context, msg string, err error) {
	if c.cfg.Outages != nil {
		c.cfg.Outages.Failed(ctx, "consumer "+c.cfg.GroupID, err)
		return
	}
	c.cfg.Logger.WarnContext(ctx, msg, "group", c.cfg.GroupID, "error", err.Error())
}

// back says the consumer's dependencies answer again.
func (c *Consumer) back(ctx context.Context) {
	if c.cfg.Outages != nil {
		c.cfg.Outages.Recovered(ctx, "consumer "+c.cfg.GroupID)
	}
}

type proven struct {
	signer string
	err    error
}

// origins proves the origin of a batch's messages, on every core at once: checking a
// signature costs more than anything else a message asks of the consumer.
func (c *Consumer) origins(raw []kafka.Message) []proven {
	out := make([]proven, len(raw))
	workers := min(runtime.GOMAXPROCS(0), len(raw))
	if c.cfg.Origin == nil || workers <= 1 {
		for i, m := range raw {
			out[i].signer, out[i].err = c.origin(m)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(raw); i = int(next.Add(1)) - 1 {
				out[i].signer, out[i].err = c.origin(raw[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// origin runs the Origin check, if any.
func (c *Consumer) origin(m kafka.Message) (string, error) {
	if c.cfg.Origin == nil {
		return "", nil
	}
	return c.cfg.Origin(m)
}

// FastTimings shortens group timings (kfake's minimum session timeout is 6 s) so that
// development and tests do not wait seconds on every rebalance. MaxWait stays as given:
// a long poll costs nothing while idle, and a short one costs CPU all the time.
func FastTimings(cfg ConsumerConfig) ConsumerConfig {
	cfg.HeartbeatInterval = 500 * time.Millisecond
	cfg.SessionTimeout = 6 * time.Second
	cfg.RebalanceTimeout = 5 * time.Second
	cfg.MinBackoff = 20 * time.Millisecond
	return cfg
}
