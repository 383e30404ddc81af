package ports

import (
	"encoding/json"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// The answers of the API: the domain's values in the types generated from the service's
// OpenAPI document, so what is sent is what the contract says.

func actorAnswer(v commit.Actor) participantsapi.Actor {
	return participantsapi.Actor{
		Name:    optional.Of(v.Name),
		Org:     optional.Of(v.Org),
		Subject: v.Subject,
	}
}

func attendanceSummaryAnswer(v app.AttendanceSummary) participantsapi.AttendanceSummary {
	return participantsapi.AttendanceSummary{
		Days:               convert.Each(v.Days, attendanceDayAnswer),
		EnrolmentID:        v.EnrolmentID,
		MinAttendanceHours: v.MinAttendanceHours,
		TotalHours:         v.TotalHours,
	}
}

func auditRecordAnswer(v app.AuditRecord) participantsapi.AuditRecord {
	return participantsapi.AuditRecord{
		Action:  v.Action,
		Actor:   actorAnswer(v.Actor),
		At:      v.At,
		Subject: v.Subject,
		Version: v.Version,
	}
}

func bblProgrammeAnswer(v domain.BBLProgramme) participantsapi.BBLProgramme {
	return participantsapi.BBLProgramme{
		EmployerKvK:   v.EmployerKvK,
		Qualification: v.Qualification,
		School:        v.School,
		StartedOn:     v.StartedOn,
	}
}

func consentAnswer(v domain.Consent) participantsapi.Consent {
	return participantsapi.Consent{
		GivenOn:     v.GivenOn,
		Purpose:     v.Purpose,
		WithdrawnOn: optional.Of(v.WithdrawnOn),
	}
}

func attendanceDayAnswer(v app.DayHours) participantsapi.AttendanceDay {
	return participantsapi.AttendanceDay{
		Date:    v.Date,
		Hours:   v.Hours,
		Reports: v.Reports,
	}
}

func enrolmentAnswer(v domain.Enrolment) participantsapi.Enrolment {
	return participantsapi.Enrolment{
		CompletedOn:    optional.Of(v.CompletedOn),
		ContractID:     v.ContractID,
		ContractNumber: v.ContractNumber,
		DropoutReason:  optional.Of(v.DropoutReason),
		DroppedOutOn:   optional.Of(v.DroppedOutOn),
		EnrolledAt:     v.EnrolledAt,
		History:        convert.Each(v.History, transitionAnswer),
		ID:             v.ID,
		Location:       v.Location,
		Organisation:   optional.Of(v.Organisation),
		ParticipantID:  v.ParticipantID,
		PlacedOn:       optional.Of(v.PlacedOn),
		Placements:     convert.Each(v.Placements, placementAnswer),
		PriceCents:     v.PriceCents,
		ProductID:      v.ProductID,
		ProductName:    v.ProductName,
		ProviderKvK:    v.ProviderKvK,
		ProviderName:   v.ProviderName,
		Region:         v.Region,
		SchemeID:       v.SchemeID,
		Seat:           v.Seat,
		StartDate:      v.StartDate,
		StartedOn:      optional.Of(v.StartedOn),
		Status:         participantsapi.Status(v.Status),
		SustainableOn:  optional.Of(v.SustainableOn),
		TargetGroups:   convert.Each(v.TargetGroups, func(x domain.TargetGroup) participantsapi.TargetGroup { return participantsapi.TargetGroup(x) }),
		Terms:          termsAnswer(v.Terms),
	}
}

func exportParticipant200JSONResponseBodyAnswer(v app.Export) participantsapi.ExportParticipant200JSONResponseBody {
	return participantsapi.ExportParticipant200JSONResponseBody{
		Attendance:  convert.Values(v.Attendance, func(x []app.DayHours) []participantsapi.AttendanceDay { return convert.Each(x, attendanceDayAnswer) }),
		Audit:       convert.Each(v.Audit, auditRecordAnswer),
		BSN:         optional.Of(v.BSN),
		Enrolments:  convert.Each(v.Enrolments, enrolmentAnswer),
		ExportedAt:  v.ExportedAt,
		Participant: participantAnswer(optional.Value(v.Participant)),
	}
}

func outcomesReportAnswer(v app.Outcomes) participantsapi.OutcomesReport {
	return participantsapi.OutcomesReport{
		ByStatus:  convert.Entries[domain.Status, string](v.ByStatus, func(x int64) int { return int(x) }),
		Providers: convert.Each(v.Providers, outcomesReportProvidersAnswer),
		Truncated: v.Truncated,
	}
}

func participantAnswer(v domain.Participant) participantsapi.Participant {
	return participantsapi.Participant{
		BBL:                  convert.Pointer(v.BBL, bblProgrammeAnswer),
		Competencies:         v.Competencies,
		Consent:              consentAnswer(v.Consent),
		Erased:               convert.Pointer(v.Erased, participantErasedAnswer),
		ID:                   v.ID,
		LadderStep:           v.LadderStep,
		Municipality:         v.Municipality,
		Name:                 v.Name,
		Praktijkverklaringen: convert.Each(v.Praktijkverklaringen, praktijkverklaringAnswer),
		Region:               v.Region,
		RegisteredAt:         v.RegisteredAt,
		TargetGroups:         convert.Each(v.TargetGroups, func(x domain.TargetGroup) participantsapi.TargetGroup { return participantsapi.TargetGroup(x) }),
		UpdatedAt:            v.UpdatedAt,
		WorkCoach:            actorAnswer(v.WorkCoach),
	}
}

func partnerSourceAnswer(v domain.PartnerSource) participantsapi.PartnerSource {
	return participantsapi.PartnerSource{
		ID:           v.ID,
		Keys:         publicKeySet(v.Keys),
		KeysSince:    convert.Ref(v.KeysSince),
		Name:         v.Name,
		Org:          v.Org,
		Region:       v.Region,
		RegisteredAt: v.RegisteredAt,
		RevokedAt:    v.RevokedAt,
		Role:         participantsapi.PartnerSourceRole(v.Role),
		Source:       v.Source,
	}
}

func placementAnswer(v domain.Placement) participantsapi.Placement {
	return participantsapi.Placement{
		ConfirmedBy:  convert.Each(v.ConfirmedBy, func(x string) participantsapi.PlacementConfirmedBy { return participantsapi.PlacementConfirmedBy(x) }),
		ContractType: participantsapi.ContractType(v.ContractType),
		EmployerKvK:  v.EmployerKvK,
		EndDate:      optional.Of(v.EndDate),
		HoursPerWeek: v.HoursPerWeek,
		ID:           v.ID,
		RecordedBy:   participantsapi.PlacementRecordedBy(v.RecordedBy),
		StartDate:    v.StartDate,
	}
}

func praktijkverklaringAnswer(v domain.Praktijkverklaring) participantsapi.Praktijkverklaring {
	return participantsapi.Praktijkverklaring{
		ID:            v.ID,
		IssuedBy:      v.IssuedBy,
		IssuedOn:      v.IssuedOn,
		Qualification: v.Qualification,
		WorkProcesses: v.WorkProcesses,
	}
}

func praktijkverklaringReport200JSONResponseBodyAnswer(v app.PraktijkverklaringReport) participantsapi.PraktijkverklaringReport200JSONResponseBody {
	return participantsapi.PraktijkverklaringReport200JSONResponseBody{
		BBLTotal:                   v.BBLTotal,
		ByQualification:            v.ByQualification,
		Issued:                     v.Issued,
		Participants:               v.Participants,
		ParticipantsContinuedToBBL: v.ParticipantsContinuedBBL,
	}
}

func revealBSN200JSONResponseBodyAnswer(v app.RevealedBSN) participantsapi.RevealBSN200JSONResponseBody {
	return participantsapi.RevealBSN200JSONResponseBody{
		BSN: v.BSN,
	}
}

func termsAnswer(v trajectory.Terms) participantsapi.Terms {
	return participantsapi.Terms{
		EffectiveFrom:             v.EffectiveFrom,
		MaxPriceCents:             v.MaxPriceCents,
		MinAttendanceHours:        v.MinAttendanceHours,
		PlacementBeforeCompletion: v.PlacementBeforeCompletion,
		RequiredCertificates:      v.RequiredCertificates,
		Tranches:                  convert.Each(v.Tranches, termsTranchesAnswer),
		Version:                   v.Version,
	}
}

func transitionAnswer(v domain.Transition) participantsapi.Transition {
	return participantsapi.Transition{
		At:     v.At,
		By:     v.By,
		On:     v.On,
		Reason: optional.Of(v.Reason),
		Status: participantsapi.Status(v.Status),
	}
}

func outcomesReportProvidersAnswer(v app.ProviderOutcomes) participantsapi.OutcomesReport_Providers {
	return participantsapi.OutcomesReport_Providers{
		ByStatus:    convert.Entries[domain.Status, string](v.ByStatus, func(x int64) int { return int(x) }),
		ProviderKvK: v.ProviderKvK,
	}
}

func participantErasedAnswer(v domain.Erasure) participantsapi.Participant_Erased {
	return participantsapi.Participant_Erased{
		At:    v.At,
		Basis: participantsapi.ParticipantErasedBasis(v.Basis),
	}
}

func termsTranchesAnswer(v trajectory.Tranche) participantsapi.Terms_Tranches {
	return participantsapi.Terms_Tranches{
		Milestone: string(v.Milestone),
		Percent:   v.Percent,
	}
}

// publicKeySet is a partner system's JWK Set with every member of its keys (the contract
// names kty and kid; the others are the key's own).
func publicKeySet(raw json.RawMessage) *participantsapi.PublicKeySet {
	var set participantsapi.PublicKeySet
	if json.Unmarshal(raw, &set) != nil {
		return nil
	}
	return &set
}
