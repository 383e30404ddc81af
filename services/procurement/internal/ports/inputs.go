package ports

import (
	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// The request bodies of the API (the contract's generated types), as the domain takes them.

func schemeInput(in procurementapi.SchemeInput) domain.SchemeInput {
	return domain.SchemeInput{Reference: in.Reference, Title: in.Title, Description: optional.Value(in.Description), Sector: domain.Sector(in.Sector),
		OpenFrom: in.OpenFrom, OpenUntil: in.OpenUntil, AssessedRequirements: optional.Value(in.AssessedRequirements)}
}

func assessment(in procurementapi.DecisionInput_Assessments) domain.Assessment {
	return domain.Assessment{Met: in.Met, Reason: optional.Value(in.Reason)}
}

func productInput(in procurementapi.ProductInput) domain.ProductInput {
	return domain.ProductInput{Name: in.Name, Description: optional.Value(in.Description), Terms: termsInput(in.Terms)}
}

func termsInput(in procurementapi.TermsInput) domain.TermsInput {
	out := domain.TermsInput{MaxPriceCents: in.MaxPriceCents, MinAttendanceHours: in.MinAttendanceHours, RequiredCertificates: in.RequiredCertificates}
	out.EffectiveFrom = optional.Value(in.EffectiveFrom)
	out.PlacementBeforeCompletion = optional.Value(in.PlacementBeforeCompletion)
	if in.Tranches != nil {
		out.Tranches = make([]trajectory.Tranche, len(in.Tranches))
		for i, t := range in.Tranches {
			out.Tranches[i] = trajectory.Tranche{Milestone: trajectory.Milestone(t.Milestone), Percent: t.Percent}
		}
	}
	return out
}

func applicationInput(in procurementapi.ApplicationInput) domain.ApplicationInput {
	out := domain.ApplicationInput{ProviderName: in.ProviderName, AcceptsConditions: in.AcceptsConditions, Statements: in.Statements}
	if in.Products != nil {
		out.Products = make([]domain.ProductOffer, len(in.Products))
		for i, p := range in.Products {
			out.Products[i] = domain.ProductOffer{ProductID: p.ProductID, PriceCents: p.PriceCents, PlannedAttendanceHours: p.PlannedAttendanceHours}
		}
	}
	if in.Certificates != nil {
		out.Certificates = make([]domain.HeldCertificate, len(in.Certificates))
		for i, c := range in.Certificates {
			out.Certificates[i] = domain.HeldCertificate{Name: c.Name, ValidUntil: c.ValidUntil}
		}
	}
	return out
}

func tenderInput(in procurementapi.TenderInput) domain.TenderInput {
	return domain.TenderInput{Title: in.Title, Description: optional.Value(in.Description), Sector: domain.Sector(in.Sector),
		ExpectedPublication: in.ExpectedPublication, EstimatedValueCents: in.EstimatedValueCents, SroiBasisPoints: in.SROIBasisPoints}
}

func awardInput(in procurementapi.AwardInput) domain.AwardInput {
	out := domain.AwardInput{ContractorKvK: in.ContractorKvK, ContractorName: in.ContractorName, ContractValueExclVatCents: in.ContractValueExclVatCents,
		SroiBasisPoints: in.SROIBasisPoints, PublicationDate: in.PublicationDate, AwardedOn: in.AwardedOn}
	if in.ContractType != nil {
		out.ContractType = string(*in.ContractType)
	}
	out.ContractStart = optional.Value(in.ContractStart)
	out.ContractEnd = optional.Value(in.ContractEnd)
	return out
}
