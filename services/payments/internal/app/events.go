package app

import (
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Event types on payments.tranches.v1.
const (
	TypeDue      = catalog.TypeTrancheDue
	TypeHeld     = catalog.TypeTrancheHeld
	TypeReleased = catalog.TypeTrancheReleased
	TypeApproved = catalog.TypeTrancheApproved
	TypeExported = catalog.TypeTrancheExported
	TypePaid     = catalog.TypeTranchePaid
	TypeRejected = catalog.TypeTrancheRejected
	TypeReversed = catalog.TypeTrancheReversed
	TypeClaimed  = catalog.TypeTrancheClaimed
)

// Actions of a tranche's history, which name the events they cause.
const (
	actionDue       = "due"
	actionCancelled = "cancelled"
	actionReversed  = string(domain.TrancheReversed)
	actionClaimed   = string(domain.TrancheClaimed)
	actionRecheck   = "rechecked"
	actionApproved  = "approved"
	actionExported  = "exported"
	actionReturned  = "run-cancelled"
	actionPaid      = "paid"
	actionRejected  = "rejected"
	actionSettled   = "claim-settled"
	// actionClaimDropped: a claim whose milestone was reached again before anything was
	// recovered; the tranche is paid (as it was) again.
	actionClaimDropped = "claim-dropped"
)

// eventsFor derives the events of a tranche's change from what was done and where the
// tranche ended up.
func eventsFor(c domain.PendingChange, t *domain.Tranche) []commit.Event {
	ev := func(typ string) commit.Event { return trancheEvent(typ, t, c.Reason) }
	held := func() []commit.Event {
		if t.Status == domain.TrancheHeld {
			return []commit.Event{trancheEvent(TypeHeld, t, t.Holds[0].Reason)}
		}
		return nil
	}
	switch c.Action {
	case actionDue:
		return append([]commit.Event{ev(TypeDue)}, held()...)
	case actionCancelled, actionReversed:
		return []commit.Event{ev(TypeReversed)}
	case actionClaimed:
		return []commit.Event{ev(TypeClaimed)}
	case actionRecheck:
		if t.Status == domain.TranchePayable {
			return []commit.Event{ev(TypeReleased)}
		}
	case actionApproved:
		if t.Status == domain.TrancheApproved {
			return []commit.Event{ev(TypeApproved)}
		}
	case actionExported:
		return []commit.Event{ev(TypeExported)}
	case actionPaid, actionClaimDropped:
		return []commit.Event{ev(TypePaid)}
	case actionRejected:
		return append([]commit.Event{ev(TypeRejected)}, held()...)
	}
	return nil
}

func trancheEvent(typ string, t *domain.Tranche, reason string) commit.Event {
	at := time.Now().UTC()
	if n := len(t.History); n > 0 {
		at = t.History[n-1].At
	}
	on := t.MilestoneOn
	if on.IsZero() {
		on = t.ExpectedOn // a milestone that did not come: the day it was forecast
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	holds := make([]events.TrancheEvent_Holds, len(t.Holds))
	for i, h := range t.Holds {
		holds[i] = events.TrancheEvent_Holds{Code: events.HoldCode(h.Code), Reason: h.Reason}
	}
	// the payload of every tranche event
	return commit.Event{Type: typ, Key: t.ID, Subject: t.ID, Data: events.TrancheEvent{
		TrancheID: t.ID, Region: t.Region, EnrolmentID: t.EnrolmentID, ContractID: t.ContractID, ProviderKvK: t.ProviderKvK,
		ProductID: t.ProductID, BudgetID: optional.Of(t.BudgetID), Milestone: events.Milestone(t.Milestone), MilestoneOn: on,
		TermsVersion: t.TermsVersion, Percent: t.Percent, AmountCents: int64(t.AmountCents), Status: events.TrancheEventStatus(t.Status), Holds: holds,
		RunID: optional.Of(t.RunID), EndToEndID: optional.Of(t.EndToEndID), Reason: optional.Of(reason), CorrectionOf: optional.Of(t.CorrectionOf), At: at}}
}
