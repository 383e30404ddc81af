package adapters

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Claims keeps the claims on candidate-months of every region, one document per person and
// month: the _id makes a month one declaration's, and a replayed claim finds itself.
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
	months := slices.Sorted(slices.Values(cl.Months))
	ids := make([]string, len(months))
	for i, m := range months {
		ids[i] = cl.Person + "|" + m
	}
	held := map[string]claimDoc{}
	if err := c.find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, held); err != nil {
		return nil, nil, err
	}
	onProject := map[string]claimDoc{}
	if err := c.find(ctx, bson.D{{Key: "person", Value: cl.Person}, {Key: "project", Value: cl.ProjectKey()}}, onProject); err != nil {
		return nil, nil, err
	}
	counted := 0
	for _, d := range onProject {
		if d.Owner != cl.Owner() {
			counted++
		}
	}
	var granted []string
	var refused []domain.RefusedMonth
	for i, m := range months {
		if d, ok := held[ids[i]]; ok {
			if d.Owner == cl.Owner() {
				granted = append(granted, m)
				counted++
				continue
			}
			refused = append(refused, domain.RefusedMonth{Month: m, Reason: otherDeclaration(d, cl)})
			continue
		}
		if cl.MaxMonths > 0 && counted >= cl.MaxMonths {
			refused = append(refused, domain.RefusedMonth{Month: m, Reason: fmt.Sprintf("the table counts a candidate at most %d months on a project", cl.MaxMonths)})
			continue
		}
		doc := claimDoc{ID: ids[i], Person: cl.Person, Month: m, Owner: cl.Owner(), Project: cl.ProjectKey()}
		if _, err := c.coll.InsertOne(ctx, doc); mongo.IsDuplicateKeyError(err) {
			// only this consumer writes claims, in the topic's order: a duplicate is ours
			// from an attempt that stopped half-way, or it is another's we must not take
			var cur claimDoc
			if err := c.coll.FindOne(ctx, bson.D{{Key: "_id", Value: ids[i]}}).Decode(&cur); err != nil {
				return nil, nil, err
			}
			if cur.Owner != cl.Owner() {
				refused = append(refused, domain.RefusedMonth{Month: m, Reason: otherDeclaration(cur, cl)})
				continue
			}
		} else if err != nil {
			return nil, nil, err
		}
		granted = append(granted, m)
		counted++
	}
	return granted, refused, nil
}

// otherDeclaration says where the month counts already, without naming another region's
// project or anything of the person.
func otherDeclaration(d claimDoc, cl app.MonthsClaim) string {
	region, _, _ := cutSlash(d.Owner)
	switch {
	case d.Project == cl.ProjectKey():
		return "this candidate's month counts already in another declaration on this project"
	case region == cl.Region:
		return "this candidate's month counts already on another project of this region"
	default:
		return "this candidate's month counts already on a project of another region (" + region + ")"
	}
}

func cutSlash(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
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
