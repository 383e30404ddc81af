package messaging

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"
)

// TopicSpec describes a topic to create.
type TopicSpec struct {
	Name              string
	Partitions        int
	ReplicationFactor int
	// Config is the topic's Kafka configuration (cleanup.policy, retention.ms, ...).
	Config map[string]string
}

// EnsureTopics creates missing topics; existing topics are left as they are.
func EnsureTopics(ctx context.Context, brokers []string, transport *kafka.Transport, specs []TopicSpec) error {
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Transport: transport, Timeout: 10 * time.Second}
	req := &kafka.CreateTopicsRequest{}
	for _, s := range specs {
		tc := kafka.TopicConfig{Topic: s.Name, NumPartitions: s.Partitions, ReplicationFactor: s.ReplicationFactor}
		for _, k := range slices.Sorted(maps.Keys(s.Config)) {
			tc.ConfigEntries = append(tc.ConfigEntries, kafka.ConfigEntry{ConfigName: k, ConfigValue: s.Config[k]})
		}
		req.Topics = append(req.Topics, tc)
	}
	resp, err := client.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	var errs []error
	for name, err := range resp.Errors {
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("topic %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// Ping checks that a broker answers metadata requests; readiness uses it.
func Ping(ctx context.Context, brokers []string, transport *kafka.Transport) error {
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Transport: transport, Timeout: 3 * time.Second}
	_, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{}})
	return err
}

// NewTransport returns one transport per cluster. Its metadata is refreshed every 10 s
// (and at once after it creates a topic): every refresh costs a round trip per broker
// while idle, and the topics a service writes to are created when it starts.
func NewTransport() *kafka.Transport {
	return &kafka.Transport{
		Dial:        (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MetadataTTL: 10 * time.Second,
	}
}
