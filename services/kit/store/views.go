package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A view is the read model of one aggregate kind: one document per aggregate, in a
// collection of its own, holding the latest state as BSON and the fields lists filter on,
// with indexes for each list. Reads (a GET, a page of a list) touch only the view, so their
// cost follows what they return, not how often the aggregates changed.
//
// The writer updates the view right after its commit; a version guard keeps a stale update
// from overwriting a newer one; the relay repairs a view a crash left behind (it reads
// every commit and checks its view), and a view is rebuilt from the commit log at
// start when its definition (Version) changed, or on demand.
//
//	{_id, v: version, region, createdAt, updatedAt, ord, uord, f: {filter fields}, s: {state}}
//
// ord (createdAt|id) and uord (updatedAt|id) are unique, stable sort keys: a page is
// "the next n after this key", answered from an index whatever the page's position.
type View struct {
	Kind string
	// Version of the view's definition; change it when Fields or Indexes change.
	Version int
	// Fields computes the filter fields from a state's JSON.
	Fields func(state json.RawMessage) (Fields, error)
	// Indexes lists the field combinations lists filter on; each gets an index ordered by
	// creation and one by last change (for partner systems that synchronise).
	Indexes [][]string
	// document and state carry an aggregate to and from its stored document (Documents).
	document func(state any) (any, error)
	state    func(raw json.RawMessage) (any, error)
}

// Documents says how an aggregate of type T is stored: as a document the adapters own, which
// holds the stored field names, made from T and read back into T. The domain does not know
// how it is kept.
type Documents[T any] struct {
	document func(*T) any
	state    func(json.RawMessage) (*T, error)
}

// StoredAs keeps T as the document D: document makes it, state reads it back.
func StoredAs[T, D any](document func(T) D, state func(D) T) Documents[T] {
	return Documents[T]{
		document: func(t *T) any { return document(*t) },
		state: func(raw json.RawMessage) (*T, error) {
			var d D
			if err := json.Unmarshal(raw, &d); err != nil {
				return nil, err
			}
			t := state(d)
			return &t, nil
		},
	}
}

// Itself keeps T as its own JSON: for a type that is already a stored shape (an adapter's
// record, a test's).
func Itself[T any]() Documents[T] {
	return Documents[T]{
		document: func(t *T) any { return t },
		state: func(raw json.RawMessage) (*T, error) {
			var t T
			return &t, json.Unmarshal(raw, &t)
		},
	}
}

// Fields are the filterable values of an aggregate (strings, numbers, booleans, times).
type Fields map[string]any

// NewView defines the view of kind, whose aggregates are stored as docs say, with fields
// computed from the typed state.
func NewView[T any](kind string, version int, docs Documents[T], fields func(*T) Fields, indexes ...[]string) *View {
	if docs.state == nil {
		panic("store: the view of " + kind + " says nothing of how its aggregates are stored")
	}
	v := &View{Kind: kind, Version: version, Indexes: indexes}
	v.state = func(raw json.RawMessage) (any, error) { return docs.state(raw) }
	v.document = func(state any) (any, error) {
		switch t := state.(type) {
		case *T:
			return docs.document(t), nil
		case T:
			return docs.document(&t), nil
		}
		return nil, fmt.Errorf("store: the view of %s keeps %T, not %T", kind, new(T), state)
	}
	v.Fields = func(raw json.RawMessage) (Fields, error) {
		t, err := docs.state(raw)
		if err != nil {
			return nil, err
		}
		if fields == nil {
			return Fields{}, nil
		}
		return fields(t), nil
	}
	return v
}

func (v *View) collection() string { return "view_" + v.Kind }

func (v *View) indexes() []Index {
	out := []Index{
		{Collection: v.collection(), Model: mongo.IndexModel{Keys: bson.D{{Key: "region", Value: 1}, {Key: "ord", Value: 1}}}},
		{Collection: v.collection(), Model: mongo.IndexModel{Keys: bson.D{{Key: "region", Value: 1}, {Key: "uord", Value: 1}}}},
	}
	for _, fields := range v.Indexes {
		for _, order := range []string{"ord", "uord"} {
			keys := bson.D{{Key: "region", Value: 1}}
			for _, f := range fields {
				keys = append(keys, bson.E{Key: "f." + f, Value: 1})
			}
			keys = append(keys, bson.E{Key: order, Value: 1})
			out = append(out, Index{Collection: v.collection(), Model: mongo.IndexModel{Keys: keys}})
		}
	}
	return out
}

// viewDoc is the stored form of one aggregate's view.
type viewDoc struct {
	ID        string    `bson:"_id"`
	Version   int       `bson:"v"`
	Region    string    `bson:"region"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
	Ord       string    `bson:"ord"`
	Uord      string    `bson:"uord"`
	State     bson.Raw  `bson:"s"`
}

// sortKey is a time and an id as one string that sorts by time, then id.
func sortKey(t time.Time, id string) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z") + "|" + id
}

// projectionModel is the guarded upsert that writes a commit into its view unless the view
// shows a newer version (with force, the same version is written again: a rebuild after the
// view's definition changed). createdAt is the aggregate's first commit time when known.
func (s *Store) projectionModel(v *View, c commitDoc, createdAt time.Time, force bool) (*mongo.UpdateOneModel, error) {
	fields, err := v.Fields(json.RawMessage(c.State))
	if err != nil {
		return nil, fmt.Errorf("view %s of %s: %w", v.Kind, c.Stream, err)
	}
	state, err := jsonToBSON([]byte(c.State))
	if err != nil {
		return nil, fmt.Errorf("view %s of %s: %w", v.Kind, c.Stream, err)
	}
	if createdAt.IsZero() {
		createdAt = c.RecordedAt
	}
	f := bson.D{}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		f = append(f, bson.E{Key: k, Value: fields[k]})
	}
	set := bson.D{{Key: "v", Value: c.Version}, {Key: "region", Value: c.Region}, {Key: "updatedAt", Value: c.RecordedAt},
		{Key: "uord", Value: sortKey(c.RecordedAt, c.Aggregate)}, {Key: "f", Value: f}, {Key: "s", Value: state}}
	if force {
		set = append(set, bson.E{Key: "createdAt", Value: createdAt}, bson.E{Key: "ord", Value: sortKey(createdAt, c.Aggregate)})
	}
	update := bson.D{{Key: "$set", Value: set}}
	if !force {
		update = append(update, bson.E{Key: "$setOnInsert", Value: bson.D{{Key: "createdAt", Value: createdAt}, {Key: "ord", Value: sortKey(createdAt, c.Aggregate)}}})
	}
	guard := "$lt"
	if force {
		guard = "$lte"
	}
	return mongo.NewUpdateOneModel().
		SetFilter(bson.D{{Key: "_id", Value: c.Aggregate}, {Key: "v", Value: bson.D{{Key: guard, Value: c.Version}}}}).
		SetUpdate(update).SetUpsert(true), nil
}

// project writes one commit into its view (see projectionModel).
func (s *Store) project(ctx context.Context, v *View, c commitDoc, createdAt time.Time) error {
	m, err := s.projectionModel(v, c, createdAt, false)
	if err != nil {
		return err
	}
	_, err = s.db.Collection(v.collection()).UpdateOne(ctx, m.Filter, m.Update, options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return nil // the view shows this version or a newer one already
	}
	return err
}

// loadView reads one aggregate's view (its version and state); ErrNotFound when there is
// none. It reads the two fields from the raw document: a GET is on every screen.
func (s *Store) loadView(ctx context.Context, v *View, id string) (*viewDoc, error) {
	raw, err := s.db.Collection(v.collection()).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d := viewDoc{ID: id}
	ver, ok := raw.Lookup("v").AsInt64OK()
	state, isDoc := raw.Lookup("s").DocumentOK()
	if !ok || !isDoc {
		return nil, fmt.Errorf("view %s of %s is malformed", v.Kind, id)
	}
	d.Version, d.State = int(ver), state
	return &d, nil
}

// ErrNoView: the service keeps no view of that aggregate kind.
var ErrNoView = errors.New("no view of that kind")

func (s *Store) viewOf(kind string) (*View, error) {
	v, ok := s.views[kind]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoView, kind)
	}
	return v, nil
}

// filterFields turns a page query's field filters into view conditions.
func filterFields(q PageQuery) bson.D {
	filter := bson.D{{Key: "region", Value: q.Region}}
	for _, k := range slices.Sorted(maps.Keys(q.Equals)) {
		v := q.Equals[k]
		if many, ok := v.([]string); ok {
			v = bson.D{{Key: "$in", Value: many}} // any of these
		}
		filter = append(filter, bson.E{Key: "f." + k, Value: v})
	}
	for _, k := range slices.Sorted(maps.Keys(q.AtMost)) {
		// a set value up to the bound; an empty one (never) does not match
		filter = append(filter, bson.E{Key: "f." + k, Value: bson.D{{Key: "$gt", Value: ""}, {Key: "$lte", Value: q.AtMost[k]}}})
	}
	return filter
}
