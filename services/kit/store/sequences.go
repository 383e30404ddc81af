package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/coalesce"
	"github.com/werkregio/platform/services/kit/messaging"
)

// Sequences remember, per aggregate another service publishes, the newest version (the
// event's ce_sequence) a replica has applied, so that a redelivered, replayed or reordered
// older event is recognised and skipped: replicas never roll back.
type Sequences struct {
	coll    *mongo.Collection
	applied *coalesce.Group[string, int]
	record  *coalesce.Group[sequenceDoc, struct{}]
}

// NewSequences keeps the versions of one consumer in a collection of its own. A consumer
// that handles many keys at once asks about them in one query and records them in one
// bulk write.
func NewSequences(db *mongo.Database, consumer string) *Sequences {
	s := &Sequences{coll: db.Collection("sequences_" + consumer)}
	s.applied = coalesce.New(s.appliedOf)
	s.record = coalesce.New(s.recordAll)
	return s
}

func (s *Sequences) appliedOf(ctx context.Context, keys []string) (map[string]int, error) {
	cur, err := s.coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
	if err != nil {
		return nil, err
	}
	var docs []sequenceDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make(map[string]int, len(docs))
	for _, d := range docs {
		out[d.ID] = d.Sequence
	}
	return out, nil
}

func (s *Sequences) recordAll(ctx context.Context, seqs []sequenceDoc) (map[sequenceDoc]struct{}, error) {
	models := make([]mongo.WriteModel, len(seqs))
	for i, d := range seqs {
		models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: d.Sequence}}}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: d.Sequence}}}}).SetUpsert(true)
	}
	_, err := s.coll.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil && onlyDuplicates(err) {
		err = nil // a newer version is recorded
	}
	return nil, err
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
	applied, err := s.applied.Do(ctx, key)
	return err == nil && seq < applied, err
}

// Applied records seq for key unless a newer version is recorded.
func (s *Sequences) Applied(ctx context.Context, key string, seq int) error {
	if seq <= 0 {
		return nil
	}
	_, err := s.record.Do(ctx, sequenceDoc{ID: key, Sequence: seq})
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
