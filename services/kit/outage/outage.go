// Package outage says, once per outage and not once per retry, that a part of a service
// (the outbox relay, a consumer group, a scheduled job) waits for a dependency, and when it
// goes on again; a gauge counts the parts waiting now.
package outage

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Tracker follows the outages of the parts of one process.
type Tracker struct {
	log     *slog.Logger
	mu      sync.Mutex
	waiting map[string]time.Time
}

// New makes a tracker whose gauge werkregio.dependency.waiting (1 per part that waits, by
// part) is registered with mp (the global provider when nil).
func New(log *slog.Logger, mp metric.MeterProvider) *Tracker {
	if log == nil {
		log = slog.Default()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	t := &Tracker{log: log, waiting: map[string]time.Time{}}
	_, _ = mp.Meter("github.com/werkregio/platform/services/kit/outage").Int64ObservableGauge("werkregio.dependency.waiting",
		metric.WithDescription("Parts of the service waiting for a dependency (the database, the broker) to come back"),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			t.mu.Lock()
			defer t.mu.Unlock()
			for part := range t.waiting {
				o.Observe(1, metric.WithAttributes(attribute.String("part", part)))
			}
			return nil
		}))
	return t
}

// Failed records that part failed for err: the first failure of an outage is logged (at
// WARN, with the error), the others only counted by the caller.
func (t *Tracker) Failed(ctx context.Context, part string, err error) {
	t.mu.Lock()
	_, already := t.waiting[part]
	if !already {
		t.waiting[part] = time.Now()
	}
	t.mu.Unlock()
	if !already {
		t.log.WarnContext(ctx, "waiting for a dependency; retrying with backoff until it answers", "part", part, "error", err.Error())
	}
}

// Recovered records that part works again, and logs how long it waited (once).
func (t *Tracker) Recovered(ctx context.Context, part string) {
	t.mu.Lock()
	since, was := t.waiting[part]
	delete(t.waiting, part)
	t.mu.Unlock()
	if was {
		t.log.InfoContext(ctx, "dependency back; going on", "part", part, "waited", time.Since(since).Round(time.Millisecond).String())
	}
}

// Waiting reports whether part waits now.
func (t *Tracker) Waiting(part string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.waiting[part]
	return ok
}

// Backoff is the next wait after a failure: doubled from last (at least min), capped, and
// jittered to half to all of it, so parts that failed together do not retry together.
func Backoff(last, minWait, maxWait time.Duration) (next, wait time.Duration) {
	next = min(max(last*2, minWait), maxWait)
	return next, next/2 + rand.N(next/2+1)
}
