// Package service wires the providers service onto the shared platform kit.
package service

import (
	"context"
	"time"

	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/providers/internal/adapters"
	"github.com/werkregio/platform/services/providers/internal/app"
	"github.com/werkregio/platform/services/providers/internal/ports"
)

// Name is the service slug: directory, binary, image, Kubernetes name, CloudEvents source.
const Name = "providers"

// Options are the platform options of this service.
func Options() kit.Options { return kit.OptionsFor(Name, adapters.TermsIndexes, adapters.Views) }

// Wire mounts the providers application on a started platform.
func Wire(p *kit.Platform) error { return WireWith(time.Now)(p) }

// WireWith wires the service with a clock of the caller's choosing (tests move it forward
// to reach expiry dates and six months of work without waiting).
func WireWith(clock func() time.Time) func(*kit.Platform) error {
	return func(p *kit.Platform) error { return wire(p, clock) }
}

func wire(p *kit.Platform, clock func() time.Time) error {
	interval := p.Config.Env.Duration("CERTIFICATE_CHECK_INTERVAL", time.Hour)
	if err := p.Config.Env.Err(); err != nil {
		return err
	}
	svc := app.New(adapters.NewRepository(p.Store, p.Config.TopicPrefix), p.Config.Region).WithClock(clock)
	ports.NewHTTP(svc, p.Config.Region).Register(p.API)
	if err := ports.RegisterGauges(p.Telemetry.Meters.Meter("github.com/werkregio/platform/services/providers"), svc); err != nil {
		return err
	}
	p.AddCountingJob("certificate-check", interval, "certificate changes announced", "providers", func(ctx context.Context) (int, error) { return svc.CheckCertificates(ctx, clock()) })
	return p.AddConsumer(ports.Procurement(svc, p.Config.Region, store.NewSequences(p.DB, "procurement")))
}
