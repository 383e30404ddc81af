package adapters

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Claims keeps the claims of every region on the shared topic, one document per claimed
// unit (a person's month or week, a purchase's invoice): the _id makes it one declaration's,
// and a replayed claim finds itself. Which units count is the domain's rule (Claimable).
type Claims struct{ coll *mongo.Collection }

// NewClaims uses the candidate_months collection.
func NewClaims(db *mongo.Database) *Claims { return &Claims{coll: db.Collection("candidate_months")} }

type claimDoc struct {
	ID      string `bson:"_id"` // person|month
	Person  string `bson:"person"`
	Month   string `bson:"month"`
	Owner   string `bson:"owner"`   // region/declaration
	Project string `bson:"project"` // region/project
}

func (c *Claims) Claim(ctx context.Context, cl app.MonthsClaim) ([]string, []domain.RefusedMonth, error) {
	units := slices.Sorted(slices.Values(cl.Months))
	ids := make([]string, len(units))
	for i, m := range units {
		ids[i] = cl.Person + "|" + m
	}
	docs := map[string]claimDoc{}
	if err := c.find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, docs); err != nil {
		return nil, nil, err
	}
	onProject := 0
	if cl.MaxMonths > 0 {
		mine := map[string]claimDoc{}
		if err := c.find(ctx, bson.D{{Key: "person", Value: cl.Person}, {Key: "project", Value: cl.ProjectKey()}}, mine); err != nil {
			return nil, nil, err
		}
		for _, d := range mine {
			if d.Owner != cl.Owner() {
				onProject++
			}
		}
	}
	held := map[string]domain.Holder{}
	for i, m := range units {
		if d, ok := docs[ids[i]]; ok {
			held[m] = domain.Holder{Owner: d.Owner, Project: d.Project}
		}
	}
	grant, refused := domain.Claimable(units, held, cl.Owner(), cl.ProjectKey(), cl.Region, onProject, cl.MaxMonths)
	// only this consumer writes claims, in the topic's order: a unit found taken now is ours
	// from an attempt that stopped half-way, or another's we must not take
	var granted []string
	for _, m := range grant {
		id := cl.Person + "|" + m
		if _, ok := held[m]; ok {
			granted = append(granted, m)
			continue
		}
		_, err := c.coll.InsertOne(ctx, claimDoc{ID: id, Person: cl.Person, Month: m, Owner: cl.Owner(), Project: cl.ProjectKey()})
		if mongo.IsDuplicateKeyError(err) {
			var cur claimDoc
			if err := c.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur); err != nil {
				return nil, nil, err
			}
			if cur.Owner != cl.Owner() {
				_, again := domain.Claimable([]string{m}, map[string]domain.Holder{m: {Owner: cur.Owner, Project: cur.Project}}, cl.Owner(), cl.ProjectKey(), cl.Region, 0, 0)
				refused = append(refused, again...)
				continue
			}
		} else if err != nil {
			return nil, nil, err
		}
		granted = append(granted, m)
	}
	return granted, refused, nil
}

func (c *Claims) find(ctx context.Context, filter bson.D, into map[string]claimDoc) error {
	cur, err := c.coll.Find(ctx, filter)
	if err != nil {
		return err
	}
	var docs []claimDoc
	if err := cur.All(ctx, &docs); err != nil {
		return err
	}
	for _, d := range docs {
		into[d.ID] = d
	}
	return nil
}

func (c *Claims) Release(ctx context.Context, cl app.MonthsClaim) error {
	ids := make([]string, len(cl.Months))
	for i, m := range cl.Months {
		ids[i] = cl.Person + "|" + m
	}
	_, err := c.coll.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "owner", Value: cl.Owner()}})
	return err
}

var _ app.Claims = (*Claims)(nil)

// Indexes of the fact collections.
var Indexes = []store.Index{
	{Collection: "candidate_months", Model: mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}, {Key: "project", Value: 1}}}},
	{Collection: "people", Model: mongo.IndexModel{Keys: bson.D{{Key: "region", Value: 1}, {Key: "on", Value: 1}}}},
	{Collection: "notifications", Model: mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "retryAt", Value: 1}}}},
	{Collection: "goals", Model: mongo.IndexModel{Keys: bson.D{{Key: "region", Value: 1}}}},
	{Collection: "placements", Model: mongo.IndexModel{Keys: bson.D{{Key: "region", Value: 1}, {Key: "schemeId", Value: 1}}}},
	{Collection: "tranches", Model: mongo.IndexModel{Keys: bson.D{{Key: "budget", Value: 1}}}},
	{Collection: "partnerships", Model: mongo.IndexModel{Keys: bson.D{{Key: "region", Value: 1}}}},
}
