package kittest

import (
	"context"
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
	return messaging.FastTimings(cfg)
}
