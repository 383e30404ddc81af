// Package service wires the SROI service onto the shared platform kit.
package service

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/privacy"
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/sroi/internal/adapters"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
	"github.com/werkregio/platform/services/sroi/internal/ports"
)

// Name is the service slug: directory, binary, image, Kubernetes name, CloudEvents source.
const Name = "sroi"

// Options are the platform options of this service.
func Options() kit.Options {
	o := kit.OptionsFor(Name, adapters.Indexes, adapters.Views)
	o.Upload = ports.Upload
	return o
}

// Wire mounts the SROI application on a started platform.
func Wire(p *kit.Platform) error { return WireWith(time.Now)(p) }

// WireWith wires the service with a clock of the caller's choosing.
func WireWith(clock func() time.Time) func(*kit.Platform) error {
	return func(p *kit.Platform) error { return wire(p, clock) }
}

func seriesOf(tables []domain.Table) []string {
	set := map[string]bool{}
	for _, t := range tables {
		set[t.Region] = true
	}
	return slices.Sorted(maps.Keys(set))
}

func wire(p *kit.Platform, clock func() time.Time) error {
	env := p.Config.Env
	policy := env.OneOf("SROI_POLICY", "rijk", slices.Sorted(maps.Keys(domain.PublishedPolicies))...)
	series := env.OneOf("SROI_TABLES", "utrecht", seriesOf(domain.PublishedTables)...)
	personKey := env.Required("PERSON_PSEUDONYM_KEY")
	smtpAddr := env.String("SMTP_ADDR", "")
	mailer := &adapters.Mailer{Addr: smtpAddr, From: env.String("SMTP_FROM", "sroi@"+p.Config.Region+".werkregio.nl"),
		Username: env.String("SMTP_USERNAME", ""), Password: env.String("SMTP_PASSWORD", "")}
	env.Check(domain.ValidEmail(mailer.From), "SMTP_FROM", "must be an e-mail address")
	checkEvery := env.Duration("SROI_PROGRESS_CHECK_INTERVAL", time.Hour)
	mailEvery := env.Duration("SROI_MAIL_RETRY_INTERVAL", time.Minute)
	portal := env.URL("SROI_PORTAL_URL", "")
	if err := env.Err(); err != nil {
		return err
	}
	pseudonyms, err := privacy.NewPseudonyms(personKey)
	if err != nil {
		return err
	}
	var tables []domain.Table
	for _, t := range domain.PublishedTables {
		if t.Region == series {
			tables = append(tables, t)
		}
	}
	deps := app.Deps{
		Repo:          adapters.NewRepository(p.Store, p.Config.TopicPrefix, p.Config.Topic),
		Claims:        adapters.NewClaims(p.DB),
		Placements:    adapters.NewPlacements(p.DB),
		People:        adapters.NewPeople(p.DB),
		Goals:         adapters.NewGoals(p.DB),
		Summaries:     adapters.NewSummaries(p.DB),
		Notifications: adapters.NewNotifications(p.DB),
		Evidence:      adapters.NewEvidence(p.DB),
		Pseudonyms:    pseudonyms,
		Partnerships:  adapters.NewPartnerships(p.DB),
		Tranches:      adapters.NewTranches(p.DB),
	}
	if smtpAddr != "" {
		deps.Mailer = mailer
	} else {
		p.Log.Warn("SMTP_ADDR is not set: notifications are published as events, no e-mail is sent")
	}
	svc := app.New(deps, p.Config.Region, app.Settings{Policies: domain.PublishedPolicies[policy], Tables: tables, PortalURL: portal}).WithClock(clock)
	ports.NewHTTP(svc).Register(p.API)
	p.AddJob("progress-check", checkEvery, func(ctx context.Context, _ time.Time) error {
		n, err := svc.CheckProgress(ctx)
		if n > 0 {
			p.Log.InfoContext(ctx, "project progress changed", "projects", n)
		}
		return err
	})
	p.AddJob("mail-retry", mailEvery, func(ctx context.Context, _ time.Time) error {
		_, err := svc.Deliver(ctx)
		return err
	})
	for _, c := range []func(*app.Service) messaging.ConsumerConfig{ports.Awards, ports.Placements, ports.CandidateMonths,
		ports.Declarations, ports.Projects, ports.Notifications, ports.Tranches} {
		if err := p.AddConsumer(c(svc)); err != nil {
			return err
		}
	}
	return nil
}
