package ports

import (
	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// The answers of the API: the domain's values in the types generated from the service's
// OpenAPI document, so what is sent is what the contract says.

func applicationAnswer(v domain.Application) procurementapi.Application {
	return procurementapi.Application{
		Certificates: convert.Each(v.Certificates, certificateAnswer),
		ContractID:   optional.Of(v.ContractID),
		Extension:    optional.Of(v.Extension),
		Failures:     convert.Each(v.Failures, failureAnswer),
		ID:           v.ID,
		Products:     convert.Each(v.Products, productOfferAnswer),
		ProviderKvK:  v.ProviderKvK,
		ProviderName: v.ProviderName,
		Region:       v.Region,
		SchemeID:     v.SchemeID,
		Status:       procurementapi.ApplicationStatus(v.Status),
		Statements:   v.Statements,
		Decision:     convert.Pointer(v.Decision, decisionAnswer),
		SubmittedAt:  v.SubmittedAt,
	}
}

func decisionAnswer(v domain.Decision) procurementapi.Decision {
	return procurementapi.Decision{By: v.By, At: v.At, Assessments: convert.Each(v.Assessments, func(a domain.Assessment) procurementapi.Decision_Assessments {
		return procurementapi.Decision_Assessments{Requirement: a.Requirement, Met: a.Met, Reason: optional.Of(a.Reason)}
	})}
}

func contractAnswer(v domain.Contract) procurementapi.Contract {
	return procurementapi.Contract{
		ApplicationID:       v.ApplicationID,
		AwardedAt:           v.AwardedAt,
		Buyer:               v.Buyer,
		EndReason:           optional.Of(v.EndReason),
		History:             convert.Each(v.History, contractHistoryAnswer),
		ID:                  v.ID,
		MissingCertificates: v.MissingCertificates,
		Number:              v.Number,
		Products:            convert.Each(v.Products, contractProductsAnswer),
		ProviderKvK:         v.ProviderKvK,
		ProviderName:        v.ProviderName,
		Region:              v.Region,
		SchemeID:            v.SchemeID,
		SchemeReference:     v.SchemeReference,
		Status:              procurementapi.ContractStatus(v.Status),
		SuspendedReason:     optional.Of(v.SuspendedReason),
	}
}

func failureAnswer(v domain.Failure) procurementapi.Failure {
	return procurementapi.Failure{
		Detail:      v.Detail,
		Rule:        optional.Of(v.Why.Code),
		Params:      ruleParams(v.Why.Params),
		ProductID:   optional.Of(v.ProductID),
		Requirement: procurementapi.FailureRequirement(v.Requirement),
	}
}

func productAnswer(v domain.Product) procurementapi.Product {
	return procurementapi.Product{
		Description: optional.Of(v.Description),
		ID:          v.ID,
		Name:        v.Name,
		Terms:       convert.Each(v.Terms, termsAnswer),
	}
}

func productOfferAnswer(v domain.ProductOffer) procurementapi.ProductOffer {
	return procurementapi.ProductOffer{
		PlannedAttendanceHours: v.PlannedAttendanceHours,
		PriceCents:             v.PriceCents,
		ProductID:              v.ProductID,
	}
}

func schemeAnswer(v domain.Scheme) procurementapi.Scheme {
	return procurementapi.Scheme{
		AssessedRequirements: v.AssessedRequirements,
		Buyer:                v.Buyer,
		ClosedAt:             v.ClosedAt,
		Description:          optional.Of(v.Description),
		ID:                   v.ID,
		OpenFrom:             v.OpenFrom,
		OpenUntil:            v.OpenUntil,
		Products:             convert.Each(v.Products, productAnswer),
		PublishedAt:          v.PublishedAt,
		Reference:            v.Reference,
		Region:               v.Region,
		Sector:               procurementapi.Sector(v.Sector),
		Status:               procurementapi.SchemeStatus(v.Status),
		Title:                v.Title,
	}
}

func tenderAnswer(v domain.Tender) procurementapi.Tender {
	return procurementapi.Tender{
		AnnouncedAt:         v.AnnouncedAt,
		Award:               convert.Pointer(v.Award, tenderAwardAnswer),
		Buyer:               v.Buyer,
		Description:         optional.Of(v.Description),
		EstimatedValueCents: v.EstimatedValueCents,
		ExpectedPublication: v.ExpectedPublication,
		ID:                  v.ID,
		Region:              v.Region,
		Sector:              procurementapi.Sector(v.Sector),
		SROIBasisPoints:     v.SroiBasisPoints,
		Status:              procurementapi.TenderStatus(v.Status),
		Title:               v.Title,
		UpdatedAt:           v.UpdatedAt,
	}
}

func termsAnswer(v trajectory.Terms) procurementapi.Terms {
	return procurementapi.Terms{
		EffectiveFrom:             v.EffectiveFrom,
		MaxPriceCents:             v.MaxPriceCents,
		MinAttendanceHours:        v.MinAttendanceHours,
		PlacementBeforeCompletion: v.PlacementBeforeCompletion,
		RequiredCertificates:      v.RequiredCertificates,
		Tranches:                  convert.Each(v.Tranches, trancheAnswer),
		Version:                   v.Version,
	}
}

func trancheAnswer(v trajectory.Tranche) procurementapi.Tranche {
	return procurementapi.Tranche{
		Milestone: procurementapi.Milestone(v.Milestone),
		Percent:   v.Percent,
	}
}

func certificateAnswer(v domain.HeldCertificate) procurementapi.Certificate {
	return procurementapi.Certificate{
		Name:       v.Name,
		ValidUntil: v.ValidUntil,
	}
}

func contractHistoryAnswer(v domain.StatusChange) procurementapi.Contract_History {
	return procurementapi.Contract_History{
		At:     v.At,
		By:     v.By,
		Reason: optional.Of(v.Reason),
		Rule:   optional.Of(v.Why.Code),
		Params: ruleParams(v.Why.Params),
		Status: procurementapi.ContractHistoryStatus(v.Status),
	}
}

func contractProductsAnswer(v domain.ContractProduct) procurementapi.Contract_Products {
	return procurementapi.Contract_Products{
		Name:         v.Name,
		PriceCents:   v.PriceCents,
		ProductID:    v.ProductID,
		TermsVersion: v.TermsVersion,
	}
}

func tenderAwardAnswer(v domain.Award) procurementapi.Tender_Award {
	return procurementapi.Tender_Award{
		AwardedOn:                 v.AwardedOn,
		ContractEnd:               optional.Of(v.ContractEnd),
		ContractStart:             optional.Of(v.ContractStart),
		ContractType:              optional.Of(procurementapi.TenderAwardContractType(v.ContractType)),
		ContractValueExclVatCents: v.ContractValueExclVatCents,
		ContractorKvK:             v.ContractorKvK,
		ContractorName:            v.ContractorName,
		PublicationDate:           v.PublicationDate,
		RecordedAt:                v.RecordedAt,
		SROIBasisPoints:           v.SroiBasisPoints,
	}
}

// applicationResult is an application and, when it was accepted, the contract it led to.
func applicationResult(a *domain.Application, ct *domain.Contract) procurementapi.ApplicationResult {
	var r procurementapi.ApplicationResult
	if a != nil {
		r.Application = applicationAnswer(*a)
	}
	r.Contract = convert.Pointer(ct, contractAnswer)
	return r
}

// ruleParams are a rule's parameters, left out when it has none.
func ruleParams(p []string) *procurementapi.CommonRuleParams {
	if len(p) == 0 {
		return nil
	}
	r := procurementapi.CommonRuleParams(p)
	return &r
}
