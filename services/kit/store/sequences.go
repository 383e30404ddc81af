package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/messaging"
)

// Sequences remember, per aggregate another service publishes, the newest version (the
// event's ce_sequence) a replica has applied, so that a redelivered, replayed or reordered
// older event is recognised and skipped: replicas never roll back.
type Sequences struct {
	coll *mongo.Collection
}

// NewSequences keeps the versions of one consumer in a collection of its own.
func NewSequences(db *mongo.Database, consumer string) *Sequences {
	return &Sequences{coll: db.Collection("sequences_" + consumer)}
}

type sequenceDoc struct {
	ID       string `bson:"_id"`
	Sequence int    `bson:"seq"`
}

// Stale reports whether seq is older than the newest version applied for key. An event
// without a sequence (0) is never stale; the same version again is not stale either (a
// redelivery: handlers are idempotent).
func (s *Sequences) Stale(ctx context.Context, key string, seq int) (bool, error) {
	if seq <= 0 {
		return false, nil
	}
	var d sequenceDoc
	err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil && seq < d.Sequence, err
}

// Applied records seq for key unless a newer version is recorded.
func (s *Sequences) Applied(ctx context.Context, key string, seq int) error {
	if seq <= 0 {
		return nil
	}
	_, err := s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: seq}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: seq}}}}, options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return nil // a newer version is recorded
	}
	return err
}

// Guard wraps a replica's handler: an event older than what was applied for its key (the
// aggregate it comes from, per topic) is skipped; after the handler succeeds the event's
// version is recorded. Checking before and recording after keeps it correct under a crash in
// between: the event is applied again on redelivery, which handlers allow.
func (s *Sequences) Guard(h func(context.Context, messaging.Message) error) func(context.Context, messaging.Message) error {
	return func(ctx context.Context, m messaging.Message) error {
		key := m.Topic + "|" + m.Key
		stale, err := s.Stale(ctx, key, m.Sequence)
		if err != nil || stale {
			return err
		}
		if err := h(ctx, m); err != nil {
			return err
		}
		return s.Applied(ctx, key, m.Sequence)
	}
}
