// Package service wires the providers service onto the shared platform kit.
package service

import (
	"context"
	"slices"
	"strings"
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
func Options() kit.Options {
	return kit.OptionsFor(Name, append(slices.Clone(adapters.TermsIndexes), adapters.NoticesIndexes...), adapters.Views)
}

// Wire mounts the providers application on a started platform.
func Wire(p *kit.Platform) error { return WireWith(time.Now)(p) }

// WireWith wires the service with a clock of the caller's choosing (tests move it forward
// to reach expiry dates and six months of work without waiting).
func WireWith(clock func() time.Time) func(*kit.Platform) error {
	return func(p *kit.Platform) error { return wire(p, clock) }
}

func wire(p *kit.Platform, clock func() time.Time) error {
	env := p.Config.Env
	interval := env.Duration("CERTIFICATE_CHECK_INTERVAL", time.Hour)
	tellEvery := env.Duration("PROVIDERS_PAYMENT_MAIL_INTERVAL", 15*time.Minute)
	portal := strings.TrimSuffix(env.URL("PORTAL_URL", ""), "/")
	outbox := p.Outbox("opleiders@"+p.Config.Region+".werkregio.nl", clock)
	if err := env.Err(); err != nil {
		return err
	}
	svc := app.New(adapters.NewRepository(p.Store, p.Config.TopicPrefix), p.Config.Region).WithClock(clock).
		WithMail(outbox, adapters.NewNotices(p.DB), portal)
	ports.NewHTTP(svc, p.Config.Region).Register(p.API)
	if err := ports.RegisterGauges(p.Telemetry.Meters.Meter("github.com/werkregio/platform/services/providers"), svc); err != nil {
		return err
	}
	p.AddCountingJob("certificate-check", interval, "certificate changes announced", "providers", func(ctx context.Context) (int, error) { return svc.CheckCertificates(ctx, clock()) })
	if err := p.AddConsumer(ports.Procurement(svc, p.Config.Region, store.NewSequences(p.DB, "procurement"))); err != nil {
		return err
	}
	if !outbox.Sends() {
		return nil // nobody to tell: payments' tranches are not followed
	}
	p.AddCountingJob("payment-mail", tellEvery, "payment e-mails queued", "mails", svc.TellProviders)
	return p.AddConsumer(ports.Tranches(svc, p.Config.Region))
}
