package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/werkregio/platform/services/kit/httpserver"
)

// Idempotency keys and the first answer to each are kept a day (what clients of payment
// APIs expect, and more than any retry policy needs); a request that stopped half-way (its
// process killed, or its store gone before it could release the key) holds its key for a
// lease, after which a retry may run it again.
const (
	idempotencyCollection = "idempotency_keys"
	IdempotencyKeep       = 24 * time.Hour
	defaultLease          = 2 * time.Minute
)

// IdempotencyLeaseFor is the lease of keys of requests that are cut off after timeout: twice
// that and 10 s more, so that a request still finishing its last write at its deadline is
// never run a second time beside it, while a client retrying after an outage waits some
// 30 s (at the default 10 s), not minutes.
func IdempotencyLeaseFor(timeout time.Duration) time.Duration { return 2*timeout + 10*time.Second }

var idempotencyIndexes = []Index{
	{Collection: idempotencyCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "expiresAt", Value: 1}}}},
}

type idempotencyDoc struct {
	ID          string            `bson:"_id"` // hash of region, caller and key
	Fingerprint string            `bson:"fp"`
	Done        bool              `bson:"done"`
	LockedAt    time.Time         `bson:"lockedAt"`
	ExpiresAt   time.Time         `bson:"expiresAt"`
	Status      int               `bson:"status,omitempty"`
	Header      map[string]string `bson:"header,omitempty"`
	Body        []byte            `bson:"body,omitempty"`
}

// IdempotencyKeys is the MongoDB store of the HTTP idempotency middleware.
type IdempotencyKeys struct {
	c     *mongo.Collection
	lease time.Duration
}

var _ httpserver.IdempotencyStore = (*IdempotencyKeys)(nil)

// IdempotencyKeys returns the store's keys.
func (s *Store) IdempotencyKeys() *IdempotencyKeys {
	return &IdempotencyKeys{c: s.db.Collection(idempotencyCollection), lease: defaultLease}
}

// WithLease is the keys with another lease (IdempotencyLeaseFor the request timeout).
func (k *IdempotencyKeys) WithLease(d time.Duration) *IdempotencyKeys {
	return &IdempotencyKeys{c: k.c, lease: d}
}

// Claim takes a key for a request, or says who holds it and what it answered.
func (k *IdempotencyKeys) Claim(ctx context.Context, id, fingerprint string, now time.Time) (httpserver.IdempotencyClaim, error) {
	fresh := idempotencyDoc{ID: id, Fingerprint: fingerprint, LockedAt: now, ExpiresAt: now.Add(IdempotencyKeep)}
	for range 3 {
		_, err := k.c.InsertOne(ctx, fresh)
		if err == nil {
			return httpserver.IdempotencyClaim{Claimed: true, Fingerprint: fingerprint}, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return httpserver.IdempotencyClaim{}, err
		}
		var d idempotencyDoc
		err = k.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // released in between: claim again
		}
		if err != nil {
			return httpserver.IdempotencyClaim{}, err
		}
		var takeOver bson.D
		switch {
		case d.ExpiresAt.Before(now):
			takeOver = bson.D{{Key: "_id", Value: id}, {Key: "expiresAt", Value: d.ExpiresAt}}
		case d.Fingerprint != fingerprint:
			return httpserver.IdempotencyClaim{Fingerprint: d.Fingerprint}, nil
		case d.Done:
			return httpserver.IdempotencyClaim{Fingerprint: d.Fingerprint,
				Response: &httpserver.StoredResponse{Status: d.Status, Header: d.Header, Body: d.Body}}, nil
		case d.LockedAt.Before(now.Add(-k.lease)):
			takeOver = bson.D{{Key: "_id", Value: id}, {Key: "done", Value: false}, {Key: "lockedAt", Value: d.LockedAt}}
		default:
			return httpserver.IdempotencyClaim{Fingerprint: d.Fingerprint}, nil // still running
		}
		res, err := k.c.ReplaceOne(ctx, takeOver, fresh)
		if err != nil {
			return httpserver.IdempotencyClaim{}, err
		}
		if res.ModifiedCount == 1 {
			return httpserver.IdempotencyClaim{Claimed: true, Fingerprint: fingerprint}, nil
		}
	}
	return httpserver.IdempotencyClaim{Fingerprint: fingerprint}, nil // contended: report it running
}

// Finish keeps the first answer.
func (k *IdempotencyKeys) Finish(ctx context.Context, id string, r httpserver.StoredResponse) error {
	_, err := k.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "done", Value: true}, {Key: "status", Value: r.Status}, {Key: "header", Value: r.Header}, {Key: "body", Value: r.Body}}}})
	return err
}

// Release frees a key whose request failed, so that a retry runs again.
func (k *IdempotencyKeys) Release(ctx context.Context, id string) error {
	_, err := k.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "done", Value: false}})
	return err
}

// Expire removes keys older than IdempotencyKeep; it returns how many.
func (k *IdempotencyKeys) Expire(ctx context.Context, now time.Time) (int64, error) {
	res, err := k.c.DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, err
	}
	return res.DeletedCount, nil
}
