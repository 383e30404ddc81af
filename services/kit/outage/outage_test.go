package outage

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// An outage is said once when it starts and once when it ends, however often the part
// retries in between; the backoff doubles up to its cap and is jittered below it.
func TestAnOutageIsLoggedOnceNotPerRetry(t *testing.T) {
	var logs bytes.Buffer
	tr := New(slog.New(slog.NewTextHandler(&logs, nil)), nil)
	ctx := context.Background()
	for range 50 {
		tr.Failed(ctx, "relay", errors.New("server selection timeout"))
	}
	if !tr.Waiting("relay") {
		t.Fatal("not waiting")
	}
	tr.Recovered(ctx, "relay")
	tr.Recovered(ctx, "relay")
	if n := strings.Count(logs.String(), "waiting for a dependency"); n != 1 {
		t.Errorf("%d lines for one outage of 50 retries, want 1", n)
	}
	if n := strings.Count(logs.String(), "dependency back"); n != 1 {
		t.Errorf("%d lines for its end, want 1", n)
	}
	last := time.Duration(0)
	for range 20 {
		var wait time.Duration
		last, wait = Backoff(last, 100*time.Millisecond, 30*time.Second)
		if wait > last || wait < last/2 || last > 30*time.Second {
			t.Fatalf("backoff %s, wait %s", last, wait)
		}
	}
	if last != 30*time.Second {
		t.Errorf("backoff capped at %s, want 30s", last)
	}
}
