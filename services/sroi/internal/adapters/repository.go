// Package adapters connects the SROI application to MongoDB, Kafka and SMTP.
package adapters

import (
	"context"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Aggregate kinds in the commit log.
const (
	kindProject     = "project"
	kindDeclaration = "declaration"
	kindPolicy      = "policy"
	kindTable       = "valuetable"
)

func day(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// Views are what lists filter on.
var Views = []*store.View{
	store.NewView(kindProject, 2, store.StoredAs(documentOfProject, projectDocument.project), func(p *domain.Project) store.Fields {
		return store.Fields{"buyer": p.Buyer, "contractor": p.ContractorKvK, "status": string(p.Progress.Status), "nextCheck": day(p.NextCheck),
			"noPolicy": p.NoPolicy, "noTable": p.Table == ""}
	}, []string{"status"}, []string{"buyer", "status"}, []string{"contractor", "status"}, []string{"nextCheck"},
		// projects made before the region published its policy or table
		[]string{"noPolicy"}, []string{"noTable"}),
	store.NewView(kindDeclaration, 2, store.StoredAs(documentOfDeclaration, declarationDocument.declaration), func(d *domain.Declaration) store.Fields {
		return store.Fields{"project": d.ProjectID, "contractor": d.ContractorKvK, "status": string(d.Status),
			"nextPlanned": d.NextPlanned(), "decideBy": day(d.DecideBy), "remindOn": remindOn(d)}
	}, []string{"project", "status"}, []string{"contractor", "status"}, []string{"status"},
		// the scheduled checks: planned months that have passed, decisions due and reminders
		[]string{"nextPlanned"}, []string{"decideBy"}, []string{"remindOn"}),
	store.NewView(kindPolicy, 1, store.StoredAs(documentOfPublishedPolicy, publishedPolicyDocument.publishedPolicy), func(p *app.PublishedPolicy) store.Fields { return store.Fields{} }),
	store.NewView(kindTable, 1, store.StoredAs(documentOfPublishedTable, publishedTableDocument.publishedTable), func(t *app.PublishedTable) store.Fields { return store.Fields{} }),
}

// remindOn is the day a declaration's deciders are reminded, until they were.
func remindOn(d *domain.Declaration) string {
	if d.Reminded {
		return ""
	}
	return day(d.RemindOn)
}

// Repository stores projects and declarations on the commit log with their views.
type Repository struct{ agg *store.Aggregates }

// NewRepository publishes each event to its topic in the catalog; topic names the topics (the
// candidate-months topic is shared by all regions).
func NewRepository(s *store.Store, topicPrefix string, topic func(string) string) *Repository {
	return &Repository{agg: store.NewAggregates(s, topicPrefix, catalog.RoutesOf(catalog.Sroi)).WithTopicNames(topic)}
}

var _ app.Repository = (*Repository)(nil)

func (r *Repository) LoadProject(ctx context.Context, id string) (*domain.Project, error) {
	v, _, err := store.LoadAs[domain.Project](ctx, r.agg, kindProject, id)
	return v, err
}

func (r *Repository) SaveProject(ctx context.Context, p *domain.Project, o commit.Outcome) error {
	o.Version = p.CurrentVersion()
	return r.agg.Save(ctx, store.Saved{Kind: kindProject, ID: p.ID, Region: p.Region, State: p, Outcome: o})
}

func (r *Repository) ListProjects(ctx context.Context, region string, f app.ProjectFilter, page paging.Request) (paging.Page[domain.Project], error) {
	return store.PageAs[domain.Project](ctx, r.agg, kindProject, store.Filtered(region, page,
		map[string]string{"buyer": f.Buyer, "contractor": f.Contractor, "status": string(f.Status)}))
}

func (r *Repository) ProjectCounted(ctx context.Context, id, cause string, atOrBefore int) (bool, error) {
	return r.agg.HasCause(ctx, kindProject, id, cause, atOrBefore)
}

func (r *Repository) EachProjectToCheck(ctx context.Context, region string, d civil.Date, fn func(*domain.Project) error) error {
	q := store.Filtered(region, paging.Request{}, nil)
	q.AtMost = map[string]string{"nextCheck": d.String()}
	return store.EachAs(ctx, r.agg, kindProject, q, fn)
}

func (r *Repository) LoadDeclaration(ctx context.Context, id string) (*domain.Declaration, error) {
	v, _, err := store.LoadAs[domain.Declaration](ctx, r.agg, kindDeclaration, id)
	return v, err
}

func (r *Repository) SaveDeclaration(ctx context.Context, d *domain.Declaration, o commit.Outcome) error {
	o.Version = d.CurrentVersion()
	return r.agg.Save(ctx, store.Saved{Kind: kindDeclaration, ID: d.ID, Region: d.Region, State: d, Outcome: o})
}

func (r *Repository) ListDeclarations(ctx context.Context, region string, f app.DeclarationFilter, page paging.Request) (paging.Page[domain.Declaration], error) {
	return store.PageAs[domain.Declaration](ctx, r.agg, kindDeclaration, store.Filtered(region, page,
		map[string]string{"project": f.ProjectID, "contractor": f.Contractor, "status": string(f.Status)}))
}

func (r *Repository) EachProjectWithout(ctx context.Context, region, what string, fn func(*domain.Project) error) error {
	field := map[string]string{"policy": "noPolicy", "table": "noTable"}[what]
	q := store.Filtered(region, paging.Request{}, nil)
	q.Equals[field] = true
	return store.EachAs(ctx, r.agg, kindProject, q, fn)
}

func (r *Repository) EachDeclarationDue(ctx context.Context, region, field, bound string, fn func(*domain.Declaration) error) error {
	q := store.Filtered(region, paging.Request{}, nil)
	q.AtMost = map[string]string{field: bound}
	return store.EachAs(ctx, r.agg, kindDeclaration, q, fn)
}

func (r *Repository) LoadPolicy(ctx context.Context, id string) (*app.PublishedPolicy, error) {
	v, _, err := store.LoadAs[app.PublishedPolicy](ctx, r.agg, kindPolicy, id)
	return v, err
}

func (r *Repository) SavePolicy(ctx context.Context, p *app.PublishedPolicy, o commit.Outcome) error {
	o.Version = p.CurrentVersion()
	return r.agg.Save(ctx, store.Saved{Kind: kindPolicy, ID: app.PolicyID(p.Version), Region: p.Region, State: p, Outcome: o})
}

func (r *Repository) Policies(ctx context.Context, region string) ([]app.PublishedPolicy, error) {
	return all[app.PublishedPolicy](ctx, r.agg, kindPolicy, region)
}

// all reads every aggregate of a kind in a region (a region has a handful of policy
// versions and tables).
func all[T any](ctx context.Context, agg *store.Aggregates, kind, region string) ([]T, error) {
	var out []T
	err := store.EachAs(ctx, agg, kind, store.Filtered(region, paging.Request{}, nil), func(v *T) error {
		out = append(out, *v)
		return nil
	})
	return out, err
}

func (r *Repository) LoadTable(ctx context.Context, id string) (*app.PublishedTable, error) {
	v, _, err := store.LoadAs[app.PublishedTable](ctx, r.agg, kindTable, id)
	return v, err
}

func (r *Repository) SaveTable(ctx context.Context, t *app.PublishedTable, o commit.Outcome) error {
	o.Version = t.CurrentVersion()
	return r.agg.Save(ctx, store.Saved{Kind: kindTable, ID: t.ID, Region: t.Region, State: t, Outcome: o})
}

func (r *Repository) Tables(ctx context.Context, region string) ([]app.PublishedTable, error) {
	return all[app.PublishedTable](ctx, r.agg, kindTable, region)
}
