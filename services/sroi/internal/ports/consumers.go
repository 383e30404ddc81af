// Package ports exposes the SROI application over HTTP and Kafka.
package ports

import (
	"context"
	"fmt"
	"strings"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// handle decodes a message into T and hands it on; what cannot be decoded or is refused
// goes to the dead-letter topic, anything else is retried.
func handle[T any](region string, f func(ctx context.Context, typ string, v T) error) func(ctx context.Context, m messaging.Message) error {
	return func(ctx context.Context, m messaging.Message) error {
		v, err := messaging.Decode[T](m, region)
		if err != nil {
			return err
		}
		return messaging.PermanentIfRejected(f(ctx, m.Type, v))
	}
}

// Awards turns procurement's awards into projects with their obligation.
func Awards(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "sroi.awards",
		Topics:  []string{catalog.TopicProcurementTenders},
		Types:   []string{catalog.TypeTenderAwarded},
		Handler: messaging.PerKey(8, handle(a.Region(), func(ctx context.Context, _ string, e events.TenderAwarded) error { return a.RecordAward(ctx, award(e)) })),
	}
}

// Placements keeps the platform's placements (declarable by reference) and counts each
// person placed towards the jobs goals.
func Placements(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "sroi.placements",
		Topics:  []string{catalog.TopicParticipantsEnrolments},
		Types:   []string{catalog.TypeEnrolmentPlaced, catalog.TypeEnrolmentSustainablyPlaced, catalog.TypeEnrolmentSustainableWithdrawn},
		Handler: messaging.PerKey(16, handle(a.Region(), func(ctx context.Context, typ string, m events.EnrolmentMilestone) error {
			job := m.Placement
			switch typ {
			case catalog.TypeEnrolmentSustainableWithdrawn:
				return a.WithdrawSustainable(ctx, m.EnrolmentID)
			case catalog.TypeEnrolmentSustainablyPlaced:
				if len(m.Placements) > 0 {
					job = &m.Placements[0] // the first job of the six months of work
				}
			}
			if job == nil {
				return nil
			}
			groups := make([]string, len(m.TargetGroups))
			for i, g := range m.TargetGroups {
				groups[i] = string(g)
			}
			pl := app.Placement{EnrolmentID: m.EnrolmentID, Region: m.Region, ParticipantID: m.ParticipantID, SchemeID: m.SchemeID, Person: optional.Value(m.Person),
				EmployerKvK: job.EmployerKvK, StartDate: job.StartDate, EndDate: optional.Value(job.EndDate), HoursPerWeek: job.HoursPerWeek,
				ContractType: string(job.ContractType), TargetGroups: groups, Sustainable: typ == catalog.TypeEnrolmentSustainablyPlaced}
			return a.KeepPlacement(ctx, pl, job.StartDate, optional.Value(m.PersonKeyFingerprint))
		})),
	}
}

// CandidateMonths follows the topic every region shares: claims and releases of a person's
// months, one person at a time in the topic's order.
func CandidateMonths(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "sroi.candidate-months",
		Topics:  []string{catalog.TopicSroiCandidateMonths},
		Types:   []string{catalog.TypeCandidateMonthsClaimed, catalog.TypeCandidateMonthsReleased},
		Handler: messaging.PerKey(16, func(ctx context.Context, m messaging.Message) error {
			e, err := messaging.Decode[events.MonthsClaim](m, "") // every region's claims: the signer says whose
			if err != nil {
				return err
			}
			c := app.ClaimOf(e)
			// the region a claim is for is the region whose sroi signed it, not the one it names
			if signer, _, _ := strings.Cut(m.Signer, "/"); signer != c.Region {
				return messaging.Permanent(fmt.Errorf("%w: a claim for region %q signed by %s", messaging.ErrOriginNotProven, c.Region, m.Signer))
			}
			if m.Type == catalog.TypeCandidateMonthsReleased {
				return messaging.PermanentIfRejected(a.ReleaseClaim(ctx, c))
			}
			return messaging.PermanentIfRejected(a.ApplyClaim(ctx, c))
		}),
	}
}

// Declarations counts each declaration's change in its project's figures.
func Declarations(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "sroi.declarations",
		Topics:  []string{catalog.TopicSroiDeclarations},
		Types: []string{catalog.TypeDeclarationValued, catalog.TypeDeclarationApproved, catalog.TypeDeclarationRejected,
			catalog.TypeDeclarationExpired, catalog.TypeDeclarationMonthsCounted},
		Handler: messaging.PerKey(16, handle(a.Region(), func(ctx context.Context, typ string, e events.SROIDeclaration) error {
			return a.FollowDeclaration(ctx, typ, app.DeclarationOf(e))
		})),
	}
}

// Projects keeps the totals per region, buyer and contractor.
func Projects(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "sroi.totals",
		Topics:  []string{catalog.TopicSroiProjects},
		Types: []string{catalog.TypeProjectObligationSet, catalog.TypeProjectObligationOverridden, catalog.TypeProjectPartiesChanged,
			catalog.TypeProjectProgressChanged},
		Handler: messaging.PerKey(16, handle(a.Region(), func(ctx context.Context, _ string, e events.SROIProject) error {
			return a.FollowProject(ctx, app.ProjectOf(e))
		})),
	}
}

// Notifications records each notification once and sends its e-mail.
func Notifications(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "sroi.notifications",
		Topics:  []string{catalog.TopicSroiNotifications},
		Types:   []string{catalog.TypeNotificationRequested},
		Handler: messaging.PerMessage(handle(a.Region(), func(ctx context.Context, _ string, e events.NotificationRequested) error {
			return a.RecordNotification(ctx, app.NotificationOf(e))
		})),
	}
}

// Tranches keeps payments' tranches: the costs of partnerships by budget.
func Tranches(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "sroi.tranches",
		Topics:  []string{catalog.TopicPaymentsTranches},
		Types: []string{catalog.TypeTrancheDue, catalog.TypeTrancheHeld, catalog.TypeTrancheReleased, catalog.TypeTrancheApproved, catalog.TypeTrancheExported,
			catalog.TypeTranchePaid, catalog.TypeTrancheRejected, catalog.TypeTrancheReversed, catalog.TypeTrancheClaimed},
		Handler: messaging.PerKey(16, func(ctx context.Context, m messaging.Message) error {
			t, err := messaging.Decode[events.TrancheEvent](m, a.Region())
			if err != nil {
				return err
			}
			return messaging.PermanentIfRejected(a.KeepTranche(ctx, app.TrancheCost{TrancheID: t.TrancheID, Region: t.Region, BudgetID: optional.Value(t.BudgetID),
				AmountCents: domain.Cents(t.AmountCents), Status: string(t.Status), Seq: m.Sequence}))
		}),
	}
}

// award is what the sroi service needs of procurement's award of a tender.
func award(e events.TenderAwarded) app.Award {
	a := app.Award{TenderID: e.TenderID, Region: e.Region, Buyer: e.Buyer, Title: e.Title, Sector: string(e.Sector), ContractorKvK: e.ContractorKvK,
		ContractorName: e.ContractorName, ContractValueExclVatCents: e.ContractValueExclVatCents, SroiBasisPoints: e.SROIBasisPoints,
		PublicationDate: e.PublicationDate, AwardedOn: e.AwardedOn}
	if e.ContractType != nil {
		a.ContractType = string(*e.ContractType)
	}
	a.ContractStart = optional.Value(e.ContractStart)
	a.ContractEnd = optional.Value(e.ContractEnd)
	return a
}
