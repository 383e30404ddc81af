package ports

import (
	"encoding/json"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// The request bodies of the API (the contract's generated types), as the app and the domain
// take them. A partner source's keys are the one body read on its own: a JWK Set's members
// are the key's, not the contract's, and reach the key check as they were sent.

func participantInput(in participantsapi.ParticipantInput) domain.ParticipantInput {
	groups := make([]domain.TargetGroup, len(in.TargetGroups))
	for i, g := range in.TargetGroups {
		groups[i] = domain.TargetGroup(g)
	}
	out := domain.ParticipantInput{BSN: optional.Value(in.BSN), Municipality: in.Municipality, Name: in.Name, TargetGroups: groups,
		LadderStep: in.LadderStep, Competencies: in.Competencies,
		Consent: domain.Consent{Purpose: in.Consent.Purpose, GivenOn: in.Consent.GivenOn}}
	out.Consent.WithdrawnOn = optional.Value(in.Consent.WithdrawnOn)
	return out
}

func actor(in participantsapi.Actor) commit.Actor {
	return commit.Actor{Subject: in.Subject, Name: optional.Value(in.Name), Org: optional.Value(in.Org)}
}

func praktijkverklaringInput(in participantsapi.PraktijkverklaringInput) domain.PraktijkverklaringInput {
	return domain.PraktijkverklaringInput{IssuedOn: in.IssuedOn, Qualification: in.Qualification, WorkProcesses: in.WorkProcesses, IssuedBy: in.IssuedBy}
}

func bblProgramme(in participantsapi.BBLProgramme) domain.BBLProgramme {
	return domain.BBLProgramme{StartedOn: in.StartedOn, Qualification: in.Qualification, School: in.School, EmployerKvK: in.EmployerKvK}
}

func enrolmentInput(in participantsapi.EnrolmentInput) domain.EnrolmentInput {
	return domain.EnrolmentInput{ParticipantID: in.ParticipantID, ContractID: in.ContractID, ProductID: in.ProductID, StartDate: in.StartDate,
		Location: in.Location, LateRegistration: optional.Value(in.LateRegistration)}
}

func placementInput(in participantsapi.PlacementInput) domain.PlacementInput {
	out := domain.PlacementInput{EmployerKvK: in.EmployerKvK, StartDate: in.StartDate, HoursPerWeek: in.HoursPerWeek, ContractType: domain.ContractType(in.ContractType)}
	out.EndDate = optional.Value(in.EndDate)
	return out
}

func erasureInput(in participantsapi.EraseParticipantJSONBody) app.ErasureInput {
	return app.ErasureInput{Basis: domain.ErasureBasis(in.Basis), Reason: in.Reason}
}

func partnerSourceInput(in participantsapi.PartnerSourceInput) domain.PartnerSourceInput {
	return domain.PartnerSourceInput{Source: in.Source, Role: domain.PartnerRole(in.Role), Org: in.Org, Name: in.Name,
		Keys: publicKeys(in.Keys)}
}

// publicKeys is a JWK Set as the domain checks it: with every member of every key (the
// generated type keeps the members the contract does not name).
func publicKeys(set participantsapi.PublicKeySet) json.RawMessage {
	raw, err := json.Marshal(set)
	if err != nil {
		return nil // the domain refuses an empty set
	}
	return raw
}
