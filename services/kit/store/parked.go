package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/messaging"
)

// Commits whose events could not be published are parked in a collection of their own,
// with the reason; the relay goes on with the rest of the log. A passing cause is retried
// with backoff, the others wait for a fix and an administrator (republish or discard).
const parkedCollection = "outbox_parked"

// Parking says why a commit's events were set aside and what became of them.
type Parking struct {
	Reason   string    `bson:"reason" json:"reason"`
	Attempts int       `bson:"attempts" json:"attempts"`
	Retry    bool      `bson:"retry" json:"retry"` // retried with backoff, by itself or after a republish
	RetryAt  time.Time `bson:"retryAt,omitempty" json:"retryAt,omitzero"`
	Resolved string    `bson:"resolved,omitempty" json:"resolved,omitempty"` // republished or discarded, by whom
}

type parkedDoc struct {
	ID       string        `bson:"_id"` // the commit
	Stream   string        `bson:"stream"`
	Version  int           `bson:"version"`
	Events   []ParkedEvent `bson:"events"`
	Parking  Parking       `bson:"parking"`
	ParkedAt time.Time     `bson:"parkedAt"`
	Open     bool          `bson:"open"`
}

var parkedIndexes = []Index{
	{Collection: parkedCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "open", Value: 1}, {Key: "parkedAt", Value: 1}}}},
}

// ParkedCommit is a parked commit as administrators see it.
type ParkedCommit struct {
	Commit   string        `json:"commit"`
	Stream   string        `json:"stream"`
	Version  int           `json:"version"`
	Events   []ParkedEvent `json:"events"`
	Parking  Parking       `json:"parking"`
	ParkedAt time.Time     `json:"parkedAt"`
	Pending  bool          `json:"retrying"`
}

// ParkedEvent names one event of a parked commit (not its data: it may hold personal data).
type ParkedEvent struct {
	ID    string `bson:"id" json:"id"`
	Type  string `bson:"type" json:"type"`
	Topic string `bson:"topic" json:"topic"`
	Bytes int    `bson:"bytes" json:"bytes"`
}

// park sets a commit's events aside with the reason. A permanent fault waits for an
// administrator (after a fix: republish); a passing one is retried with backoff.
func (r *Relay) park(ctx context.Context, c commitDoc, cause error) error {
	var before parkedDoc
	err := r.store.parked.FindOne(ctx, bson.D{{Key: "_id", Value: c.ID}}).Decode(&before)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return err
	}
	p := Parking{Reason: cause.Error(), Attempts: before.Parking.Attempts + 1, Retry: !messaging.IsPermanent(cause)}
	now := time.Now().UTC()
	if p.Retry {
		p.RetryAt = now.Add(min(time.Second<<min(p.Attempts, 9), 5*time.Minute))
	}
	events := make([]ParkedEvent, 0, len(c.Events))
	for _, e := range c.Events {
		events = append(events, ParkedEvent{ID: e.ID, Type: e.Type, Topic: e.Topic, Bytes: len(e.Data)})
	}
	_, err = r.store.parked.UpdateOne(ctx, bson.D{{Key: "_id", Value: c.ID}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "stream", Value: c.Stream}, {Key: "version", Value: c.Version}, {Key: "events", Value: events},
			{Key: "parking", Value: p}, {Key: "open", Value: true}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "parkedAt", Value: now}}},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return err
	}
	r.parked.Add(ctx, 1)
	if p.Retry {
		r.retryAt(p.RetryAt)
	}
	r.log.WarnContext(ctx, "outbox event parked", "commit", c.ID, "reason", p.Reason, "attempts", p.Attempts, "retry", p.Retry)
	return nil
}

// retryParked publishes parked commits whose retry time has come, and counts the parked
// ones for the gauge. It looks every 10 s, when the earliest retry is due, or at once after a
// republish: parked commits are few and their retries seconds to minutes apart.
func (r *Relay) retryParked(ctx context.Context, now time.Time) error {
	forced := false
	select {
	case <-r.store.parkedChanged:
		forced = true
	default:
	}
	r.mu.Lock()
	due := !r.nextRetry.IsZero() && !now.Before(r.nextRetry) // a passing fault's retry has come
	if !forced && !due && now.Sub(r.lastParked) < 10*time.Second {
		r.mu.Unlock()
		return nil
	}
	r.lastParked, r.nextRetry = now, time.Time{}
	r.mu.Unlock()
	cur, err := r.store.parked.Find(ctx, bson.D{{Key: "open", Value: true}}, options.Find().SetProjection(bson.D{{Key: "parking", Value: 1}}))
	if err != nil {
		return err
	}
	var parked []parkedDoc
	if err := cur.All(ctx, &parked); err != nil {
		return err
	}
	r.parkedNow.Store(int64(len(parked)))
	var retry []string
	for _, p := range parked {
		switch {
		case p.Parking.Retry && !p.Parking.RetryAt.After(now):
			retry = append(retry, p.ID)
		case p.Parking.Retry:
			r.retryAt(p.Parking.RetryAt)
		}
	}
	if len(retry) == 0 {
		return nil
	}
	cur, err = r.store.commits.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: retry}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(bson.D{{Key: "state", Value: 0}}))
	if err != nil {
		return err
	}
	var commits []commitDoc
	if err := cur.All(ctx, &commits); err != nil {
		return err
	}
	var ok []string
	for _, c := range commits {
		if err := r.publishAgain(ctx, c); err != nil {
			if err := r.park(ctx, c, err); err != nil {
				return err
			}
			continue
		}
		ok = append(ok, c.ID)
	}
	// Those parked again have a newer retry time; the others went out.
	_, err = r.store.parked.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ok}}}, {Key: "parking.retryAt", Value: bson.D{{Key: "$lte", Value: now}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "open", Value: false}, {Key: "parking.retry", Value: false}}}})
	if err == nil {
		r.parkedNow.Add(-int64(len(ok)))
	}
	return err
}

// retryAt has the relay look at the parked commits again at t (a passing fault's retry),
// not only every 10 s: an event set aside for a moment goes out seconds later.
func (r *Relay) retryAt(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.nextRetry.IsZero() || t.Before(r.nextRetry) {
		r.nextRetry = t
	}
}

// publishAgain sends a parked commit's events; any refusal is the commit's to keep.
func (r *Relay) publishAgain(ctx context.Context, c commitDoc) error {
	out := outbound(ctx, c)
	var failed []error
	for _, err := range r.pub.PublishBatch(ctx, out) {
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return failed[0]
	}
	r.published.Add(ctx, int64(len(out)))
	return nil
}

// Parked lists parked commits, oldest first.
func (s *Store) Parked(ctx context.Context, limit int) ([]ParkedCommit, error) {
	cur, err := s.parked.Find(ctx, bson.D{{Key: "open", Value: true}},
		options.Find().SetSort(bson.D{{Key: "open", Value: 1}, {Key: "parkedAt", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []parkedDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]ParkedCommit, 0, len(docs))
	for _, d := range docs {
		out = append(out, ParkedCommit{Commit: d.ID, Stream: d.Stream, Version: d.Version, Events: d.Events,
			Parking: d.Parking, ParkedAt: d.ParkedAt, Pending: d.Parking.Retry})
	}
	return out, nil
}

// ErrNotParked: no parked commit has that id.
var ErrNotParked = errors.New("no parked commit with that id")

// Republish puts a parked commit back in the relay's queue (after a fix: a larger broker
// limit, a corrected schema); by names who asked. If it fails again it is parked again.
func (s *Store) Republish(ctx context.Context, commit, by string) error {
	res, err := s.parked.UpdateOne(ctx, bson.D{{Key: "_id", Value: commit}, {Key: "open", Value: true}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "parking.retry", Value: true},
			{Key: "parking.retryAt", Value: time.Now().UTC()}, {Key: "parking.resolved", Value: "republish requested by " + by}}}})
	if err == nil && res.MatchedCount == 0 {
		return ErrNotParked
	}
	if err == nil {
		select {
		case s.parkedChanged <- struct{}{}:
		default:
		}
	}
	return err
}

// Discard gives up on a parked commit's events for good, recording who and why; the
// commit itself (the change and its audit entry) stays.
func (s *Store) Discard(ctx context.Context, commit, by, reason string) error {
	res, err := s.parked.UpdateOne(ctx, bson.D{{Key: "_id", Value: commit}, {Key: "open", Value: true}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "open", Value: false}, {Key: "parking.retry", Value: false},
			{Key: "parking.resolved", Value: "discarded by " + by + ": " + reason}}}})
	if err == nil && res.MatchedCount == 0 {
		return ErrNotParked
	}
	return err
}
