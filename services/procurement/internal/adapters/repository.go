package adapters

import (
	"context"

	"github.com/werkregio/platform/services/kit/rules"
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

// Repository stores procurement aggregates as commits (state + outbox in one document).
type Repository struct{ agg *store.Aggregates }

// NewRepository uses the commit log; topicPrefix is the region's Kafka topic prefix.
func NewRepository(commits *store.Commits, topicPrefix string) *Repository {
	return &Repository{agg: store.NewAggregates(commits, topicPrefix, TopicOf)}
}

var _ app.Repository = (*Repository)(nil)

func (r *Repository) LoadScheme(ctx context.Context, id string) (*domain.Scheme, int, error) {
	return store.LoadAs[domain.Scheme](ctx, r.agg, kindScheme, id)
}

func (r *Repository) SaveScheme(ctx context.Context, s *domain.Scheme, version int, events []app.Event) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindScheme, ID: s.ID, Region: s.Region,
		Labels: map[string]string{"status": string(s.Status)}, State: s, Outcome: rules.Outcome{Version: version, Events: events}})
}

func (r *Repository) ListSchemes(ctx context.Context, region string) ([]domain.Scheme, error) {
	return store.ListAs[domain.Scheme](ctx, r.agg, kindScheme, region, nil)
}

func (r *Repository) LoadAdmission(ctx context.Context, id string) (*domain.Admission, int, error) {
	return store.LoadAs[domain.Admission](ctx, r.agg, kindAdmission, id)
}

func (r *Repository) SaveAdmission(ctx context.Context, a *domain.Admission, version int, events []app.Event) error {
	labels := map[string]string{"scheme": a.SchemeID, "provider": a.ProviderKvK}
	return r.agg.Save(ctx, store.Saved{Kind: kindAdmission, ID: a.ID, Region: a.Region, Labels: labels, State: a, Outcome: rules.Outcome{Version: version, Events: events}})
}

func (r *Repository) ListAdmissions(ctx context.Context, region string, f app.AdmissionFilter) ([]domain.Admission, error) {
	labels := map[string]string{}
	if f.SchemeID != "" {
		labels["scheme"] = f.SchemeID
	}
	if f.ProviderKvK != "" {
		labels["provider"] = f.ProviderKvK
	}
	return store.ListAs[domain.Admission](ctx, r.agg, kindAdmission, region, labels)
}

func (r *Repository) LoadTender(ctx context.Context, id string) (*domain.Tender, int, error) {
	return store.LoadAs[domain.Tender](ctx, r.agg, kindTender, id)
}

func (r *Repository) SaveTender(ctx context.Context, t *domain.Tender, version int, events []app.Event) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindTender, ID: t.ID, Region: t.Region,
		Labels: map[string]string{"status": string(t.Status)}, State: t, Outcome: rules.Outcome{Version: version, Events: events}})
}

func (r *Repository) ListTenders(ctx context.Context, region string) ([]domain.Tender, error) {
	return store.ListAs[domain.Tender](ctx, r.agg, kindTender, region, nil)
}
