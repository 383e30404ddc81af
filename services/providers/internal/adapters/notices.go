package adapters

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/providers/internal/app"
)

// Notices keeps what payments said of providers' tranches until it is e-mailed; a notice
// is kept once per tranche and step, and stays (batched, mailed) as the record of what
// each provider was told.
type Notices struct{ coll *mongo.Collection }

// NoticesIndexes find the notices not yet batched and not yet mailed.
var NoticesIndexes = []store.Index{
	{Collection: "trancheNotices", Model: mongo.IndexModel{Keys: bson.D{{Key: "batch", Value: 1}, {Key: "at", Value: 1}}}},
	{Collection: "trancheNotices", Model: mongo.IndexModel{Keys: bson.D{{Key: "mailed", Value: 1}, {Key: "batch", Value: 1}}}},
}

// NewNotices uses the trancheNotices collection.
func NewNotices(db *mongo.Database) *Notices { return &Notices{coll: db.Collection("trancheNotices")} }

var _ app.TrancheNotices = (*Notices)(nil)

type noticeDoc struct {
	ID          string    `bson:"_id"`
	ProviderKvK string    `bson:"provider"`
	TrancheID   string    `bson:"tranche"`
	Status      string    `bson:"status"`
	AmountCents int64     `bson:"amountCents"`
	RunID       string    `bson:"runId,omitempty"`
	Holds       []string  `bson:"holds,omitempty"`
	At          time.Time `bson:"at"`
	Batch       string    `bson:"batch"`
	Mailed      bool      `bson:"mailed"`
}

func (n *Notices) Record(ctx context.Context, x app.TrancheNotice) error {
	_, err := store.InsertFact(ctx, n.coll, noticeDoc{ID: x.ID, ProviderKvK: x.ProviderKvK, TrancheID: x.TrancheID, Status: x.Status,
		AmountCents: x.AmountCents, RunID: x.RunID, Holds: x.Holds, At: x.At.UTC()})
	return err
}

// distinct reads one field of the matching notices, each value once (the notices waiting
// are a day's at most).
func (n *Notices) distinct(ctx context.Context, filter bson.D, field string) ([]string, error) {
	cur, err := n.coll.Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: field, Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []bson.M
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	var out []string
	for _, d := range docs {
		if v, ok := d[field].(string); ok && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (n *Notices) Waiting(ctx context.Context, until time.Time) ([]string, error) {
	return n.distinct(ctx, bson.D{{Key: "batch", Value: ""}, {Key: "at", Value: bson.D{{Key: "$lte", Value: until.UTC()}}}}, "provider")
}

func (n *Notices) Assign(ctx context.Context, kvk, batch string, until time.Time) error {
	_, err := n.coll.UpdateMany(ctx, bson.D{{Key: "batch", Value: ""}, {Key: "provider", Value: kvk}, {Key: "at", Value: bson.D{{Key: "$lte", Value: until.UTC()}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "batch", Value: batch}}}})
	return err
}

func (n *Notices) Unmailed(ctx context.Context) ([]string, error) {
	return n.distinct(ctx, bson.D{{Key: "mailed", Value: false}, {Key: "batch", Value: bson.D{{Key: "$ne", Value: ""}}}}, "batch")
}

func (n *Notices) InBatch(ctx context.Context, batch string) ([]app.TrancheNotice, error) {
	cur, err := n.coll.Find(ctx, bson.D{{Key: "batch", Value: batch}}, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []noticeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]app.TrancheNotice, len(docs))
	for i, d := range docs {
		out[i] = app.TrancheNotice{ID: d.ID, ProviderKvK: d.ProviderKvK, TrancheID: d.TrancheID, Status: d.Status, AmountCents: d.AmountCents,
			RunID: d.RunID, Holds: d.Holds, At: d.At}
	}
	return out, nil
}

func (n *Notices) Mailed(ctx context.Context, batch string) error {
	_, err := n.coll.UpdateMany(ctx, bson.D{{Key: "batch", Value: batch}}, bson.D{{Key: "$set", Value: bson.D{{Key: "mailed", Value: true}}}})
	return err
}
