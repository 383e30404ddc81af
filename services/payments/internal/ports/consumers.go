package ports

import (
	"context"
	"time"

	"github.com/werkregio/platform/services/kit/optional"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/payments/internal/app"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Milestones follows participants' milestones: a tranche due per milestone, commitments
// at the first, releases at a dropout, reversals and claims when a milestone is withdrawn.
// An event older than one applied for its enrolment (a replay) is skipped; what is applied
// is idempotent besides.
func Milestones(a *app.Service, seq *store.Sequences) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "payments.milestones",
		Topics:  []string{catalog.TopicParticipantsEnrolments},
		Types: []string{catalog.TypeEnrolmentEnrolled, catalog.TypeEnrolmentStarted, catalog.TypeEnrolmentCompleted, catalog.TypeEnrolmentPlaced,
			catalog.TypeEnrolmentSustainablyPlaced, catalog.TypeEnrolmentDroppedOut, catalog.TypeEnrolmentSustainableWithdrawn,
			catalog.TypeEnrolmentTermsChanged},
		// enrolments are independent: 32 at a time, each one's milestones in order
		Handler: messaging.PerKey(32, seq.Guard(func(ctx context.Context, m messaging.Message) error {
			ev, err := messaging.Decode[events.EnrolmentMilestone](m, a.Region())
			if err != nil {
				return err
			}
			return messaging.PermanentIfRejected(a.ApplyMilestone(ctx, milestoneOf(ev, m.Type == catalog.TypeEnrolmentSustainableWithdrawn)))
		})),
	}
}

// milestoneOf is what payments needs of a milestone; withdrawn: the event takes it back.
func milestoneOf(e events.EnrolmentMilestone, withdrawn bool) app.Milestone {
	return app.Milestone{EnrolmentID: e.EnrolmentID, ParticipantID: e.ParticipantID, Region: e.Region, ContractID: e.ContractID, SchemeID: e.SchemeID,
		ProviderKvK: e.ProviderKvK, ProductID: e.ProductID, StartDate: e.StartDate, PriceCents: domain.Cents(e.PriceCents), Terms: trajectory.TermsOf(e.Terms),
		Milestone: string(e.Milestone), On: e.On, Reason: optional.Value(e.Reason), Withdrawn: withdrawn}
}

// contractChange is a contract's status from the day its event took effect. An admission
// to an Open House scheme is a contract for the scheme's run: trajectories the platform
// accepted under it (records brought over from a previous system among them) are covered
// from the run's first day, even when the admission was recorded later.
func contractChange(m messaging.Message, region string) (app.ContractChange, error) {
	c := app.ContractChange{Status: contractStatus[m.Type], Seq: m.Sequence}
	var at time.Time
	var runFrom *civil.Date
	switch m.Type {
	case catalog.TypeContractAwarded:
		e, err := messaging.Decode[events.ContractAwarded](m, region)
		if err != nil {
			return c, err
		}
		c.ContractID, c.Region, c.ProviderKvK, at = e.ContractID, e.Region, e.ProviderKvK, e.AwardedAt
		if e.SchemeRun != nil {
			runFrom = &e.SchemeRun.From
		}
	case catalog.TypeContractExtended:
		e, err := messaging.Decode[events.ContractExtended](m, region)
		if err != nil {
			return c, err
		}
		c.ContractID, c.Region, c.ProviderKvK, at = e.ContractID, e.Region, e.ProviderKvK, e.AwardedAt
		if e.SchemeRun != nil {
			runFrom = &e.SchemeRun.From
		}
	default: // suspended, resumed and ended carry the same
		e, err := messaging.Decode[events.ContractSuspended](m, region)
		if err != nil {
			return c, err
		}
		c.ContractID, c.Region, c.ProviderKvK, at = e.ContractID, e.Region, e.ProviderKvK, e.At
	}
	if at.IsZero() {
		at = m.Time
	}
	c.On = civil.DateOf(at)
	if runFrom != nil && !runFrom.IsZero() && runFrom.Before(c.On) {
		c.On = *runFrom
	}
	return c, nil
}

// bankAccount is a provider's account as the providers service published it.
func bankAccount(e events.ProviderBankAccountChanged) domain.BankAccount {
	a := domain.BankAccount{ProviderKvK: e.ProviderKvK, Region: e.Region, AccountHolder: e.AccountHolder, IBAN: e.IBAN, Status: string(e.Status),
		Revision: e.Revision, At: e.At, Address: domain.PostalAddress{Street: e.Address.Street, BuildingNumber: e.Address.BuildingNumber,
			PostCode: e.Address.PostCode, Town: e.Address.Town, Country: e.Address.Country}}
	a.BIC = optional.Value(e.BIC)
	a.ConfirmedBy = optional.Value(e.ConfirmedBy)
	return a
}

var contractStatus = map[string]string{
	catalog.TypeContractAwarded: "active", catalog.TypeContractExtended: "active", catalog.TypeContractResumed: "active",
	catalog.TypeContractSuspended: "suspended", catalog.TypeContractEnded: "ended",
}

// Contracts keeps the contracts' status over time for the pre-check on milestone days.
func Contracts(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "payments.contracts",
		Topics:  []string{catalog.TopicProcurementContracts},
		Types:   []string{catalog.TypeContractAwarded, catalog.TypeContractExtended, catalog.TypeContractSuspended, catalog.TypeContractResumed, catalog.TypeContractEnded},
		Handler: messaging.PerMessage(func(ctx context.Context, m messaging.Message) error {
			change, err := contractChange(m, a.Region())
			if err != nil {
				return err
			}
			return messaging.PermanentIfRejected(a.KeepContract(ctx, change))
		}),
	}
}

// BankAccounts keeps providers' bank accounts; a confirmed one releases held tranches.
func BankAccounts(a *app.Service) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "payments.bank-accounts",
		Topics:  []string{catalog.TopicProvidersRegistry},
		Types:   []string{catalog.TypeBankAccountChanged},
		Handler: messaging.PerMessage(func(ctx context.Context, m messaging.Message) error {
			e, err := messaging.Decode[events.ProviderBankAccountChanged](m, a.Region())
			if err != nil {
				return err
			}
			return messaging.PermanentIfRejected(a.KeepAccount(ctx, bankAccount(e)))
		}),
	}
}
