package store

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"

	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/outage"
)

// Publisher sends a batch of events and says per event whether the broker took it.
type Publisher interface {
	PublishBatch(ctx context.Context, out []messaging.Outbound) []error
}

// RelayConfig tunes the relay; zero values take the defaults.
type RelayConfig struct {
	Interval time.Duration // how often a replica without the lease asks for it again (500ms)
	// IdleInterval is how long one look at the log waits for a new commit before the relay
	// checks its lease and parked commits again (2s). A commit ends the wait at once.
	IdleInterval time.Duration
	BatchSize    int // commits per round (1000)
	// Slot and Guard shape the lease that keeps one relay active per service (30s, 6s).
	Slot, Guard time.Duration
	Logger      *slog.Logger
	Meter       metric.Meter
	// Outages hears when the relay waits for the database or the broker, and when it goes
	// on (said once per outage); none: each failed round is logged.
	Outages *outage.Tracker
}

// Relay follows the commit log and publishes each commit's events, in the order the commits
// were written, in batches. It writes nothing per commit: its position in the log (a change
// stream's resume token) is saved once per batch, so a commit costs the relay one read and
// its share of one produce call. It also shows a commit in its view where the writer did not
// (a crash between the two). Delivery is at least once with stable event ids: a relay that
// dies between publishing and saving its position publishes that batch again.
//
// It never stalls on one commit: an event that cannot be published is parked with its
// reason and the rest go on; an event refused for a passing reason (an unavailable topic)
// is retried with backoff; only when nothing at all can be published (the broker is down)
// does the whole batch wait and retry.
type Relay struct {
	store *Store
	pub   Publisher
	cfg   RelayConfig
	lease *lease
	log   *slog.Logger
	tail  *tail // open while this process holds the lease

	relayed    atomic.Int64
	lagSeconds atomic.Int64 // milliseconds, for the gauge
	parkedNow  atomic.Int64
	published  metric.Int64Counter
	parked     metric.Int64Counter
	lastParked time.Time
	nextRetry  time.Time // the earliest retry of a commit parked for a passing fault
	mu         sync.Mutex
}

// NewRelay prepares the relay of a store.
func (s *Store) NewRelay(pub Publisher, cfg RelayConfig) *Relay {
	if cfg.Interval <= 0 {
		cfg.Interval = 500 * time.Millisecond
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 1000
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
	// A look at the log must end well before the lease's guard time.
	cfg.IdleInterval = min(cfg.IdleInterval, cfg.Guard/2)
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

// Relayed counts the commits this relay has finished.
func (r *Relay) Relayed() int64 { return r.relayed.Load() }

// Run relays until ctx ends. Errors are logged and retried with backoff. While it holds the
// lease each round waits for new commits in the log (up to IdleInterval); without it, it
// asks again every Interval.
func (r *Relay) Run(ctx context.Context) {
	defer r.stop()
	backoff := time.Duration(0)
	for {
		_, err := r.Round(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil && r.cfg.Outages != nil {
			r.cfg.Outages.Recovered(ctx, "outbox-relay")
		}
		var wait time.Duration
		switch {
		case err != nil:
			backoff, wait = outage.Backoff(backoff, r.cfg.Interval, 30*time.Second)
			if r.cfg.Outages != nil {
				r.cfg.Outages.Failed(ctx, "outbox-relay", err)
			} else {
				r.log.WarnContext(ctx, "outbox relay round failed; retrying", "error", err.Error(), "retry_in", wait.String())
			}
		case r.tail == nil:
			backoff, wait = 0, r.cfg.Interval // another replica relays
		default:
			backoff = 0
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Round does one batch if this process holds the lease; full says more may be waiting.
func (r *Relay) Round(ctx context.Context) (full bool, err error) {
	now := time.Now()
	until, err := r.lease.until(ctx, now)
	if err != nil || until.IsZero() {
		r.stop() // another replica relays; it starts from the position saved last
		return false, err
	}
	if err := r.retryParked(ctx, now); err != nil {
		return false, err
	}
	if r.tail == nil {
		t, err := r.store.openTail(ctx, r.cfg.BatchSize, r.cfg.IdleInterval)
		if err != nil {
			return false, err
		}
		r.tail = t
	}
	batch, err := r.tail.next(ctx)
	if err != nil {
		r.stop()
		return false, err
	}
	if len(batch.commits) == 0 {
		r.lagSeconds.Store(0)
		return false, r.tail.settle(ctx, batch)
	}
	if time.Until(until) < r.cfg.Guard/2 {
		// Too little of the lease is left to publish in: a produce call cut short may
		// have sent part of the batch, which the next holder would send again.
		r.stop()
		return false, nil
	}
	r.lagSeconds.Store(time.Since(batch.commits[0].RecordedAt).Milliseconds())
	// Views and the broker do not depend on each other: check the one while publishing to
	// the other.
	projected := make(chan error, 1)
	go func() { projected <- r.projectBatch(ctx, batch.commits) }()
	pctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	err = r.publishBatch(pctx, batch.commits)
	if perr := <-projected; err == nil {
		err = perr
	}
	if err != nil {
		// Read the batch again from the saved position (what went out goes out again).
		r.stop()
		return false, err
	}
	if err := r.tail.settle(ctx, batch); err != nil {
		r.stop()
		return false, err
	}
	r.relayed.Add(int64(len(batch.commits)))
	return batch.full, nil
}

// stop closes the tail of the log, if open.
func (r *Relay) stop() {
	if r.tail != nil {
		r.tail.close()
		r.tail = nil
	}
}

// projectBatch shows each stream's newest commit of the batch in its view where the view
// lags (a writer that crashed between its commit and its view). Streams whose newest commit
// this process's writer showed already are not looked up.
func (r *Relay) projectBatch(ctx context.Context, batch []commitDoc) error {
	latest := map[string]commitDoc{}
	known := map[string]bool{}
	for _, c := range batch {
		if _, ok := r.store.views[c.Kind]; !ok {
			continue
		}
		shown := r.store.shown.take(c.ID)
		if cur, ok := latest[c.Stream]; !ok || c.Version > cur.Version {
			latest[c.Stream] = c
			known[c.Stream] = shown
		}
	}
	byKind := map[string][]string{}
	for stream, c := range latest {
		if !known[stream] {
			byKind[c.Kind] = append(byKind[c.Kind], c.Aggregate)
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

// publishBatch sends the batch's events in one call and parks the commits whose events
// the broker refused.
func (r *Relay) publishBatch(ctx context.Context, batch []commitDoc) error {
	var out []messaging.Outbound
	owner := []int{}
	for i, c := range batch {
		for _, o := range outbound(ctx, c) {
			out = append(out, o)
			owner = append(owner, i)
		}
	}
	if len(out) == 0 {
		return nil
	}
	errs := r.pub.PublishBatch(ctx, out)
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
	if transient == len(out) {
		// Nothing went through and nothing is at fault itself: the broker is unreachable.
		return errors.Join(errs...)
	}
	published := 0
	for i, c := range batch {
		if err, bad := failed[i]; bad {
			if err := r.park(ctx, c, err); err != nil {
				return err
			}
			continue
		}
		published += len(c.Events)
	}
	r.published.Add(ctx, int64(published))
	return nil
}

// outbound is a commit's events as messages, in the trace of the request that made them,
// with the aggregate's version as their sequence.
func outbound(ctx context.Context, c commitDoc) []messaging.Outbound {
	pctx := propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier(c.TraceParent))
	out := make([]messaging.Outbound, 0, len(c.Events))
	for _, o := range c.Events {
		out = append(out, messaging.Outbound{Ctx: pctx, Topic: o.Topic, Event: messaging.Event{
			ID: o.ID, Type: o.Type, Subject: o.Subj, Time: o.Time, Key: o.Key, Data: []byte(o.Data),
			Sequence: c.Version}})
	}
	return out
}

// isHistoryLost says a change stream cannot resume where it was (MongoDB's oplog moved on).
func isHistoryLost(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 286 || ce.Code == 280 || ce.Code == 260)
}
