package app

import (
	"time"

	"github.com/werkregio/platform/contracts/catalog"
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

// MilestoneData is what payments and SROI monitoring need of a milestone: the contract,
// the pinned terms and price, the participant's target groups and, per milestone, the
// attendance, the jobs or the dropout reason. It carries no name and no BSN: the participant
// is the pseudonymous participant id only.
type MilestoneData struct {
	EnrolmentID    string               `json:"enrolmentId"`
	ParticipantID  string               `json:"participantId"`
	Person         string               `json:"person,omitempty"`
	PersonKey      string               `json:"personKeyFingerprint,omitempty"`
	Region         string               `json:"region"`
	ContractID     string               `json:"contractId"`
	ContractNumber string               `json:"contractNumber"`
	SchemeID       string               `json:"schemeId"`
	ProviderKvK    string               `json:"providerKvk"`
	ProductID      string               `json:"productId"`
	ProductName    string               `json:"productName"`
	StartDate      domain.Date          `json:"startDate"`
	PriceCents     int64                `json:"priceCents"`
	Terms          domain.Terms         `json:"terms"`
	TargetGroups   []domain.TargetGroup `json:"targetGroups"`
	Milestone      domain.Status        `json:"milestone"`
	On             domain.Date          `json:"on"`
	At             time.Time            `json:"at"`

	AttendedHours *float64           `json:"attendedHours,omitempty"`
	Placement     *domain.Placement  `json:"placement,omitempty"`
	Placements    []domain.Placement `json:"placements,omitempty"`
	Reason        string             `json:"reason,omitempty"`
}

func milestone(e *domain.Enrolment, status domain.Status, on domain.Date, now time.Time) MilestoneData {
	return MilestoneData{
		EnrolmentID: e.ID, ParticipantID: e.ParticipantID, Person: e.Person, PersonKey: e.PersonKey, Region: e.Region, ContractID: e.ContractID, ContractNumber: e.ContractNumber,
		SchemeID: e.SchemeID, ProviderKvK: e.ProviderKvK, ProductID: e.ProductID, ProductName: e.ProductName, StartDate: e.StartDate,
		PriceCents: e.PriceCents, Terms: e.Terms, TargetGroups: e.TargetGroups, Milestone: status, On: on, At: now.UTC(),
	}
}

func event(d MilestoneData) Event {
	return Event{Type: milestoneType[d.Milestone], Key: d.EnrolmentID, Subject: d.EnrolmentID, Data: d}
}
