// Package adapters connects the participants application to MongoDB, Kafka and its keys.
package adapters

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Aggregate kinds in the commit log.
const (
	kindParticipant = "participant"
	kindEnrolment   = "enrolment"
	kindPartner     = "partnersource"
)

// Views are what lists filter on. Municipalities are compared case-insensitively.
var Views = []*store.View{
	store.NewView(kindParticipant, 3, store.StoredAs(documentOfParticipant, participantDocument.participant), func(p *domain.Participant) store.Fields {
		groups := make([]string, len(p.TargetGroups))
		for i, g := range p.TargetGroups {
			groups[i] = string(g)
		}
		return store.Fields{"municipality": strings.ToLower(p.Municipality), "workCoach": p.WorkCoach.Subject,
			"targetGroups": groups, "praktijkverklaring": len(p.Praktijkverklaringen) > 0 || p.BBL != nil, "org": p.WorkCoach.Org,
			"retained": p.Erased == nil, "withdrawn": !p.Consent.WithdrawnOn.IsZero()}
	}, []string{"municipality"}, []string{"workCoach"}, []string{"targetGroups"}, []string{"praktijkverklaring"},
		// a work coach's lists: their organisation's participants, with each filter
		[]string{"org"}, []string{"org", "municipality"}, []string{"org", "workCoach"}, []string{"org", "targetGroups"},
		// retention: personal data still held, longest unchanged first; and withdrawn consents
		[]string{"retained"}, []string{"retained", "withdrawn"}),
	store.NewView(kindEnrolment, 3, store.StoredAs(documentOfEnrolment, enrolmentDocument.enrolment), func(e *domain.Enrolment) store.Fields {
		return store.Fields{"participant": e.ParticipantID, "provider": e.ProviderKvK, "status": string(e.Status),
			"product": e.ProductID, "contract": e.ContractID, "org": e.Organisation}
	}, []string{"participant"}, []string{"provider"}, []string{"status"}, []string{"product"}, []string{"provider", "status"},
		// the enrolments of a product that have not started follow its terms (KeepOffer)
		[]string{"product", "status"},
		[]string{"org"}, []string{"org", "status"}, []string{"org", "provider"}, []string{"org", "product"}, []string{"org", "participant"}),
	store.NewView(kindPartner, 1, store.StoredAs(documentOfPartnerSource, partnerSourceDocument.partnerSource), func(s *domain.PartnerSource) store.Fields {
		return store.Fields{"role": string(s.Role)}
	}, []string{"role"}),
}

// EraseParticipantHistory removes the personal fields from every stored version of a
// participant (the right to erasure reaches the history too).
func (r *Repository) EraseParticipantHistory(ctx context.Context, id string) (int, error) {
	return r.agg.EraseFromHistory(ctx, kindParticipant, id, func(state json.RawMessage) (json.RawMessage, error) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(state, &m); err != nil {
			return nil, err
		}
		changed := false
		for _, f := range domain.PersonalFields {
			if _, ok := m[f]; ok {
				delete(m, f)
				changed = true
			}
		}
		if !changed {
			return state, nil
		}
		return json.Marshal(m)
	})
}

// LoadPartnerSource reads a registration by its id.
func (r *Repository) LoadPartnerSource(ctx context.Context, id string) (*domain.PartnerSource, int, error) {
	return store.LoadAs[domain.PartnerSource](ctx, r.agg, kindPartner, id)
}

// SavePartnerSource stores a registration (audited on the commit log).
func (r *Repository) SavePartnerSource(ctx context.Context, s *domain.PartnerSource, o commit.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindPartner, ID: s.ID, Region: s.Region, State: s, Outcome: o})
}

// ListPartnerSources pages the region's registrations.
func (r *Repository) ListPartnerSources(ctx context.Context, region string, page paging.Request) (paging.Page[domain.PartnerSource], error) {
	return store.PageAs[domain.PartnerSource](ctx, r.agg, kindPartner, store.Filtered(region, page, nil))
}

// Repository stores participants and enrolments on the commit log with their views.
type Repository struct{ agg *store.Aggregates }

// NewRepository publishes each event to its topic in the catalog.
func NewRepository(s *store.Store, topicPrefix string) *Repository {
	return &Repository{agg: store.NewAggregates(s, topicPrefix, catalog.RoutesOf(catalog.Participants))}
}

var _ app.Repository = (*Repository)(nil)

func (r *Repository) LoadParticipant(ctx context.Context, id string) (*domain.Participant, int, error) {
	return store.LoadAs[domain.Participant](ctx, r.agg, kindParticipant, id)
}

func (r *Repository) SaveParticipant(ctx context.Context, p *domain.Participant, o commit.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindParticipant, ID: p.ID, Region: p.Region, State: p, Outcome: o})
}

func participantQuery(region string, f app.ParticipantFilter, page paging.Request) store.PageQuery {
	q := store.Filtered(region, page, map[string]string{
		"municipality": strings.ToLower(f.Municipality), "workCoach": f.WorkCoach, "targetGroups": string(f.TargetGroup), "org": f.Organisation})
	if f.WithPraktijkverklaring {
		q.Equals["praktijkverklaring"] = true
	}
	if f.Retained {
		q.Equals["retained"] = true
	}
	if f.Withdrawn {
		q.Equals["withdrawn"] = true
	}
	q.UpdatedBefore = f.UpdatedBefore
	return q
}

func (r *Repository) ListParticipants(ctx context.Context, region string, f app.ParticipantFilter, page paging.Request) (paging.Page[domain.Participant], error) {
	return store.PageAs[domain.Participant](ctx, r.agg, kindParticipant, participantQuery(region, f, page))
}

func (r *Repository) EachParticipant(ctx context.Context, region string, f app.ParticipantFilter, fn func(*domain.Participant) error) error {
	return store.EachAs(ctx, r.agg, kindParticipant, participantQuery(region, f, paging.Request{}), fn)
}

func (r *Repository) LoadEnrolment(ctx context.Context, id string) (*domain.Enrolment, int, error) {
	return store.LoadAs[domain.Enrolment](ctx, r.agg, kindEnrolment, id)
}

func (r *Repository) LoadEnrolments(ctx context.Context, ids []string) (map[string]*domain.Enrolment, error) {
	return store.LoadManyAs[domain.Enrolment](ctx, r.agg, kindEnrolment, ids)
}

func (r *Repository) SaveEnrolment(ctx context.Context, e *domain.Enrolment, o commit.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindEnrolment, ID: e.ID, Region: e.Region, State: e, Outcome: o})
}

func enrolmentQuery(region string, f app.EnrolmentFilter, page paging.Request) store.PageQuery {
	return store.Filtered(region, page, map[string]string{"participant": f.ParticipantID, "provider": f.ProviderKvK, "status": string(f.Status),
		"product": f.ProductID, "org": f.Organisation})
}

func (r *Repository) ListEnrolments(ctx context.Context, region string, f app.EnrolmentFilter, page paging.Request) (paging.Page[domain.Enrolment], error) {
	return store.PageAs[domain.Enrolment](ctx, r.agg, kindEnrolment, enrolmentQuery(region, f, page))
}

func (r *Repository) EachEnrolment(ctx context.Context, region string, f app.EnrolmentFilter, fn func(*domain.Enrolment) error) error {
	return store.EachAs(ctx, r.agg, kindEnrolment, enrolmentQuery(region, f, paging.Request{}), fn)
}

func (r *Repository) Audit(ctx context.Context, subjects []app.Subject, page paging.Request) (paging.Page[app.AuditRecord], error) {
	refs := make([]store.Ref, len(subjects))
	for i, s := range subjects {
		refs[i] = store.Ref{Kind: s.Kind, ID: s.ID}
	}
	p, err := r.agg.HistoryPage(ctx, refs, page)
	return paging.Map(p, func(e store.HistoryEntry) app.AuditRecord {
		return app.AuditRecord{Subject: e.Subject, AuditEntry: e.AuditEntry}
	}), err
}

func (r *Repository) CountEnrolments(ctx context.Context, region string, f app.EnrolmentFilter) (int64, error) {
	return r.agg.Count(ctx, kindEnrolment, enrolmentQuery(region, f, paging.Request{}))
}

func (r *Repository) EnrolmentProviders(ctx context.Context, region string, f app.EnrolmentFilter, limit int) ([]string, error) {
	return r.agg.Distinct(ctx, kindEnrolment, "provider", enrolmentQuery(region, f, paging.Request{}), limit)
}
