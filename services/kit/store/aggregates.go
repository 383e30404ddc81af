package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
)

// Aggregates stores a service's aggregates: each Save writes the new state, its events
// (routed to the region's topics) and the audit entry as one commit, then the view.
type Aggregates struct {
	store       *Store
	topicPrefix string
	topicOf     map[string]string
	topicName   func(string) string
}

// NewAggregates routes event types to topics (without the region prefix) with topicOf.
func NewAggregates(s *Store, topicPrefix string, topicOf map[string]string) *Aggregates {
	return &Aggregates{store: s, topicPrefix: topicPrefix, topicOf: topicOf}
}

// WithTopicNames names topics with a function instead of the region's prefix (a service
// that publishes to a topic all regions share passes its configuration's Topic).
func (a *Aggregates) WithTopicNames(name func(string) string) *Aggregates {
	a.topicName = name
	return a
}

// Saved is one command's outcome on one aggregate.
type Saved struct {
	Kind, ID, Region string
	State            any
	commit.Outcome
	// Context is the request or message the change belongs to (its trace), when SaveMany
	// saves it with others; Save uses its own.
	Context context.Context
}

// Save appends the change and shows it in the view; rules.ErrConflict when another writer
// took the version (the view is repaired first if it lagged, so a retry sees the latest).
func (a *Aggregates) Save(ctx context.Context, s Saved) error {
	v, err := a.store.viewOf(s.Kind)
	if err != nil {
		return err
	}
	pre, conditional := optimistic.IfMatch(ctx)
	conditional = conditional && s.Version != 0 && pre.Pending()
	if conditional && s.Version != pre.Version {
		return optimistic.ErrPreconditionFailed
	}
	doc, err := a.commitOf(ctx, s)
	if err != nil {
		return err
	}
	ok, err := InsertFact(ctx, a.store.commits, doc)
	if err != nil {
		return err
	}
	if !ok {
		if rerr := a.store.repair(ctx, v, doc.Stream); rerr != nil {
			return rerr
		}
		return rules.ErrConflict
	}
	revised(s.State, s.Version+1)
	if conditional {
		pre.Met()
	}
	// The commit is the change; should the view write fail, the relay repairs the view.
	if err := a.store.project(ctx, v, doc, time.Time{}); err != nil {
		a.store.log.WarnContext(ctx, "view not updated after a commit; the relay will repair it", "stream", doc.Stream, "error", err.Error())
		return nil
	}
	a.store.shown.add(doc.ID)
	return nil
}

// SaveMany appends the changes of many aggregates of one kind in two round trips: one
// InsertMany of their commits and one bulk write of their views, for a consumer that
// handles many messages at once. A change whose version another writer took is not saved
// and is reported in conflicts by its index (rules.ErrConflict); the others are saved. It
// does not take an If-Match precondition: that is a request's, and a request saves alone.
func (a *Aggregates) SaveMany(ctx context.Context, saves []Saved) (conflicts map[int]error, err error) {
	conflicts = map[int]error{}
	if len(saves) == 0 {
		return conflicts, nil
	}
	v, err := a.store.viewOf(saves[0].Kind)
	if err != nil {
		return nil, err
	}
	docs := make([]commitDoc, len(saves))
	insert := make([]any, len(saves))
	for i, s := range saves {
		if s.Kind != saves[0].Kind {
			return nil, fmt.Errorf("SaveMany takes one kind, got %s and %s", saves[0].Kind, s.Kind)
		}
		c := ctx
		if s.Context != nil {
			c = s.Context
		}
		if docs[i], err = a.commitOf(c, s); err != nil {
			return nil, err
		}
		insert[i] = docs[i]
	}
	_, err = a.store.commits.InsertMany(ctx, insert, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return nil, err
			}
			conflicts[we.Index] = rules.ErrConflict
		}
	default:
		return nil, err
	}
	var models []mongo.WriteModel
	for i, doc := range docs {
		if conflicts[i] != nil {
			if rerr := a.store.repair(ctx, v, doc.Stream); rerr != nil {
				return nil, rerr
			}
			continue
		}
		revised(saves[i].State, saves[i].Version+1)
		m, err := a.store.projectionModel(v, doc, time.Time{}, false)
		if err != nil {
			return nil, err
		}
		models = append(models, m)
	}
	if len(models) > 0 {
		_, err := a.store.db.Collection(v.collection()).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
		if err != nil && !onlyDuplicates(err) {
			a.store.log.WarnContext(ctx, "views not updated after commits; the relay will repair them", "kind", v.Kind, "error", err.Error())
			return conflicts, nil
		}
	}
	for i, doc := range docs {
		if conflicts[i] == nil {
			a.store.shown.add(doc.ID)
		}
	}
	return conflicts, nil
}

// onlyDuplicates: every write error is a duplicate key (a view shows a newer version).
func onlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}

// commitOf builds the commit of one change, with its events routed and checked.
func (a *Aggregates) commitOf(ctx context.Context, s Saved) (commitDoc, error) {
	v, err := a.store.viewOf(s.Kind)
	if err != nil {
		return commitDoc{}, err
	}
	state, err := v.document(s.State)
	if err != nil {
		return commitDoc{}, err
	}
	ch := Change{Kind: s.Kind, ID: s.ID, Version: s.Version, Region: s.Region, State: state, Actor: s.Actor, Action: s.Action, Causes: s.Causes, Detail: s.Detail}
	if ch.Action == "" && len(s.Events) > 0 {
		ch.Action = s.Events[0].Type
	}
	now := time.Now()
	stream := StreamOf(s.Kind, s.ID)
	for i, e := range s.Events {
		topic, ok := a.topicOf[e.Type]
		if !ok {
			return commitDoc{}, fmt.Errorf("no topic for event type %s", e.Type)
		}
		// Deterministic id: a re-published commit carries the same event ids.
		eid := fmt.Sprintf("%s@%d#%d", stream, s.Version+1, i)
		full := a.topicPrefix + topic
		if a.topicName != nil {
			full = a.topicName(topic)
		}
		out, err := NewEvent(full, eid, e.Type, e.Key, e.Subject, now, e.Data)
		if err != nil {
			return commitDoc{}, err
		}
		if err := a.store.checkEvent(out); err != nil {
			return commitDoc{}, err
		}
		ch.Events = append(ch.Events, out)
	}
	return a.store.newCommit(ctx, ch)
}

// revised tells a state that embeds optimistic.StoreVersion the version it now has.
func revised(state any, version int) {
	if r, ok := state.(optimistic.Versioned); ok {
		r.SetStoreVersion(version)
	}
}

// checkEvent refuses an event that could not be published (see Store.CheckEvents).
func (s *Store) checkEvent(e Outgoing) error {
	field := "event " + e.Type
	if s.maxEvent > 0 && len(e.Data)+len(e.Key)+1024 > s.maxEvent {
		return rules.Invalid(field, "the change makes an event of %d bytes; at most %d can be published: make it smaller", len(e.Data), s.maxEvent-1024)
	}
	if s.events != nil {
		if err := s.events.Validate(e.Type, []byte(e.Data)); err != nil {
			return rules.Invalid(field, "the change makes an event its contract refuses: %s", err.Error())
		}
	}
	return nil
}

// repair brings a view up to the log's latest commit of one stream.
func (s *Store) repair(ctx context.Context, v *View, stream string) error {
	latest, err := s.latestCommit(ctx, stream)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	var created time.Time
	if _, err := s.loadView(ctx, v, latest.Aggregate); errors.Is(err, ErrNotFound) {
		created = s.firstCommitTime(ctx, stream)
	}
	return s.project(ctx, v, *latest, created)
}

func (s *Store) firstCommitTime(ctx context.Context, stream string) time.Time {
	var first commitDoc
	if err := s.commits.FindOne(ctx, bson.D{{Key: "_id", Value: commitID(stream, 1)}}).Decode(&first); err != nil {
		return time.Time{}
	}
	return first.RecordedAt
}

// LoadAs reads an aggregate and its version from its view (or, where its view was never
// written, from its latest commit); rules.ErrNotFound when it does not exist.
func LoadAs[T any](ctx context.Context, a *Aggregates, kind, id string) (*T, int, error) {
	v, err := a.store.viewOf(kind)
	if err != nil {
		return nil, 0, err
	}
	d, err := a.store.loadView(ctx, v, id)
	if errors.Is(err, ErrNotFound) {
		// A commit whose view write never happened (its process or its store went away
		// between the two) is shown now, not when the relay comes by: a client told that it
		// was made can use it at once. Only a miss pays for the look at the log.
		if err := a.store.repair(ctx, v, StreamOf(kind, id)); err != nil {
			return nil, 0, err
		}
		d, err = a.store.loadView(ctx, v, id)
	}
	if errors.Is(err, ErrNotFound) {
		return nil, 0, rules.ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	t, err := decodeState[T](v, d)
	if err != nil {
		return nil, 0, err
	}
	revised(t, d.Version)
	return t, d.Version, nil
}

// LoadManyAs reads several aggregates of a kind in one query, by id; missing ones are absent.
func LoadManyAs[T any](ctx context.Context, a *Aggregates, kind string, ids []string) (map[string]*T, error) {
	v, err := a.store.viewOf(kind)
	if err != nil {
		return nil, err
	}
	cur, err := a.store.db.Collection(v.collection()).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	var docs []viewDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make(map[string]*T, len(docs))
	for i := range docs {
		t, err := decodeState[T](v, &docs[i])
		if err != nil {
			return nil, err
		}
		revised(t, docs[i].Version)
		out[docs[i].ID] = t
	}
	return out, nil
}

// PageAs reads one page of a kind's aggregates in a region.
func PageAs[T any](ctx context.Context, a *Aggregates, kind string, q PageQuery) (Page[T], error) {
	v, err := a.store.viewOf(kind)
	if err != nil {
		return Page[T]{}, err
	}
	docs, next, err := a.store.pageViews(ctx, v, q)
	if err != nil {
		return Page[T]{}, err
	}
	items := make([]T, 0, len(docs))
	for i := range docs {
		t, err := decodeState[T](v, &docs[i])
		if err != nil {
			return Page[T]{}, err
		}
		revised(t, docs[i].Version)
		items = append(items, *t)
	}
	return Page[T]{Items: items, Next: next}, nil
}

// EachAs calls fn for every aggregate the query selects, a page at a time (for scheduled
// checks and reports whose work is all of the matches).
func EachAs[T any](ctx context.Context, a *Aggregates, kind string, q PageQuery, fn func(*T) error) error {
	q.Limit = paging.MaxLimit
	for {
		page, err := PageAs[T](ctx, a, kind, q)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if err := fn(&page.Items[i]); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		q.After = page.Next
	}
}

// CausesApplied reports which of the causes the aggregate's history applied at or before
// version: one index lookup. A command whose effects on an aggregate must happen once names
// each (a ledger transfer: "transfer:<tranche>:<n>:<move>") in Outcome.Causes and asks this
// after loading the aggregate at that version; writes of one aggregate are serialised by
// version, so a cause applied by a concurrent writer is either seen here or makes this
// writer's save conflict and its retry see it. Exactly once without a transaction, without
// keeping every cause in the aggregate, and for many causes in one commit.
func (a *Aggregates) CausesApplied(ctx context.Context, kind, id string, causes []string, atOrBefore int) (map[string]bool, error) {
	out := map[string]bool{}
	if len(causes) == 0 {
		return out, nil
	}
	cur, err := a.store.commits.Find(ctx, bson.D{{Key: "stream", Value: StreamOf(kind, id)}, {Key: "causes", Value: bson.D{{Key: "$in", Value: causes}}},
		{Key: "version", Value: bson.D{{Key: "$lte", Value: atOrBefore}}}}, options.Find().SetProjection(bson.D{{Key: "causes", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		Causes []string `bson:"causes"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, c := range causes {
		wanted[c] = true
	}
	for _, d := range docs {
		for _, c := range d.Causes {
			if wanted[c] {
				out[c] = true
			}
		}
	}
	return out, nil
}

// HasCause reports whether the aggregate's history applied one cause at or before version.
func (a *Aggregates) HasCause(ctx context.Context, kind, id, cause string, atOrBefore int) (bool, error) {
	done, err := a.CausesApplied(ctx, kind, id, []string{cause}, atOrBefore)
	return done[cause], err
}
