package ports

import (
	"context"
	"time"

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
	var reason string
	if e.Reason != nil {
		reason = *e.Reason
	}
	return app.Milestone{EnrolmentID: e.EnrolmentID, ParticipantID: e.ParticipantID, Region: e.Region, ContractID: e.ContractID, SchemeID: e.SchemeID,
		ProviderKvK: e.ProviderKvK, ProductID: e.ProductID, StartDate: e.StartDate, PriceCents: domain.Cents(e.PriceCents), Terms: trajectory.TermsOf(e.Terms),
		Milestone: string(e.Milestone), On: e.On, Reason: reason, Withdrawn: withdrawn}
}

type contractEvent struct {
	ContractID  string    `json:"contractId"`
	Region      string    `json:"region"`
	ProviderKvK string    `json:"providerKvk"`
	AwardedAt   time.Time `json:"awardedAt"`
	At          time.Time `json:"at"`
	SchemeRun   *struct {
		From civil.Date `json:"from"`
	} `json:"schemeRun"`
}

// effective is the day a contract's event took effect. An admission to an Open House
// scheme is a contract for the scheme's run: trajectories the platform accepted under it
// (records brought over from a previous system among them) are covered from the run's
// first day, even when the admission was recorded later.
func (e contractEvent) effective(fallback time.Time) civil.Date {
	at := e.At
	if at.IsZero() {
		at = e.AwardedAt
	}
	if at.IsZero() {
		at = fallback
	}
	day := civil.DateOf(at)
	if !e.AwardedAt.IsZero() && e.SchemeRun != nil && !e.SchemeRun.From.IsZero() && e.SchemeRun.From.Before(day) {
		return e.SchemeRun.From
	}
	return day
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
			e, err := messaging.Decode[contractEvent](m, a.Region())
			if err != nil {
				return err
			}
			return messaging.PermanentIfRejected(a.KeepContract(ctx, app.ContractChange{ContractID: e.ContractID, Region: e.Region, ProviderKvK: e.ProviderKvK,
				Status: contractStatus[m.Type], On: e.effective(m.Time), Seq: m.Sequence}))
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
			acc, err := messaging.Decode[domain.BankAccount](m, a.Region())
			if err != nil {
				return err
			}
			return messaging.PermanentIfRejected(a.KeepAccount(ctx, acc))
		}),
	}
}
