package messaging

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/segmentio/kafka-go"
	"github.com/werkregio/platform/services/kit/privacy"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

const instrumentation = "github.com/werkregio/platform/services/kit/messaging"

// Producer publishes CloudEvents. Every event is validated against its schema first: an
// event that breaks its own contract is a bug in the producer and must not reach partners.
// An event larger than the broker accepts is refused before it is sent.
type Producer struct {
	w               *kafka.Writer
	validator       Validator
	source          string
	tracer          trace.Tracer
	propagator      propagation.TextMapPropagator
	maxMessageBytes int
	signer          *Signer
	signErr         error
}

// DefaultMaxMessageBytes is Kafka's default message.max.bytes (1 MB) less room for the
// record batch's own overhead.
const DefaultMaxMessageBytes = 1_000_000

// ProducerConfig configures a Producer.
type ProducerConfig struct {
	Brokers        []string
	Transport      *kafka.Transport
	Validator      Validator
	TracerProvider trace.TracerProvider
	// Source is the CloudEvents source of events that do not name one (the service slug).
	Source string
	// MaxMessageBytes is the largest record the broker accepts (DefaultMaxMessageBytes).
	MaxMessageBytes int
	// SigningKey signs every event (HeaderSignature): the service's own key, whose public
	// half the consumers of its topics trust.
	SigningKey jwk.Key
	// WriteTimeout (5 s) and WriteAttempts (3) bound one publish: all in-sync replicas
	// acknowledge within the attempts, or the publish fails and its caller keeps the event
	// (the outbox relay tries again with backoff): a delivery times out into a retry, never
	// into a loss. A broker roll moves a partition's leader within one attempt or two.
	WriteTimeout  time.Duration
	WriteAttempts int
}

// NewProducer makes a producer that waits for all in-sync replicas.
func NewProducer(cfg ProducerConfig) *Producer {
	tp := cfg.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 5 * time.Second
	}
	if cfg.WriteAttempts <= 0 {
		cfg.WriteAttempts = 3
	}
	var signer *Signer
	var signErr error
	if cfg.SigningKey != nil {
		signer, signErr = NewSigner(cfg.SigningKey) // a key ParseSigningKey read always signs
	}
	return &Producer{
		signErr: signErr,
		w: &kafka.Writer{
			Addr:         kafka.TCP(cfg.Brokers...),
			Transport:    cfg.Transport,
			Balancer:     &kafka.Hash{}, // same key, same partition: per-aggregate order
			RequiredAcks: kafka.RequireAll,
			BatchTimeout: 5 * time.Millisecond, // the 1 s default would delay every publish
			BatchSize:    1000,
			BatchBytes:   int64(max(cfg.MaxMessageBytes, 1<<20)) + 1<<16,
			// An unknown or unavailable topic fails in seconds, not after ten attempts, so
			// the outbox relay can set the event aside and go on with the others.
			MaxAttempts:     cfg.WriteAttempts,
			WriteBackoffMin: 50 * time.Millisecond,
			WriteBackoffMax: 500 * time.Millisecond,
			WriteTimeout:    cfg.WriteTimeout,
		},
		validator:       cfg.Validator,
		source:          cfg.Source,
		tracer:          tp.Tracer(instrumentation),
		propagator:      W3C,
		maxMessageBytes: cfg.MaxMessageBytes,
		signer:          signer,
	}
}

// Outbound is one event to publish on a topic; Ctx is what its send span descends from
// (the trace of the request that caused it).
type Outbound struct {
	Ctx   context.Context
	Topic string
	Event Event
}

// ErrTooLarge: the event is larger than the broker accepts.
var ErrTooLarge = errors.New("event larger than the broker accepts")

// PublishBatch validates and sends events in one call; the writer batches them per
// partition and keeps the order of events with the same key. It returns one error per
// event: nil when the broker acknowledged it, a Permanent error when the event itself is at
// fault (schema, size, refused by the broker as invalid), any other error when a retry may
// succeed.
func (p *Producer) PublishBatch(ctx context.Context, out []Outbound) []error {
	errs := make([]error, len(out))
	msgs := make([]kafka.Message, 0, len(out))
	index := make([]int, 0, len(out))
	spans := make([]trace.Span, 0, len(out))
	defer func() {
		for _, s := range spans {
			s.End()
		}
	}()
	for i, o := range out {
		e := o.Event
		if e.Source == "" {
			e.Source = p.source
		}
		if p.validator != nil {
			if err := p.validator.Validate(e.Type, e.Data); err != nil {
				errs[i] = Permanent(fmt.Errorf("event %s (%s) breaks its schema: %w", e.ID, e.Type, err))
				continue
			}
		}
		parent := o.Ctx
		if parent == nil {
			parent = ctx
		}
		sctx, span := p.tracer.Start(parent, "send "+o.Topic, trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(
				semconv.MessagingSystemKafka,
				semconv.MessagingOperationTypeSend,
				semconv.MessagingOperationName("send"),
				semconv.MessagingDestinationName(o.Topic),
				semconv.MessagingMessageID(e.ID),
				semconv.MessagingKafkaMessageKey(e.Key),
				semconv.MessagingMessageBodySize(len(e.Data)),
				attribute.String("cloudevents.event_type", e.Type),
				attribute.String("cloudevents.event_id", e.ID),
			))
		hs := e.headers()
		p.propagator.Inject(sctx, HeaderCarrier{&hs})
		m := kafka.Message{Topic: o.Topic, Key: []byte(e.Key), Value: e.Data, Headers: hs, Time: e.Time}
		if p.signer != nil || p.signErr != nil {
			err := p.signErr
			if err == nil {
				err = p.signer.Sign(&m)
			}
			if err != nil {
				span.End()
				errs[i] = Permanent(fmt.Errorf("event %s (%s) cannot be signed: %w", e.ID, e.Type, err))
				continue
			}
		}
		if size := recordSize(m); size > p.maxMessageBytes {
			err := Permanent(fmt.Errorf("%w: event %s (%s) is %d bytes, at most %d", ErrTooLarge, e.ID, e.Type, size, p.maxMessageBytes))
			span.SetStatus(codes.Error, err.Error())
			span.End()
			errs[i] = err
			continue
		}
		spans = append(spans, span)
		msgs = append(msgs, m)
		index = append(index, i)
	}
	if len(msgs) == 0 {
		return errs
	}
	err := p.w.WriteMessages(ctx, msgs...)
	if err == nil {
		return errs
	}
	var perMessage kafka.WriteErrors
	if !errors.As(err, &perMessage) || len(perMessage) != len(msgs) {
		perMessage = make(kafka.WriteErrors, len(msgs))
		for j := range perMessage {
			perMessage[j] = err
		}
	}
	for j, werr := range perMessage {
		if werr == nil {
			continue
		}
		spans[j].RecordError(privacy.RedactError(werr))
		spans[j].SetStatus(codes.Error, privacy.Redact(werr.Error()))
		errs[index[j]] = classifyWriteError(msgs[j].Topic, werr)
	}
	return errs
}

// classifyWriteError marks what the broker refuses for the message itself as permanent.
func classifyWriteError(topic string, err error) error {
	var ke kafka.Error
	var tooLarge kafka.MessageTooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return Permanent(fmt.Errorf("%w: %w", ErrTooLarge, err))
	case errors.As(err, &ke):
		switch ke {
		case kafka.MessageSizeTooLarge, kafka.RecordListTooLarge:
			return Permanent(fmt.Errorf("%w: %w", ErrTooLarge, err))
		case kafka.InvalidRecord, kafka.InvalidMessage, kafka.InvalidTopic, kafka.TopicAuthorizationFailed, kafka.PolicyViolation, kafka.UnsupportedForMessageFormat:
			return Permanent(fmt.Errorf("publish to %s: %w", topic, err))
		}
	}
	return fmt.Errorf("publish to %s: %w", topic, err)
}

// recordSize estimates a record's size on the wire: key, value, headers and framing.
func recordSize(m kafka.Message) int {
	n := len(m.Key) + len(m.Value) + 64
	for _, h := range m.Headers {
		n += len(h.Key) + len(h.Value) + 8
	}
	return n
}

// Publish sends the events to topic in order and returns when Kafka acknowledged them all,
// or the first event's error.
func (p *Producer) Publish(ctx context.Context, topic string, events ...Event) error {
	out := make([]Outbound, len(events))
	for i, e := range events {
		out[i] = Outbound{Ctx: ctx, Topic: topic, Event: e}
	}
	return errors.Join(p.PublishBatch(ctx, out)...)
}

// publishRaw forwards a message unchanged except for extra headers (dead-lettering).
func (p *Producer) publishRaw(ctx context.Context, topic string, m kafka.Message, extra map[string]string) error {
	hs := append([]kafka.Header(nil), m.Headers...)
	for k, v := range extra {
		hs = append(hs, kafka.Header{Key: k, Value: []byte(v)})
	}
	return p.w.WriteMessages(ctx, kafka.Message{Topic: topic, Key: m.Key, Value: m.Value, Headers: hs})
}

// Close flushes and closes the writer.
func (p *Producer) Close() error { return p.w.Close() }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
