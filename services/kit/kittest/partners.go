package kittest

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/eventkeys"
	"github.com/werkregio/platform/services/kit/messaging"
)

// The tests' senders each sign with a key of their own, made once per process: the
// services (ServiceKey) and the partner systems (PartnerKey), named by their kid.
var signingKeys sync.Map

// signingKey is the private key named kid, made on first use.
func signingKey(kid string) jwk.Key {
	if k, ok := signingKeys.Load(kid); ok {
		return k.(jwk.Key)
	}
	p, err := eventkeys.New(kid)
	if err != nil {
		panic(err)
	}
	k, err := messaging.ParseSigningKey(p.Private.Marshal())
	if err != nil {
		panic(err)
	}
	actual, _ := signingKeys.LoadOrStore(kid, k)
	return actual.(jwk.Key)
}

// PartnerKey is the private signing key of the test partner system source.
func PartnerKey(source string) jwk.Key {
	return signingKey("partner" + strings.ReplaceAll(source, "/", "-"))
}

// PartnerKeys is the public JWK Set a region registers for the test partner system source.
func PartnerKeys(source string) map[string]any {
	pub, err := PartnerKey(source).PublicKey()
	if err != nil {
		panic(err)
	}
	raw, _ := json.Marshal(pub)
	var k map[string]any
	_ = json.Unmarshal(raw, &k)
	return map[string]any{"keys": []any{k}}
}

// SignAsPartner signs m for topic with the key of the partner system its ce_source names.
func SignAsPartner(topic string, m kafka.Message) kafka.Message {
	source := ""
	for _, h := range m.Headers {
		if h.Key == messaging.HeaderSource {
			source = string(h.Value)
		}
	}
	return signFor(topic, m, PartnerKey(source))
}

// signFor signs m as published on topic.
func signFor(topic string, m kafka.Message, key jwk.Key) kafka.Message {
	m.Topic = topic
	if err := messaging.Sign(&m, key); err != nil {
		panic(err)
	}
	m.Topic = ""
	return m
}

// Unsigned marks a message to be published without a signature (a forgery's first try).
func Unsigned(m kafka.Message) kafka.Message {
	m.Headers = append(m.Headers, kafka.Header{Key: messaging.HeaderSignature, Value: nil})
	return m
}

func isPartnerTopic(topic string) bool { return strings.Contains(topic, "partners.") }

func signed(m kafka.Message) bool {
	for _, h := range m.Headers {
		if h.Key == messaging.HeaderSignature {
			return true
		}
	}
	return false
}
