package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/store"
)

// The key store on the wire protocol: the first request holds a key, a finished one
// answers every retry, a stopped one is taken over after its lease, and keys end after a day.
func TestIdempotencyKeysHoldAnswerTakeOverAndExpire(t *testing.T) {
	ctx := context.Background()
	keys := newStore(t, database(t)).IdempotencyKeys()
	now := time.Now().UTC()

	c, err := keys.Claim(ctx, "k1", "fp-a", now)
	if err != nil || !c.Claimed {
		t.Fatalf("first claim: %+v %v", c, err)
	}
	if c, _ := keys.Claim(ctx, "k1", "fp-a", now.Add(time.Second)); c.Claimed || c.Response != nil || c.Fingerprint != "fp-a" {
		t.Errorf("a retry while running: %+v", c)
	}
	if c, _ := keys.Claim(ctx, "k1", "fp-b", now.Add(time.Second)); c.Fingerprint != "fp-a" {
		t.Errorf("another request under the key: %+v", c)
	}
	if err := keys.Finish(ctx, "k1", httpserver.StoredResponse{Status: 201, Header: map[string]string{"Location": "/api/v1/x/1"}, Body: []byte(`{"id":"1"}`)}); err != nil {
		t.Fatal(err)
	}
	c, _ = keys.Claim(ctx, "k1", "fp-a", now.Add(time.Minute))
	if c.Claimed || c.Response == nil || c.Response.Status != 201 || c.Response.Header["Location"] != "/api/v1/x/1" || string(c.Response.Body) != `{"id":"1"}` {
		t.Errorf("a retry after the answer: %+v", c)
	}

	// A request that stopped half-way (a crash) holds its key for the lease only.
	if c, _ := keys.Claim(ctx, "k2", "fp", now); !c.Claimed {
		t.Fatal("claim k2")
	}
	if c, _ := keys.Claim(ctx, "k2", "fp", now.Add(30*time.Second)); c.Claimed {
		t.Error("taken over within the lease")
	}
	if c, _ := keys.Claim(ctx, "k2", "fp", now.Add(3*time.Minute)); !c.Claimed {
		t.Error("not taken over after the lease")
	}
	// A service whose requests end after 10 s leases a key for 30 s: a client retrying
	// after an outage that cut its request off waits that long, not minutes.
	short := keys.WithLease(store.IdempotencyLeaseFor(10 * time.Second))
	if c, _ := short.Claim(ctx, "k4", "fp", now); !c.Claimed {
		t.Fatal("claim k4")
	}
	if c, _ := short.Claim(ctx, "k4", "fp", now.Add(29*time.Second)); c.Claimed {
		t.Error("taken over within the 30 s lease")
	}
	if c, _ := short.Claim(ctx, "k4", "fp", now.Add(31*time.Second)); !c.Claimed {
		t.Error("not taken over after the 30 s lease")
	}

	// A failed request releases its key.
	_, _ = keys.Claim(ctx, "k3", "fp", now)
	if err := keys.Release(ctx, "k3"); err != nil {
		t.Fatal(err)
	}
	if c, _ := keys.Claim(ctx, "k3", "fp-new", now); !c.Claimed {
		t.Error("a released key is still held")
	}

	// After a day a key is free again and removed by the expiry job.
	if c, _ := keys.Claim(ctx, "k1", "fp-other", now.Add(25*time.Hour)); !c.Claimed {
		t.Error("an expired key still holds its first request")
	}
	n, err := keys.Expire(ctx, now.Add(50*time.Hour))
	if err != nil || n != 4 {
		t.Errorf("expired %d keys (%v), want 4", n, err)
	}
}
