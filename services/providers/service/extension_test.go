package service_test

import (
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
)

// A contract extended with a product the scheme added brings the product into the offer,
// once, ready for the provider's locations and starts.
func TestAnExtendedContractAddsTheProductToTheOffer(t *testing.T) {
	c := &kittest.Clock{}
	pf, r := start(t, c)
	a := pf.Token(t, "12345678", auth.RoleProvider)
	const contractID = "ctr.sch-1.12345678.1"
	publish(t, pf, catalog.TopicProcurementContracts, catalog.TypeContractAwarded, contractID, awarded(contractID, "12345678", termsV(1, c.Day(-30), 40, 30, 30)))
	var o offer
	kittest.Eventually(t, "offer", 15*time.Second, func() bool { return r.Call(t, a, "GET", "/api/v1/offers/"+contractID, nil, &o) == 200 })

	extended := awarded(contractID, "12345678", termsV(1, c.Day(-30), 40, 30, 30))
	extended["products"] = append(extended["products"].([]obj), obj{"productId": "prd-2", "name": "Metselaar", "priceCents": 90000, "termsVersion": 1,
		"terms": []obj{termsV(1, c.Day(-1), 40, 30, 30)}})
	publish(t, pf, catalog.TopicProcurementContracts, catalog.TypeContractExtended, contractID, extended)
	publish(t, pf, catalog.TopicProcurementContracts, catalog.TypeContractExtended, contractID, extended) // redelivered
	kittest.Eventually(t, "the added product", 15*time.Second, func() bool {
		return r.Call(t, a, "GET", "/api/v1/offers/"+contractID, nil, &o) == 200 && len(o.Products) == 2
	})
	time.Sleep(300 * time.Millisecond)
	r.Call(t, a, "GET", "/api/v1/offers/"+contractID, nil, &o)
	if o.Revision != 2 || len(o.Products) != 2 {
		t.Fatalf("after an extension, redelivered: revision %d, %d products", o.Revision, len(o.Products))
	}
	starts := obj{"locations": []string{"Assen"}, "starts": []obj{{"date": c.Day(30), "location": "Assen", "capacity": 6}}}
	expect(t, "starts of the new product", r.Update(t, a, "PUT", "/api/v1/offers/"+contractID+"/products/prd-2", "/api/v1/offers/"+contractID, starts, nil), 200)
}
