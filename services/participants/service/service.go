// Package service wires the participants service onto the shared platform kit.
package service

import (
	"context"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/privacy"
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/participants/internal/adapters"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/ports"
)

// Name is the service slug: directory, binary, image, Kubernetes name, CloudEvents source.
const Name = "participants"

// Options are the platform options of this service.
func Options() kit.Options { return kit.OptionsFor(Name, adapters.Indexes, adapters.Views) }

// Wire mounts the participants application on a started platform. The BSN keys come from
// BSN_ENCRYPTION_KEY and BSN_LOOKUP_KEY (base64; in Kubernetes from a Secret).
func Wire(p *kit.Platform) error { return WireWith(time.Now)(p) }

// WireWith wires the service with a clock of the caller's choosing (tests move it forward
// to reach expiry dates and six months of work without waiting).
func WireWith(clock func() time.Time) func(*kit.Platform) error {
	return func(p *kit.Platform) error { return wire(p, clock) }
}

func wire(p *kit.Platform, clock func() time.Time) error {
	env := p.Config.Env
	encKey, lookupKey := env.Required("BSN_ENCRYPTION_KEY"), env.Required("BSN_LOOKUP_KEY")
	interval := env.Duration("SUSTAINABILITY_CHECK_INTERVAL", time.Hour)
	retention := app.Retention{
		Inactive:        time.Duration(env.Int("PARTICIPANT_RETENTION_DAYS", 730, 30, 36500)) * 24 * time.Hour,
		AfterWithdrawal: time.Duration(env.Int("ERASE_DAYS_AFTER_CONSENT_WITHDRAWAL", 30, 0, 365)) * 24 * time.Hour,
	}
	retentionInterval := env.Duration("RETENTION_CHECK_INTERVAL", 24*time.Hour)
	personKey := env.String("PERSON_PSEUDONYM_KEY", "")
	supportSettings := app.SupportSettings{PerHour: env.Int("RMT_REQUESTS_PER_HOUR", 200, 1, 100_000),
		RetentionMonths: env.Int("RMT_RETENTION_MONTHS", 12, 1, 120), PortalURL: strings.TrimSuffix(env.URL("PORTAL_URL", ""), "/"),
		Partners: app.DefaultPartners}
	eraseEvery := env.Duration("RMT_UNCONFIRMED_CHECK_INTERVAL", time.Hour)
	outbox := p.Outbox("rmt@"+p.Config.Region+".werkregio.nl", clock)
	if err := env.Err(); err != nil {
		return err
	}
	vault, err := adapters.NewVault(encKey, lookupKey)
	if err != nil {
		return err
	}
	var pseudonyms app.Pseudonyms
	if personKey != "" {
		ps, err := privacy.NewPseudonyms(personKey)
		if err != nil {
			return err
		}
		pseudonyms = ps
	} else {
		p.Log.Warn("PERSON_PSEUDONYM_KEY is not set: milestones carry no person, so SROI counts platform placements within this region only")
	}
	svc := app.New(app.Deps{
		Repo:       adapters.NewRepository(p.Store, p.Config.TopicPrefix),
		Offers:     adapters.NewOffers(p.DB),
		Seats:      adapters.NewSeats(p.DB),
		Identities: adapters.NewIdentities(p.DB),
		Attendance: adapters.NewAttendance(p.DB),
		Vault:      vault,
		Pseudonyms: pseudonyms,
	}, p.Config.Region).WithClock(clock).WithSupport(adapters.NewSupportRequests(p.DB), outbox, supportSettings)
	h := ports.NewHTTP(svc, p.Config.Region)
	h.Register(p.API)
	h.RegisterPublic(p.Engine, p.Config.RequestTimeout)
	p.AddCountingJob("support-requests-unconfirmed", eraseEvery, "unconfirmed support requests erased", "requests", svc.EraseUnconfirmed)
	p.AddCountingJob("sustainability-check", interval, "placements became sustainable", "enrolments", func(ctx context.Context) (int, error) { return svc.CheckSustainable(ctx, clock()) })
	p.AddCountingJob("retention-check", retentionInterval, "personal data erased by the retention rules", "participants", func(ctx context.Context) (int, error) { return svc.CheckRetention(ctx, clock(), retention) })
	for _, c := range []func(*app.Service) messaging.ConsumerConfig{ports.Offers, ports.Attendance, ports.Placements} {
		if err := p.AddConsumer(c(svc)); err != nil {
			return err
		}
	}
	return nil
}
