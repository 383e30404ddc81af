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

// Commits is an append-only log of aggregate snapshots. Each command on an aggregate writes
// one commit: the new state and the events it causes, in a single document, so state and
// outbox are written atomically without transactions (FerretDB has none). The commit's _id
// is stream + version: two concurrent writers of the same version cannot both win (a
// duplicate key), which is the optimistic lock.
type Commits struct {
	coll   *mongo.Collection
	notify chan struct{}
}

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
	Version     int               `bson:"version"`
	Kind        string            `bson:"kind"`
	Region      string            `bson:"region"`
	Labels      map[string]string `bson:"labels,omitempty"`
	State       string            `bson:"state"`
	Events      []Outgoing        `bson:"events,omitempty"`
	Published   bool              `bson:"published"`
	RecordedAt  time.Time         `bson:"recordedAt"`
	Actor       Actor             `bson:"actor"`
	Action      string            `bson:"action,omitempty"`
	TraceParent map[string]string `bson:"trace,omitempty"`
}

// NewCommits uses the "commits" collection of db.
func NewCommits(db *mongo.Database) *Commits {
	return &Commits{coll: db.Collection("commits"), notify: make(chan struct{}, 1)}
}

// CommitIndexes speed up the queries on real MongoDB (FerretDB scans regardless).
var CommitIndexes = []Index{
	{Collection: "commits", Model: mongo.IndexModel{Keys: bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: -1}}}},
	{Collection: "commits", Model: mongo.IndexModel{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "region", Value: 1}}}},
	{Collection: "commits", Model: mongo.IndexModel{Keys: bson.D{{Key: "published", Value: 1}, {Key: "recordedAt", Value: 1}}}},
}

// Change is one command's outcome on one aggregate.
type Change struct {
	Stream string
	// Version is the version loaded (0 for a new aggregate); the commit gets Version+1.
	Version int
	Kind    string
	Region  string
	Labels  map[string]string
	State   any
	Events  []Outgoing
	// Actor and Action form the audit trail: who did what, recorded with the change itself.
	Actor  Actor
	Action string
}

// Actor is who caused a change (see rules.Actor).
type Actor = rules.Actor

// NewEvent builds an Outgoing event with its data marshalled.
func NewEvent(topic, id, typ, key, subject string, at time.Time, data any) (Outgoing, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Outgoing{}, err
	}
	return Outgoing{Topic: topic, ID: id, Type: typ, Key: key, Subj: subject, Time: at.UTC(), Data: string(raw)}, nil
}

func commitID(stream string, version int) string { return fmt.Sprintf("%s@%010d", stream, version) }

// Append stores the change, or returns ErrConflict when the version was taken.
func (c *Commits) Append(ctx context.Context, ch Change) error {
	state, err := json.Marshal(ch.State)
	if err != nil {
		return err
	}
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	v := ch.Version + 1
	doc := commitDoc{
		ID: commitID(ch.Stream, v), Stream: ch.Stream, Version: v, Kind: ch.Kind, Region: ch.Region,
		Labels: ch.Labels, State: string(state), Events: ch.Events, Published: len(ch.Events) == 0,
		RecordedAt: time.Now().UTC(), TraceParent: carrier, Actor: ch.Actor, Action: ch.Action,
	}
	ok, err := InsertFact(ctx, c.coll, doc)
	if err != nil {
		return err
	}
	if !ok {
		return ErrConflict
	}
	if len(ch.Events) > 0 {
		select {
		case c.notify <- struct{}{}:
		default:
		}
	}
	return nil
}

// Load reads the latest state of a stream into dst and returns its version.
func (c *Commits) Load(ctx context.Context, stream string, dst any) (int, error) {
	var doc commitDoc
	err := c.coll.FindOne(ctx, bson.D{{Key: "stream", Value: stream}},
		options.FindOne().SetSort(bson.D{{Key: "version", Value: -1}})).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return doc.Version, json.Unmarshal([]byte(doc.State), dst)
}

// Head is the latest state of one stream.
type Head struct {
	Stream  string
	Version int
	State   json.RawMessage
}

// Query selects the latest commit of every stream of a kind in a region whose labels match.
type Query struct {
	Kind   string
	Region string
	Labels map[string]string
}

// Heads returns the latest state of every matching stream, oldest stream first.
func (c *Commits) Heads(ctx context.Context, q Query) ([]Head, error) {
	filter := bson.D{{Key: "kind", Value: q.Kind}, {Key: "region", Value: q.Region}}
	cur, err := c.coll.Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "events", Value: 0}}))
	if err != nil {
		return nil, err
	}
	var docs []commitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	latest := map[string]commitDoc{}
	var order []string
	first := map[string]time.Time{}
	for _, d := range docs {
		if cur, ok := latest[d.Stream]; !ok || d.Version > cur.Version {
			if !ok {
				order = append(order, d.Stream)
			}
			latest[d.Stream] = d
		}
		if t, ok := first[d.Stream]; !ok || d.RecordedAt.Before(t) {
			first[d.Stream] = d.RecordedAt
		}
	}
	heads := make([]Head, 0, len(order))
	sortByTime(order, first)
	for _, s := range order {
		d := latest[s]
		if !labelsMatch(d.Labels, q.Labels) {
			continue
		}
		heads = append(heads, Head{Stream: s, Version: d.Version, State: json.RawMessage(d.State)})
	}
	return heads, nil
}

func labelsMatch(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// AuditEntry is one change in a stream's history (see rules.AuditEntry).
type AuditEntry = rules.AuditEntry

// History lists the changes of a stream, oldest first, without their state.
func (c *Commits) History(ctx context.Context, stream string) ([]AuditEntry, error) {
	cur, err := c.coll.Find(ctx, bson.D{{Key: "stream", Value: stream}},
		options.Find().SetSort(bson.D{{Key: "version", Value: 1}}).
			SetProjection(bson.D{{Key: "version", Value: 1}, {Key: "action", Value: 1}, {Key: "actor", Value: 1}, {Key: "recordedAt", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []commitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]AuditEntry, len(docs))
	for i, d := range docs {
		out[i] = AuditEntry{Version: d.Version, Action: d.Action, Actor: d.Actor, At: d.RecordedAt}
	}
	return out, nil
}

// LoadMany reads the latest state of several streams in one query; streams without commits
// are absent from the result.
func (c *Commits) LoadMany(ctx context.Context, streams []string) (map[string]Head, error) {
	cur, err := c.coll.Find(ctx, bson.D{{Key: "stream", Value: bson.D{{Key: "$in", Value: streams}}}},
		options.Find().SetProjection(bson.D{{Key: "events", Value: 0}}))
	if err != nil {
		return nil, err
	}
	var docs []commitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := map[string]Head{}
	for _, d := range docs {
		if h, ok := out[d.Stream]; !ok || d.Version > h.Version {
			out[d.Stream] = Head{Stream: d.Stream, Version: d.Version, State: json.RawMessage(d.State)}
		}
	}
	return out, nil
}
