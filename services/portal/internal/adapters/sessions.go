package adapters

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/portal/internal/session"
)

// Sessions keeps the portal's sessions in MongoDB, one sealed document each, by the hash
// of its id; ended ones are purged (Purge, every ten minutes).
type Sessions struct{ c *mongo.Collection }

// NewSessions uses the database's sessions collection and makes its expiry index.
func NewSessions(ctx context.Context, db *mongo.Database) (*Sessions, error) {
	c := db.Collection("sessions")
	_, err := c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "expires", Value: 1}}})
	return &Sessions{c: c}, err
}

type sessionDoc struct {
	Key     string    `bson:"_id"`
	Sealed  string    `bson:"sealed"`
	Expires time.Time `bson:"expires"`
}

// Put creates or replaces a session.
func (s *Sessions) Put(ctx context.Context, key, sealed string, expires time.Time) error {
	_, err := s.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: key}}, sessionDoc{Key: key, Sealed: sealed, Expires: expires.UTC()},
		options.Replace().SetUpsert(true))
	return err
}

// Get is a session, or session.ErrNone.
func (s *Sessions) Get(ctx context.Context, key string) (string, error) {
	var d sessionDoc
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", session.ErrNone
	}
	return d.Sealed, err
}

// Delete forgets a session (signed out, idle, expired).
func (s *Sessions) Delete(ctx context.Context, key string) error {
	_, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	return err
}

// Purge forgets every session that ended before now.
func (s *Sessions) Purge(ctx context.Context, now time.Time) (int64, error) {
	r, err := s.c.DeleteMany(ctx, bson.D{{Key: "expires", Value: bson.D{{Key: "$lt", Value: now.UTC()}}}})
	if err != nil {
		return 0, err
	}
	return r.DeletedCount, nil
}
