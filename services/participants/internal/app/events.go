package app

import (
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Event types this service publishes, one per milestone, keyed by enrolment id.
var milestoneType = map[domain.Status]string{
	domain.StatusEnrolled:          catalog.TypeEnrolmentEnrolled,
	domain.StatusStarted:           catalog.TypeEnrolmentStarted,
	domain.StatusCompleted:         catalog.TypeEnrolmentCompleted,
	domain.StatusPlaced:            catalog.TypeEnrolmentPlaced,
	domain.StatusSustainablyPlaced: catalog.TypeEnrolmentSustainablyPlaced,
	domain.StatusDroppedOut:        catalog.TypeEnrolmentDroppedOut,
}

// milestone is what payments and SROI monitoring need of a milestone (the contract's
// EnrolmentMilestone): the contract, the pinned terms and price, the participant's target
// groups and, per milestone, the attendance, the jobs or the dropout reason. It carries no
// name and no BSN: the participant is the pseudonymous participant id only.
func milestone(e *domain.Enrolment, status domain.Status, on civil.Date, now time.Time) events.EnrolmentMilestone {
	groups := make([]events.TargetGroup, len(e.TargetGroups))
	for i, g := range e.TargetGroups {
		groups[i] = events.TargetGroup(g)
	}
	return events.EnrolmentMilestone{
		EnrolmentID: e.ID, ParticipantID: e.ParticipantID, Person: optional.Of(e.Person), PersonKeyFingerprint: optional.Of(e.PersonKey), Region: e.Region,
		ContractID: e.ContractID, ContractNumber: e.ContractNumber, SchemeID: e.SchemeID, ProviderKvK: e.ProviderKvK, ProductID: e.ProductID,
		ProductName: e.ProductName, StartDate: e.StartDate, PriceCents: e.PriceCents, Terms: e.Terms.Event(), TargetGroups: groups,
		Milestone: events.EnrolmentMilestoneMilestone(status), On: on, At: now.UTC(),
	}
}

// jobEvent is a job as milestones carry it.
func jobEvent(p domain.Placement) events.Placement {
	out := events.Placement{ID: p.ID, EmployerKvK: p.EmployerKvK, StartDate: p.StartDate, HoursPerWeek: p.HoursPerWeek,
		ContractType: events.ContractType(p.ContractType), RecordedBy: events.PlacementRecordedBy(p.RecordedBy), ConfirmedBy: []events.PlacementConfirmedBy{}}
	out.EndDate = optional.Of(p.EndDate)
	for _, by := range p.ConfirmedBy {
		out.ConfirmedBy = append(out.ConfirmedBy, events.PlacementConfirmedBy(by))
	}
	return out
}

func jobsEvent(ps []domain.Placement) []events.Placement {
	out := make([]events.Placement, len(ps))
	for i, p := range ps {
		out[i] = jobEvent(p)
	}
	return out
}

func event(d events.EnrolmentMilestone) Event {
	return Event{Type: milestoneType[domain.Status(d.Milestone)], Key: d.EnrolmentID, Subject: d.EnrolmentID, Data: d}
}
