package kittest

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/messaging"
)

// Publisher publishes events on the platform's topics as the services that own them do:
// each signed with its owner's key of Region (ServiceKey), as the consumers require.
type Publisher struct {
	brokers []string
	source  string
	mu      sync.Mutex
	byOwner map[string]*messaging.Producer
}

// NewPublisher publishes to brokers with source as the events' ce_source.
func NewPublisher(brokers []string, source string) *Publisher {
	return &Publisher{brokers: brokers, source: source, byOwner: map[string]*messaging.Producer{}}
}

// Publish sends events to topic (with its prefix), signed as the topic's owner.
func (p *Publisher) Publish(ctx context.Context, topic string, events ...messaging.Event) error {
	return p.producer(topic).Publish(ctx, topic, events...)
}

// PublishBatch sends events to their topics, each signed as its topic's owner.
func (p *Publisher) PublishBatch(ctx context.Context, out []messaging.Outbound) []error {
	errs := make([]error, len(out))
	for i, o := range out {
		errs[i] = p.Publish(ctx, o.Topic, o.Event)
	}
	return errs
}

func (p *Publisher) producer(topic string) *messaging.Producer {
	owner := ""
	for _, t := range catalog.Topics {
		if t.Owner != "" && (topic == t.Name || strings.HasSuffix(topic, "."+t.Name)) {
			owner = t.Owner
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr, ok := p.byOwner[owner]; ok {
		return pr
	}
	cfg := messaging.ProducerConfig{Brokers: p.brokers, Transport: messaging.NewTransport(), Source: p.source}
	if owner != "" {
		cfg.SigningKey = ServiceKey(Region, owner)
	}
	pr := messaging.NewProducer(cfg)
	p.byOwner[owner] = pr
	return pr
}

// Close closes every producer.
func (p *Publisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for _, pr := range p.byOwner {
		errs = append(errs, pr.Close())
	}
	return errors.Join(errs...)
}
