package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
)

// PageQuery selects one page of a kind's views in a region.
type PageQuery struct {
	Region string
	// Equals filters on view fields: exact values, or any of a []string.
	Equals map[string]any
	// AtMost filters on string view fields up to a bound, inclusive (a due day: "2026-12-02");
	// an empty field never matches.
	AtMost map[string]string
	// UpdatedBefore: only aggregates last changed before it, longest unchanged first (for
	// retention: it reads the expired ones and stops).
	UpdatedBefore time.Time
	paging.Request
}

// Filtered is the query of a page in a region with the given filters; an empty value
// filters nothing, as an absent query parameter.
func Filtered(region string, page paging.Request, equals map[string]string) PageQuery {
	q := PageQuery{Region: region, Equals: map[string]any{}, Request: page}
	for field, v := range equals {
		if v != "" {
			q.Equals[field] = v
		}
	}
	return q
}

// Page is one page of aggregates.
type Page[T any] = paging.Page[T]

// ErrBadCursor: the cursor was not made by this API, or not for this order (HTTP 400).
var ErrBadCursor = rules.BadQuery("after", "is not a cursor of this list; start again from the first page")

// cursor is the opaque position after the last item of a page.
type cursor struct {
	Order string `json:"o"` // "ord" or "uord"
	After string `json:"a"`
}

func encodeCursor(c cursor) string {
	raw, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeCursor(s string) (cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, ErrBadCursor
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil || (c.Order != "ord" && c.Order != "uord") || c.After == "" {
		return cursor{}, ErrBadCursor
	}
	return c, nil
}

// pageViews reads one page of raw views: an index range after the cursor, in key order,
// one more than asked to know whether a next page exists.
func (s *Store) pageViews(ctx context.Context, v *View, q PageQuery) ([]viewDoc, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = paging.DefaultLimit
	}
	limit = min(limit, paging.MaxLimit)
	order := "ord"
	if !q.UpdatedSince.IsZero() || !q.UpdatedBefore.IsZero() {
		order = "uord"
	}
	filter := filterFields(q)
	bounds := bson.D{}
	if !q.UpdatedSince.IsZero() {
		bounds = append(bounds, bson.E{Key: "$gte", Value: sortKey(q.UpdatedSince, "")})
	}
	if !q.UpdatedBefore.IsZero() {
		bounds = append(bounds, bson.E{Key: "$lt", Value: sortKey(q.UpdatedBefore, "")})
	}
	if q.After != "" {
		c, err := decodeCursor(q.After)
		if err != nil {
			return nil, "", err
		}
		if c.Order != order {
			return nil, "", ErrBadCursor
		}
		bounds = append(bounds, bson.E{Key: "$gt", Value: c.After})
	}
	if len(bounds) > 0 {
		filter = append(filter, bson.E{Key: order, Value: bounds})
	}
	cur, err := s.db.Collection(v.collection()).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: order, Value: 1}}).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, "", err
	}
	var docs []viewDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, "", err
	}
	next := ""
	if len(docs) > limit {
		docs = docs[:limit]
		last := docs[limit-1]
		key := last.Ord
		if order == "uord" {
			key = last.Uord
		}
		next = encodeCursor(cursor{Order: order, After: key})
	}
	return docs, next, nil
}

// decodeState turns a view's BSON state into T.
func decodeState[T any](v *View, d *viewDoc) (*T, error) {
	raw, err := bsonToJSON(d.State)
	if err != nil {
		return nil, fmt.Errorf("view state of %s: %w", d.ID, err)
	}
	state, err := v.state(raw)
	if err != nil {
		return nil, fmt.Errorf("view state of %s: %w", d.ID, err)
	}
	t, ok := state.(*T)
	if !ok {
		return nil, fmt.Errorf("the view of %s keeps %T, not %T", v.Kind, state, t)
	}
	return t, nil
}

// ValidFieldName reports whether a filter field can be used in a view (no dots or $).
func ValidFieldName(name string) bool {
	return name != "" && !strings.ContainsAny(name, ".$")
}

// Count is how many aggregates of kind the query's fields select (one indexed count, for
// gauges such as the tranches held now; the order and page of the query are ignored).
func (a *Aggregates) Count(ctx context.Context, kind string, q PageQuery) (int64, error) {
	v, err := a.store.viewOf(kind)
	if err != nil {
		return 0, err
	}
	return a.store.db.Collection(v.collection()).CountDocuments(ctx, filterFields(q))
}

// Distinct are the values of a filter field among the aggregates the query selects (e.g.
// the providers a region's enrolments are at), read from the field's index; at most limit.
func (a *Aggregates) Distinct(ctx context.Context, kind, field string, q PageQuery, limit int) ([]string, error) {
	v, err := a.store.viewOf(kind)
	if err != nil {
		return nil, err
	}
	res := a.store.db.Collection(v.collection()).Distinct(ctx, "f."+field, filterFields(q))
	var values []string
	if err := res.Decode(&values); err != nil {
		return nil, err
	}
	slices.Sort(values)
	if len(values) > limit {
		values = values[:limit]
	}
	return values, nil
}
