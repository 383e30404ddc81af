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

// SchemeVersion is a scheme with its version: the ETag a change to it names in If-Match.
func (p *Portal) SchemeVersion(ctx context.Context, u User, id string) (procurementapi.Scheme, string, error) {
	var out procurementapi.Scheme
	etag, err := p.api.Get(ctx, u.call(Procurement, "/api/v1/schemes/"+url.PathEscape(id), nil), &out)
	return out, etag, err
}

// CreateScheme makes a draft scheme.
func (p *Portal) CreateScheme(ctx context.Context, u User, key string, in procurementapi.SchemeInput) (procurementapi.Scheme, error) {
	return post[procurementapi.Scheme](ctx, p, u.call(Procurement, "/api/v1/schemes", nil), key, in)
}

// PublishScheme opens a draft scheme to applications, on the version the buyer saw.
func (p *Portal) PublishScheme(ctx context.Context, u User, id, version, key string) (procurementapi.Scheme, error) {
	call := u.call(Procurement, "/api/v1/schemes/"+url.PathEscape(id)+"/publish", nil)
	call.IfMatch = version
	return post[procurementapi.Scheme](ctx, p, call, key, nil)
}

// AddProduct adds a product with its first terms to a scheme, on the version the buyer saw.
func (p *Portal) AddProduct(ctx context.Context, u User, schemeID, version, key string, in procurementapi.ProductInput) (procurementapi.Product, error) {
	call := u.call(Procurement, "/api/v1/schemes/"+url.PathEscape(schemeID)+"/products", nil)
	call.IfMatch = version
	return post[procurementapi.Product](ctx, p, call, key, in)
}

// TenderVersion is a tender with its version (ETag).
func (p *Portal) TenderVersion(ctx context.Context, u User, id string) (procurementapi.Tender, string, error) {
	var out procurementapi.Tender
	etag, err := p.api.Get(ctx, u.call(Procurement, "/api/v1/tenders/"+url.PathEscape(id), nil), &out)
	return out, etag, err
}

// AnnounceTender puts a tender on the region's calendar.
func (p *Portal) AnnounceTender(ctx context.Context, u User, key string, in procurementapi.TenderInput) (procurementapi.Tender, error) {
	return post[procurementapi.Tender](ctx, p, u.call(Procurement, "/api/v1/tenders", nil), key, in)
}

// AwardTender records the award, which starts the social-return obligation.
func (p *Portal) AwardTender(ctx context.Context, u User, id, version, key string, in procurementapi.AwardInput) (procurementapi.Tender, error) {
	call := u.call(Procurement, "/api/v1/tenders/"+url.PathEscape(id)+"/award", nil)
	call.IfMatch = version
	return post[procurementapi.Tender](ctx, p, call, key, in)
}

// Apply sends a provider's application to a scheme; it is decided at once.
func (p *Portal) Apply(ctx context.Context, u User, schemeID, key string, in procurementapi.ApplicationInput) (procurementapi.ApplicationResult, error) {
	return post[procurementapi.ApplicationResult](ctx, p, u.call(Procurement, "/api/v1/schemes/"+url.PathEscape(schemeID)+"/applications", nil), key, in)
}

// OfferVersion is a contract's offer with its version (ETag).
func (p *Portal) OfferVersion(ctx context.Context, u User, contractID string) (providersapi.Offer, string, error) {
	var out providersapi.Offer
	etag, err := p.api.Get(ctx, u.call(Providers, "/api/v1/offers/"+url.PathEscape(contractID), nil), &out)
	return out, etag, err
}

// SetProductOffer sets a product's locations and starts on the offer's version.
func (p *Portal) SetProductOffer(ctx context.Context, u User, contractID, productID, version string, in providersapi.ProductOfferInput) (providersapi.Offer, error) {
	call := u.call(Providers, "/api/v1/offers/"+url.PathEscape(contractID)+"/products/"+url.PathEscape(productID), nil)
	call.IfMatch, call.Body = version, in
	var out providersapi.Offer
	err := p.api.Put(ctx, call, &out)
	return out, err
}

// ChangeTerms adds a version of a product's terms.
func (p *Portal) ChangeTerms(ctx context.Context, u User, schemeID, productID, key string, in procurementapi.TermsInput) (procurementapi.Terms, error) {
	return post[procurementapi.Terms](ctx, p, u.call(Procurement, "/api/v1/schemes/"+url.PathEscape(schemeID)+"/products/"+url.PathEscape(productID)+"/terms", nil), key, in)
}

// ApplicationVersion is an application with its version (its admission's ETag).
func (p *Portal) ApplicationVersion(ctx context.Context, u User, id string) (procurementapi.Application, string, error) {
	var out procurementapi.Application
	etag, err := p.api.Get(ctx, u.call(Procurement, "/api/v1/applications/"+url.PathEscape(id), nil), &out)
	return out, etag, err
}

// DecideApplication sends the buyer's judgement of an application in review, on the
// version the buyer saw.
func (p *Portal) DecideApplication(ctx context.Context, u User, id, version, key string, in procurementapi.DecisionInput) (procurementapi.ApplicationResult, error) {
	call := u.call(Procurement, "/api/v1/applications/"+url.PathEscape(id)+"/decision", nil)
	call.IfMatch = version
	return post[procurementapi.ApplicationResult](ctx, p, call, key, in)
}
