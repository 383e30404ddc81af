// Package service wires the SROI service onto the shared platform kit.
package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/mail"
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

func wire(p *kit.Platform, clock func() time.Time) error {
	env := p.Config.Env
	// the region's rules: a published policy or table series it adopts by name, and its own
	// versions as JSON (from the Region or chart); none is assumed
	policyName := env.String("SROI_POLICY", "")
	env.Check(policyName == "" || domain.PublishedPolicies[policyName] != nil, "SROI_POLICY", "must be one of %v, or unset (publish the region's own)",
		slices.Sorted(maps.Keys(domain.PublishedPolicies)))
	series := env.String("SROI_TABLES", "")
	var tables []domain.Table
	for _, t := range domain.PublishedTables {
		if t.Region == series {
			tables = append(tables, t)
		}
	}
	env.Check(series == "" || len(tables) > 0, "SROI_TABLES", "names no published table series")
	var policies []domain.Policy
	if policyName != "" {
		policies = append(policies, domain.PublishedPolicies[policyName]...)
	}
	if raw := env.String("SROI_POLICIES", ""); raw != "" {
		own, err := ports.PoliciesOf(raw)
		env.Check(err == nil, "SROI_POLICIES", "must be a JSON array of policy versions")
		policies = append(policies, own...)
	}
	if raw := env.String("SROI_VALUE_TABLES", ""); raw != "" {
		own, err := ports.TablesOf(raw)
		env.Check(err == nil, "SROI_VALUE_TABLES", "must be a JSON array of value tables")
		tables = append(tables, own...)
	}
	personKey := env.Required("PERSON_PSEUDONYM_KEY")
	smtp := mail.FromEnv(env, "sroi@"+p.Config.Region+".werkregio.nl")
	checkEvery := env.Duration("SROI_PROGRESS_CHECK_INTERVAL", time.Hour)
	mailEvery := env.Duration("SROI_MAIL_RETRY_INTERVAL", time.Minute)
	portal := env.URL("SROI_PORTAL_URL", "")
	settings := app.Settings{PortalURL: portal, DecisionDays: env.Int("SROI_DECISION_DAYS", 60, 7, 365),
		ReminderDays: env.Int("SROI_DECISION_REMINDER_DAYS", 14, 1, 60)}
	env.Check(settings.ReminderDays < settings.DecisionDays, "SROI_DECISION_REMINDER_DAYS", "must be fewer than SROI_DECISION_DAYS")
	if err := env.Err(); err != nil {
		return err
	}
	pseudonyms, err := privacy.NewPseudonyms(personKey)
	if err != nil {
		return err
	}
	counters, err := adapters.NewCounters(p.Telemetry.Meters.Meter("github.com/werkregio/platform/services/sroi"))
	if err != nil {
		return err
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
		Counters:      counters,
	}
	if smtp != nil {
		deps.Mailer = adapters.Mailer{SMTP: smtp}
	} else {
		p.Log.Warn("SMTP_ADDR is not set: notifications are published as events, no e-mail is sent")
	}
	svc := app.New(deps, p.Config.Region, settings).WithClock(clock)
	// the configured rules are published as the region's versions (once; a version changed
	// in the configuration is refused: publish a new one)
	ctx := context.Background()
	for _, pol := range policies {
		if _, err := svc.PublishPolicy(ctx, commit.System("configuration"), pol); err != nil {
			return fmt.Errorf("SROI policy version %d: %w", pol.Version, err)
		}
	}
	for _, t := range tables {
		if _, err := svc.PublishTable(ctx, commit.System("configuration"), t); err != nil {
			return fmt.Errorf("SROI value table %s: %w", t.ID, err)
		}
	}
	if len(policies) == 0 {
		if published, err := svc.Policies(ctx); err == nil && len(published) == 0 {
			p.Log.Warn("the region has no social-return policy (SROI_POLICY, SROI_POLICIES or POST /api/v1/policies): awards get no obligation until one is published")
		}
	}
	ports.NewHTTP(svc).Register(p.API)
	p.AddCountingJob("progress-check", checkEvery, "project progress changed", "projects", func(ctx context.Context) (int, error) { return svc.CheckProgress(ctx) })
	p.AddJob("decision-check", checkEvery, func(ctx context.Context, _ time.Time) error {
		reminded, expired, err := svc.CheckDecisions(ctx)
		if reminded+expired > 0 {
			p.Log.InfoContext(ctx, "declarations awaiting a decision", "reminded", reminded, "expired", expired)
		}
		return err
	})
	p.AddCountingJob("planned-months", checkEvery, "planned months claimed", "declarations", func(ctx context.Context) (int, error) { return svc.ClaimPassedMonths(ctx) })
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
