package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
)

// Ref names one aggregate.
type Ref struct{ Kind, ID string }

// HistoryEntry is one change of one of several aggregates' histories.
type HistoryEntry struct {
	Subject string // kind/id
	commit.AuditEntry
}

// HistoryPage is one page of the changes of the given aggregates merged, oldest first (by
// time, then subject and version): the audit trail of a participant and its enrolments, say.
// It reads those aggregates' histories only, from the log's stream index.
func (a *Aggregates) HistoryPage(ctx context.Context, refs []Ref, page paging.Request) (paging.Page[HistoryEntry], error) {
	var after historyCursor
	if page.After != "" {
		var err error
		if after, err = decodeHistoryCursor(page.After); err != nil {
			return paging.Page[HistoryEntry]{}, err
		}
	}
	limit := page.Limit
	if limit <= 0 {
		limit = paging.DefaultLimit
	}
	var all []HistoryEntry
	for _, r := range refs {
		stream := StreamOf(r.Kind, r.ID)
		filter := bson.D{{Key: "stream", Value: stream}}
		if page.After != "" {
			filter = append(filter, after.remainderOf(stream)...)
		}
		// Each stream's remainder is a run of versions, so limit+1 of each is enough to fill
		// the page and tell whether another follows.
		cur, err := a.store.commits.Find(ctx, filter,
			options.Find().SetSort(bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}).
				SetLimit(int64(limit+1)).
				SetProjection(bson.D{{Key: "version", Value: 1}, {Key: "action", Value: 1}, {Key: "actor", Value: 1}, {Key: "recordedAt", Value: 1}}))
		if err != nil {
			return paging.Page[HistoryEntry]{}, err
		}
		var docs []commitDoc
		if err := cur.All(ctx, &docs); err != nil {
			return paging.Page[HistoryEntry]{}, err
		}
		for _, d := range docs {
			all = append(all, HistoryEntry{Subject: stream, AuditEntry: commit.AuditEntry{Version: d.Version, Action: d.Action, Actor: d.Actor, At: d.RecordedAt}})
		}
	}
	slices.SortFunc(all, compareEntries)
	out := paging.Page[HistoryEntry]{Items: all}
	if len(all) > limit {
		out.Items = all[:limit]
		last := out.Items[limit-1]
		out.Next = historyCursor{At: last.At, Subject: last.Subject, Version: last.Version}.encode()
	}
	return out, nil
}

func compareEntries(x, y HistoryEntry) int {
	if c := x.At.Compare(y.At); c != 0 {
		return c
	}
	if c := strings.Compare(x.Subject, y.Subject); c != 0 {
		return c
	}
	return x.Version - y.Version
}

type historyCursor struct {
	At      time.Time
	Subject string
	Version int
}

// remainderOf selects the changes of a stream that sort after the cursor: in its own stream
// the later versions, in a stream that sorts before it the later times, after it the same or
// later times.
func (c historyCursor) remainderOf(stream string) bson.D {
	switch strings.Compare(stream, c.Subject) {
	case 0:
		return bson.D{{Key: "version", Value: bson.D{{Key: "$gt", Value: c.Version}}}}
	case -1:
		return bson.D{{Key: "recordedAt", Value: bson.D{{Key: "$gt", Value: c.At}}}}
	default:
		return bson.D{{Key: "recordedAt", Value: bson.D{{Key: "$gte", Value: c.At}}}}
	}
}

func (c historyCursor) encode() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s|%s|%d", c.At.UTC().Format(time.RFC3339Nano), c.Subject, c.Version))
}

func decodeHistoryCursor(s string) (historyCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return historyCursor{}, ErrBadCursor
	}
	parts := strings.Split(string(raw), "|")
	var c historyCursor
	if len(parts) != 3 {
		return c, ErrBadCursor
	}
	if c.At, err = time.Parse(time.RFC3339Nano, parts[0]); err != nil {
		return c, ErrBadCursor
	}
	c.Subject = parts[1]
	if _, err := fmt.Sscan(parts[2], &c.Version); err != nil {
		return c, ErrBadCursor
	}
	return c, nil
}

// Detailed is one change of an aggregate with the detail its command kept (Outcome.Detail).
type Detailed struct {
	commit.AuditEntry
	Detail []byte // JSON; nil when the change kept none
}

// Details reads an aggregate's changes after a version, oldest first, at most limit, with
// their details (a budget's postings): one range of the log's stream index.
func (a *Aggregates) Details(ctx context.Context, kind, id string, afterVersion, limit int) ([]Detailed, error) {
	opts := options.Find().SetSort(bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}).
		SetProjection(bson.D{{Key: "version", Value: 1}, {Key: "action", Value: 1}, {Key: "actor", Value: 1}, {Key: "recordedAt", Value: 1}, {Key: "detail", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := a.store.commits.Find(ctx, bson.D{{Key: "stream", Value: StreamOf(kind, id)}, {Key: "version", Value: bson.D{{Key: "$gt", Value: afterVersion}}}}, opts)
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	var out []Detailed
	for cur.Next(ctx) {
		var d commitDoc
		if err := cur.Decode(&d); err != nil {
			return nil, err
		}
		e := Detailed{AuditEntry: commit.AuditEntry{Version: d.Version, Action: d.Action, Actor: d.Actor, At: d.RecordedAt}}
		if d.Detail != "" {
			e.Detail = []byte(d.Detail)
		}
		out = append(out, e)
	}
	return out, cur.Err()
}
