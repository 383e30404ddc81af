package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// lease lets one process at a time do a job, so that with several replicas of a service
// one aggregate's events still leave in version order. Time is cut into slots; the process
// that inserts the document of a slot first (a deterministic _id, so exactly one can) owns
// it. It publishes only until a guard time before the slot ends, unless it also owns the
// next slot, which the owner claims shortly before the end while the others wait a moment
// into each new slot: the lease stays with a live owner and passes on within a slot when
// it dies. Inserting facts needs no transactions, compare-and-set or atomic updates.
type lease struct {
	coll  *mongo.Collection
	name  string
	owner string
	slot  time.Duration
	guard time.Duration
	// claimDelay gives the previous owner the first chance at a new slot.
	claimDelay time.Duration

	mu    sync.Mutex
	owned map[int64]bool
}

type leaseDoc struct {
	ID    string    `bson:"_id"`
	Owner string    `bson:"owner"`
	At    time.Time `bson:"at"`
}

func newLease(db *mongo.Database, name string, slot, guard time.Duration) *lease {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &lease{coll: db.Collection("leases"), name: name, owner: hex.EncodeToString(b), slot: slot, guard: guard,
		claimDelay: guard / 2, owned: map[int64]bool{}}
}

func (l *lease) slotOf(t time.Time) int64     { return t.UnixNano() / int64(l.slot) }
func (l *lease) start(n int64) time.Time      { return time.Unix(0, n*int64(l.slot)) }
func (l *lease) docID(n int64) string         { return fmt.Sprintf("%s|%012d", l.name, n) }
func (l *lease) holds(n int64) bool           { l.mu.Lock(); defer l.mu.Unlock(); return l.owned[n] }
func (l *lease) remember(n int64, owned bool) { l.mu.Lock(); l.owned[n] = owned; l.mu.Unlock() }
func (l *lease) known(n int64) (bool, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o, k := l.owned[n]
	return o, k
}

// claim tries to own slot n.
func (l *lease) claim(ctx context.Context, n int64) (bool, error) {
	if owned, known := l.known(n); known {
		return owned, nil
	}
	_, err := l.coll.InsertOne(ctx, leaseDoc{ID: l.docID(n), Owner: l.owner, At: time.Now().UTC()})
	if err == nil {
		l.remember(n, true)
		l.forget(ctx, n)
		return true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return false, err
	}
	var d leaseDoc // an earlier attempt of ours may have won without us hearing it
	if err := l.coll.FindOne(ctx, bson.D{{Key: "_id", Value: l.docID(n)}}).Decode(&d); err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return false, err
	}
	l.remember(n, d.Owner == l.owner)
	return d.Owner == l.owner, nil
}

// until returns how long this process may work from now: zero when another owns the slot.
func (l *lease) until(ctx context.Context, now time.Time) (time.Time, error) {
	n := l.slotOf(now)
	if !l.holds(n) {
		if _, known := l.known(n); !known && now.Sub(l.start(n)) < l.claimDelay && !l.holds(n-1) {
			return time.Time{}, nil // the previous owner goes first
		}
		if ok, err := l.claim(ctx, n); err != nil || !ok {
			return time.Time{}, err
		}
	}
	end := l.start(n + 1).Add(-l.guard)
	if now.After(end.Add(-l.guard)) {
		if ok, err := l.claim(ctx, n+1); err == nil && ok {
			end = l.start(n + 2).Add(-l.guard)
		}
	}
	if !now.Before(end) {
		return time.Time{}, nil
	}
	return end, nil
}

// forget drops old slots, in memory and in the database.
func (l *lease) forget(ctx context.Context, n int64) {
	l.mu.Lock()
	for k := range l.owned {
		if k < n-2 {
			delete(l.owned, k)
		}
	}
	l.mu.Unlock()
	if n%20 == 0 {
		_, _ = l.coll.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: l.name + "|"}, {Key: "$lt", Value: l.docID(n - 10)}}}})
	}
}
