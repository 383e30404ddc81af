package controller

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/werkregio/platform/contracts/catalog"
)

// Topics is the Kafka side of a region: its topics exist with the configured partitions.
type Topics interface {
	// Ensure creates the missing topics and returns how many exist.
	Ensure(ctx context.Context, k KafkaTarget) (int, error)
	// Delete removes the region's topics (only when the Region asks for it).
	Delete(ctx context.Context, k KafkaTarget) error
}

// KafkaTarget is a region's Kafka as the operator reaches it.
type KafkaTarget struct {
	Brokers            []string
	Prefix             string
	Partitions         int
	ReplicationFactor  int
	Username, Password string
	// Mechanism of SASL: plain (default), scram-sha-256, scram-sha-512.
	Mechanism string
	// TLS to the brokers; nil: plaintext.
	TLS *tls.Config
}

// RegionTopics are every platform topic of the region with the prefix, plus the
// dead-letter topic of each: the services create them too, but the operator creates them
// first with the region's partitions and replication, and owns their deletion. A topic every
// region shares (sroi's candidate-months) is none of them: no Region owns it, and deleting a
// Region must never delete it; the services create it under the shared prefix.
func RegionTopics(prefix string) []string {
	var out []string
	for _, t := range catalog.Topics {
		if t.Shared {
			continue
		}
		out = append(out, prefix+t.Name, prefix+t.Name+".dlq")
	}
	return out
}

// topicConfig is a region topic's Kafka configuration from the catalog (retention,
// compaction), as the AsyncAPI document states it, and the in-sync replicas a write needs:
// two of three (one broker may be down without losing an acknowledged write), one below.
func topicConfig(prefix, name string, replicationFactor int) []kafka.ConfigEntry {
	cfg := catalog.DeadLetterConfig()
	if t, ok := catalog.TopicNamed(strings.TrimPrefix(name, prefix)); ok {
		cfg = t.Config()
	}
	cfg["min.insync.replicas"] = strconv.Itoa(min(max(replicationFactor-1, 1), 2))
	var out []kafka.ConfigEntry
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		out = append(out, kafka.ConfigEntry{ConfigName: k, ConfigValue: cfg[k]})
	}
	return out
}

// KafkaTopics talks to Kafka with kafka-go.
type KafkaTopics struct{}

// client is a Kafka client for one reconcile; close it after. Its transport asks the
// cluster only about the region's own topics (by default kafka-go keeps the metadata of
// every topic of the cluster, refreshed in the background for as long as the transport
// lives: with hundreds of regions on one cluster, each reconcile would cost more than the
// last and every transport left open a goroutine doing so).
func (KafkaTopics) client(k KafkaTarget) (*kafka.Client, func()) {
	tr := &kafka.Transport{DialTimeout: 5 * time.Second, MetadataTTL: time.Second, TLS: k.TLS, MetadataTopics: RegionTopics(k.Prefix)}
	if k.Username != "" {
		switch k.Mechanism {
		case "scram-sha-256", "scram-sha-512":
			algo := scram.SHA512
			if k.Mechanism == "scram-sha-256" {
				algo = scram.SHA256
			}
			if m, err := scram.Mechanism(algo, k.Username, k.Password); err == nil {
				tr.SASL = m
			}
		default:
			tr.SASL = plain.Mechanism{Username: k.Username, Password: k.Password}
		}
	}
	return &kafka.Client{Addr: kafka.TCP(k.Brokers...), Transport: tr, Timeout: 10 * time.Second}, tr.CloseIdleConnections
}

// existing are the topics of names that exist, with their number of partitions.
func (t KafkaTopics) existing(ctx context.Context, c *kafka.Client, names []string) (map[string]int, error) {
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		return nil, err
	}
	have := map[string]int{}
	for _, topic := range md.Topics {
		if topic.Error == nil {
			have[topic.Name] = len(topic.Partitions)
		}
	}
	return have, nil
}

// reconcile brings existing topics to what the Region and the catalog say: more partitions
// when the Region asks for more (never fewer: Kafka cannot, and keys would move), and the
// configuration (retention, compaction, in-sync replicas) where it differs. Reads only
// when nothing changed.
func (t KafkaTopics) reconcile(ctx context.Context, c *kafka.Client, k KafkaTarget, have map[string]int) error {
	var errs []error
	var grow []kafka.TopicPartitionsConfig
	var describe []kafka.DescribeConfigRequestResource
	for _, name := range slices.Sorted(maps.Keys(have)) {
		if have[name] < k.Partitions {
			grow = append(grow, kafka.TopicPartitionsConfig{Name: name, Count: int32(k.Partitions)})
		}
		var keys []string
		for _, e := range topicConfig(k.Prefix, name, k.ReplicationFactor) {
			keys = append(keys, e.ConfigName)
		}
		describe = append(describe, kafka.DescribeConfigRequestResource{ResourceType: kafka.ResourceTypeTopic, ResourceName: name, ConfigNames: keys})
	}
	if len(grow) > 0 {
		resp, err := c.CreatePartitions(ctx, &kafka.CreatePartitionsRequest{Topics: grow})
		if err != nil {
			errs = append(errs, fmt.Errorf("create partitions: %w", err))
		} else {
			for topic, e := range resp.Errors {
				if e != nil {
					errs = append(errs, fmt.Errorf("partitions of %s: %w", topic, e))
				}
			}
		}
	}
	desc, err := c.DescribeConfigs(ctx, &kafka.DescribeConfigsRequest{Resources: describe})
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("describe configs: %w", err))...)
	}
	var alter []kafka.IncrementalAlterConfigsRequestResource
	for _, r := range desc.Resources {
		current := map[string]string{}
		for _, e := range r.ConfigEntries {
			current[e.ConfigName] = e.ConfigValue
		}
		var set []kafka.IncrementalAlterConfigsRequestConfig
		for _, e := range topicConfig(k.Prefix, r.ResourceName, k.ReplicationFactor) {
			if current[e.ConfigName] != e.ConfigValue {
				set = append(set, kafka.IncrementalAlterConfigsRequestConfig{Name: e.ConfigName, Value: e.ConfigValue, ConfigOperation: kafka.ConfigOperationSet})
			}
		}
		if len(set) > 0 {
			alter = append(alter, kafka.IncrementalAlterConfigsRequestResource{ResourceType: kafka.ResourceTypeTopic, ResourceName: r.ResourceName, Configs: set})
		}
	}
	if len(alter) > 0 {
		resp, err := c.IncrementalAlterConfigs(ctx, &kafka.IncrementalAlterConfigsRequest{Resources: alter})
		if err != nil {
			errs = append(errs, fmt.Errorf("alter configs: %w", err))
		} else {
			for _, r := range resp.Resources {
				if r.Error != nil {
					errs = append(errs, fmt.Errorf("config of %s: %w", r.ResourceName, r.Error))
				}
			}
		}
	}
	return errors.Join(errs...)
}

func (t KafkaTopics) Ensure(ctx context.Context, k KafkaTarget) (int, error) {
	c, closeClient := t.client(k)
	defer closeClient()
	names := RegionTopics(k.Prefix)
	have, err := t.existing(ctx, c, names)
	if err != nil {
		return 0, fmt.Errorf("kafka metadata: %w", err)
	}
	var missing []kafka.TopicConfig
	for _, n := range names {
		if _, ok := have[n]; !ok {
			missing = append(missing, kafka.TopicConfig{Topic: n, NumPartitions: k.Partitions, ReplicationFactor: k.ReplicationFactor,
				ConfigEntries: topicConfig(k.Prefix, n, k.ReplicationFactor)})
		}
	}
	if err := t.reconcile(ctx, c, k, have); err != nil {
		return len(have), err
	}
	if len(missing) == 0 {
		return len(names), nil
	}
	resp, err := c.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: missing})
	if err != nil {
		return len(have), fmt.Errorf("create topics: %w", err)
	}
	created := len(have)
	var errs []error
	for topic, e := range resp.Errors {
		switch {
		case e == nil, errors.Is(e, kafka.TopicAlreadyExists):
			created++
		default:
			errs = append(errs, fmt.Errorf("%s: %w", topic, e))
		}
	}
	return created, errors.Join(errs...)
}

func (t KafkaTopics) Delete(ctx context.Context, k KafkaTarget) error {
	c, closeClient := t.client(k)
	defer closeClient()
	names := RegionTopics(k.Prefix)
	have, err := t.existing(ctx, c, names)
	if err != nil {
		return err
	}
	var present []string
	for _, n := range names {
		if _, ok := have[n]; ok {
			present = append(present, n)
		}
	}
	if len(present) == 0 {
		return nil
	}
	resp, err := c.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: present})
	if err != nil {
		return err
	}
	var errs []error
	for topic, e := range resp.Errors {
		if e != nil && !errors.Is(e, kafka.UnknownTopicOrPartition) {
			errs = append(errs, fmt.Errorf("%s: %w", topic, e))
		}
	}
	return errors.Join(errs...)
}
