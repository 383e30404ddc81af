package adapters

import (
	"context"
	"slices"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/procurement/internal/app"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// Aggregate kinds in the commit log.
const (
	kindScheme    = "scheme"
	kindAdmission = "admission"
	kindTender    = "tender"
)

// Views are what lists filter on. A draft scheme is visible to its buyer only, so its view
// names who may see it ("*": everyone in the region).
var Views = []*store.View{
	store.NewView(kindScheme, 1, store.StoredAs(documentOfScheme, schemeDocument.scheme), func(s *domain.Scheme) store.Fields {
		visible := "*"
		if s.Status == domain.SchemeDraft {
			visible = s.Buyer
		}
		return store.Fields{"status": string(s.Status), "visibleTo": visible}
	}, []string{"status"}, []string{"visibleTo"}),
	store.NewView(kindAdmission, 2, store.StoredAs(documentOfAdmission, admissionDocument.admission), func(a *domain.Admission) store.Fields {
		statuses := []string{}
		for _, c := range a.Contracts {
			if !slices.Contains(statuses, string(c.Status)) {
				statuses = append(statuses, string(c.Status))
			}
		}
		reviewing := "no"
		if a.InReview() != nil {
			reviewing = "yes"
		}
		return store.Fields{"scheme": a.SchemeID, "provider": a.ProviderKvK, "contractStatuses": statuses, "inReview": reviewing}
	}, []string{"scheme"}, []string{"provider"}, []string{"contractStatuses"}, []string{"inReview"}),
	store.NewView(kindTender, 1, store.StoredAs(documentOfTender, tenderDocument.tender), func(t *domain.Tender) store.Fields {
		return store.Fields{"status": string(t.Status)}
	}, []string{"status"}),
}

// Repository stores procurement aggregates as commits (state + outbox in one document).
type Repository struct{ agg *store.Aggregates }

// NewRepository uses the store; topicPrefix is the region's Kafka topic prefix.
func NewRepository(s *store.Store, topicPrefix string) *Repository {
	return &Repository{agg: store.NewAggregates(s, topicPrefix, catalog.RoutesOf(catalog.Procurement))}
}

var _ app.Repository = (*Repository)(nil)

func (r *Repository) LoadScheme(ctx context.Context, id string) (*domain.Scheme, int, error) {
	return store.LoadAs[domain.Scheme](ctx, r.agg, kindScheme, id)
}

func (r *Repository) SaveScheme(ctx context.Context, s *domain.Scheme, o commit.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindScheme, ID: s.ID, Region: s.Region, State: s, Outcome: o})
}

func (r *Repository) ListSchemes(ctx context.Context, region string, f app.SchemeFilter, page paging.Request) (paging.Page[domain.Scheme], error) {
	q := store.Filtered(region, page, map[string]string{"status": string(f.Status)})
	if f.VisibleTo != "" {
		q.Equals["visibleTo"] = []string{"*", f.VisibleTo}
	}
	return store.PageAs[domain.Scheme](ctx, r.agg, kindScheme, q)
}

func (r *Repository) LoadAdmission(ctx context.Context, id string) (*domain.Admission, int, error) {
	return store.LoadAs[domain.Admission](ctx, r.agg, kindAdmission, id)
}

func (r *Repository) SaveAdmission(ctx context.Context, a *domain.Admission, o commit.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindAdmission, ID: a.ID, Region: a.Region, State: a, Outcome: o})
}

func admissionQuery(region string, f app.AdmissionFilter, page paging.Request) store.PageQuery {
	reviewing := ""
	if f.InReview {
		reviewing = "yes"
	}
	return store.Filtered(region, page, map[string]string{"scheme": f.SchemeID, "provider": f.ProviderKvK, "contractStatuses": string(f.ContractStatus), "inReview": reviewing})
}

func (r *Repository) ListAdmissions(ctx context.Context, region string, f app.AdmissionFilter, page paging.Request) (paging.Page[domain.Admission], error) {
	return store.PageAs[domain.Admission](ctx, r.agg, kindAdmission, admissionQuery(region, f, page))
}

func (r *Repository) EachAdmission(ctx context.Context, region string, f app.AdmissionFilter, fn func(*domain.Admission) error) error {
	return store.EachAs(ctx, r.agg, kindAdmission, admissionQuery(region, f, paging.Request{}), fn)
}

func (r *Repository) LoadTender(ctx context.Context, id string) (*domain.Tender, int, error) {
	return store.LoadAs[domain.Tender](ctx, r.agg, kindTender, id)
}

func (r *Repository) SaveTender(ctx context.Context, t *domain.Tender, o commit.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindTender, ID: t.ID, Region: t.Region, State: t, Outcome: o})
}

func tenderQuery(region string, status domain.TenderStatus, page paging.Request) store.PageQuery {
	return store.Filtered(region, page, map[string]string{"status": string(status)})
}

func (r *Repository) ListTenders(ctx context.Context, region string, status domain.TenderStatus, page paging.Request) (paging.Page[domain.Tender], error) {
	return store.PageAs[domain.Tender](ctx, r.agg, kindTender, tenderQuery(region, status, page))
}

func (r *Repository) EachTender(ctx context.Context, region string, status domain.TenderStatus, fn func(*domain.Tender) error) error {
	return store.EachAs(ctx, r.agg, kindTender, tenderQuery(region, status, paging.Request{}), fn)
}

// Audit pages who did what to one aggregate, oldest first, from the commit log.
func (r *Repository) Audit(ctx context.Context, kind, id string, page paging.Request) (paging.Page[commit.AuditEntry], error) {
	p, err := r.agg.HistoryPage(ctx, []store.Ref{{Kind: kind, ID: id}}, page)
	return paging.Map(p, func(e store.HistoryEntry) commit.AuditEntry { return e.AuditEntry }), err
}
