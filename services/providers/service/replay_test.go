package service_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
)

// A contract event replayed after a newer one is skipped: the offer keeps the newer
// contract status and no change is recorded for the old event.
func TestAReplayedContractEventDoesNotRollTheOfferBack(t *testing.T) {
	c := &kittest.Clock{}
	pf, r := start(t, c)
	a := pf.Token(t, "12345678", auth.RoleProvider)
	const contractID = "ctr.sch-2.12345678.1"
	send := func(seq int, typ string, data obj) {
		raw, _ := json.Marshal(data)
		kittest.PublishRaw(t, pf.Infra.Kafka, pf.Topic(catalog.TopicProcurementContracts), kittest.WithSequence(
			kittest.CloudEvent(fmt.Sprintf("%s-%d", typ, seq), typ, "/werkregio/groningen/procurement", contractID, raw), seq))
	}
	status := func(s string) obj {
		return obj{"contractId": contractID, "number": "OH-2026-BT/12345678/1", "schemeId": "sch-1", "region": "groningen",
			"providerKvk": "12345678", "reason": s, "at": time.Now().UTC().Format(time.RFC3339)}
	}
	award := awarded(contractID, "12345678", termsV(1, c.Day(-30), 40, 30, 30))
	send(3, catalog.TypeContractAwarded, award)
	send(4, catalog.TypeContractSuspended, status("VCA expired"))
	send(5, catalog.TypeContractResumed, status("VCA renewed"))
	var o offer
	kittest.Eventually(t, "resumed", 15*time.Second, func() bool {
		return r.Call(t, a, "GET", "/api/v1/offers/"+contractID, nil, &o) == 200 && o.ContractStatus == "active" && o.Revision == 3
	})
	send(4, catalog.TypeContractSuspended, status("VCA expired")) // replayed
	send(3, catalog.TypeContractAwarded, award)                   // replayed
	send(6, catalog.TypeContractEnded, status("ended by the buyer"))
	kittest.Eventually(t, "ended", 15*time.Second, func() bool {
		return r.Call(t, a, "GET", "/api/v1/offers/"+contractID, nil, &o) == 200 && o.ContractStatus == "ended"
	})
	if o.Revision != 4 {
		t.Fatalf("revision %d: the replayed events changed the offer (want 4: created, suspended, resumed, ended)", o.Revision)
	}
}
