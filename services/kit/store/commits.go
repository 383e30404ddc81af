package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/werkregio/platform/services/kit/commit"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel/propagation"
)

// ErrConflict means another writer changed the aggregate since it was loaded.
var ErrConflict = errors.New("the resource was changed concurrently; reload and try again")

// ErrNotFound means the stream has no commits.
var ErrNotFound = errors.New("not found")

// The commit log is the source of truth and the audit trail: each command on an aggregate
// writes one commit holding the new state, the events it causes (the outbox) and who did
// it, in a single document, so state and outbox are written together without transactions.
// The commit's _id is stream + version: two concurrent writers of the same version cannot
// both insert it (a duplicate key), which is the optimistic lock.
//
// Reads never touch the log except for aggregates' histories; they read views (views.go).
// The relay follows the log in the order it was written (tail.go), makes sure each
// aggregate's view shows its commit and publishes the events; it writes nothing per commit.
const commitsCollection = "commits"

// Outgoing is an event to publish on a topic once the commit is stored.
type Outgoing struct {
	Topic string    `bson:"topic"`
	ID    string    `bson:"id"`
	Type  string    `bson:"type"`
	Key   string    `bson:"key"`
	Subj  string    `bson:"subject,omitempty"`
	Time  time.Time `bson:"time"`
	Data  string    `bson:"data"`
}

// commitDoc is the stored form.
type commitDoc struct {
	ID          string            `bson:"_id"`
	Stream      string            `bson:"stream"`
	Kind        string            `bson:"kind"`
	Aggregate   string            `bson:"aggregate"`
	Version     int               `bson:"version"`
	Region      string            `bson:"region"`
	State       string            `bson:"state"`
	Events      []Outgoing        `bson:"events,omitempty"`
	RecordedAt  time.Time         `bson:"recordedAt"`
	Actor       commit.Actor      `bson:"actor"`
	Action      string            `bson:"action,omitempty"`
	Causes      []string          `bson:"causes,omitempty"`
	Detail      string            `bson:"detail,omitempty"`
	TraceParent map[string]string `bson:"trace,omitempty"`
	// Imported commits were brought in from elsewhere without events (see Import).
	Imported bool `bson:"imported,omitempty"`
}

// CommitIndexes are the commit log's indexes: histories by stream, and the log by time for
// a relay that has to publish by time (tail.go).
var CommitIndexes = []Index{
	{Collection: commitsCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}}},
	{Collection: commitsCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "recordedAt", Value: 1}}}},
	// an aggregate's commits by the causes they applied: "was this cause applied?" (see CausesApplied)
	{Collection: commitsCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "stream", Value: 1}, {Key: "causes", Value: 1}}}},
}

// legacyCommitIndexes were the queue of a relay that marked each commit it published.
var legacyCommitIndexes = []string{"pending_1_recordedAt_1", "parkedAt_1"}

// Change is one command's outcome on one aggregate.
type Change struct {
	Kind string
	ID   string
	// Version is the version loaded (0 for a new aggregate); the commit gets Version+1.
	Version int
	Region  string
	State   any
	Events  []Outgoing
	// Actor and Action form the audit trail: who did what, recorded with the change itself.
	Actor  commit.Actor
	Action string
	Causes []string
	Detail any
}

// NewEvent builds an Outgoing event with its data marshalled.
func NewEvent(topic, id, typ, key, subject string, at time.Time, data any) (Outgoing, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Outgoing{}, err
	}
	return Outgoing{Topic: topic, ID: id, Type: typ, Key: key, Subj: subject, Time: at.UTC(), Data: string(raw)}, nil
}

// StreamOf names an aggregate's stream.
func StreamOf(kind, id string) string { return kind + "/" + id }

func commitID(stream string, version int) string { return fmt.Sprintf("%s@%010d", stream, version) }

// appendCommit stores the change as a commit, or returns ErrConflict when the
// version was taken. It returns the stored commit.
func (s *Store) appendCommit(ctx context.Context, ch Change) (commitDoc, error) {
	doc, err := s.newCommit(ctx, ch)
	if err != nil {
		return commitDoc{}, err
	}
	ok, err := InsertFact(ctx, s.commits, doc)
	if err != nil {
		return commitDoc{}, err
	}
	if !ok {
		return commitDoc{}, ErrConflict
	}
	return doc, nil
}

// newCommit is the stored form of a change, with the trace it was made in.
func (s *Store) newCommit(ctx context.Context, ch Change) (commitDoc, error) {
	state, err := json.Marshal(ch.State)
	if err != nil {
		return commitDoc{}, err
	}
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	stream := StreamOf(ch.Kind, ch.ID)
	v := ch.Version + 1
	doc := commitDoc{
		ID: commitID(stream, v), Stream: stream, Kind: ch.Kind, Aggregate: ch.ID, Version: v, Region: ch.Region,
		State: string(state), Events: ch.Events, RecordedAt: time.Now().UTC(),
		TraceParent: carrier, Actor: ch.Actor, Action: ch.Action, Causes: ch.Causes,
	}
	if ch.Detail != nil {
		detail, err := json.Marshal(ch.Detail)
		if err != nil {
			return commitDoc{}, err
		}
		doc.Detail = string(detail)
	}
	return doc, nil
}

// latestCommit reads a stream's newest commit (the repair path when a view lags).
func (s *Store) latestCommit(ctx context.Context, stream string) (*commitDoc, error) {
	var doc commitDoc
	err := s.commits.FindOne(ctx, bson.D{{Key: "stream", Value: stream}},
		options.FindOne().SetSort(bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: -1}}).SetProjection(bson.D{{Key: "events", Value: 0}})).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, ErrNotFound
	}
	return &doc, err
}
