package ports

import (
	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/contracts/openapi/sroiapi"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// The answers of the API: the domain's values in the types generated from the service's
// OpenAPI document, so what is sent is what the contract says.

func candidateInputAnswer(v domain.CandidateInput) sroiapi.CandidateInput {
	return sroiapi.CandidateInput{
		AgeBand:       convert.Ref(sroiapi.CandidateInputAgeBand(v.AgeBand)),
		CandidateType: convert.Ref(sroiapi.CandidateType(v.Candidate)),
		ContractType:  convert.Ref(sroiapi.CandidateInputContractType(v.ContractType)),
		From:          convert.Ref(v.From),
		HoursPerWeek:  convert.Ref(v.HoursPerWeek),
		Statushouder:  convert.Ref(v.Statushouder),
		Until:         convert.Ref(v.Until),
	}
}

func consentAnswer(v domain.Consent) sroiapi.Consent {
	return sroiapi.Consent{
		Given:      v.Given,
		On:         v.On,
		RecordedBy: v.RecordedBy,
	}
}

func contactAnswer(v domain.Contact) sroiapi.Contact {
	return sroiapi.Contact{
		Email: optional.Of(v.Email),
		Name:  optional.Of(v.Name),
	}
}

func declarationAnswer(v domain.Declaration) sroiapi.Declaration {
	return sroiapi.Declaration{
		Candidate:     convert.Pointer(v.Candidate, candidateInputAnswer),
		Claiming:      v.Claiming,
		Consent:       convert.Pointer(v.Consent, consentAnswer),
		ContractorKvK: v.ContractorKvK,
		Counted:       v.Counted,
		DecideBy:      optional.Of(v.DecideBy),
		DecidedAt:     v.DecidedAt,
		DecidedBy:     optional.Of(v.DecidedBy),
		EnrolmentID:   optional.Of(v.EnrolmentID),
		Evidence:      convert.Each(v.Evidence, declarationEvidenceAnswer),
		Hours:         convert.Pointer(v.Hours, declaredHoursAnswer),
		ID:            v.ID,
		Kind:          sroiapi.DeclarationKind(v.Kind),
		MaxMonths:     optional.Of(v.MaxMonths),
		Months:        v.Months,
		Planned:       v.Planned,
		PlannedCents:  convert.Ref(v.PlannedCents),
		ProjectID:     v.ProjectID,
		Purchase:      convert.Pointer(v.Purchase, purchaseAnswer),
		Reason:        optional.Of(v.Reason),
		Refused:       convert.Each(v.Refused, declarationRefusedAnswer),
		Region:        v.Region,
		RemindOn:      optional.Of(v.RemindOn),
		Reminded:      optional.Of(v.Reminded),
		Source:        optional.Of(sroiapi.DeclarationSource(v.Source)),
		Status:        sroiapi.DeclarationStatus(v.Status),
		SubmittedAt:   v.SubmittedAt,
		SubmittedBy:   v.SubmittedBy,
		Units:         v.Units,
		UpdatedAt:     v.UpdatedAt,
		Value:         valueAnswer(v.Value),
	}
}

func financingAnswer(v app.Financing) sroiapi.Financing {
	return sroiapi.Financing{
		BudgetID: v.BudgetID,
		Source:   v.Source,
	}
}

func goalAnswer(v app.Goal) sroiapi.Goal {
	return sroiapi.Goal{
		CreatedAt: v.CreatedAt,
		CreatedBy: v.CreatedBy,
		Deadline:  convert.Ref(v.Deadline),
		From:      convert.Ref(v.From),
		ID:        v.ID,
		Name:      v.Name,
		Region:    v.Region,
		Target:    v.Target,
	}
}

func goalProgressAnswer(v app.GoalProgress) sroiapi.GoalProgress {
	return sroiapi.GoalProgress{
		Goal:           goalAnswer(v.Goal),
		NeededPerMonth: v.NeededPerMon,
		OnTrack:        v.OnTrack,
		Placed:         v.Placed,
		Quarters:       convert.Each(v.Quarters, goalProgressQuartersAnswer),
		Shortfall:      v.Shortfall,
		TargetToday:    v.TargetToday,
	}
}

func indicatorsAnswer(v app.Indicators) sroiapi.Indicators {
	return sroiapi.Indicators{
		Goals:  convert.Each(v.Goals, goalProgressAnswer),
		Region: v.Region,
		Totals: totalsAnswer(v.Totals),
	}
}

func obligationAnswer(v domain.Obligation) sroiapi.Obligation {
	return sroiapi.Obligation{
		BasisPoints:   v.BasisPoints,
		Capped:        v.Capped,
		Cents:         v.Cents,
		PolicyVersion: v.Policy,
		Rule:          v.Rule,
		Why:           convert.Each(v.Why, saidAnswer),
	}
}

// saidAnswer is a reason by its rule; nil for one kept before reasons had rules.
func saidAnswer(m messages.Message) sroiapi.Said {
	return sroiapi.Said{Rule: m.Code, Params: ruleParams(m.Params)}
}

func saidAnswerOf(m messages.Message) *sroiapi.Said {
	if m.Code == "" {
		return nil
	}
	a := saidAnswer(m)
	return &a
}

func partiesAnswer(v domain.Parties) sroiapi.Parties {
	return sroiapi.Parties{
		Buyer:      contactAnswer(v.Buyer),
		Contractor: contactAnswer(v.Contractor),
		Werkplein:  contactAnswer(v.Werkplein),
	}
}

func partnershipAnswer(v app.Partnership) sroiapi.Partnership {
	return sroiapi.Partnership{
		Budgets:   convert.Each(v.Budgets, financingAnswer),
		CreatedAt: v.CreatedAt,
		CreatedBy: v.CreatedBy,
		ID:        v.ID,
		Name:      v.Name,
		Projects:  v.Projects,
		Region:    v.Region,
		Schemes:   v.Schemes,
	}
}

func partnershipReportAnswer(v app.PartnershipReport) sroiapi.PartnershipReport {
	return sroiapi.PartnershipReport{
		Costs:       partnershipReportCostsAnswer(v.Costs),
		Education:   partnershipReportEducationAnswer(v.Education),
		Employers:   partnershipReportEmployersAnswer(v.Employers),
		Government:  partnershipReportGovernmentAnswer(v.Government),
		Impact:      partnershipReportImpactAnswer(v.Impact),
		Partnership: partnershipAnswer(v.Partnership),
	}
}

func progressAnswer(v domain.Progress) sroiapi.Progress {
	return sroiapi.Progress{
		ApprovedCents:       v.ApprovedCents,
		DeclaredCents:       v.DeclaredCents,
		ExpectedBasisPoints: v.ExpectedBP,
		ForecastCents:       v.ForecastCents,
		ObligationCents:     v.ObligationCents,
		RealisedBasisPoints: v.RealisedBP,
		Reason:              v.Reason,
		ReasonRule:          optional.Of(v.Why.Code),
		ReasonParams:        ruleParams(v.Why.Params),
		Status:              sroiapi.ProjectStatus(v.Status),
	}
}

func projectAnswer(v domain.Project) sroiapi.Project {
	return sroiapi.Project{
		Award:          projectAwardAnswer(v.Award),
		AwardedOn:      convert.Ref(v.AwardedOn),
		Buyer:          v.Buyer,
		CheckedOn:      convert.Ref(v.CheckedOn),
		Computed:       obligationAnswer(v.Computed),
		ContractorKvK:  v.ContractorKvK,
		ContractorName: v.ContractorName,
		Deadline:       convert.Ref(v.Deadline),
		DeadlineRule:   v.DeadlineRule,
		DeadlineWhy:    saidAnswerOf(v.DeadlineWhy),
		Figures:        projectFiguresAnswer(v.Figures),
		GraceMonths:    convert.Ref(v.GraceMonths),
		ID:             v.ID,
		NextCheck:      optional.Of(v.NextCheck),
		NoPolicy:       optional.Of(v.NoPolicy),
		Override:       convert.Pointer(v.Override, projectOverrideAnswer),
		Parties:        partiesAnswer(v.Parties),
		Progress:       progressAnswer(v.Progress),
		Region:         v.Region,
		Reminders:      v.Reminders,
		Sector:         convert.Ref(v.Sector),
		Table:          v.Table,
		TenderID:       v.TenderID,
		Title:          v.Title,
		UpdatedAt:      v.UpdatedAt,
	}
}

func policyAnswer(v app.PublishedPolicy) sroiapi.Policy {
	return sroiapi.Policy{
		BasisPoints:    v.BasisPoints,
		CapCents:       v.CapCents,
		ContractTypes:  v.ContractTypes,
		DefaultMonths:  v.DefaultMonths,
		EffectiveFrom:  convert.Ref(v.EffectiveFrom),
		GraceMonths:    v.GraceMonths,
		MinMonths:      convert.Ref(v.MinMonths),
		PublishedAt:    convert.Ref(v.PublishedAt),
		PublishedBy:    convert.Ref(v.PublishedBy),
		Region:         v.Region,
		Source:         v.Source,
		ThresholdCents: v.ThresholdCents,
		Thresholds:     convert.Values(v.Thresholds, func(x domain.Cents) int { return int(x) }),
		Version:        v.Version,
	}
}

func tableAnswer(v app.PublishedTable) sroiapi.Table {
	return sroiapi.Table{
		BonusCents:          convert.Entries[domain.Bonus, string](v.Bonuses, func(x domain.Cents) int64 { return x }),
		EffectiveFrom:       convert.Ref(v.EffectiveFrom),
		Examples:            convert.Each(v.Examples, tableExampleAnswer),
		FullTimeHours:       v.FullTimeHours,
		HourlyCents:         convert.Ref(v.HourlyCents),
		ID:                  v.ID,
		MaxMonths:           convert.Ref(v.MaxMonths),
		MaxMonthsByType:     convert.Entries[domain.CandidateType, string](v.MaxMonthsByType, func(x int) int { return x }),
		Name:                v.Name,
		PublishedAt:         convert.Ref(v.PublishedAt),
		PublishedBy:         convert.Ref(v.PublishedBy),
		PurchaseBasisPoints: v.PurchaseBasisPoints,
		Region:              v.Region,
		Source:              v.Source,
		Version:             v.Version,
		YearlyCents:         convert.Entries[domain.CandidateType, string](v.Yearly, func(x domain.Cents) int64 { return x }),
	}
}

func stepAnswer(v domain.Step) sroiapi.Step {
	return sroiapi.Step{
		Cents:  v.Cents,
		Detail: v.Detail,
		Rule:   v.Rule,
		Why:    saidAnswerOf(v.Why),
	}
}

func tableExampleAnswer(v domain.TableExample) sroiapi.TableExample {
	return sroiapi.TableExample{
		Contribution:  tableExampleContributionAnswer(v.Contribution),
		Description:   v.Description,
		ExpectedCents: v.ExpectedCents,
		Months:        v.Months,
	}
}

func totalsAnswer(v app.Totals) sroiapi.Totals {
	return sroiapi.Totals{
		ApprovedByQuarter:   convert.Values(v.ByQuarter, func(x domain.Cents) int { return int(x) }),
		ApprovedByType:      convert.Values(v.ByType, func(x domain.Cents) int { return int(x) }),
		ApprovedCents:       v.ApprovedCents,
		ByStatus:            v.ByStatus,
		DeclaredCents:       v.DeclaredCents,
		ForecastCents:       v.ForecastCents,
		ObligationCents:     v.ObligationCents,
		Projects:            v.Projects,
		RealisedBasisPoints: v.RealisedBP,
		Scope:               v.Scope,
	}
}

func valueAnswer(v domain.Value) sroiapi.Value {
	return sroiapi.Value{
		Cents:  v.Cents,
		Months: optional.Of(v.Months),
		Table:  v.Table,
		Trace:  convert.Each(v.Trace, stepAnswer),
	}
}

func declarationEvidenceAnswer(v domain.Evidence) sroiapi.Declaration_Evidence {
	return sroiapi.Declaration_Evidence{
		AddedAt:     v.AddedAt,
		AddedBy:     v.AddedBy,
		Bytes:       int(v.Bytes),
		ContentType: v.ContentType,
		ID:          v.ID,
		Name:        v.Name,
		Sha256:      v.SHA256,
	}
}

func declaredHoursAnswer(v domain.HoursInput) sroiapi.DeclaredHours {
	return sroiapi.DeclaredHours{
		Activity: v.Activity,
		Hours:    v.Hours,
		On:       v.On,
	}
}

func purchaseAnswer(v domain.PurchaseInput) sroiapi.Purchase {
	return sroiapi.Purchase{
		Enterprise:    convert.Ref(v.Enterprise),
		InvoiceCents:  v.InvoiceCents,
		InvoiceDate:   v.InvoiceDate,
		InvoiceNumber: v.InvoiceNumber,
		Supplier:      v.Supplier,
		SupplierKvK:   v.SupplierKvK,
	}
}

func declarationRefusedAnswer(v domain.RefusedMonth) sroiapi.Declaration_Refused {
	return sroiapi.Declaration_Refused{
		Month:  v.Month,
		Reason: v.Reason,
		Why:    saidAnswerOf(v.Why),
		Taken:  optional.Of(v.Taken),
	}
}

func goalProgressQuartersAnswer(v app.QuarterCount) sroiapi.GoalProgress_Quarters {
	return sroiapi.GoalProgress_Quarters{
		Cumulative: v.Cumulative,
		Placed:     v.Placed,
		Quarter:    v.Quarter,
		Target:     v.Target,
	}
}

func partnershipReportCostsAnswer(v app.Costs) sroiapi.PartnershipReport_Costs {
	return sroiapi.PartnershipReport_Costs{
		BySource:  convert.Values(v.BySource, partnershipReportCostsBySourceAnswer),
		OwedCents: v.OwedCents,
		PaidCents: v.PaidCents,
	}
}

func partnershipReportEducationAnswer(v app.EducationValue) sroiapi.PartnershipReport_Education {
	return sroiapi.PartnershipReport_Education{
		BBLBolApprovedCents: v.BBLBOLApprovedCents,
		BBLPlacements:       v.BBLPlacements,
	}
}

func partnershipReportEmployersAnswer(v app.EmployersValue) sroiapi.PartnershipReport_Employers {
	return sroiapi.PartnershipReport_Employers{
		Placements:          v.Placements,
		SROIApprovedCents:   v.SroiApprovedCents,
		SROIObligationCents: v.SroiObligationCents,
	}
}

func partnershipReportGovernmentAnswer(v app.GovernmentValue) sroiapi.PartnershipReport_Government {
	return sroiapi.PartnershipReport_Government{
		PlacementsFromBenefit: v.PlacementsFromBenefit,
	}
}

func partnershipReportImpactAnswer(v app.Impact) sroiapi.PartnershipReport_Impact {
	return sroiapi.PartnershipReport_Impact{
		Placed:                    v.Placed,
		StillWorkingAfter12Months: v.After12Months,
		StillWorkingAfter6Months:  v.After6Months,
	}
}

func projectAwardAnswer(v domain.Award) sroiapi.Project_Award {
	return sroiapi.Project_Award{
		BasisPoints:  v.BasisPoints,
		ContractType: v.ContractType,
		Months:       v.Months,
		Published:    convert.Ref(v.Published),
		ValueCents:   v.ValueCents,
	}
}

func projectFiguresAnswer(v domain.Figures) sroiapi.Project_Figures {
	return sroiapi.Project_Figures{
		Approved:          convert.Ref(v.Approved),
		ApprovedByQuarter: convert.Values(v.ApprovedByQuarter, func(x domain.Cents) int { return int(x) }),
		ApprovedByType:    convert.Values(v.ApprovedByType, func(x domain.Cents) int { return int(x) }),
		ApprovedCents:     convert.Ref(v.ApprovedCents),
		Declarations:      convert.Ref(v.Declarations),
		DeclaredCents:     convert.Ref(v.DeclaredCents),
		PendingCents:      convert.Ref(v.PendingCents),
		PlannedCents:      convert.Ref(v.PlannedCents),
	}
}

func projectOverrideAnswer(v domain.Override) sroiapi.Project_Override {
	return sroiapi.Project_Override{
		At:     v.At,
		By:     v.By,
		Cents:  v.Cents,
		Reason: v.Reason,
	}
}

func tableExampleContributionAnswer(v domain.Contribution) sroiapi.TableExample_Contribution {
	return sroiapi.TableExample_Contribution{
		Bonuses: convert.Each(v.Bonuses, func(x domain.Bonus) sroiapi.TableExampleContributionBonuses {
			return sroiapi.TableExampleContributionBonuses(x)
		}),
		CandidateType: optional.Of(sroiapi.CandidateType(v.Candidate)),
		Enterprise:    optional.Of(v.Enterprise),
		From:          optional.Of(v.From),
		Hours:         optional.Of(v.Hours),
		HoursPerWeek:  optional.Of(v.HoursPerWeek),
		InvoiceCents:  optional.Of(v.InvoiceCents),
		Kind:          sroiapi.TableExampleContributionKind(v.Kind),
		Until:         optional.Of(v.Until),
	}
}

func partnershipReportCostsBySourceAnswer(v app.SourceCost) sroiapi.PartnershipReport_Costs_BySource {
	return sroiapi.PartnershipReport_Costs_BySource{
		OwedCents: v.OwedCents,
		PaidCents: v.PaidCents,
	}
}

// ruleParams are a rule's parameters, left out when it has none.
func ruleParams(p []string) *sroiapi.CommonRuleParams {
	if len(p) == 0 {
		return nil
	}
	r := sroiapi.CommonRuleParams(p)
	return &r
}
