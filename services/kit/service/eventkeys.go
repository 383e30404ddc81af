package service

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/messaging"
)

// eventKeys are the service's own signing key and the public keys it trusts.
type eventKeys struct {
	own     jwk.Key
	trusted *messaging.Keys
}

// KeyID names a service's event signing key: "<region>/<service>".
func KeyID(region, service string) string { return region + "/" + service }

func loadEventKeys(cfg Config) (eventKeys, error) {
	read := func(inline, file, name string) ([]byte, error) {
		if inline != "" {
			return []byte(inline), nil
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return raw, nil
	}
	raw, err := read(cfg.EventSigningKey, cfg.EventSigningKeyFile, "EVENT_SIGNING_KEY_FILE")
	if err != nil {
		return eventKeys{}, err
	}
	own, err := messaging.ParseSigningKey(raw)
	if err != nil {
		return eventKeys{}, fmt.Errorf("EVENT_SIGNING_KEY: %w", err)
	}
	if kid, _ := own.KeyID(); kid != KeyID(cfg.Region, cfg.Name) {
		return eventKeys{}, fmt.Errorf("EVENT_SIGNING_KEY: kid %q, want %q", kid, KeyID(cfg.Region, cfg.Name))
	}
	if raw, err = read(cfg.EventKeys, cfg.EventKeysFile, "EVENT_KEYS_FILE"); err != nil {
		return eventKeys{}, err
	}
	trusted, err := messaging.ParsePublicKeys(raw)
	if err != nil {
		return eventKeys{}, fmt.Errorf("EVENT_KEYS: %w", err)
	}
	pub, err := own.PublicKey()
	if err != nil {
		return eventKeys{}, err
	}
	if !trusted.Has(KeyID(cfg.Region, cfg.Name)) {
		if err := trusted.Add(pub); err != nil {
			return eventKeys{}, err
		}
	}
	return eventKeys{own: own, trusted: trusted}, nil
}

// origin proves that a message on one of the platform's own topics was written by the
// service that owns the topic: of this region, or — on a topic every region shares — of
// the region its signer names (the handler checks that region against the message's).
// Partner topics are proven by their consumer against the partner's registered keys.
func (p *Platform) origin(topics []string) func(kafka.Message) (string, error) {
	type want struct {
		owner  string
		shared bool
	}
	byTopic := map[string]want{}
	for _, name := range topics {
		t, ok := catalog.TopicNamed(name)
		if !ok || t.Owner == "" {
			continue
		}
		byTopic[p.Config.Topic(name)] = want{owner: t.Owner, shared: t.Shared}
	}
	if len(byTopic) == 0 {
		return nil
	}
	return func(m kafka.Message) (string, error) {
		w, ok := byTopic[m.Topic]
		if !ok {
			return "", nil
		}
		kid, err := messaging.VerifyOrigin(m, p.keys.trusted)
		if err != nil {
			return "", err
		}
		region, service, _ := strings.Cut(kid, "/")
		if service != w.owner || (!w.shared && region != p.Config.Region) {
			return "", fmt.Errorf("%w: signed by %s, but only %s of %s writes %s", messaging.ErrOriginNotProven, kid, w.owner, p.regionOf(w.shared), m.Topic)
		}
		return kid, nil
	}
}

func (p *Platform) regionOf(shared bool) string {
	if shared {
		return "any region"
	}
	return "region " + p.Config.Region
}

// ConsumedTopics are the topics (with their prefixes) the service's consumers read.
func (p *Platform) ConsumedTopics() []string {
	var out []string
	for _, c := range p.consumers {
		for _, t := range c.Topics() {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}
