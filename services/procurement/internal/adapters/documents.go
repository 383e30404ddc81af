package adapters

import (
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// The documents the aggregates are stored as, in the log and in the views, with the field
// names they are stored under; the domain's types know nothing of storage. A document's
// JSON is what was stored before, so a region's data reads back unchanged.

type admissionDocument struct {
	ID              string                `json:"id"`
	SchemeID        string                `json:"schemeId"`
	SchemeReference string                `json:"schemeReference"`
	Region          string                `json:"region"`
	Buyer           string                `json:"buyer"`
	ProviderKvK     string                `json:"providerKvk"`
	Applications    []applicationDocument `json:"applications"`
	Contracts       []contractDocument    `json:"contracts"`
}

func documentOfAdmission(v domain.Admission) admissionDocument {
	return admissionDocument{
		ID:              v.ID,
		SchemeID:        v.SchemeID,
		SchemeReference: v.SchemeReference,
		Region:          v.Region,
		Buyer:           v.Buyer,
		ProviderKvK:     v.ProviderKvK,
		Applications:    convert.Each(v.Applications, documentOfApplication),
		Contracts:       convert.Each(v.Contracts, documentOfContract),
	}
}

func (d admissionDocument) admission() domain.Admission {
	var v domain.Admission
	v.ID = d.ID
	v.SchemeID = d.SchemeID
	v.SchemeReference = d.SchemeReference
	v.Region = d.Region
	v.Buyer = d.Buyer
	v.ProviderKvK = d.ProviderKvK
	v.Applications = convert.Each(d.Applications, applicationDocument.application)
	v.Contracts = convert.Each(d.Contracts, contractDocument.contract)
	return v
}

type applicationDocument struct {
	ID           string                    `json:"id"`
	SchemeID     string                    `json:"schemeId"`
	Region       string                    `json:"region"`
	ProviderKvK  string                    `json:"providerKvk"`
	ProviderName string                    `json:"providerName"`
	Products     []productOfferDocument    `json:"products"`
	Certificates []heldCertificateDocument `json:"certificates"`
	Status       domain.ApplicationStatus  `json:"status"`
	Failures     []failureDocument         `json:"failures"`
	Statements   []string                  `json:"statements,omitempty"`
	Decision     *decisionDocument         `json:"decision,omitempty"`
	ContractID   string                    `json:"contractId,omitempty"`
	Extension    bool                      `json:"extension,omitempty"`
	SubmittedAt  time.Time                 `json:"submittedAt"`
}

func documentOfApplication(v domain.Application) applicationDocument {
	return applicationDocument{
		ID:           v.ID,
		SchemeID:     v.SchemeID,
		Region:       v.Region,
		ProviderKvK:  v.ProviderKvK,
		ProviderName: v.ProviderName,
		Products:     convert.Each(v.Products, documentOfProductOffer),
		Certificates: convert.Each(v.Certificates, documentOfHeldCertificate),
		Status:       v.Status,
		Failures:     convert.Each(v.Failures, documentOfFailure),
		Statements:   v.Statements,
		Decision:     documentOfDecision(v.Decision),
		ContractID:   v.ContractID,
		Extension:    v.Extension,
		SubmittedAt:  v.SubmittedAt,
	}
}

func (d applicationDocument) application() domain.Application {
	var v domain.Application
	v.ID = d.ID
	v.SchemeID = d.SchemeID
	v.Region = d.Region
	v.ProviderKvK = d.ProviderKvK
	v.ProviderName = d.ProviderName
	v.Products = convert.Each(d.Products, productOfferDocument.productOffer)
	v.Certificates = convert.Each(d.Certificates, heldCertificateDocument.heldCertificate)
	v.Status = d.Status
	v.Failures = convert.Each(d.Failures, failureDocument.failure)
	v.Statements = d.Statements
	v.Decision = d.Decision.decision()
	v.ContractID = d.ContractID
	v.Extension = d.Extension
	v.SubmittedAt = d.SubmittedAt
	return v
}

type decisionDocument struct {
	By          string               `json:"by"`
	At          time.Time            `json:"at"`
	Assessments []assessmentDocument `json:"assessments"`
}

type assessmentDocument struct {
	Requirement string `json:"requirement"`
	Met         bool   `json:"met"`
	Reason      string `json:"reason,omitempty"`
}

func documentOfDecision(v *domain.Decision) *decisionDocument {
	if v == nil {
		return nil
	}
	return &decisionDocument{By: v.By, At: v.At, Assessments: convert.Each(v.Assessments, func(a domain.Assessment) assessmentDocument {
		return assessmentDocument{Requirement: a.Requirement, Met: a.Met, Reason: a.Reason}
	})}
}

func (d *decisionDocument) decision() *domain.Decision {
	if d == nil {
		return nil
	}
	return &domain.Decision{By: d.By, At: d.At, Assessments: convert.Each(d.Assessments, func(a assessmentDocument) domain.Assessment {
		return domain.Assessment{Requirement: a.Requirement, Met: a.Met, Reason: a.Reason}
	})}
}

type awardDocument struct {
	ContractorKvK             string     `json:"contractorKvk"`
	ContractorName            string     `json:"contractorName"`
	ContractValueExclVatCents int64      `json:"contractValueExclVatCents"`
	SroiBasisPoints           int        `json:"sroiBasisPoints"`
	PublicationDate           civil.Date `json:"publicationDate"`
	AwardedOn                 civil.Date `json:"awardedOn"`
	ContractType              string     `json:"contractType,omitempty"`
	ContractStart             civil.Date `json:"contractStart,omitzero"`
	ContractEnd               civil.Date `json:"contractEnd,omitzero"`
	RecordedAt                time.Time  `json:"recordedAt"`
}

func documentOfAward(v domain.Award) awardDocument {
	return awardDocument{
		ContractorKvK:             v.ContractorKvK,
		ContractorName:            v.ContractorName,
		ContractValueExclVatCents: v.ContractValueExclVatCents,
		SroiBasisPoints:           v.SroiBasisPoints,
		PublicationDate:           v.PublicationDate,
		AwardedOn:                 v.AwardedOn,
		ContractType:              v.ContractType,
		ContractStart:             v.ContractStart,
		ContractEnd:               v.ContractEnd,
		RecordedAt:                v.RecordedAt,
	}
}

func (d awardDocument) award() domain.Award {
	var v domain.Award
	v.ContractorKvK = d.ContractorKvK
	v.ContractorName = d.ContractorName
	v.ContractValueExclVatCents = d.ContractValueExclVatCents
	v.SroiBasisPoints = d.SroiBasisPoints
	v.PublicationDate = d.PublicationDate
	v.AwardedOn = d.AwardedOn
	v.ContractType = d.ContractType
	v.ContractStart = d.ContractStart
	v.ContractEnd = d.ContractEnd
	v.RecordedAt = d.RecordedAt
	return v
}

type contractDocument struct {
	ID                  string                    `json:"id"`
	Number              string                    `json:"number"`
	SchemeID            string                    `json:"schemeId"`
	SchemeReference     string                    `json:"schemeReference"`
	Region              string                    `json:"region"`
	Buyer               string                    `json:"buyer"`
	ProviderKvK         string                    `json:"providerKvk"`
	ProviderName        string                    `json:"providerName"`
	ApplicationID       string                    `json:"applicationId"`
	Products            []contractProductDocument `json:"products"`
	Status              domain.ContractStatus     `json:"status"`
	AwardedAt           time.Time                 `json:"awardedAt"`
	SuspendedReason     string                    `json:"suspendedReason,omitempty"`
	MissingCertificates []string                  `json:"missingCertificates,omitempty"`
	EndReason           string                    `json:"endReason,omitempty"`
	History             []statusChangeDocument    `json:"history"`
}

func documentOfContract(v domain.Contract) contractDocument {
	return contractDocument{
		ID:                  v.ID,
		Number:              v.Number,
		SchemeID:            v.SchemeID,
		SchemeReference:     v.SchemeReference,
		Region:              v.Region,
		Buyer:               v.Buyer,
		ProviderKvK:         v.ProviderKvK,
		ProviderName:        v.ProviderName,
		ApplicationID:       v.ApplicationID,
		Products:            convert.Each(v.Products, documentOfContractProduct),
		Status:              v.Status,
		AwardedAt:           v.AwardedAt,
		SuspendedReason:     v.SuspendedReason,
		MissingCertificates: v.MissingCertificates,
		EndReason:           v.EndReason,
		History:             convert.Each(v.History, documentOfStatusChange),
	}
}

func (d contractDocument) contract() domain.Contract {
	var v domain.Contract
	v.ID = d.ID
	v.Number = d.Number
	v.SchemeID = d.SchemeID
	v.SchemeReference = d.SchemeReference
	v.Region = d.Region
	v.Buyer = d.Buyer
	v.ProviderKvK = d.ProviderKvK
	v.ProviderName = d.ProviderName
	v.ApplicationID = d.ApplicationID
	v.Products = convert.Each(d.Products, contractProductDocument.contractProduct)
	v.Status = d.Status
	v.AwardedAt = d.AwardedAt
	v.SuspendedReason = d.SuspendedReason
	v.MissingCertificates = d.MissingCertificates
	v.EndReason = d.EndReason
	v.History = convert.Each(d.History, statusChangeDocument.statusChange)
	return v
}

type contractProductDocument struct {
	ProductID    string `json:"productId"`
	Name         string `json:"name"`
	PriceCents   int64  `json:"priceCents"`
	TermsVersion int    `json:"termsVersion"`
}

func documentOfContractProduct(v domain.ContractProduct) contractProductDocument {
	return contractProductDocument{
		ProductID:    v.ProductID,
		Name:         v.Name,
		PriceCents:   v.PriceCents,
		TermsVersion: v.TermsVersion,
	}
}

func (d contractProductDocument) contractProduct() domain.ContractProduct {
	var v domain.ContractProduct
	v.ProductID = d.ProductID
	v.Name = d.Name
	v.PriceCents = d.PriceCents
	v.TermsVersion = d.TermsVersion
	return v
}

type failureDocument struct {
	Requirement string   `json:"requirement"`
	ProductID   string   `json:"productId,omitempty"`
	Detail      string   `json:"detail"`
	Rule        string   `json:"rule,omitempty"` // the detail by its code
	Params      []string `json:"params,omitempty"`
}

func documentOfFailure(v domain.Failure) failureDocument {
	return failureDocument{
		Requirement: v.Requirement,
		ProductID:   v.ProductID,
		Detail:      v.Detail,
		Rule:        v.Why.Code,
		Params:      v.Why.Params,
	}
}

func (d failureDocument) failure() domain.Failure {
	var v domain.Failure
	v.Requirement = d.Requirement
	v.ProductID = d.ProductID
	v.Detail = d.Detail
	v.Why = messages.Message{Code: d.Rule, Params: d.Params}
	return v
}

type heldCertificateDocument struct {
	Name       string     `json:"name"`
	ValidUntil civil.Date `json:"validUntil"`
}

func documentOfHeldCertificate(v domain.HeldCertificate) heldCertificateDocument {
	return heldCertificateDocument{
		Name:       v.Name,
		ValidUntil: v.ValidUntil,
	}
}

func (d heldCertificateDocument) heldCertificate() domain.HeldCertificate {
	var v domain.HeldCertificate
	v.Name = d.Name
	v.ValidUntil = d.ValidUntil
	return v
}

type productDocument struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Description string             `json:"description,omitempty"`
	Terms       []trajectory.Terms `json:"terms"`
}

func documentOfProduct(v domain.Product) productDocument {
	return productDocument{
		ID:          v.ID,
		Name:        v.Name,
		Description: v.Description,
		Terms:       v.Terms,
	}
}

func (d productDocument) product() domain.Product {
	var v domain.Product
	v.ID = d.ID
	v.Name = d.Name
	v.Description = d.Description
	v.Terms = d.Terms
	return v
}

type productOfferDocument struct {
	ProductID              string `json:"productId"`
	PriceCents             int64  `json:"priceCents"`
	PlannedAttendanceHours int    `json:"plannedAttendanceHours"`
}

func documentOfProductOffer(v domain.ProductOffer) productOfferDocument {
	return productOfferDocument{
		ProductID:              v.ProductID,
		PriceCents:             v.PriceCents,
		PlannedAttendanceHours: v.PlannedAttendanceHours,
	}
}

func (d productOfferDocument) productOffer() domain.ProductOffer {
	var v domain.ProductOffer
	v.ProductID = d.ProductID
	v.PriceCents = d.PriceCents
	v.PlannedAttendanceHours = d.PlannedAttendanceHours
	return v
}

type schemeDocument struct {
	ID          string              `json:"id"`
	Reference   string              `json:"reference"`
	Region      string              `json:"region"`
	Buyer       string              `json:"buyer"`
	Title       string              `json:"title"`
	Description string              `json:"description,omitempty"`
	Sector      domain.Sector       `json:"sector"`
	OpenFrom    civil.Date          `json:"openFrom"`
	OpenUntil   civil.Date          `json:"openUntil"`
	Status      domain.SchemeStatus `json:"status"`
	Assessed    []string            `json:"assessedRequirements,omitempty"`
	Products    []productDocument   `json:"products"`
	PublishedAt *time.Time          `json:"publishedAt,omitempty"`
	ClosedAt    *time.Time          `json:"closedAt,omitempty"`
}

func documentOfScheme(v domain.Scheme) schemeDocument {
	return schemeDocument{
		ID:          v.ID,
		Reference:   v.Reference,
		Region:      v.Region,
		Buyer:       v.Buyer,
		Title:       v.Title,
		Description: v.Description,
		Sector:      v.Sector,
		OpenFrom:    v.OpenFrom,
		OpenUntil:   v.OpenUntil,
		Status:      v.Status,
		Assessed:    v.AssessedRequirements,
		Products:    convert.Each(v.Products, documentOfProduct),
		PublishedAt: v.PublishedAt,
		ClosedAt:    v.ClosedAt,
	}
}

func (d schemeDocument) scheme() domain.Scheme {
	var v domain.Scheme
	v.ID = d.ID
	v.Reference = d.Reference
	v.Region = d.Region
	v.Buyer = d.Buyer
	v.Title = d.Title
	v.Description = d.Description
	v.Sector = d.Sector
	v.OpenFrom = d.OpenFrom
	v.OpenUntil = d.OpenUntil
	v.Status = d.Status
	v.AssessedRequirements = d.Assessed
	v.Products = convert.Each(d.Products, productDocument.product)
	v.PublishedAt = d.PublishedAt
	v.ClosedAt = d.ClosedAt
	return v
}

type statusChangeDocument struct {
	Status domain.ContractStatus `json:"status"`
	Reason string                `json:"reason,omitempty"`
	Rule   string                `json:"rule,omitempty"` // the reason by its code, when the platform gave it
	Params []string              `json:"params,omitempty"`
	At     time.Time             `json:"at"`
	By     string                `json:"by"`
}

func documentOfStatusChange(v domain.StatusChange) statusChangeDocument {
	return statusChangeDocument{
		Status: v.Status,
		Reason: v.Reason,
		Rule:   v.Why.Code,
		Params: v.Why.Params,
		At:     v.At,
		By:     v.By,
	}
}

func (d statusChangeDocument) statusChange() domain.StatusChange {
	var v domain.StatusChange
	v.Status = d.Status
	v.Reason = d.Reason
	v.Why = messages.Message{Code: d.Rule, Params: d.Params}
	v.At = d.At
	v.By = d.By
	return v
}

type tenderDocument struct {
	ID                  string              `json:"id"`
	Region              string              `json:"region"`
	Buyer               string              `json:"buyer"`
	Title               string              `json:"title"`
	Description         string              `json:"description,omitempty"`
	Sector              domain.Sector       `json:"sector"`
	ExpectedPublication civil.Date          `json:"expectedPublication"`
	EstimatedValueCents int64               `json:"estimatedValueCents"`
	SroiBasisPoints     int                 `json:"sroiBasisPoints"`
	Status              domain.TenderStatus `json:"status"`
	Award               *awardDocument      `json:"award,omitempty"`
	AnnouncedAt         time.Time           `json:"announcedAt"`
	UpdatedAt           time.Time           `json:"updatedAt"`
}

func documentOfTender(v domain.Tender) tenderDocument {
	return tenderDocument{
		ID:                  v.ID,
		Region:              v.Region,
		Buyer:               v.Buyer,
		Title:               v.Title,
		Description:         v.Description,
		Sector:              v.Sector,
		ExpectedPublication: v.ExpectedPublication,
		EstimatedValueCents: v.EstimatedValueCents,
		SroiBasisPoints:     v.SroiBasisPoints,
		Status:              v.Status,
		Award:               convert.Pointer(v.Award, documentOfAward),
		AnnouncedAt:         v.AnnouncedAt,
		UpdatedAt:           v.UpdatedAt,
	}
}

func (d tenderDocument) tender() domain.Tender {
	var v domain.Tender
	v.ID = d.ID
	v.Region = d.Region
	v.Buyer = d.Buyer
	v.Title = d.Title
	v.Description = d.Description
	v.Sector = d.Sector
	v.ExpectedPublication = d.ExpectedPublication
	v.EstimatedValueCents = d.EstimatedValueCents
	v.SroiBasisPoints = d.SroiBasisPoints
	v.Status = d.Status
	v.Award = convert.Pointer(d.Award, awardDocument.award)
	v.AnnouncedAt = d.AnnouncedAt
	v.UpdatedAt = d.UpdatedAt
	return v
}
