package messaging_test

import (
	"encoding/json"
	"testing"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
)

func BenchmarkVerifyOrigin(b *testing.B) {
	set, err := messaging.ParsePublicKeys([]byte(kittest.EventKeys()))
	if err != nil {
		b.Fatal(err)
	}
	data, _ := json.Marshal(map[string]any{"contractId": "ctr-1", "region": "groningen", "reason": "VCA verlopen"})
	m := kittest.CloudEvent("e-1", "nl.werkregio.procurement.contract.suspended.v1", "/werkregio/groningen/procurement", "ctr-1", data)
	m.Topic = "groningen.procurement.contracts.v1"
	if err := messaging.Sign(&m, kittest.ServiceKey("groningen", "procurement")); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := messaging.VerifyOrigin(m, set); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	data, _ := json.Marshal(map[string]any{"contractId": "ctr-1", "region": "groningen", "reason": "VCA verlopen"})
	m := kittest.CloudEvent("e-1", "nl.werkregio.procurement.contract.suspended.v1", "/werkregio/groningen/procurement", "ctr-1", data)
	m.Topic = "groningen.procurement.contracts.v1"
	key := kittest.ServiceKey("groningen", "procurement")
	b.ResetTimer()
	for range b.N {
		if err := messaging.Sign(&m, key); err != nil {
			b.Fatal(err)
		}
	}
}
