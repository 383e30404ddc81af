package adapters

import (
	"encoding/json"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// The documents the aggregates are stored as, in the log and in the views, with the field
// names they are stored under; the domain's types know nothing of storage. A document's
// JSON is what was stored before, so a region's data reads back unchanged.

type bblProgrammeDocument struct {
	StartedOn     civil.Date `json:"startedOn"`
	Qualification string     `json:"qualification"`
	School        string     `json:"school"`
	EmployerKvK   string     `json:"employerKvk"`
}

func documentOfBBLProgramme(v domain.BBLProgramme) bblProgrammeDocument {
	return bblProgrammeDocument{
		StartedOn:     v.StartedOn,
		Qualification: v.Qualification,
		School:        v.School,
		EmployerKvK:   v.EmployerKvK,
	}
}

func (d bblProgrammeDocument) bblProgramme() domain.BBLProgramme {
	var v domain.BBLProgramme
	v.StartedOn = d.StartedOn
	v.Qualification = d.Qualification
	v.School = d.School
	v.EmployerKvK = d.EmployerKvK
	return v
}

type consentDocument struct {
	Purpose     string     `json:"purpose"`
	GivenOn     civil.Date `json:"givenOn"`
	WithdrawnOn civil.Date `json:"withdrawnOn,omitzero"`
}

func documentOfConsent(v domain.Consent) consentDocument {
	return consentDocument{
		Purpose:     v.Purpose,
		GivenOn:     v.GivenOn,
		WithdrawnOn: v.WithdrawnOn,
	}
}

func (d consentDocument) consent() domain.Consent {
	var v domain.Consent
	v.Purpose = d.Purpose
	v.GivenOn = d.GivenOn
	v.WithdrawnOn = d.WithdrawnOn
	return v
}

type enrolmentDocument struct {
	MadeBy         string               `json:"madeBy,omitempty"`
	Applied        []string             `json:"applied,omitempty"`
	ID             string               `json:"id"`
	ParticipantID  string               `json:"participantId"`
	Person         string               `json:"person,omitempty"`
	PersonKey      string               `json:"personKey,omitempty"`
	Region         string               `json:"region"`
	Organisation   string               `json:"organisation,omitempty"`
	ContractID     string               `json:"contractId"`
	ContractNumber string               `json:"contractNumber"`
	SchemeID       string               `json:"schemeId"`
	ProviderKvK    string               `json:"providerKvk"`
	ProviderName   string               `json:"providerName"`
	ProductID      string               `json:"productId"`
	ProductName    string               `json:"productName"`
	Location       string               `json:"location"`
	StartDate      civil.Date           `json:"startDate"`
	PriceCents     int64                `json:"priceCents"`
	Terms          trajectory.Terms     `json:"terms"`
	Seat           int                  `json:"seat"`
	TargetGroups   []domain.TargetGroup `json:"targetGroups"`
	Status         domain.Status        `json:"status"`
	EnrolledAt     time.Time            `json:"enrolledAt"`
	StartedOn      civil.Date           `json:"startedOn,omitzero"`
	CompletedOn    civil.Date           `json:"completedOn,omitzero"`
	PlacedOn       civil.Date           `json:"placedOn,omitzero"`
	SustainableOn  civil.Date           `json:"sustainableOn,omitzero"`
	DroppedOutOn   civil.Date           `json:"droppedOutOn,omitzero"`
	DropoutReason  string               `json:"dropoutReason,omitempty"`
	Placements     []placementDocument  `json:"placements"`
	History        []transitionDocument `json:"history"`
}

func documentOfEnrolment(v domain.Enrolment) enrolmentDocument {
	return enrolmentDocument{
		MadeBy:         v.MadeBy,
		Applied:        v.Applied,
		ID:             v.ID,
		ParticipantID:  v.ParticipantID,
		Person:         v.Person,
		PersonKey:      v.PersonKey,
		Region:         v.Region,
		Organisation:   v.Organisation,
		ContractID:     v.ContractID,
		ContractNumber: v.ContractNumber,
		SchemeID:       v.SchemeID,
		ProviderKvK:    v.ProviderKvK,
		ProviderName:   v.ProviderName,
		ProductID:      v.ProductID,
		ProductName:    v.ProductName,
		Location:       v.Location,
		StartDate:      v.StartDate,
		PriceCents:     v.PriceCents,
		Terms:          v.Terms,
		Seat:           v.Seat,
		TargetGroups:   v.TargetGroups,
		Status:         v.Status,
		EnrolledAt:     v.EnrolledAt,
		StartedOn:      v.StartedOn,
		CompletedOn:    v.CompletedOn,
		PlacedOn:       v.PlacedOn,
		SustainableOn:  v.SustainableOn,
		DroppedOutOn:   v.DroppedOutOn,
		DropoutReason:  v.DropoutReason,
		Placements:     convert.Each(v.Placements, documentOfPlacement),
		History:        convert.Each(v.History, documentOfTransition),
	}
}

func (d enrolmentDocument) enrolment() domain.Enrolment {
	var v domain.Enrolment
	v.MadeBy = d.MadeBy
	v.Applied = d.Applied
	v.ID = d.ID
	v.ParticipantID = d.ParticipantID
	v.Person = d.Person
	v.PersonKey = d.PersonKey
	v.Region = d.Region
	v.Organisation = d.Organisation
	v.ContractID = d.ContractID
	v.ContractNumber = d.ContractNumber
	v.SchemeID = d.SchemeID
	v.ProviderKvK = d.ProviderKvK
	v.ProviderName = d.ProviderName
	v.ProductID = d.ProductID
	v.ProductName = d.ProductName
	v.Location = d.Location
	v.StartDate = d.StartDate
	v.PriceCents = d.PriceCents
	v.Terms = d.Terms
	v.Seat = d.Seat
	v.TargetGroups = d.TargetGroups
	v.Status = d.Status
	v.EnrolledAt = d.EnrolledAt
	v.StartedOn = d.StartedOn
	v.CompletedOn = d.CompletedOn
	v.PlacedOn = d.PlacedOn
	v.SustainableOn = d.SustainableOn
	v.DroppedOutOn = d.DroppedOutOn
	v.DropoutReason = d.DropoutReason
	v.Placements = convert.Each(d.Placements, placementDocument.placement)
	v.History = convert.Each(d.History, transitionDocument.transition)
	return v
}

type erasureDocument struct {
	Basis domain.ErasureBasis `json:"basis"`
	At    time.Time           `json:"at"`
}

func documentOfErasure(v domain.Erasure) erasureDocument {
	return erasureDocument{
		Basis: v.Basis,
		At:    v.At,
	}
}

func (d erasureDocument) erasure() domain.Erasure {
	var v domain.Erasure
	v.Basis = d.Basis
	v.At = d.At
	return v
}

type offerDocument struct {
	ContractID     string                 `json:"contractId"`
	ContractNumber string                 `json:"contractNumber"`
	SchemeID       string                 `json:"schemeId"`
	Region         string                 `json:"region"`
	ProviderKvK    string                 `json:"providerKvk"`
	ProviderName   string                 `json:"providerName"`
	ContractStatus string                 `json:"contractStatus"`
	Products       []offerProductDocument `json:"products"`
	Revision       int                    `json:"revision"`
	SchemeRun      *trajectory.Run        `json:"schemeRun,omitempty"`
}

func documentOfOffer(v domain.Offer) offerDocument {
	return offerDocument{
		ContractID:     v.ContractID,
		ContractNumber: v.ContractNumber,
		SchemeID:       v.SchemeID,
		Region:         v.Region,
		ProviderKvK:    v.ProviderKvK,
		ProviderName:   v.ProviderName,
		ContractStatus: v.ContractStatus,
		Products:       convert.Each(v.Products, documentOfOfferProduct),
		Revision:       v.Revision,
		SchemeRun:      v.SchemeRun,
	}
}

func (d offerDocument) offer() domain.Offer {
	var v domain.Offer
	v.ContractID = d.ContractID
	v.ContractNumber = d.ContractNumber
	v.SchemeID = d.SchemeID
	v.Region = d.Region
	v.ProviderKvK = d.ProviderKvK
	v.ProviderName = d.ProviderName
	v.ContractStatus = d.ContractStatus
	v.Products = convert.Each(d.Products, offerProductDocument.offerProduct)
	v.Revision = d.Revision
	v.SchemeRun = d.SchemeRun
	return v
}

type offerProductDocument struct {
	ProductID  string             `json:"productId"`
	Name       string             `json:"name"`
	PriceCents int64              `json:"priceCents"`
	Terms      []trajectory.Terms `json:"terms"`
	Starts     []trajectory.Start `json:"starts"`
}

func documentOfOfferProduct(v domain.OfferProduct) offerProductDocument {
	return offerProductDocument{
		ProductID:  v.ProductID,
		Name:       v.Name,
		PriceCents: v.PriceCents,
		Terms:      v.Terms,
		Starts:     v.Starts,
	}
}

func (d offerProductDocument) offerProduct() domain.OfferProduct {
	var v domain.OfferProduct
	v.ProductID = d.ProductID
	v.Name = d.Name
	v.PriceCents = d.PriceCents
	v.Terms = d.Terms
	v.Starts = d.Starts
	return v
}

type participantDocument struct {
	ID                   string                       `json:"id"`
	Region               string                       `json:"region"`
	Municipality         string                       `json:"municipality"`
	Name                 string                       `json:"name"`
	TargetGroups         []domain.TargetGroup         `json:"targetGroups"`
	LadderStep           int                          `json:"ladderStep"`
	Competencies         []string                     `json:"competencies"`
	WorkCoach            commit.Actor                 `json:"workCoach"`
	Consent              consentDocument              `json:"consent"`
	Praktijkverklaringen []praktijkverklaringDocument `json:"praktijkverklaringen"`
	BBL                  *bblProgrammeDocument        `json:"bbl,omitempty"`
	RegisteredAt         time.Time                    `json:"registeredAt"`
	UpdatedAt            time.Time                    `json:"updatedAt"`
	Erased               *erasureDocument             `json:"erased,omitempty"`
	SealedBSN            sealedBSNDocument            `json:"sealedBsn"` // the BSN, kept sealed beside the participant
}

func documentOfParticipant(v domain.Participant) participantDocument {
	return participantDocument{
		ID:                   v.ID,
		Region:               v.Region,
		Municipality:         v.Municipality,
		Name:                 v.Name,
		TargetGroups:         v.TargetGroups,
		LadderStep:           v.LadderStep,
		Competencies:         v.Competencies,
		WorkCoach:            v.WorkCoach,
		Consent:              documentOfConsent(v.Consent),
		Praktijkverklaringen: convert.Each(v.Praktijkverklaringen, documentOfPraktijkverklaring),
		BBL:                  convert.Pointer(v.BBL, documentOfBBLProgramme),
		RegisteredAt:         v.RegisteredAt,
		UpdatedAt:            v.UpdatedAt,
		Erased:               convert.Pointer(v.Erased, documentOfErasure),
		SealedBSN:            documentOfSealedBSN(v.BSN),
	}
}

func (d participantDocument) participant() domain.Participant {
	var v domain.Participant
	v.BSN = d.SealedBSN.sealedBSN()
	v.ID = d.ID
	v.Region = d.Region
	v.Municipality = d.Municipality
	v.Name = d.Name
	v.TargetGroups = d.TargetGroups
	v.LadderStep = d.LadderStep
	v.Competencies = d.Competencies
	v.WorkCoach = d.WorkCoach
	v.Consent = d.Consent.consent()
	v.Praktijkverklaringen = convert.Each(d.Praktijkverklaringen, praktijkverklaringDocument.praktijkverklaring)
	v.BBL = convert.Pointer(d.BBL, bblProgrammeDocument.bblProgramme)
	v.RegisteredAt = d.RegisteredAt
	v.UpdatedAt = d.UpdatedAt
	v.Erased = convert.Pointer(d.Erased, erasureDocument.erasure)
	return v
}

type partnerSourceDocument struct {
	ID           string             `json:"id"`
	Region       string             `json:"region"`
	Source       string             `json:"source"`
	Role         domain.PartnerRole `json:"role"`
	Org          string             `json:"org"`
	Name         string             `json:"name"`
	RegisteredAt time.Time          `json:"registeredAt"`
	Keys         json.RawMessage    `json:"keys"`
	KeysSince    time.Time          `json:"keysSince"`
	RevokedAt    *time.Time         `json:"revokedAt,omitempty"`
}

func documentOfPartnerSource(v domain.PartnerSource) partnerSourceDocument {
	return partnerSourceDocument{
		ID:           v.ID,
		Region:       v.Region,
		Source:       v.Source,
		Role:         v.Role,
		Org:          v.Org,
		Name:         v.Name,
		RegisteredAt: v.RegisteredAt,
		Keys:         v.Keys,
		KeysSince:    v.KeysSince,
		RevokedAt:    v.RevokedAt,
	}
}

func (d partnerSourceDocument) partnerSource() domain.PartnerSource {
	var v domain.PartnerSource
	v.ID = d.ID
	v.Region = d.Region
	v.Source = d.Source
	v.Role = d.Role
	v.Org = d.Org
	v.Name = d.Name
	v.RegisteredAt = d.RegisteredAt
	v.Keys = d.Keys
	v.KeysSince = d.KeysSince
	v.RevokedAt = d.RevokedAt
	return v
}

type placementDocument struct {
	ID           string              `json:"id"`
	EmployerKvK  string              `json:"employerKvk"`
	StartDate    civil.Date          `json:"startDate"`
	EndDate      civil.Date          `json:"endDate,omitzero"`
	HoursPerWeek float64             `json:"hoursPerWeek"`
	ContractType domain.ContractType `json:"contractType"`
	RecordedBy   string              `json:"recordedBy"`
	ConfirmedBy  []string            `json:"confirmedBy"`
}

func documentOfPlacement(v domain.Placement) placementDocument {
	return placementDocument{
		ID:           v.ID,
		EmployerKvK:  v.EmployerKvK,
		StartDate:    v.StartDate,
		EndDate:      v.EndDate,
		HoursPerWeek: v.HoursPerWeek,
		ContractType: v.ContractType,
		RecordedBy:   v.RecordedBy,
		ConfirmedBy:  v.ConfirmedBy,
	}
}

func (d placementDocument) placement() domain.Placement {
	var v domain.Placement
	v.ID = d.ID
	v.EmployerKvK = d.EmployerKvK
	v.StartDate = d.StartDate
	v.EndDate = d.EndDate
	v.HoursPerWeek = d.HoursPerWeek
	v.ContractType = d.ContractType
	v.RecordedBy = d.RecordedBy
	v.ConfirmedBy = d.ConfirmedBy
	return v
}

type praktijkverklaringDocument struct {
	ID            string     `json:"id"`
	IssuedOn      civil.Date `json:"issuedOn"`
	Qualification string     `json:"qualification"`
	WorkProcesses []string   `json:"workProcesses"`
	IssuedBy      string     `json:"issuedBy"`
}

func documentOfPraktijkverklaring(v domain.Praktijkverklaring) praktijkverklaringDocument {
	return praktijkverklaringDocument{
		ID:            v.ID,
		IssuedOn:      v.IssuedOn,
		Qualification: v.Qualification,
		WorkProcesses: v.WorkProcesses,
		IssuedBy:      v.IssuedBy,
	}
}

func (d praktijkverklaringDocument) praktijkverklaring() domain.Praktijkverklaring {
	var v domain.Praktijkverklaring
	v.ID = d.ID
	v.IssuedOn = d.IssuedOn
	v.Qualification = d.Qualification
	v.WorkProcesses = d.WorkProcesses
	v.IssuedBy = d.IssuedBy
	return v
}

type sealedBSNDocument struct {
	KeyID      string `json:"keyId"`
	Ciphertext string `json:"ciphertext"`
}

func documentOfSealedBSN(v domain.SealedBSN) sealedBSNDocument {
	return sealedBSNDocument{
		KeyID:      v.KeyID,
		Ciphertext: v.Ciphertext,
	}
}

func (d sealedBSNDocument) sealedBSN() domain.SealedBSN {
	var v domain.SealedBSN
	v.KeyID = d.KeyID
	v.Ciphertext = d.Ciphertext
	return v
}

type transitionDocument struct {
	Status domain.Status `json:"status"`
	On     civil.Date    `json:"on"`
	At     time.Time     `json:"at"`
	By     string        `json:"by"`
	Reason string        `json:"reason,omitempty"`
}

func documentOfTransition(v domain.Transition) transitionDocument {
	return transitionDocument{
		Status: v.Status,
		On:     v.On,
		At:     v.At,
		By:     v.By,
		Reason: v.Reason,
	}
}

func (d transitionDocument) transition() domain.Transition {
	var v domain.Transition
	v.Status = d.Status
	v.On = d.On
	v.At = d.At
	v.By = d.By
	v.Reason = d.Reason
	return v
}
