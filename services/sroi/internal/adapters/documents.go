package adapters

import (
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// The documents the aggregates are stored as, in the log and in the views, with the field
// names they are stored under; the domain's types know nothing of storage. A document's
// JSON is what was stored before, so a region's data reads back unchanged.

type awardDocument struct {
	ValueCents   domain.Cents `json:"valueCents"`
	Months       int          `json:"months"`
	ContractType string       `json:"contractType"`
	BasisPoints  int          `json:"basisPoints"`
	Published    civil.Date   `json:"published"`
}

func documentOfAward(v domain.Award) awardDocument {
	return awardDocument{
		ValueCents:   v.ValueCents,
		Months:       v.Months,
		ContractType: v.ContractType,
		BasisPoints:  v.BasisPoints,
		Published:    v.Published,
	}
}

func (d awardDocument) award() domain.Award {
	var v domain.Award
	v.ValueCents = d.ValueCents
	v.Months = d.Months
	v.ContractType = d.ContractType
	v.BasisPoints = d.BasisPoints
	v.Published = d.Published
	return v
}

type candidateInputDocument struct {
	Candidate    domain.CandidateType `json:"candidateType"`
	HoursPerWeek float64              `json:"hoursPerWeek"`
	From         civil.Date           `json:"from"`
	Until        civil.Date           `json:"until"`
	ContractType string               `json:"contractType"`
	AgeBand      domain.AgeBand       `json:"ageBand"`
	Statushouder bool                 `json:"statushouder"`
}

func documentOfCandidateInput(v domain.CandidateInput) candidateInputDocument {
	return candidateInputDocument{
		Candidate:    v.Candidate,
		HoursPerWeek: v.HoursPerWeek,
		From:         v.From,
		Until:        v.Until,
		ContractType: v.ContractType,
		AgeBand:      v.AgeBand,
		Statushouder: v.Statushouder,
	}
}

func (d candidateInputDocument) candidateInput() domain.CandidateInput {
	var v domain.CandidateInput
	v.Candidate = d.Candidate
	v.HoursPerWeek = d.HoursPerWeek
	v.From = d.From
	v.Until = d.Until
	v.ContractType = d.ContractType
	v.AgeBand = d.AgeBand
	v.Statushouder = d.Statushouder
	return v
}

type consentDocument struct {
	Given      bool       `json:"given"`
	On         civil.Date `json:"on"`
	RecordedBy string     `json:"recordedBy"`
}

func documentOfConsent(v domain.Consent) consentDocument {
	return consentDocument{
		Given:      v.Given,
		On:         v.On,
		RecordedBy: v.RecordedBy,
	}
}

func (d consentDocument) consent() domain.Consent {
	var v domain.Consent
	v.Given = d.Given
	v.On = d.On
	v.RecordedBy = d.RecordedBy
	return v
}

type contactDocument struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

func documentOfContact(v domain.Contact) contactDocument {
	return contactDocument{
		Name:  v.Name,
		Email: v.Email,
	}
}

func (d contactDocument) contact() domain.Contact {
	var v domain.Contact
	v.Name = d.Name
	v.Email = d.Email
	return v
}

type contributionDocument struct {
	Kind         string               `json:"kind"`
	Candidate    domain.CandidateType `json:"candidateType,omitempty"`
	HoursPerWeek float64              `json:"hoursPerWeek,omitempty"`
	From         civil.Date           `json:"from,omitzero"`
	Until        civil.Date           `json:"until,omitzero"`
	Bonuses      []domain.Bonus       `json:"bonuses,omitempty"`
	InvoiceCents domain.Cents         `json:"invoiceCents,omitempty"`
	Enterprise   string               `json:"enterprise,omitempty"`
	Hours        int                  `json:"hours,omitempty"`
}

func documentOfContribution(v domain.Contribution) contributionDocument {
	return contributionDocument{
		Kind:         v.Kind,
		Candidate:    v.Candidate,
		HoursPerWeek: v.HoursPerWeek,
		From:         v.From,
		Until:        v.Until,
		Bonuses:      v.Bonuses,
		InvoiceCents: v.InvoiceCents,
		Enterprise:   v.Enterprise,
		Hours:        v.Hours,
	}
}

func (d contributionDocument) contribution() domain.Contribution {
	var v domain.Contribution
	v.Kind = d.Kind
	v.Candidate = d.Candidate
	v.HoursPerWeek = d.HoursPerWeek
	v.From = d.From
	v.Until = d.Until
	v.Bonuses = d.Bonuses
	v.InvoiceCents = d.InvoiceCents
	v.Enterprise = d.Enterprise
	v.Hours = d.Hours
	return v
}

type declarationDocument struct {
	ID            string                   `json:"id"`
	Region        string                   `json:"region"`
	ProjectID     string                   `json:"projectId"`
	ContractorKvK string                   `json:"contractorKvk"`
	Kind          string                   `json:"kind"`
	Status        domain.DeclarationStatus `json:"status"`
	Candidate     *candidateInputDocument  `json:"candidate,omitempty"`
	Purchase      *purchaseInputDocument   `json:"purchase,omitempty"`
	Hours         *hoursInputDocument      `json:"hours,omitempty"`
	Source        string                   `json:"source,omitempty"`
	EnrolmentID   string                   `json:"enrolmentId,omitempty"`
	Consent       *consentDocument         `json:"consent,omitempty"`
	Person        string                   `json:"person,omitempty"`
	Months        []string                 `json:"months,omitempty"`
	Counted       []string                 `json:"counted,omitempty"`
	Planned       []string                 `json:"planned,omitempty"`
	Claiming      []string                 `json:"claiming,omitempty"`
	Refused       []refusedMonthDocument   `json:"refused,omitempty"`
	Value         valueDocument            `json:"value"`
	PlannedCents  domain.Cents             `json:"plannedCents"`
	Key           string                   `json:"key,omitempty"`
	Units         []string                 `json:"units,omitempty"`
	DecideBy      civil.Date               `json:"decideBy,omitzero"`
	RemindOn      civil.Date               `json:"remindOn,omitzero"`
	Reminded      bool                     `json:"reminded,omitempty"`
	MaxMonths     int                      `json:"maxMonths,omitempty"`
	Reason        string                   `json:"reason,omitempty"`
	DecidedBy     string                   `json:"decidedBy,omitempty"`
	DecidedAt     *time.Time               `json:"decidedAt,omitempty"`
	Evidence      []evidenceDocument       `json:"evidence,omitempty"`
	SubmittedBy   string                   `json:"submittedBy"`
	SubmittedAt   time.Time                `json:"submittedAt"`
	UpdatedAt     time.Time                `json:"updatedAt"`
}

func documentOfDeclaration(v domain.Declaration) declarationDocument {
	return declarationDocument{
		ID:            v.ID,
		Region:        v.Region,
		ProjectID:     v.ProjectID,
		ContractorKvK: v.ContractorKvK,
		Kind:          v.Kind,
		Status:        v.Status,
		Candidate:     convert.Pointer(v.Candidate, documentOfCandidateInput),
		Purchase:      convert.Pointer(v.Purchase, documentOfPurchaseInput),
		Hours:         convert.Pointer(v.Hours, documentOfHoursInput),
		Source:        v.Source,
		EnrolmentID:   v.EnrolmentID,
		Consent:       convert.Pointer(v.Consent, documentOfConsent),
		Person:        v.Person,
		Months:        v.Months,
		Counted:       v.Counted,
		Planned:       v.Planned,
		Claiming:      v.Claiming,
		Refused:       convert.Each(v.Refused, documentOfRefusedMonth),
		Value:         documentOfValue(v.Value),
		PlannedCents:  v.PlannedCents,
		Key:           v.Key,
		Units:         v.Units,
		DecideBy:      v.DecideBy,
		RemindOn:      v.RemindOn,
		Reminded:      v.Reminded,
		MaxMonths:     v.MaxMonths,
		Reason:        v.Reason,
		DecidedBy:     v.DecidedBy,
		DecidedAt:     v.DecidedAt,
		Evidence:      convert.Each(v.Evidence, documentOfEvidence),
		SubmittedBy:   v.SubmittedBy,
		SubmittedAt:   v.SubmittedAt,
		UpdatedAt:     v.UpdatedAt,
	}
}

func (d declarationDocument) declaration() domain.Declaration {
	var v domain.Declaration
	v.ID = d.ID
	v.Region = d.Region
	v.ProjectID = d.ProjectID
	v.ContractorKvK = d.ContractorKvK
	v.Kind = d.Kind
	v.Status = d.Status
	v.Candidate = convert.Pointer(d.Candidate, candidateInputDocument.candidateInput)
	v.Purchase = convert.Pointer(d.Purchase, purchaseInputDocument.purchaseInput)
	v.Hours = convert.Pointer(d.Hours, hoursInputDocument.hoursInput)
	v.Source = d.Source
	v.EnrolmentID = d.EnrolmentID
	v.Consent = convert.Pointer(d.Consent, consentDocument.consent)
	v.Person = d.Person
	v.Months = d.Months
	v.Counted = d.Counted
	v.Planned = d.Planned
	v.Claiming = d.Claiming
	v.Refused = convert.Each(d.Refused, refusedMonthDocument.refusedMonth)
	v.Value = d.Value.value()
	v.PlannedCents = d.PlannedCents
	v.Key = d.Key
	v.Units = d.Units
	v.DecideBy = d.DecideBy
	v.RemindOn = d.RemindOn
	v.Reminded = d.Reminded
	v.MaxMonths = d.MaxMonths
	v.Reason = d.Reason
	v.DecidedBy = d.DecidedBy
	v.DecidedAt = d.DecidedAt
	v.Evidence = convert.Each(d.Evidence, evidenceDocument.evidence)
	v.SubmittedBy = d.SubmittedBy
	v.SubmittedAt = d.SubmittedAt
	v.UpdatedAt = d.UpdatedAt
	return v
}

type evidenceDocument struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"contentType"`
	Bytes       int64     `json:"bytes"`
	SHA256      string    `json:"sha256"`
	AddedBy     string    `json:"addedBy"`
	AddedAt     time.Time `json:"addedAt"`
}

func documentOfEvidence(v domain.Evidence) evidenceDocument {
	return evidenceDocument{
		ID:          v.ID,
		Name:        v.Name,
		ContentType: v.ContentType,
		Bytes:       v.Bytes,
		SHA256:      v.SHA256,
		AddedBy:     v.AddedBy,
		AddedAt:     v.AddedAt,
	}
}

func (d evidenceDocument) evidence() domain.Evidence {
	var v domain.Evidence
	v.ID = d.ID
	v.Name = d.Name
	v.ContentType = d.ContentType
	v.Bytes = d.Bytes
	v.SHA256 = d.SHA256
	v.AddedBy = d.AddedBy
	v.AddedAt = d.AddedAt
	return v
}

type figuresDocument struct {
	DeclaredCents     domain.Cents            `json:"declaredCents"`
	ApprovedCents     domain.Cents            `json:"approvedCents"`
	PendingCents      domain.Cents            `json:"pendingCents"`
	PlannedCents      domain.Cents            `json:"plannedCents"`
	Declarations      int                     `json:"declarations"`
	Approved          int                     `json:"approved"`
	ApprovedByType    map[string]domain.Cents `json:"approvedByType,omitempty"`
	ApprovedByQuarter map[string]domain.Cents `json:"approvedByQuarter,omitempty"`
}

func documentOfFigures(v domain.Figures) figuresDocument {
	return figuresDocument{
		DeclaredCents:     v.DeclaredCents,
		ApprovedCents:     v.ApprovedCents,
		PendingCents:      v.PendingCents,
		PlannedCents:      v.PlannedCents,
		Declarations:      v.Declarations,
		Approved:          v.Approved,
		ApprovedByType:    v.ApprovedByType,
		ApprovedByQuarter: v.ApprovedByQuarter,
	}
}

func (d figuresDocument) figures() domain.Figures {
	var v domain.Figures
	v.DeclaredCents = d.DeclaredCents
	v.ApprovedCents = d.ApprovedCents
	v.PendingCents = d.PendingCents
	v.PlannedCents = d.PlannedCents
	v.Declarations = d.Declarations
	v.Approved = d.Approved
	v.ApprovedByType = d.ApprovedByType
	v.ApprovedByQuarter = d.ApprovedByQuarter
	return v
}

type hoursInputDocument struct {
	Hours    int        `json:"hours"`
	Activity string     `json:"activity"`
	On       civil.Date `json:"on"`
}

func documentOfHoursInput(v domain.HoursInput) hoursInputDocument {
	return hoursInputDocument{
		Hours:    v.Hours,
		Activity: v.Activity,
		On:       v.On,
	}
}

func (d hoursInputDocument) hoursInput() domain.HoursInput {
	var v domain.HoursInput
	v.Hours = d.Hours
	v.Activity = d.Activity
	v.On = d.On
	return v
}

type obligationDocument struct {
	Cents       domain.Cents      `json:"cents"`
	BasisPoints int               `json:"basisPoints"`
	Capped      bool              `json:"capped"`
	Rule        string            `json:"rule"`
	Why         []messages.Stored `json:"why,omitempty"`
	Policy      int               `json:"policyVersion"`
}

// documentsOfSaid are an obligation's parts as kept; data kept before reasons had rules has
// none, and shows its English.
func documentsOfSaid(ms []messages.Message) []messages.Stored {
	out := make([]messages.Stored, 0, len(ms))
	for _, m := range ms {
		if stored := messages.Store(m); stored != nil {
			out = append(out, *stored)
		}
	}
	return out
}

func documentOfObligation(v domain.Obligation) obligationDocument {
	return obligationDocument{
		Cents:       v.Cents,
		BasisPoints: v.BasisPoints,
		Capped:      v.Capped,
		Rule:        v.Rule,
		Why:         documentsOfSaid(v.Why),
		Policy:      v.Policy,
	}
}

func (d obligationDocument) obligation() domain.Obligation {
	var v domain.Obligation
	v.Cents = d.Cents
	v.BasisPoints = d.BasisPoints
	v.Capped = d.Capped
	v.Rule = d.Rule
	for i := range d.Why {
		v.Why = append(v.Why, d.Why[i].Message())
	}
	v.Policy = d.Policy
	return v
}

type overrideDocument struct {
	Cents  domain.Cents `json:"cents"`
	Reason string       `json:"reason"`
	By     string       `json:"by"`
	At     time.Time    `json:"at"`
}

func documentOfOverride(v domain.Override) overrideDocument {
	return overrideDocument{
		Cents:  v.Cents,
		Reason: v.Reason,
		By:     v.By,
		At:     v.At,
	}
}

func (d overrideDocument) override() domain.Override {
	var v domain.Override
	v.Cents = d.Cents
	v.Reason = d.Reason
	v.By = d.By
	v.At = d.At
	return v
}

type partiesDocument struct {
	Buyer      contactDocument `json:"buyer"`
	Contractor contactDocument `json:"contractor"`
	Werkplein  contactDocument `json:"werkplein"`
}

func documentOfParties(v domain.Parties) partiesDocument {
	return partiesDocument{
		Buyer:      documentOfContact(v.Buyer),
		Contractor: documentOfContact(v.Contractor),
		Werkplein:  documentOfContact(v.Werkplein),
	}
}

func (d partiesDocument) parties() domain.Parties {
	var v domain.Parties
	v.Buyer = d.Buyer.contact()
	v.Contractor = d.Contractor.contact()
	v.Werkplein = d.Werkplein.contact()
	return v
}

type policyDocument struct {
	Region         string                  `json:"region"`
	Version        int                     `json:"version"`
	EffectiveFrom  civil.Date              `json:"effectiveFrom"`
	Source         string                  `json:"source"`
	ThresholdCents domain.Cents            `json:"thresholdCents"`
	MinMonths      int                     `json:"minMonths"`
	BasisPoints    int                     `json:"basisPoints"`
	CapCents       domain.Cents            `json:"capCents"`
	ContractTypes  []string                `json:"contractTypes"`
	Thresholds     map[string]domain.Cents `json:"thresholds,omitempty"`
	DefaultMonths  int                     `json:"defaultMonths"`
	GraceMonths    int                     `json:"graceMonths"`
}

func documentOfPolicy(v domain.Policy) policyDocument {
	return policyDocument{
		Region:         v.Region,
		Version:        v.Version,
		EffectiveFrom:  v.EffectiveFrom,
		Source:         v.Source,
		ThresholdCents: v.ThresholdCents,
		MinMonths:      v.MinMonths,
		BasisPoints:    v.BasisPoints,
		CapCents:       v.CapCents,
		ContractTypes:  v.ContractTypes,
		Thresholds:     v.Thresholds,
		DefaultMonths:  v.DefaultMonths,
		GraceMonths:    v.GraceMonths,
	}
}

func (d policyDocument) policy() domain.Policy {
	var v domain.Policy
	v.Region = d.Region
	v.Version = d.Version
	v.EffectiveFrom = d.EffectiveFrom
	v.Source = d.Source
	v.ThresholdCents = d.ThresholdCents
	v.MinMonths = d.MinMonths
	v.BasisPoints = d.BasisPoints
	v.CapCents = d.CapCents
	v.ContractTypes = d.ContractTypes
	v.Thresholds = d.Thresholds
	v.DefaultMonths = d.DefaultMonths
	v.GraceMonths = d.GraceMonths
	return v
}

type progressDocument struct {
	ObligationCents domain.Cents         `json:"obligationCents"`
	DeclaredCents   domain.Cents         `json:"declaredCents"`
	ApprovedCents   domain.Cents         `json:"approvedCents"`
	ForecastCents   domain.Cents         `json:"forecastCents"`
	RealisedBP      int                  `json:"realisedBasisPoints"`
	ExpectedBP      int                  `json:"expectedBasisPoints"`
	Status          domain.ProjectStatus `json:"status"`
	Reason          string               `json:"reason"`
}

func documentOfProgress(v domain.Progress) progressDocument {
	return progressDocument{
		ObligationCents: v.ObligationCents,
		DeclaredCents:   v.DeclaredCents,
		ApprovedCents:   v.ApprovedCents,
		ForecastCents:   v.ForecastCents,
		RealisedBP:      v.RealisedBP,
		ExpectedBP:      v.ExpectedBP,
		Status:          v.Status,
		Reason:          v.Reason,
	}
}

func (d progressDocument) progress() domain.Progress {
	var v domain.Progress
	v.ObligationCents = d.ObligationCents
	v.DeclaredCents = d.DeclaredCents
	v.ApprovedCents = d.ApprovedCents
	v.ForecastCents = d.ForecastCents
	v.RealisedBP = d.RealisedBP
	v.ExpectedBP = d.ExpectedBP
	v.Status = d.Status
	v.Reason = d.Reason
	return v
}

type projectDocument struct {
	ID             string             `json:"id"`
	Region         string             `json:"region"`
	TenderID       string             `json:"tenderId"`
	Title          string             `json:"title"`
	Sector         string             `json:"sector"`
	Buyer          string             `json:"buyer"`
	ContractorKvK  string             `json:"contractorKvk"`
	ContractorName string             `json:"contractorName"`
	Award          awardDocument      `json:"award"`
	AwardedOn      civil.Date         `json:"awardedOn"`
	Deadline       civil.Date         `json:"deadline"`
	DeadlineRule   string             `json:"deadlineRule"`
	DeadlineWhy    *messages.Stored   `json:"deadlineWhy,omitempty"`
	Table          string             `json:"table"`
	Computed       obligationDocument `json:"computed"`
	NoPolicy       bool               `json:"noPolicy,omitempty"`
	GraceMonths    int                `json:"graceMonths"`
	Override       *overrideDocument  `json:"override,omitempty"`
	Parties        partiesDocument    `json:"parties"`
	Figures        figuresDocument    `json:"figures"`
	Progress       progressDocument   `json:"progress"`
	CheckedOn      civil.Date         `json:"checkedOn"`
	NextCheck      civil.Date         `json:"nextCheck,omitzero"`
	Reminders      []string           `json:"reminders,omitempty"`
	UpdatedAt      time.Time          `json:"updatedAt"`
}

func documentOfProject(v domain.Project) projectDocument {
	return projectDocument{
		ID:             v.ID,
		Region:         v.Region,
		TenderID:       v.TenderID,
		Title:          v.Title,
		Sector:         v.Sector,
		Buyer:          v.Buyer,
		ContractorKvK:  v.ContractorKvK,
		ContractorName: v.ContractorName,
		Award:          documentOfAward(v.Award),
		AwardedOn:      v.AwardedOn,
		Deadline:       v.Deadline,
		DeadlineRule:   v.DeadlineRule,
		DeadlineWhy:    messages.Store(v.DeadlineWhy),
		Table:          v.Table,
		Computed:       documentOfObligation(v.Computed),
		NoPolicy:       v.NoPolicy,
		GraceMonths:    v.GraceMonths,
		Override:       convert.Pointer(v.Override, documentOfOverride),
		Parties:        documentOfParties(v.Parties),
		Figures:        documentOfFigures(v.Figures),
		Progress:       documentOfProgress(v.Progress),
		CheckedOn:      v.CheckedOn,
		NextCheck:      v.NextCheck,
		Reminders:      v.Reminders,
		UpdatedAt:      v.UpdatedAt,
	}
}

func (d projectDocument) project() domain.Project {
	var v domain.Project
	v.ID = d.ID
	v.Region = d.Region
	v.TenderID = d.TenderID
	v.Title = d.Title
	v.Sector = d.Sector
	v.Buyer = d.Buyer
	v.ContractorKvK = d.ContractorKvK
	v.ContractorName = d.ContractorName
	v.Award = d.Award.award()
	v.AwardedOn = d.AwardedOn
	v.Deadline = d.Deadline
	v.DeadlineRule = d.DeadlineRule
	v.DeadlineWhy = d.DeadlineWhy.Message()
	v.Table = d.Table
	v.Computed = d.Computed.obligation()
	v.NoPolicy = d.NoPolicy
	v.GraceMonths = d.GraceMonths
	v.Override = convert.Pointer(d.Override, overrideDocument.override)
	v.Parties = d.Parties.parties()
	v.Figures = d.Figures.figures()
	v.Progress = d.Progress.progress()
	v.CheckedOn = d.CheckedOn
	v.NextCheck = d.NextCheck
	v.Reminders = d.Reminders
	v.UpdatedAt = d.UpdatedAt
	return v
}

type purchaseInputDocument struct {
	InvoiceCents  domain.Cents `json:"invoiceCents"`
	Enterprise    string       `json:"enterprise"`
	Supplier      string       `json:"supplier"`
	SupplierKvK   string       `json:"supplierKvk"`
	InvoiceNumber string       `json:"invoiceNumber"`
	InvoiceDate   civil.Date   `json:"invoiceDate"`
}

func documentOfPurchaseInput(v domain.PurchaseInput) purchaseInputDocument {
	return purchaseInputDocument{
		InvoiceCents:  v.InvoiceCents,
		Enterprise:    v.Enterprise,
		Supplier:      v.Supplier,
		SupplierKvK:   v.SupplierKvK,
		InvoiceNumber: v.InvoiceNumber,
		InvoiceDate:   v.InvoiceDate,
	}
}

func (d purchaseInputDocument) purchaseInput() domain.PurchaseInput {
	var v domain.PurchaseInput
	v.InvoiceCents = d.InvoiceCents
	v.Enterprise = d.Enterprise
	v.Supplier = d.Supplier
	v.SupplierKvK = d.SupplierKvK
	v.InvoiceNumber = d.InvoiceNumber
	v.InvoiceDate = d.InvoiceDate
	return v
}

type refusedMonthDocument struct {
	Month  string           `json:"month"`
	Reason string           `json:"reason"`
	Why    *messages.Stored `json:"why,omitempty"`
	Taken  bool             `json:"taken,omitempty"`
}

func documentOfRefusedMonth(v domain.RefusedMonth) refusedMonthDocument {
	return refusedMonthDocument{Month: v.Month, Reason: v.Reason, Why: messages.Store(v.Why), Taken: v.Taken}
}

func (d refusedMonthDocument) refusedMonth() domain.RefusedMonth {
	return domain.RefusedMonth{Month: d.Month, Reason: d.Reason, Why: d.Why.Message(), Taken: d.Taken}
}

type stepDocument struct {
	Rule   string           `json:"rule"`
	Detail string           `json:"detail"`
	Why    *messages.Stored `json:"why,omitempty"`
	Cents  domain.Cents     `json:"cents"`
}

func documentOfStep(v domain.Step) stepDocument {
	return stepDocument{Rule: v.Rule, Detail: v.Detail, Why: messages.Store(v.Why), Cents: v.Cents}
}

func (d stepDocument) step() domain.Step {
	return domain.Step{Rule: d.Rule, Detail: d.Detail, Why: d.Why.Message(), Cents: d.Cents}
}

type tableDocument struct {
	ID                  string                                `json:"id"`
	Region              string                                `json:"region"`
	Name                string                                `json:"name"`
	Version             int                                   `json:"version"`
	EffectiveFrom       civil.Date                            `json:"effectiveFrom"`
	Source              string                                `json:"source"`
	FullTimeHours       int                                   `json:"fullTimeHours"`
	Yearly              map[domain.CandidateType]domain.Cents `json:"yearlyCents"`
	Bonuses             map[domain.Bonus]domain.Cents         `json:"bonusCents"`
	MaxMonths           int                                   `json:"maxMonths"`
	MaxMonthsByType     map[domain.CandidateType]int          `json:"maxMonthsByType"`
	PurchaseBasisPoints map[string]int                        `json:"purchaseBasisPoints"`
	HourlyCents         domain.Cents                          `json:"hourlyCents"`
	Examples            []tableExampleDocument                `json:"examples,omitempty"`
}

func documentOfTable(v domain.Table) tableDocument {
	return tableDocument{
		ID:                  v.ID,
		Region:              v.Region,
		Name:                v.Name,
		Version:             v.Version,
		EffectiveFrom:       v.EffectiveFrom,
		Source:              v.Source,
		FullTimeHours:       v.FullTimeHours,
		Yearly:              v.Yearly,
		Bonuses:             v.Bonuses,
		MaxMonths:           v.MaxMonths,
		MaxMonthsByType:     v.MaxMonthsByType,
		PurchaseBasisPoints: v.PurchaseBasisPoints,
		HourlyCents:         v.HourlyCents,
		Examples:            convert.Each(v.Examples, documentOfTableExample),
	}
}

func (d tableDocument) table() domain.Table {
	var v domain.Table
	v.ID = d.ID
	v.Region = d.Region
	v.Name = d.Name
	v.Version = d.Version
	v.EffectiveFrom = d.EffectiveFrom
	v.Source = d.Source
	v.FullTimeHours = d.FullTimeHours
	v.Yearly = d.Yearly
	v.Bonuses = d.Bonuses
	v.MaxMonths = d.MaxMonths
	v.MaxMonthsByType = d.MaxMonthsByType
	v.PurchaseBasisPoints = d.PurchaseBasisPoints
	v.HourlyCents = d.HourlyCents
	v.Examples = convert.Each(d.Examples, tableExampleDocument.tableExample)
	return v
}

type tableExampleDocument struct {
	Description   string               `json:"description"`
	Contribution  contributionDocument `json:"contribution"`
	Months        int                  `json:"months"`
	ExpectedCents domain.Cents         `json:"expectedCents"`
}

func documentOfTableExample(v domain.TableExample) tableExampleDocument {
	return tableExampleDocument{
		Description:   v.Description,
		Contribution:  documentOfContribution(v.Contribution),
		Months:        v.Months,
		ExpectedCents: v.ExpectedCents,
	}
}

func (d tableExampleDocument) tableExample() domain.TableExample {
	var v domain.TableExample
	v.Description = d.Description
	v.Contribution = d.Contribution.contribution()
	v.Months = d.Months
	v.ExpectedCents = d.ExpectedCents
	return v
}

type valueDocument struct {
	Cents  domain.Cents   `json:"cents"`
	Months int            `json:"months,omitempty"`
	Table  string         `json:"table"`
	Trace  []stepDocument `json:"trace"`
}

func documentOfValue(v domain.Value) valueDocument {
	return valueDocument{
		Cents:  v.Cents,
		Months: v.Months,
		Table:  v.Table,
		Trace:  convert.Each(v.Trace, documentOfStep),
	}
}

func (d valueDocument) value() domain.Value {
	var v domain.Value
	v.Cents = d.Cents
	v.Months = d.Months
	v.Table = d.Table
	v.Trace = convert.Each(d.Trace, stepDocument.step)
	return v
}

type publishedPolicyDocument struct {
	policyDocument
	PublishedBy string    `json:"publishedBy"`
	PublishedAt time.Time `json:"publishedAt"`
}

func documentOfPublishedPolicy(v app.PublishedPolicy) publishedPolicyDocument {
	return publishedPolicyDocument{policyDocument: documentOfPolicy(v.Policy), PublishedBy: v.PublishedBy, PublishedAt: v.PublishedAt}
}

func (d publishedPolicyDocument) publishedPolicy() app.PublishedPolicy {
	return app.PublishedPolicy{Policy: d.policy(), PublishedBy: d.PublishedBy, PublishedAt: d.PublishedAt}
}

type publishedTableDocument struct {
	tableDocument
	PublishedBy string    `json:"publishedBy"`
	PublishedAt time.Time `json:"publishedAt"`
}

func documentOfPublishedTable(v app.PublishedTable) publishedTableDocument {
	return publishedTableDocument{tableDocument: documentOfTable(v.Table), PublishedBy: v.PublishedBy, PublishedAt: v.PublishedAt}
}

func (d publishedTableDocument) publishedTable() app.PublishedTable {
	return app.PublishedTable{Table: d.table(), PublishedBy: d.PublishedBy, PublishedAt: d.PublishedAt}
}
