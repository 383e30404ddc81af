package app

import (
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// Event types this service publishes.
const (
	TypeCertificatesChanged = catalog.TypeCertificatesChanged
	TypeOfferChanged        = catalog.TypeOfferChanged
)

// offerEvent is the whole offer after a change, as participants keeps its replica of it.
func offerEvent(o *domain.Offer) events.OfferChanged {
	e := events.OfferChanged{ContractID: o.ContractID, ContractNumber: o.ContractNumber, SchemeID: o.SchemeID, SchemeReference: o.SchemeReference,
		Region: o.Region, Buyer: o.Buyer, ProviderKvK: o.ProviderKvK, ProviderName: o.ProviderName,
		ContractStatus: events.OfferChangedContractStatus(o.ContractStatus), Revision: o.Revision, UpdatedAt: o.UpdatedAt}
	if r := o.SchemeRun; r != nil {
		e.SchemeRun = &events.OfferChanged_SchemeRun{From: r.From, Until: r.Until}
	}
	if o.Products != nil {
		e.Products = make([]events.OfferChanged_Products, len(o.Products))
	}
	for i, p := range o.Products {
		ep := events.OfferChanged_Products{ProductID: p.ProductID, Name: p.Name, PriceCents: p.PriceCents, Locations: p.Locations}
		if p.Terms != nil {
			ep.Terms = make([]events.Terms, len(p.Terms))
			for j, t := range p.Terms {
				ep.Terms[j] = t.Event()
			}
		}
		if p.Starts != nil {
			ep.Starts = make([]events.OfferChanged_Products_Starts, len(p.Starts))
			for j, st := range p.Starts {
				ep.Starts[j] = events.OfferChanged_Products_Starts{Date: st.Date, Location: st.Location, Capacity: st.Capacity}
			}
		}
		e.Products[i] = ep
	}
	return e
}

// What this service follows of procurement's events (ports decode them from the
// contracts' types).

// ContractAwarded: procurement contracted (or extended) a provider for these products.
type ContractAwarded struct {
	ContractID, Number, SchemeID, SchemeReference string
	Region, Buyer, ProviderKvK, ProviderName      string
	Products                                      []AwardedProduct
	SchemeRun                                     *trajectory.Run
}

// AwardedProduct is a contracted product with every terms version known at award.
type AwardedProduct struct {
	ProductID, Name string
	PriceCents      int64
	Terms           []trajectory.Terms
}

// ContractStatusChanged: procurement suspended, resumed or ended a contract.
type ContractStatusChanged struct {
	ContractID string
}

// TermsChanged: procurement published a new version of a product's terms.
type TermsChanged struct {
	SchemeID, Region, ProductID string
	Terms                       trajectory.Terms
}
