package kittest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/services/kit/messaging"
)

// CreateTopics creates topics (and nothing else) on the broker.
func CreateTopics(tb testing.TB, broker string, topics ...string) {
	tb.Helper()
	specs := make([]messaging.TopicSpec, len(topics))
	for i, t := range topics {
		specs[i] = messaging.TopicSpec{Name: t, Partitions: 3, ReplicationFactor: 1}
	}
	if err := messaging.EnsureTopics(context.Background(), []string{broker}, messaging.NewTransport(), specs); err != nil {
		tb.Fatal(err)
	}
}

// ReadUntil reads a topic from the start, without a group, until stop returns true for the
// messages seen so far or the timeout passes. It returns what it read.
func ReadUntil(tb testing.TB, broker, topic string, timeout time.Duration, stop func([]kafka.Message) bool) []kafka.Message {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := kafka.DialContext(ctx, "tcp", broker)
	if err != nil {
		tb.Fatal(err)
	}
	parts, err := conn.ReadPartitions(topic)
	conn.Close()
	if err != nil {
		tb.Fatal(err)
	}
	var all []kafka.Message
	for {
		all = all[:0]
		for _, p := range parts {
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{broker}, Topic: topic, Partition: p.ID, MaxWait: 100 * time.Millisecond})
			last, _ := lastOffset(ctx, broker, topic, p.ID)
			for off := int64(0); off < last; off++ {
				rctx, rcancel := context.WithTimeout(ctx, 2*time.Second)
				m, err := r.ReadMessage(rctx)
				rcancel()
				if err != nil {
					break
				}
				all = append(all, m)
			}
			r.Close()
		}
		if stop(all) || ctx.Err() != nil {
			return append([]kafka.Message(nil), all...)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func lastOffset(ctx context.Context, broker, topic string, partition int) (int64, error) {
	conn, err := kafka.DialLeader(ctx, "tcp", broker, topic, partition)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	return conn.ReadLastOffset()
}

// Header returns a header value of a message.
func Header(m kafka.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// FastConsumer shortens group timings so tests do not wait on rebalances.
func FastConsumer(cfg messaging.ConsumerConfig) messaging.ConsumerConfig {
	cfg = messaging.FastTimings(cfg)
	cfg.MaxWait = 100 * time.Millisecond // tests start and stop consumers often
	return cfg
}

// PublishRaw writes raw messages (anything a partner might send, valid or not) to a topic.
// A message without a signature header is signed as its sender would: on a partner topic
// with the key of the partner system it names (PartnerKey), on the platform's own topics
// with the key of the service that owns the topic (ServiceKey). Unsigned leaves one
// unsigned.
func PublishRaw(tb testing.TB, broker, topic string, msgs ...kafka.Message) {
	tb.Helper()
	msgs = append([]kafka.Message(nil), msgs...)
	for i, m := range msgs {
		switch {
		case signed(m):
		case isPartnerTopic(topic):
			msgs[i] = SignAsPartner(topic, m)
		default:
			msgs[i] = signAsOwner(topic, m)
		}
	}
	w := &kafka.Writer{Addr: kafka.TCP(broker), Topic: topic, Balancer: &kafka.Hash{}, BatchTimeout: 5 * time.Millisecond,
		RequiredAcks: kafka.RequireAll, Transport: messaging.NewTransport()}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		tb.Fatal(err)
	}
}

// CloudEvent builds a binary-mode CloudEvent message as a partner system would send it.
func CloudEvent(id, typ, source, key string, data []byte) kafka.Message {
	return kafka.Message{Key: []byte(key), Value: data, Headers: []kafka.Header{
		{Key: messaging.HeaderSpecVersion, Value: []byte(messaging.SpecVersion)},
		{Key: messaging.HeaderID, Value: []byte(id)},
		{Key: messaging.HeaderSource, Value: []byte(source)},
		{Key: messaging.HeaderType, Value: []byte(typ)},
		{Key: messaging.HeaderTime, Value: []byte(time.Now().UTC().Format(time.RFC3339Nano))},
		{Key: messaging.HeaderContentType, Value: []byte(messaging.JSON)},
	}}
}

// WithSequence adds the CloudEvents sequence (the aggregate's version) to a message, as
// the outbox relay does.
func WithSequence(m kafka.Message, seq int) kafka.Message {
	m.Headers = append(m.Headers, kafka.Header{Key: messaging.HeaderSequence, Value: []byte(strconv.Itoa(seq))})
	return m
}

// Eventually polls cond until it holds or the timeout passes.
func Eventually(tb testing.TB, what string, timeout time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not reached within %s", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
