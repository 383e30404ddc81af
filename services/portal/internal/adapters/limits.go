package adapters

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Limits counts what one sender posts to a public page per window, in the portal's
// database, so every replica counts alike. The sender is a keyed hash, never an address.
type Limits struct{ coll *mongo.Collection }

// NewLimits uses the publicPosts collection.
func NewLimits(db *mongo.Database) *Limits { return &Limits{coll: db.Collection("publicPosts")} }

type limitDoc struct {
	ID    string    `bson:"_id"`
	N     int       `bson:"n"`
	Until time.Time `bson:"until"`
}

// Allow counts one post of sender in the window that holds now; false past limit.
func (l *Limits) Allow(ctx context.Context, sender string, limit int, window time.Duration, now time.Time) (bool, error) {
	start := now.UTC().Truncate(window)
	var d limitDoc
	err := l.coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: sender + "/" + start.Format(time.RFC3339)}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}, {Key: "$set", Value: bson.D{{Key: "until", Value: start.Add(window)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return false, err
	}
	return d.N <= limit, nil
}

// Purge forgets the windows that have passed.
func (l *Limits) Purge(ctx context.Context, now time.Time) (int64, error) {
	res, err := l.coll.DeleteMany(ctx, bson.D{{Key: "until", Value: bson.D{{Key: "$lt", Value: now.UTC()}}}})
	if err != nil {
		return 0, err
	}
	return res.DeletedCount, nil
}
