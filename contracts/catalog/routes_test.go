package catalog_test

import (
	"testing"

	"github.com/werkregio/platform/contracts/catalog"
)

// Each event type goes to the one topic that lists it, and a service routes only the types
// of the topics it owns: participants cannot publish a tranche, payments can.
func TestEachServiceRoutesTheTypesOfItsOwnTopics(t *testing.T) {
	routed := map[string]string{}
	for _, svc := range catalog.Services {
		for typ, topic := range catalog.RoutesOf(svc.Name) {
			if other, ok := routed[typ]; ok {
				t.Errorf("%s is routed by %s and %s", typ, other, svc.Name)
			}
			routed[typ] = svc.Name
			if want, _ := catalog.TopicOfType(typ); want != topic {
				t.Errorf("%s: %s routes it to %s, the catalog lists it on %s", typ, svc.Name, topic, want)
			}
		}
	}
	if _, ok := catalog.RoutesOf(catalog.Participants)[catalog.TypeTrancheDue]; ok {
		t.Error("participants routes a tranche event")
	}
	if catalog.RoutesOf(catalog.Payments)[catalog.TypeTrancheDue] != catalog.TopicPaymentsTranches {
		t.Error("payments does not route tranche.due to its topic")
	}
	if catalog.RoutesOf(catalog.Sroi)[catalog.TypeCandidateMonthsClaimed] != catalog.TopicSroiCandidateMonths {
		t.Error("sroi does not route its claims to the shared topic")
	}
}
