package service

import (
	"context"
	"time"

	"github.com/werkregio/platform/services/kit/privacy"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// job is work the service does on a schedule, not only when someone asks (e.g. noticing an
// expired certificate or a placement that became sustainable).
type job struct {
	name     string
	interval time.Duration
	run      func(ctx context.Context, now time.Time) error
}

// AddJob runs fn at start and then every interval while the service runs. A failed run is
// retried at the next tick (logged at the first failure and when a run succeeds again, not
// at every tick of an outage); fn must be idempotent.
func (p *Platform) AddJob(name string, interval time.Duration, fn func(ctx context.Context, now time.Time) error) {
	p.jobs = append(p.jobs, job{name: name, interval: interval, run: fn})
}

// AddCountingJob is AddJob for the scheduled checks that act on some things each run (the
// certificates that expired, the placements that became sustainable): a run that did
// something says so in one log line, "<did> <unit>=<n>", and a quiet run says nothing.
func (p *Platform) AddCountingJob(name string, interval time.Duration, did, unit string, fn func(ctx context.Context) (int, error)) {
	p.AddJob(name, interval, func(ctx context.Context, _ time.Time) error {
		n, err := fn(ctx)
		if n > 0 {
			p.Log.InfoContext(ctx, did, unit, n, "job", name)
		}
		return err
	})
}

func (p *Platform) runJob(ctx context.Context, j job) {
	tracer := p.Telemetry.Tracers.Tracer("github.com/werkregio/platform/services/kit/service")
	t := time.NewTicker(j.interval)
	defer t.Stop()
	for {
		sctx, span := tracer.Start(ctx, "job "+j.name, trace.WithSpanKind(trace.SpanKindInternal))
		switch err := j.run(sctx, time.Now()); {
		case err != nil && ctx.Err() == nil:
			span.RecordError(privacy.RedactError(err))
			span.SetStatus(codes.Error, "job failed")
			p.Outages.Failed(sctx, "job "+j.name, privacy.RedactError(err)) // said once until a run succeeds
		case err == nil:
			p.Outages.Recovered(sctx, "job "+j.name)
		}
		span.End()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
