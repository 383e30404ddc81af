package adapters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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
type Repository struct {
	commits     *store.Commits
	topicPrefix string
}

// NewRepository uses the commit log; topicPrefix is the region's Kafka topic prefix.
func NewRepository(commits *store.Commits, topicPrefix string) *Repository {
	return &Repository{commits: commits, topicPrefix: topicPrefix}
}

var _ app.Repository = (*Repository)(nil)

func stream(kind, id string) string { return kind + "/" + id }

func (r *Repository) save(ctx context.Context, kind, id, region string, labels map[string]string, state any, version int, events []app.Event) error {
	ch := store.Change{Stream: stream(kind, id), Version: version, Kind: kind, Region: region, Labels: labels, State: state}
	now := time.Now()
	for i, e := range events {
		topic, ok := TopicOf[e.Type]
		if !ok {
			return fmt.Errorf("no topic for event type %s", e.Type)
		}
		// Deterministic id: a re-published commit carries the same event ids.
		eid := fmt.Sprintf("%s@%d#%d", ch.Stream, version+1, i)
		out, err := store.NewEvent(r.topicPrefix+topic, eid, e.Type, e.Key, e.Subject, now, e.Data)
		if err != nil {
			return err
		}
		ch.Events = append(ch.Events, out)
	}
	err := r.commits.Append(ctx, ch)
	if errors.Is(err, store.ErrConflict) {
		return app.ErrConflict
	}
	return err
}

func load[T any](ctx context.Context, r *Repository, kind, id string) (*T, int, error) {
	var v T
	version, err := r.commits.Load(ctx, stream(kind, id), &v)
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, app.ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	return &v, version, nil
}

func list[T any](ctx context.Context, r *Repository, kind, region string, labels map[string]string) ([]T, error) {
	heads, err := r.commits.Heads(ctx, store.Query{Kind: kind, Region: region, Labels: labels})
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(heads))
	for _, h := range heads {
		var v T
		if err := json.Unmarshal(h.State, &v); err != nil {
			return nil, fmt.Errorf("decode %s: %w", h.Stream, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func (r *Repository) LoadScheme(ctx context.Context, id string) (*domain.Scheme, int, error) {
	return load[domain.Scheme](ctx, r, kindScheme, id)
}

func (r *Repository) SaveScheme(ctx context.Context, s *domain.Scheme, version int, events []app.Event) error {
	return r.save(ctx, kindScheme, s.ID, s.Region, map[string]string{"status": string(s.Status)}, s, version, events)
}

func (r *Repository) ListSchemes(ctx context.Context, region string) ([]domain.Scheme, error) {
	return list[domain.Scheme](ctx, r, kindScheme, region, nil)
}

func (r *Repository) LoadAdmission(ctx context.Context, id string) (*domain.Admission, int, error) {
	return load[domain.Admission](ctx, r, kindAdmission, id)
}

func (r *Repository) SaveAdmission(ctx context.Context, a *domain.Admission, version int, events []app.Event) error {
	labels := map[string]string{"scheme": a.SchemeID, "provider": a.ProviderKvK}
	return r.save(ctx, kindAdmission, a.ID, a.Region, labels, a, version, events)
}

func (r *Repository) ListAdmissions(ctx context.Context, region string, f app.AdmissionFilter) ([]domain.Admission, error) {
	labels := map[string]string{}
	if f.SchemeID != "" {
		labels["scheme"] = f.SchemeID
	}
	if f.ProviderKvK != "" {
		labels["provider"] = f.ProviderKvK
	}
	return list[domain.Admission](ctx, r, kindAdmission, region, labels)
}

func (r *Repository) LoadTender(ctx context.Context, id string) (*domain.Tender, int, error) {
	return load[domain.Tender](ctx, r, kindTender, id)
}

func (r *Repository) SaveTender(ctx context.Context, t *domain.Tender, version int, events []app.Event) error {
	return r.save(ctx, kindTender, t.ID, t.Region, map[string]string{"status": string(t.Status)}, t, version, events)
}

func (r *Repository) ListTenders(ctx context.Context, region string) ([]domain.Tender, error) {
	return list[domain.Tender](ctx, r, kindTender, region, nil)
}
