package kittest

import (
	"encoding/json"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	kit "github.com/werkregio/platform/services/kit/service"
)

// TestRegions are the regions whose services' event keys every test service trusts: the
// tests' region and the second region of the cross-region tests.
var TestRegions = []string{Region, "flevoland"}

// ServiceKey is the private event signing key of a service of a region.
func ServiceKey(region, service string) jwk.Key { return signingKey(kit.KeyID(region, service)) }

// EventKeyEnv is the environment a service of a region signs and checks events with: its
// own key and the public keys of every service of TestRegions.
func EventKeyEnv(region, service string) map[string]string {
	own, _ := json.Marshal(ServiceKey(region, service))
	return map[string]string{"EVENT_SIGNING_KEY": string(own), "EVENT_KEYS": EventKeys()}
}

// EventKeys is the JWK Set of the public keys of every service of TestRegions.
func EventKeys() string {
	var keys []any
	for _, r := range TestRegions {
		for _, s := range catalog.Services {
			pub, err := ServiceKey(r, s.Name).PublicKey()
			if err != nil {
				panic(err)
			}
			keys = append(keys, pub)
		}
	}
	raw, _ := json.Marshal(map[string]any{"keys": keys})
	return string(raw)
}

// signAsOwner signs a message for a topic of the platform as the service that owns it
// would: of the region the topic's prefix names (a TestRegions entry), else of Region; on
// the shared topic, of the region the message's data names.
func signAsOwner(topic string, m kafka.Message) kafka.Message {
	for _, t := range catalog.Topics {
		if t.Owner == "" || (topic != t.Name && !strings.HasSuffix(topic, "."+t.Name)) {
			continue
		}
		region := Region
		if t.Shared {
			var named struct{ Region string }
			if json.Unmarshal(m.Value, &named) == nil && named.Region != "" {
				region = named.Region
			}
		} else if segs := strings.Split(strings.TrimSuffix(strings.TrimSuffix(topic, t.Name), "."), "."); len(segs) > 0 {
			for _, r := range TestRegions {
				if segs[len(segs)-1] == r {
					region = r
				}
			}
		}
		return signFor(topic, m, ServiceKey(region, t.Owner))
	}
	return m
}
