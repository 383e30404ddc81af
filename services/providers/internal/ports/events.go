package ports

import (
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/app"
)

// The procurement events this service follows, from the contracts' types to what the app
// needs of them.

func contractAwarded(e events.ContractAwarded) app.ContractAwarded {
	c := app.ContractAwarded{ContractID: e.ContractID, Number: e.Number, SchemeID: e.SchemeID, SchemeReference: e.SchemeReference,
		Region: e.Region, Buyer: e.Buyer, ProviderKvK: e.ProviderKvK, ProviderName: e.ProviderName, Products: awardedProducts(e.Products)}
	if r := e.SchemeRun; r != nil {
		c.SchemeRun = &trajectory.Run{From: r.From, Until: r.Until}
	}
	return c
}

func contractExtended(e events.ContractExtended) app.ContractAwarded {
	c := app.ContractAwarded{ContractID: e.ContractID, Number: e.Number, SchemeID: e.SchemeID, SchemeReference: e.SchemeReference,
		Region: e.Region, Buyer: e.Buyer, ProviderKvK: e.ProviderKvK, ProviderName: e.ProviderName, Products: awardedProducts(e.Products)}
	if r := e.SchemeRun; r != nil {
		c.SchemeRun = &trajectory.Run{From: r.From, Until: r.Until}
	}
	return c
}

func awardedProducts(ps []events.AwardedProduct) []app.AwardedProduct {
	out := make([]app.AwardedProduct, len(ps))
	for i, p := range ps {
		out[i] = app.AwardedProduct{ProductID: p.ProductID, Name: p.Name, PriceCents: p.PriceCents, Terms: trajectory.TermsOfAll(p.Terms)}
	}
	return out
}
