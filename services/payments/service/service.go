// Package service wires the payments service onto the shared platform kit.
package service

import (
	"context"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/mail"
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/payments/internal/adapters"
	"github.com/werkregio/platform/services/payments/internal/app"
	"github.com/werkregio/platform/services/payments/internal/domain"
	"github.com/werkregio/platform/services/payments/internal/ports"
	"github.com/werkregio/platform/services/payments/internal/sepa"
)

// Name is the service slug: directory, binary, image, Kubernetes name, CloudEvents source.
const Name = "payments"

// Options are the platform options of this service.
func Options() kit.Options { return kit.OptionsFor(Name, adapters.Indexes, adapters.Views) }

// Wire mounts the payments application on a started platform.
func Wire(p *kit.Platform) error { return WireWith(time.Now)(p) }

// WireWith wires the service with a clock of the caller's choosing.
func WireWith(clock func() time.Time) func(*kit.Platform) error {
	return func(p *kit.Platform) error { return wire(p, clock) }
}

func wire(p *kit.Platform, clock func() time.Time) error {
	env := p.Config.Env
	settings := app.Settings{
		FourEyesCents: domain.Cents(env.Int("PAYMENTS_FOUR_EYES_CENTS", 500_000, 0, 1_000_000_000)),
		PerTranche:    env.Bool("PAYMENTS_TRANSFER_PER_TRANCHE", false),
		PainVersion:   env.OneOf("PAYMENTS_PAIN_VERSION", sepa.Pain00100109, sepa.Pain00100109, sepa.Pain00100103),
		Debtor: app.Debtor{Name: env.Required("PAYMENTS_DEBTOR_NAME"), IBAN: civil.NormalizeIBAN(env.Required("PAYMENTS_DEBTOR_IBAN")), BIC: env.String("PAYMENTS_DEBTOR_BIC", ""),
			Address: domain.PostalAddress{Street: env.String("PAYMENTS_DEBTOR_STREET", ""), BuildingNumber: env.String("PAYMENTS_DEBTOR_BUILDING_NUMBER", ""),
				PostCode: env.String("PAYMENTS_DEBTOR_POST_CODE", ""), Town: env.Required("PAYMENTS_DEBTOR_TOWN"), Country: env.String("PAYMENTS_DEBTOR_COUNTRY", "NL")}},
	}
	env.Check(domain.IBANProblem(settings.Debtor.IBAN) == "", "PAYMENTS_DEBTOR_IBAN", "is not a valid IBAN: %s", domain.IBANProblem(settings.Debtor.IBAN))
	env.Check(settings.Debtor.BIC == "" || domain.ValidBIC(settings.Debtor.BIC), "PAYMENTS_DEBTOR_BIC", "is not a BIC")
	settings.RepaymentDays = env.Int("PAYMENTS_REPAYMENT_DAYS", 30, 1, 365)
	interval := env.Duration("PAYMENTS_RECHECK_INTERVAL", time.Hour)
	settings.FinanceEmail = env.String("PAYMENTS_FINANCE_EMAIL", "")
	env.Check(settings.FinanceEmail == "" || mail.ValidAddress(settings.FinanceEmail), "PAYMENTS_FINANCE_EMAIL", "must be an e-mail address")
	settings.PortalURL = strings.TrimSuffix(env.URL("PORTAL_URL", ""), "/")
	briefEvery := env.Duration("PAYMENTS_BRIEFING_CHECK_INTERVAL", 15*time.Minute)
	outbox := p.Outbox("betalingen@"+p.Config.Region+".werkregio.nl", clock)
	if err := env.Err(); err != nil {
		return err
	}
	repo := adapters.NewRepository(p.Store, p.Config.TopicPrefix)
	if err := adapters.RegisterGauges(p.Telemetry.Meters.Meter("github.com/werkregio/platform/services/payments"), repo, p.Config.Region); err != nil {
		return err
	}
	svc := app.New(app.Deps{
		Repo:      repo,
		Transfers: adapters.NewTransfers(p.DB),
		Contracts: adapters.NewContracts(p.DB),
		Accounts:  adapters.NewAccounts(p.DB),
		Keys:      adapters.NewKeys(p.DB),
		Mail:      outbox,
	}, p.Config.Region, settings).WithClock(clock)
	ports.NewHTTP(svc).Register(p.API)
	p.AddCountingJob("held-recheck", interval, "held tranches released", "tranches", func(ctx context.Context) (int, error) { return svc.RecheckDue(ctx) })
	p.AddJob("run-builder", time.Minute, func(ctx context.Context, _ time.Time) error { return svc.BuildPending(ctx) })
	p.AddCountingJob("repayments", env.Duration("PAYMENTS_REPAYMENT_CHECK_INTERVAL", 24*time.Hour), "claims asked back", "claims", func(ctx context.Context) (int, error) { return svc.RequestDueRepayments(ctx, settings.RepaymentDays) })
	p.AddCountingJob("finance-briefing", briefEvery, "finance briefings queued", "mails", svc.BriefFinance)
	if err := p.AddConsumer(ports.Milestones(svc, store.NewSequences(p.DB, "milestones"))); err != nil {
		return err
	}
	if err := p.AddConsumer(ports.Contracts(svc)); err != nil {
		return err
	}
	return p.AddConsumer(ports.BankAccounts(svc))
}
