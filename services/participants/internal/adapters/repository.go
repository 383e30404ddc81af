// Package adapters connects the participants application to MongoDB, Kafka and its keys.
package adapters

import (
	"context"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Aggregate kinds in the commit log.
const (
	kindParticipant = "participant"
	kindEnrolment   = "enrolment"
)

// Topics this service publishes to.
var Topics = []string{contracts.TopicParticipantsEnrolments}

// Repository stores participants and enrolments on the commit log.
type Repository struct{ agg *store.Aggregates }

// NewRepository routes every milestone event to the enrolments topic.
func NewRepository(commits *store.Commits, topicPrefix string) *Repository {
	topicOf := map[string]string{}
	for _, t := range app.EventTypes() {
		topicOf[t] = contracts.TopicParticipantsEnrolments
	}
	return &Repository{agg: store.NewAggregates(commits, topicPrefix, topicOf)}
}

var _ app.Repository = (*Repository)(nil)

// participantRecord is the stored participant: its JSON plus the sealed BSN, which the
// domain type leaves out of every JSON answer.
type participantRecord struct {
	domain.Participant
	SealedBSN domain.SealedBSN `json:"sealedBsn"`
}

func (r *Repository) LoadParticipant(ctx context.Context, id string) (*domain.Participant, int, error) {
	rec, v, err := store.LoadAs[participantRecord](ctx, r.agg, kindParticipant, id)
	if err != nil {
		return nil, 0, err
	}
	p := rec.Participant
	p.BSN = rec.SealedBSN
	return &p, v, nil
}

func (r *Repository) SaveParticipant(ctx context.Context, p *domain.Participant, o rules.Outcome) error {
	return r.agg.Save(ctx, store.Saved{Kind: kindParticipant, ID: p.ID, Region: p.Region,
		State: participantRecord{Participant: *p, SealedBSN: p.BSN}, Outcome: o})
}

func (r *Repository) ListParticipants(ctx context.Context, region string) ([]domain.Participant, error) {
	return store.ListAs[domain.Participant](ctx, r.agg, kindParticipant, region, nil)
}

func (r *Repository) LoadEnrolment(ctx context.Context, id string) (*domain.Enrolment, int, error) {
	return store.LoadAs[domain.Enrolment](ctx, r.agg, kindEnrolment, id)
}

func (r *Repository) LoadEnrolments(ctx context.Context, ids []string) (map[string]*domain.Enrolment, error) {
	return store.LoadManyAs[domain.Enrolment](ctx, r.agg, kindEnrolment, ids)
}

func (r *Repository) SaveEnrolment(ctx context.Context, e *domain.Enrolment, o rules.Outcome) error {
	labels := map[string]string{"participant": e.ParticipantID, "provider": e.ProviderKvK, "status": string(e.Status)}
	return r.agg.Save(ctx, store.Saved{Kind: kindEnrolment, ID: e.ID, Region: e.Region, Labels: labels, State: e, Outcome: o})
}

func (r *Repository) ListEnrolments(ctx context.Context, region string, f app.EnrolmentFilter) ([]domain.Enrolment, error) {
	labels := map[string]string{}
	if f.ParticipantID != "" {
		labels["participant"] = f.ParticipantID
	}
	if f.ProviderKvK != "" {
		labels["provider"] = f.ProviderKvK
	}
	if f.Status != "" {
		labels["status"] = string(f.Status)
	}
	return store.ListAs[domain.Enrolment](ctx, r.agg, kindEnrolment, region, labels)
}

func (r *Repository) ParticipantHistory(ctx context.Context, id string) ([]rules.AuditEntry, error) {
	return r.agg.History(ctx, kindParticipant, id)
}

func (r *Repository) EnrolmentHistory(ctx context.Context, id string) ([]rules.AuditEntry, error) {
	return r.agg.History(ctx, kindEnrolment, id)
}
