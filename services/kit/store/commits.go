package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel/propagation"

	"github.com/werkregio/platform/services/kit/rules"
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
// A commit is written pending: the relay still has to make sure the aggregate's view shows
// it and to publish its events. Reads never touch the log except for one aggregate's
// history; they read views (views.go). The relay finds pending commits through an index.
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
	Pending     bool              `bson:"pending"`
	RecordedAt  time.Time         `bson:"recordedAt"`
	Actor       rules.Actor       `bson:"actor"`
	Action      string            `bson:"action,omitempty"`
	TraceParent map[string]string `bson:"trace,omitempty"`
	// Parked events could not be published; see relay.go.
	Parked   *Parking   `bson:"parked,omitempty"`
	ParkedAt *time.Time `bson:"parkedAt,omitempty"`
}

// Parking says why a commit's events were set aside and what became of them.
type Parking struct {
	Reason   string    `bson:"reason" json:"reason"`
	Attempts int       `bson:"attempts" json:"attempts"`
	Retry    bool      `bson:"retry" json:"retry"` // transient: retried with backoff
	RetryAt  time.Time `bson:"retryAt,omitempty" json:"retryAt,omitzero"`
	Resolved string    `bson:"resolved,omitempty" json:"resolved,omitempty"` // republished or discarded, by whom
}

// commitIndexes: history by stream, the relay's pending queue, parked commits for admins.
var commitIndexes = []Index{
	{Collection: commitsCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}}},
	{Collection: commitsCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "pending", Value: 1}, {Key: "recordedAt", Value: 1}}}},
	{Collection: commitsCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "parkedAt", Value: 1}}}},
}

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
	Actor  rules.Actor
	Action string
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

// appendCommit stores the change as a pending commit, or returns ErrConflict when the
// version was taken. It returns the stored commit.
func (s *Store) appendCommit(ctx context.Context, ch Change) (commitDoc, error) {
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
		State: string(state), Events: ch.Events, Pending: true, RecordedAt: time.Now().UTC(),
		TraceParent: carrier, Actor: ch.Actor, Action: ch.Action,
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
