package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/werkregio/platform/services/kit/rules"
)

// Aggregates stores a service's aggregates on the commit log: each Save writes the new
// state, its events (routed to the region's topics) and the audit entry as one commit.
type Aggregates struct {
	commits     *Commits
	topicPrefix string
	topicOf     map[string]string
}

// NewAggregates routes event types to topics (without the region prefix) with topicOf.
func NewAggregates(c *Commits, topicPrefix string, topicOf map[string]string) *Aggregates {
	return &Aggregates{commits: c, topicPrefix: topicPrefix, topicOf: topicOf}
}

// Commits is the underlying log.
func (a *Aggregates) Commits() *Commits { return a.commits }

// Saved is one command's outcome on one aggregate.
type Saved struct {
	Kind, ID, Region string
	Labels           map[string]string
	State            any
	rules.Outcome
}

// StreamOf names an aggregate's stream.
func StreamOf(kind, id string) string { return kind + "/" + id }

// Save appends the change; rules.ErrConflict when another writer took the version.
func (a *Aggregates) Save(ctx context.Context, s Saved) error {
	ch := Change{Stream: StreamOf(s.Kind, s.ID), Version: s.Version, Kind: s.Kind, Region: s.Region,
		Labels: s.Labels, State: s.State, Actor: s.Actor, Action: s.Action}
	if ch.Action == "" && len(s.Events) > 0 {
		ch.Action = s.Events[0].Type
	}
	now := time.Now()
	for i, e := range s.Events {
		topic, ok := a.topicOf[e.Type]
		if !ok {
			return fmt.Errorf("no topic for event type %s", e.Type)
		}
		// Deterministic id: a re-published commit carries the same event ids.
		eid := fmt.Sprintf("%s@%d#%d", ch.Stream, s.Version+1, i)
		out, err := NewEvent(a.topicPrefix+topic, eid, e.Type, e.Key, e.Subject, now, e.Data)
		if err != nil {
			return err
		}
		ch.Events = append(ch.Events, out)
	}
	err := a.commits.Append(ctx, ch)
	if errors.Is(err, ErrConflict) {
		return rules.ErrConflict
	}
	return err
}

// History is the audit trail of one aggregate; rules.ErrNotFound when it has none.
func (a *Aggregates) History(ctx context.Context, kind, id string) ([]AuditEntry, error) {
	h, err := a.commits.History(ctx, StreamOf(kind, id))
	if err == nil && len(h) == 0 {
		return nil, rules.ErrNotFound
	}
	return h, err
}

// LoadAs reads an aggregate and its version; rules.ErrNotFound when it does not exist.
func LoadAs[T any](ctx context.Context, a *Aggregates, kind, id string) (*T, int, error) {
	var v T
	version, err := a.commits.Load(ctx, StreamOf(kind, id), &v)
	if errors.Is(err, ErrNotFound) {
		return nil, 0, rules.ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	return &v, version, nil
}

// ListAs returns the latest state of every aggregate of a kind in a region whose labels match.
func ListAs[T any](ctx context.Context, a *Aggregates, kind, region string, labels map[string]string) ([]T, error) {
	heads, err := a.commits.Heads(ctx, Query{Kind: kind, Region: region, Labels: labels})
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

// LoadManyAs reads several aggregates of a kind in one query, by id; missing ones are absent.
func LoadManyAs[T any](ctx context.Context, a *Aggregates, kind string, ids []string) (map[string]*T, error) {
	streams := make([]string, len(ids))
	for i, id := range ids {
		streams[i] = StreamOf(kind, id)
	}
	heads, err := a.commits.LoadMany(ctx, streams)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*T, len(heads))
	for i, s := range streams {
		h, ok := heads[s]
		if !ok {
			continue
		}
		var v T
		if err := json.Unmarshal(h.State, &v); err != nil {
			return nil, fmt.Errorf("decode %s: %w", s, err)
		}
		out[ids[i]] = &v
	}
	return out, nil
}
