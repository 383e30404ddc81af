package service_test

import (
	"encoding/json"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
)

// A certificate announcement replayed after a newer one (a redelivery, a replay of the
// topic) is skipped: the contract the renewal resumed stays active.
func TestAReplayedCertificateAnnouncementDoesNotRollBack(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	provider := r.token(t, "groningen", "12345678", auth.RoleProvider)
	schemeID, productID := r.openScheme(t, buyer)
	var accepted struct{ Contract struct{ ID string } }
	expect(t, "apply", r.call(t, provider, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 95000, day(300)), &accepted), 201)
	contractID := accepted.Contract.ID

	announce := func(seq int, valid ...string) {
		raw, _ := json.Marshal(obj{"providerKvk": "12345678", "region": "groningen", "validCertificates": append([]string{}, valid...),
			"expired": []string{}, "renewed": []string{}, "asOf": day(0), "at": time.Now().UTC().Format(time.RFC3339)})
		kittest.PublishRaw(t, r.kafka, r.prefix+catalog.TopicProvidersRegistry, kittest.WithSequence(
			kittest.CloudEvent("cert-"+time.Now().Format(time.RFC3339Nano), catalog.TypeCertificatesChanged, "/werkregio/groningen/providers", "12345678", raw), seq))
	}
	var contract struct {
		Status  string
		History []struct{ Status string }
	}
	status := func() string {
		r.call(t, buyer, "GET", "/api/v1/contracts/"+contractID, nil, &contract)
		return contract.Status
	}
	announce(2) // VCA expired
	kittest.Eventually(t, "suspended", 15*time.Second, func() bool { return status() == "suspended" })
	announce(3, "VCA") // renewed
	kittest.Eventually(t, "resumed", 15*time.Second, func() bool { return status() == "active" })
	changes := len(contract.History)
	announce(2)        // the expiry again, replayed
	announce(4, "VCA") // and something newer after it, on the same partition
	kittest.Eventually(t, "the newer announcement applied", 15*time.Second, func() bool {
		var d struct{ Seq int }
		err := r.platform.DB.Collection("sequences_registry").FindOne(t.Context(), bson.D{}).Decode(&d)
		return err == nil && d.Seq == 4
	})
	if s := status(); s != "active" || len(contract.History) != changes {
		t.Fatalf("a replayed expiry suspended the renewed provider's contract again: %s, %d changes (want %d)", s, len(contract.History), changes)
	}
}
