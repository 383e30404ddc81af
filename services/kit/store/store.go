package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/messaging"
)

// Store is a service's persistence: the commit log, the views built from it and the
// relay's bookkeeping, in the service's own database.
type Store struct {
	db      *mongo.Database
	commits *mongo.Collection
	meta    *mongo.Collection
	parked  *mongo.Collection
	views   map[string]*View
	log     *slog.Logger
	// parkedChanged tells the relay that an administrator asked for a republish.
	parkedChanged chan struct{}
	// shown: commits whose view this process wrote, which the relay need not check.
	shown shownSet
	// events checks outgoing events before their commit is written (see CheckEvents).
	events   messaging.Validator
	maxEvent int
}

// CheckEvents makes Save refuse a change whose events break their schema or exceed the
// broker's size limit, as a validation error for the caller to fix, rather than commit a
// change whose events the relay would have to park.
func (s *Store) CheckEvents(v messaging.Validator, maxBytes int) {
	s.events, s.maxEvent = v, maxBytes
}

// New uses db with the given views (one per aggregate kind the service stores).
func New(db *mongo.Database, log *slog.Logger, views ...*View) *Store {
	if log == nil {
		log = slog.Default()
	}
	s := &Store{db: db, commits: db.Collection(commitsCollection), meta: db.Collection("store_meta"), parked: db.Collection(parkedCollection),
		views: map[string]*View{}, log: log, parkedChanged: make(chan struct{}, 1)}
	for _, v := range views {
		s.views[v.Kind] = v
	}
	return s
}

// DB is the service's database (for fact collections of its own).
func (s *Store) DB() *mongo.Database { return s.db }

type viewMeta struct {
	ID        string    `bson:"_id"`
	Version   int       `bson:"version"`
	BuiltAt   time.Time `bson:"builtAt"`
	Documents int       `bson:"documents"`
}

// Prepare creates the indexes, gives the relay its position in the log and rebuilds every
// view whose definition changed since it was built (or that was never built) from the
// commit log, before the service serves.
func (s *Store) Prepare(ctx context.Context) error {
	if err := EnsureIndexes(ctx, s.db, append(append(append(append([]Index{}, CommitIndexes...), parkedIndexes...), idempotencyIndexes...), deadLetterIndexes...)); err != nil {
		return err
	}
	for _, name := range legacyCommitIndexes {
		_ = s.commits.Indexes().DropOne(ctx, name) // absent on new stores
	}
	if err := s.ensureProgress(ctx); err != nil {
		return err
	}
	for _, v := range s.views {
		var m viewMeta
		err := s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: "view:" + v.Kind}}).Decode(&m)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return err
		}
		if err == nil && m.Version == v.Version {
			if err := EnsureIndexes(ctx, s.db, v.indexes()); err != nil {
				return err
			}
			continue
		}
		if _, err := s.Rebuild(ctx, v.Kind); err != nil {
			return err
		}
	}
	return nil
}

// Rebuild projects every aggregate of a kind from the commit log into its view (its
// indexes recreated first). It never writes an older version over a newer one, so it may
// run while the service serves. It returns how many aggregates it projected.
func (s *Store) Rebuild(ctx context.Context, kind string) (int, error) {
	v, err := s.viewOf(kind)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	coll := s.db.Collection(v.collection())
	if err := coll.Indexes().DropAll(ctx); err != nil && !isNamespaceNotFound(err) {
		return 0, err
	}
	if err := EnsureIndexes(ctx, s.db, v.indexes()); err != nil {
		return 0, err
	}
	// The log in stream order: each stream's first commit gives its creation time, its last
	// the state.
	cur, err := s.commits.Find(ctx, bson.D{{Key: "stream", Value: bson.D{{Key: "$gte", Value: kind + "/"}, {Key: "$lt", Value: kind + "0"}}}},
		options.Find().SetSort(bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}).SetProjection(bson.D{{Key: "events", Value: 0}}).SetBatchSize(1000))
	if err != nil {
		return 0, err
	}
	defer cur.Close(ctx)
	var batch []mongo.WriteModel
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := coll.BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false))
		batch = batch[:0]
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
			for _, we := range bwe.WriteErrors {
				if we.Code != 11000 {
					return err
				}
			}
			return nil
		}
		return err
	}
	n := 0
	var last commitDoc
	var first time.Time
	emit := func() error {
		if last.Stream == "" {
			return nil
		}
		m, err := s.projectionModel(v, last, first, true)
		if err != nil {
			return err
		}
		batch = append(batch, m)
		n++
		if len(batch) >= 500 {
			return flush()
		}
		return nil
	}
	for cur.Next(ctx) {
		var c commitDoc
		if err := cur.Decode(&c); err != nil {
			return n, err
		}
		if c.Stream != last.Stream {
			if err := emit(); err != nil {
				return n, err
			}
			first = c.RecordedAt
		}
		last = c
	}
	if err := cur.Err(); err != nil {
		return n, err
	}
	if err := emit(); err != nil {
		return n, err
	}
	if err := flush(); err != nil {
		return n, err
	}
	_, err = s.meta.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "view:" + kind}},
		viewMeta{ID: "view:" + kind, Version: v.Version, BuiltAt: time.Now().UTC(), Documents: n}, options.Replace().SetUpsert(true))
	s.log.InfoContext(ctx, "view rebuilt from the commit log", "view", kind, "aggregates", n, "took", time.Since(start).Round(time.Millisecond).String())
	return n, err
}

func isNamespaceNotFound(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 26
}

// String names the store for logs.
func (s *Store) String() string { return fmt.Sprintf("store(%s)", s.db.Name()) }
