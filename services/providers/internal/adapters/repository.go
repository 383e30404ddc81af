// Package adapters connects the providers application to MongoDB and Kafka.
package adapters

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/app"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// Aggregate kinds in the commit log.
const (
	kindProvider = "provider"
	kindOffer    = "offer"
)

// Views are what lists filter on.
var Views = []*store.View{
	store.NewView(kindProvider, 2, store.StoredAs(documentOfProvider, providerDocument.provider), func(p *domain.Provider) store.Fields {
		certificates := "none-pending"
		if p.AwaitsVerification() {
			certificates = "pending"
		}
		return store.Fields{"bankAccount": p.BankAccountStatus(), "certificates": certificates}
	}, []string{"bankAccount"}, []string{"certificates"}),
	store.NewView(kindOffer, 1, store.StoredAs(documentOfOffer, offerDocument.offer), func(o *domain.Offer) store.Fields {
		products := make([]string, len(o.Products))
		for i, p := range o.Products {
			products[i] = p.ProductID
		}
		return store.Fields{"provider": o.ProviderKvK, "scheme": o.SchemeID, "contractStatus": o.ContractStatus, "products": products}
	}, []string{"provider"}, []string{"scheme"}, []string{"contractStatus"}, []string{"products"}),
}

// Repository stores providers and offers on the commit log and terms versions as facts.
type Repository struct {
	agg   *store.Aggregates
	terms *mongo.Collection
}

// TermsIndexes: terms facts are read per scheme.
var TermsIndexes = []store.Index{{Collection: "terms", Model: mongo.IndexModel{Keys: bson.D{{Key: "schemeId", Value: 1}}}}}

// NewRepository uses the service's database.
func NewRepository(s *store.Store, topicPrefix string) *Repository {
	return &Repository{agg: store.NewAggregates(s, topicPrefix, catalog.RoutesOf(catalog.Providers)), terms: s.DB().Collection("terms")}
}

var _ app.Repository = (*Repository)(nil)

func (r *Repository) LoadProvider(ctx context.Context, kvk string) (*domain.Provider, int, error) {
	return store.LoadAs[domain.Provider](ctx, r.agg, kindProvider, kvk)
}

func (r *Repository) SaveProvider(ctx context.Context, p *domain.Provider, o commit.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindProvider, ID: p.KvK, Region: p.Region, State: p, Outcome: o})
}

func (r *Repository) ListProviders(ctx context.Context, region string, f app.ProviderFilter, page paging.Request) (paging.Page[domain.Provider], error) {
	return store.PageAs[domain.Provider](ctx, r.agg, kindProvider, store.Filtered(region, page, map[string]string{"bankAccount": f.BankAccount, "certificates": f.Certificates}))
}

func (r *Repository) EachProvider(ctx context.Context, region string, fn func(*domain.Provider) error) error {
	return store.EachAs(ctx, r.agg, kindProvider, store.PageQuery{Region: region}, fn)
}

func (r *Repository) LoadOffer(ctx context.Context, contractID string) (*domain.Offer, int, error) {
	return store.LoadAs[domain.Offer](ctx, r.agg, kindOffer, contractID)
}

func (r *Repository) SaveOffer(ctx context.Context, o *domain.Offer, out commit.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindOffer, ID: o.ContractID, Region: o.Region, State: o, Outcome: out})
}

func offerQuery(region string, f app.OfferFilter, page paging.Request) store.PageQuery {
	return store.Filtered(region, page, map[string]string{"provider": f.ProviderKvK, "scheme": f.SchemeID, "contractStatus": f.ContractStatus, "products": f.ProductID})
}

func (r *Repository) ListOffers(ctx context.Context, region string, f app.OfferFilter, page paging.Request) (paging.Page[domain.Offer], error) {
	return store.PageAs[domain.Offer](ctx, r.agg, kindOffer, offerQuery(region, f, page))
}

func (r *Repository) EachOffer(ctx context.Context, region string, f app.OfferFilter, fn func(*domain.Offer) error) error {
	return store.EachAs(ctx, r.agg, kindOffer, offerQuery(region, f, paging.Request{}), fn)
}

type termsFact struct {
	ID        string           `bson:"_id"`
	SchemeID  string           `bson:"schemeId"`
	ProductID string           `bson:"productId"`
	Terms     trajectory.Terms `bson:"-"`
	JSON      string           `bson:"terms"`
}

func (r *Repository) RecordTerms(ctx context.Context, schemeID, productID string, t trajectory.Terms) error {
	raw, err := bsonJSON(t)
	if err != nil {
		return err
	}
	_, err = store.InsertFact(ctx, r.terms, termsFact{ID: fmt.Sprintf("%s|%s|%d", schemeID, productID, t.Version), SchemeID: schemeID, ProductID: productID, JSON: raw})
	return err
}

func (r *Repository) KnownTerms(ctx context.Context, schemeID string) (map[string][]trajectory.Terms, error) {
	cur, err := r.terms.Find(ctx, bson.D{{Key: "schemeId", Value: schemeID}})
	if err != nil {
		return nil, err
	}
	var facts []termsFact
	if err := cur.All(ctx, &facts); err != nil {
		return nil, err
	}
	out := map[string][]trajectory.Terms{}
	for _, f := range facts {
		var t trajectory.Terms
		if err := fromJSON(f.JSON, &t); err != nil {
			return nil, err
		}
		out[f.ProductID] = append(out[f.ProductID], t)
	}
	return out, nil
}
