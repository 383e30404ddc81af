package app

import (
	"context"
	"net/url"

	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/contracts/openapi/providersapi"
)

// Schemes is a page of the region's Open House schemes; q: status.
func (p *Portal) Schemes(ctx context.Context, u User, q url.Values) (Page[procurementapi.Scheme], error) {
	return list[procurementapi.Scheme](ctx, p, u.call(Procurement, "/api/v1/schemes", q))
}

// Scheme is one scheme with its products and their terms.
func (p *Portal) Scheme(ctx context.Context, u User, id string) (procurementapi.Scheme, error) {
	return get[procurementapi.Scheme](ctx, p, u.call(Procurement, "/api/v1/schemes/"+url.PathEscape(id), nil))
}

// Applications is a page of providers' applications; q: schemeId, providerKvk.
func (p *Portal) Applications(ctx context.Context, u User, q url.Values) (Page[procurementapi.Application], error) {
	return list[procurementapi.Application](ctx, p, u.call(Procurement, "/api/v1/applications", q))
}

// Contracts is a page of contracts; q: status, providerKvk, schemeId.
func (p *Portal) Contracts(ctx context.Context, u User, q url.Values) (Page[procurementapi.Contract], error) {
	return list[procurementapi.Contract](ctx, p, u.call(Procurement, "/api/v1/contracts", q))
}

// Tenders is a page of the tender calendar; q: status.
func (p *Portal) Tenders(ctx context.Context, u User, q url.Values) (Page[procurementapi.Tender], error) {
	return list[procurementapi.Tender](ctx, p, u.call(Procurement, "/api/v1/tenders", q))
}

// Offers is a page of contracted offers (a provider: its own).
func (p *Portal) Offers(ctx context.Context, u User, q url.Values) (Page[providersapi.Offer], error) {
	return list[providersapi.Offer](ctx, p, u.call(Providers, "/api/v1/offers", q))
}
