package messaging

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
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
type Producer struct {
	w          *kafka.Writer
	validator  Validator
	source     string
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
}

// ProducerConfig configures a Producer.
type ProducerConfig struct {
	Brokers        []string
	Transport      *kafka.Transport
	Validator      Validator
	TracerProvider trace.TracerProvider
	// Source is the CloudEvents source of events that do not name one (the service slug).
	Source string
}

// NewProducer makes a producer that waits for all in-sync replicas.
func NewProducer(cfg ProducerConfig) *Producer {
	tp := cfg.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return &Producer{
		w: &kafka.Writer{
			Addr:         kafka.TCP(cfg.Brokers...),
			Transport:    cfg.Transport,
			Balancer:     &kafka.Hash{}, // same key, same partition: per-aggregate order
			RequiredAcks: kafka.RequireAll,
			BatchTimeout: 5 * time.Millisecond, // the 1 s default would delay every publish
			BatchSize:    1000,
		},
		validator:  cfg.Validator,
		source:     cfg.Source,
		tracer:     tp.Tracer(instrumentation),
		propagator: W3C,
	}
}

// Publish sends the events to topic in order and returns when Kafka acknowledged them.
func (p *Producer) Publish(ctx context.Context, topic string, events ...Event) error {
	msgs := make([]kafka.Message, 0, len(events))
	spans := make([]trace.Span, 0, len(events))
	defer func() {
		for _, s := range spans {
			s.End()
		}
	}()
	for _, e := range events {
		if e.Source == "" {
			e.Source = p.source
		}
		if p.validator != nil {
			if err := p.validator.Validate(e.Type, e.Data); err != nil {
				return fmt.Errorf("event %s (%s) breaks its schema: %w", e.ID, e.Type, err)
			}
		}
		sctx, span := p.tracer.Start(ctx, "send "+topic, trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(
				semconv.MessagingSystemKafka,
				semconv.MessagingOperationTypeSend,
				semconv.MessagingOperationName("send"),
				semconv.MessagingDestinationName(topic),
				semconv.MessagingMessageID(e.ID),
				semconv.MessagingKafkaMessageKey(e.Key),
				semconv.MessagingMessageBodySize(len(e.Data)),
				attribute.String("cloudevents.event_type", e.Type),
				attribute.String("cloudevents.event_id", e.ID),
			))
		spans = append(spans, span)
		hs := e.headers()
		p.propagator.Inject(sctx, HeaderCarrier{&hs})
		msgs = append(msgs, kafka.Message{Topic: topic, Key: []byte(e.Key), Value: e.Data, Headers: hs, Time: e.Time})
	}
	if err := p.w.WriteMessages(ctx, msgs...); err != nil {
		for _, s := range spans {
			s.RecordError(err)
			s.SetStatus(codes.Error, err.Error())
		}
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	return nil
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
