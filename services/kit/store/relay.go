package store

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"

	"github.com/werkregio/platform/services/kit/messaging"
)

// Publisher sends a batch of events and says per event whether the broker took it.
type Publisher interface {
	PublishBatch(ctx context.Context, out []messaging.Outbound) []error
}

// RelayConfig tunes the relay; zero values take the defaults.
type RelayConfig struct {
	Interval time.Duration // how often to look for pending commits when not woken (500ms)
	// IdleInterval is the longest pause between looks while nothing is pending (2s).
	IdleInterval time.Duration
	BatchSize    int // commits per round (500)
	// Slot and Guard shape the lease that keeps one relay active per service (30s, 6s).
	Slot, Guard time.Duration
	Logger      *slog.Logger
	Meter       metric.Meter
}

// Relay finishes pending commits: it shows them in their views if a writer did not, and
// publishes their events in batches, then marks them done. Delivery is at least once with
// stable event ids. It never stalls on one commit: an event that cannot be published is
// parked with its reason and the rest go on; an event refused for a passing reason (an
// unavailable topic) is retried with backoff; only when nothing at all can be published
// (the broker is down) does the whole round wait and retry.
type Relay struct {
	store *Store
	pub   Publisher
	cfg   RelayConfig
	lease *lease
	log   *slog.Logger

	lagSeconds atomic.Int64 // milliseconds, for the gauge
	parkedNow  atomic.Int64
	published  metric.Int64Counter
	parked     metric.Int64Counter
	lastParked time.Time
	mu         sync.Mutex
}

// NewRelay prepares the relay of a store.
func (s *Store) NewRelay(pub Publisher, cfg RelayConfig) *Relay {
	if cfg.Interval <= 0 {
		cfg.Interval = 500 * time.Millisecond
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	if cfg.IdleInterval <= 0 {
		cfg.IdleInterval = 2 * time.Second
	}
	if cfg.Slot <= 0 {
		cfg.Slot, cfg.Guard = 30*time.Second, 6*time.Second
	}
	if cfg.Guard <= 0 || cfg.Guard*3 > cfg.Slot {
		cfg.Guard = cfg.Slot / 5
	}
	if cfg.Logger == nil {
		cfg.Logger = s.log
	}
	if cfg.Meter == nil {
		cfg.Meter = noop.NewMeterProvider().Meter("")
	}
	r := &Relay{store: s, pub: pub, cfg: cfg, lease: newLease(s.db, "relay", cfg.Slot, cfg.Guard), log: cfg.Logger}
	r.published, _ = cfg.Meter.Int64Counter("werkregio.outbox.published", metric.WithDescription("Events the outbox relay published"))
	r.parked, _ = cfg.Meter.Int64Counter("werkregio.outbox.parked", metric.WithDescription("Commits whose events were set aside because they could not be published"))
	_, _ = cfg.Meter.Float64ObservableGauge("werkregio.outbox.lag", metric.WithUnit("s"),
		metric.WithDescription("Age of the oldest commit the relay has not finished"),
		metric.WithFloat64Callback(func(_ context.Context, o metric.Float64Observer) error {
			o.Observe(float64(r.lagSeconds.Load()) / 1000)
			return nil
		}))
	_, _ = cfg.Meter.Int64ObservableGauge("werkregio.outbox.parked_now",
		metric.WithDescription("Commits parked now, waiting for a retry, a fix or an administrator"),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(r.parkedNow.Load())
			return nil
		}))
	return r
}

// Run relays until ctx ends. Errors are logged and retried with backoff. While there is
// nothing to do it looks less and less often, up to IdleInterval: a commit in this process
// wakes it at once, one from another replica waits at most that long.
func (r *Relay) Run(ctx context.Context) {
	backoff := time.Duration(0)
	idle := r.cfg.Interval
	for {
		full, err := r.Round(ctx)
		wait := r.cfg.Interval
		switch {
		case err != nil && ctx.Err() == nil:
			backoff = min(max(backoff*2, r.cfg.Interval), 30*time.Second)
			wait = backoff
			r.log.WarnContext(ctx, "outbox relay round failed; retrying", "error", err.Error(), "retry_in", wait.String())
		case full:
			backoff, wait, idle = 0, 0, r.cfg.Interval
		case r.lagSeconds.Load() == 0:
			backoff = 0
			idle = min(idle*2, max(r.cfg.IdleInterval, r.cfg.Interval))
			wait = idle
		default:
			backoff, idle = 0, r.cfg.Interval
		}
		if wait == 0 {
			if ctx.Err() != nil {
				return
			}
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-r.store.notify:
			t.Stop()
		}
	}
}

// Round does one batch if this process holds the lease; full says more may be waiting.
func (r *Relay) Round(ctx context.Context) (full bool, err error) {
	now := time.Now()
	until, err := r.lease.until(ctx, now)
	if err != nil {
		return false, err
	}
	if until.IsZero() {
		return false, nil // another replica relays
	}
	if err := r.retryParked(ctx, now); err != nil {
		return false, err
	}
	// The state is left out: only a view that lags needs it, and the relay fetches it then.
	cur, err := r.store.commits.Find(ctx, bson.D{{Key: "pending", Value: true}},
		options.Find().SetSort(bson.D{{Key: "pending", Value: 1}, {Key: "recordedAt", Value: 1}}).SetLimit(int64(r.cfg.BatchSize)).
			SetProjection(bson.D{{Key: "state", Value: 0}}))
	if err != nil {
		return false, err
	}
	var batch []commitDoc
	if err := cur.All(ctx, &batch); err != nil {
		return false, err
	}

	if len(batch) == 0 {
		r.lagSeconds.Store(0)
		return false, nil
	}
	r.lagSeconds.Store(time.Since(batch[0].RecordedAt).Milliseconds())
	if err := r.projectBatch(ctx, batch); err != nil {
		return false, err
	}

	pctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	if err := r.publishBatch(pctx, batch); err != nil {
		return false, err
	}

	return len(batch) == r.cfg.BatchSize, nil
}

// projectBatch shows each stream's newest commit of the batch in its view where the view
// lags (a writer that crashed between its commit and its view).
func (r *Relay) projectBatch(ctx context.Context, batch []commitDoc) error {
	latest := map[string]commitDoc{}
	byKind := map[string][]string{}
	for _, c := range batch {
		if _, ok := r.store.views[c.Kind]; !ok {
			continue
		}
		if cur, ok := latest[c.Stream]; !ok || c.Version > cur.Version {
			if !ok {
				byKind[c.Kind] = append(byKind[c.Kind], c.Aggregate)
			}
			latest[c.Stream] = c
		}
	}
	for kind, ids := range byKind {
		v := r.store.views[kind]
		cur, err := r.store.db.Collection(v.collection()).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
			options.Find().SetProjection(bson.D{{Key: "v", Value: 1}}))
		if err != nil {
			return err
		}
		var have []struct {
			ID string `bson:"_id"`
			V  int    `bson:"v"`
		}
		if err := cur.All(ctx, &have); err != nil {
			return err
		}
		shown := map[string]int{}
		for _, h := range have {
			shown[h.ID] = h.V
		}
		for _, id := range ids {
			c := latest[StreamOf(kind, id)]
			v0, exists := shown[id]
			if exists && v0 >= c.Version {
				continue
			}
			var created time.Time
			if !exists && c.Version > 1 {
				created = r.store.firstCommitTime(ctx, c.Stream)
			}
			var full commitDoc
			if err := r.store.commits.FindOne(ctx, bson.D{{Key: "_id", Value: c.ID}}).Decode(&full); err != nil {
				return err
			}
			if err := r.store.project(ctx, v, full, created); err != nil {
				return err
			}
		}
	}
	return nil
}

// publishBatch sends the batch's events in one call and settles each commit.
func (r *Relay) publishBatch(ctx context.Context, batch []commitDoc) error {
	var out []messaging.Outbound
	owner := []int{}
	for i, c := range batch {
		pctx := propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier(c.TraceParent))
		for _, o := range c.Events {
			out = append(out, messaging.Outbound{Ctx: pctx, Topic: o.Topic, Event: messaging.Event{
				ID: o.ID, Type: o.Type, Subject: o.Subj, Time: o.Time, Key: o.Key, Data: []byte(o.Data),
				Sequence: c.Version}})
			owner = append(owner, i)
		}
	}
	var errs []error
	if len(out) > 0 {
		errs = r.pub.PublishBatch(ctx, out)
	}
	failed := map[int]error{}
	transient := 0
	for j, err := range errs {
		if err == nil {
			continue
		}
		if _, seen := failed[owner[j]]; !seen || messaging.IsPermanent(err) {
			failed[owner[j]] = err
		}
		if !messaging.IsPermanent(err) {
			transient++
		}
	}
	if len(out) > 0 && transient == len(out) {
		// Nothing went through and nothing is at fault itself: the broker is unreachable.
		return errors.Join(errs...)
	}
	var done []string
	published := 0
	for i, c := range batch {
		if err, bad := failed[i]; bad {
			if err := r.park(ctx, c, err); err != nil {
				return err
			}
			continue
		}
		done = append(done, c.ID)
		published += len(c.Events)
	}
	if len(done) > 0 {
		update := bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: false}}}, {Key: "$unset", Value: bson.D{{Key: "parked", Value: ""}, {Key: "parkedAt", Value: ""}}}}
		if _, err := r.store.commits.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: done}}}}, update); err != nil {
			return err
		}
	}
	r.published.Add(ctx, int64(published))
	return nil
}

// park sets a commit's events aside with the reason. A permanent fault waits for an
// administrator (after a fix: republish); a passing one is retried with backoff.
func (r *Relay) park(ctx context.Context, c commitDoc, cause error) error {
	p := Parking{Reason: cause.Error(), Attempts: 1, Retry: !messaging.IsPermanent(cause)}
	if c.Parked != nil {
		p.Attempts = c.Parked.Attempts + 1
	}
	now := time.Now().UTC()
	if p.Retry {
		p.RetryAt = now.Add(min(time.Second<<min(p.Attempts, 9), 5*time.Minute))
	}
	parkedAt := now
	if c.ParkedAt != nil {
		parkedAt = *c.ParkedAt
	}
	_, err := r.store.commits.UpdateOne(ctx, bson.D{{Key: "_id", Value: c.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: false}, {Key: "parked", Value: p}, {Key: "parkedAt", Value: parkedAt}}}})
	if err != nil {
		return err
	}
	r.parked.Add(ctx, 1)
	r.log.WarnContext(ctx, "outbox event parked", "commit", c.ID, "reason", p.Reason, "attempts", p.Attempts, "retry", p.Retry)
	return nil
}

// retryParked puts parked commits whose retry time has come back in the queue, and counts
// the parked ones for the gauge. It looks every 10 s: parked commits are few and their
// retries seconds to minutes apart, and an idle relay should not query twice a round.
func (r *Relay) retryParked(ctx context.Context, now time.Time) error {
	r.mu.Lock()
	if now.Sub(r.lastParked) < 10*time.Second {
		r.mu.Unlock()
		return nil
	}
	r.lastParked = now
	r.mu.Unlock()
	cur, err := r.store.commits.Find(ctx, bson.D{{Key: "parkedAt", Value: bson.D{{Key: "$gte", Value: time.Unix(0, 0)}}}},
		options.Find().SetProjection(bson.D{{Key: "parked", Value: 1}, {Key: "pending", Value: 1}}))
	if err != nil {
		return err
	}
	var parked []commitDoc
	if err := cur.All(ctx, &parked); err != nil {
		return err
	}
	r.parkedNow.Store(int64(len(parked)))
	var due []string
	for _, c := range parked {
		if !c.Pending && c.Parked != nil && c.Parked.Retry && !c.Parked.RetryAt.After(now) {
			due = append(due, c.ID)
		}
	}
	if len(due) == 0 {
		return nil
	}
	_, err = r.store.commits.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: due}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: true}}}})
	return err
}

// ParkedCommit is a parked commit as administrators see it.
type ParkedCommit struct {
	Commit   string        `json:"commit"`
	Stream   string        `json:"stream"`
	Version  int           `json:"version"`
	Events   []ParkedEvent `json:"events"`
	Parking  Parking       `json:"parking"`
	ParkedAt time.Time     `json:"parkedAt"`
	Pending  bool          `json:"retrying"`
}

// ParkedEvent names one event of a parked commit (not its data: it may hold personal data).
type ParkedEvent struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Topic string `json:"topic"`
	Bytes int    `json:"bytes"`
}

// Parked lists parked commits, oldest first.
func (s *Store) Parked(ctx context.Context, limit int) ([]ParkedCommit, error) {
	cur, err := s.commits.Find(ctx, bson.D{{Key: "parkedAt", Value: bson.D{{Key: "$gte", Value: time.Unix(0, 0)}}}},
		options.Find().SetSort(bson.D{{Key: "parkedAt", Value: 1}}).SetLimit(int64(limit)).SetProjection(bson.D{{Key: "state", Value: 0}}))
	if err != nil {
		return nil, err
	}
	var docs []commitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]ParkedCommit, 0, len(docs))
	for _, d := range docs {
		pc := ParkedCommit{Commit: d.ID, Stream: d.Stream, Version: d.Version, Pending: d.Pending}
		if d.Parked != nil {
			pc.Parking = *d.Parked
		}
		if d.ParkedAt != nil {
			pc.ParkedAt = *d.ParkedAt
		}
		for _, e := range d.Events {
			pc.Events = append(pc.Events, ParkedEvent{ID: e.ID, Type: e.Type, Topic: e.Topic, Bytes: len(e.Data)})
		}
		out = append(out, pc)
	}
	return out, nil
}

// ErrNotParked: no parked commit has that id.
var ErrNotParked = errors.New("no parked commit with that id")

// Republish puts a parked commit back in the relay's queue (after a fix: a larger broker
// limit, a corrected schema); by names who asked. If it fails again it is parked again.
func (s *Store) Republish(ctx context.Context, commit, by string) error {
	res, err := s.commits.UpdateOne(ctx, bson.D{{Key: "_id", Value: commit}, {Key: "parkedAt", Value: bson.D{{Key: "$gte", Value: time.Unix(0, 0)}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: true}, {Key: "parked.retry", Value: true},
			{Key: "parked.retryAt", Value: time.Now().UTC()}, {Key: "parked.resolved", Value: "republish requested by " + by}}}})
	if err == nil && res.MatchedCount == 0 {
		return ErrNotParked
	}
	if err == nil {
		s.wake()
	}
	return err
}

// Discard gives up on a parked commit's events for good, recording who and why; the
// commit itself (the change and its audit entry) stays.
func (s *Store) Discard(ctx context.Context, commit, by, reason string) error {
	res, err := s.commits.UpdateOne(ctx, bson.D{{Key: "_id", Value: commit}, {Key: "parkedAt", Value: bson.D{{Key: "$gte", Value: time.Unix(0, 0)}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: false}, {Key: "parked.retry", Value: false},
			{Key: "parked.resolved", Value: "discarded by " + by + ": " + reason}}},
			{Key: "$unset", Value: bson.D{{Key: "parkedAt", Value: ""}}}})
	if err == nil && res.MatchedCount == 0 {
		return ErrNotParked
	}
	return err
}
