package ports

import (
	"github.com/werkregio/platform/contracts/openapi/commonapi"
	"github.com/werkregio/platform/contracts/openapi/paymentsapi"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/payments/internal/app"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// The answers of the API: the domain's values in the types generated from the service's
// OpenAPI document, so what is sent is what the contract says.

func balancesAnswer(v domain.Balances) paymentsapi.Balances {
	return paymentsapi.Balances{
		CommittedCents: v.Committed,
		DueCents:       v.Due,
		FreeCents:      v.Free,
		GrantedCents:   v.Granted,
		PaidCents:      v.Paid,
	}
}

func bankExceptionAnswer(v domain.BankException) paymentsapi.BankException {
	return paymentsapi.BankException{
		AmountCents:     v.AmountCents,
		BankAmountCents: v.BankAmountCents,
		BankCurrency:    optional.Of(v.BankCurrency),
		BankDebtorIBAN:  optional.Of(v.BankDebtorIBAN),
		BankStatus:      paymentsapi.BankExceptionBankStatus(v.BankStatus),
		Code:            paymentsapi.BankExceptionCode(v.Code),
		DebtorIBAN:      optional.Of(v.DebtorIBAN),
		EndToEndID:      optional.Of(v.EndToEndID),
		File:            paymentsapi.BankExceptionFile(v.File),
		FoundAt:         v.FoundAt,
		ID:              v.ID,
		Line:            v.Line,
		ProviderKvK:     optional.Of(v.ProviderKvK),
		Reason:          v.Reason,
		Reference:       v.Reference,
		Region:          v.Region,
		Resolution:      optional.Of(v.Resolution),
		ResolvedAt:      optional.Of(v.ResolvedAt),
		ResolvedBy:      optional.Of(v.ResolvedBy),
		RunID:           optional.Of(v.RunID),
		Status:          paymentsapi.BankExceptionStatus(v.Status),
	}
}

func budgetAnswer(v domain.Budget) paymentsapi.Budget {
	return paymentsapi.Budget{
		CommittedCents: v.Committed,
		DueCents:       v.Due,
		FreeCents:      v.Free,
		From:           convert.Ref(v.From),
		GrantedCents:   v.Granted,
		ID:             v.ID,
		Name:           v.Name,
		PaidCents:      v.Paid,
		Products:       v.Products,
		Region:         v.Region,
		Schemes:        v.Schemes,
		Source:         v.Source,
		Until:          convert.Ref(v.Until),
		UpdatedAt:      v.UpdatedAt,
	}
}

func budgetTransferAnswer(v app.BudgetTransfer) paymentsapi.BudgetTransfer {
	return paymentsapi.BudgetTransfer{
		Action:      v.Action,
		Actor:       actorAnswer(v.Actor),
		AmountCents: v.Amount,
		At:          v.At,
		From:        paymentsapi.BudgetTransferFrom(v.From),
		Move:        paymentsapi.BudgetTransferMove(v.Move),
		Reason:      optional.Of(v.Reason),
		To:          paymentsapi.BudgetTransferTo(v.To),
		TrancheID:   optional.Of(v.Tranche),
		Transfer:    v.Transfer,
		Version:     v.Version,
	}
}

func carriedAnswer(v app.Carried) paymentsapi.Carried {
	return paymentsapi.Carried{
		Carried:      v.Carried,
		FromBudgetID: v.From,
		Skipped:      convert.Each(v.Skipped, carriedSkippedAnswer),
		ToBudgetID:   v.To,
	}
}

func correctionAnswer(v domain.Correction) paymentsapi.Correction {
	return paymentsapi.Correction{
		At:            v.At,
		FromCents:     v.FromCents,
		MaxPriceCents: convert.Ref(v.MaxPrice),
		Percent:       v.Percent,
		PriceCents:    v.PriceCents,
		Reason:        v.Reason,
		TermsVersion:  v.TermsVersion,
		ToCents:       v.ToCents,
		TrancheID:     optional.Of(v.Tranche),
	}
}

func forecastAnswer(v app.Forecast) paymentsapi.Forecast {
	return paymentsapi.Forecast{
		BudgetID:  v.BudgetID,
		FreeCents: v.Free,
		Months:    convert.Each(v.Months, forecastMonthsAnswer),
	}
}

func holdAnswer(v domain.Hold) paymentsapi.Hold {
	h := paymentsapi.Hold{Code: paymentsapi.HoldCode(v.Code), Reason: v.Reason}
	if v.Detail.Code != "" {
		params := paymentsapi.CommonRuleParams(v.Detail.Params)
		h.Rule, h.Params = &v.Detail.Code, &params
	}
	return h
}

func ledgerCheckAnswer(v app.LedgerCheck) paymentsapi.LedgerCheck {
	return paymentsapi.LedgerCheck{
		Balanced: v.Balanced,
		BudgetID: v.BudgetID,
		Computed: balancesAnswer(v.Computed),
		Postings: v.Postings,
		Stored:   balancesAnswer(v.Stored),
		Version:  v.Version,
	}
}

func reconciliationAnswer(v app.Reconciliation) paymentsapi.Reconciliation {
	return paymentsapi.Reconciliation{
		ExceptionCount: v.ExceptionCount,
		Exceptions:     convert.Each(v.Exceptions, bankExceptionAnswer),
		Kind:           paymentsapi.ReconciliationKind(v.Kind),
		Paid:           v.Paid,
		Rejected:       v.Rejected,
		Unchanged:      v.Unchanged,
	}
}

func runAnswer(v domain.Run) paymentsapi.Run {
	return paymentsapi.Run{
		ApprovedAt:    optional.Of(v.ApprovedAt),
		ApprovedBy:    optional.Of(v.ApprovedBy),
		ByBudget:      convert.Each(v.ByBudget, runByBudgetAnswer),
		ByProvider:    convert.Each(v.ByProvider, runByProviderAnswer),
		CreatedAt:     v.CreatedAt,
		CreatedBy:     v.CreatedBy,
		DebtorIBAN:    optional.Of(v.DebtorIBAN),
		ExecutionDate: convert.Ref(v.ExecutionDate),
		Format:        paymentsapi.RunFormat(v.Format),
		ID:            v.ID,
		MessageID:     v.MessageID,
		Paid:          v.Paid,
		PerTranche:    v.PerTranche,
		Reason:        optional.Of(v.Reason),
		Region:        v.Region,
		Rejected:      v.Rejected,
		SetOffCents:   v.SetOffCents,
		Status:        paymentsapi.RunStatus(v.Status),
		TotalCents:    v.TotalCents,
		Tranches:      v.Tranches,
		Transfers:     v.Transfers,
		UpTo:          convert.Ref(v.UpTo),
	}
}

func transferAnswer(v domain.RunTransfer) paymentsapi.Transfer {
	return paymentsapi.Transfer{
		AmountCents:     v.AmountCents,
		Claims:          v.Claims,
		Creditor:        v.Creditor,
		CreditorAddress: convert.Ref(postalAddressAnswer(v.CreditorAddress)),
		CreditorBIC:     optional.Of(v.CreditorBIC),
		CreditorIBAN:    v.CreditorIBAN,
		EndToEndID:      v.EndToEndID,
		ProviderKvK:     v.ProviderKvK,
		Reason:          optional.Of(v.Reason),
		Remittance:      v.Remittance,
		RunID:           v.RunID,
		Seq:             v.Seq,
		Status:          paymentsapi.TransferStatus(v.Status),
		Tranches:        v.Tranches,
	}
}

func statementAnswer(v app.Statement) paymentsapi.Statement {
	return paymentsapi.Statement{
		At:           v.At,
		ClaimedCents: v.ClaimedCents,
		DueCents:     v.DueCents,
		HeldCents:    v.HeldCents,
		Lines:        convert.Each(v.Lines, statementLinesAnswer),
		PaidCents:    v.PaidCents,
		Period:       optional.Of(v.Period),
		ProviderKvK:  v.ProviderKvK,
	}
}

func trancheAnswer(v domain.Tranche) paymentsapi.Tranche {
	return paymentsapi.Tranche{
		AmountCents:         v.AmountCents,
		Approvals:           convert.Each(v.Approvals, trancheApprovalsAnswer),
		BankReason:          optional.Of(v.BankReason),
		BudgetID:            optional.Of(v.BudgetID),
		Committed:           convert.Ref(v.Committed),
		ContractID:          v.ContractID,
		CorrectionOf:        optional.Of(v.CorrectionOf),
		Corrections:         convert.Each(v.Corrections, correctionAnswer),
		DuplicateReleasedBy: optional.Of(v.DuplicateReleasedBy),
		EndToEndID:          optional.Of(v.EndToEndID),
		EnrolmentID:         v.EnrolmentID,
		ExpectedOn:          optional.Of(v.ExpectedOn),
		History:             convert.Each(v.History, trancheHistoryAnswer),
		Holds:               convert.Each(v.Holds, holdAnswer),
		ID:                  v.ID,
		MaxPriceCents:       convert.Ref(v.MaxPriceCents),
		Milestone:           paymentsapi.Milestone(v.Milestone),
		MilestoneOn:         convert.Ref(v.MilestoneOn),
		Overridden:          convert.Each(v.Overridden, func(x domain.HoldCode) paymentsapi.HoldCode { return paymentsapi.HoldCode(x) }),
		Owed:                convert.Ref(v.Owed),
		PaidOut:             convert.Ref(v.PaidOut),
		ParticipantID:       convert.Ref(v.ParticipantID),
		PendingCorrection:   convert.Pointer(v.PendingCorrection, correctionAnswer),
		Percent:             v.Percent,
		PriceCents:          convert.Ref(v.PriceCents),
		ProductID:           v.ProductID,
		ProviderKvK:         v.ProviderKvK,
		ReachedAgain:        optional.Of(v.ReachedAgain),
		Region:              v.Region,
		Releases:            convert.Each(v.Releases, trancheReleasesAnswer),
		Repayment:           convert.Pointer(v.Repayment, trancheRepaymentAnswer),
		RunID:               optional.Of(v.RunID),
		SchemeID:            convert.Ref(v.SchemeID),
		SettledIn:           optional.Of(v.SettledIn),
		StartDate:           optional.Of(v.StartDate),
		Status:              paymentsapi.TrancheStatus(v.Status),
		TermsVersion:        v.TermsVersion,
		WorthCents:          v.WorthCents,
	}
}

func actorAnswer(v commit.Actor) commonapi.Actor {
	return commonapi.Actor{
		Name:    optional.Of(v.Name),
		Org:     optional.Of(v.Org),
		Subject: v.Subject,
	}
}

func carriedSkippedAnswer(v app.SkippedItem) paymentsapi.Carried_Skipped {
	return paymentsapi.Carried_Skipped{
		Reason:    v.Reason,
		TrancheID: v.TrancheID,
	}
}

func forecastMonthsAnswer(v app.MonthForecast) paymentsapi.Forecast_Months {
	return paymentsapi.Forecast_Months{
		CommittedCents:   v.CommittedCents,
		Month:            v.Month,
		Tranches:         v.Tranches,
		UncommittedCents: v.UncommittedCents,
	}
}

func runByBudgetAnswer(v domain.RunBudgetTotal) paymentsapi.Run_ByBudget {
	return paymentsapi.Run_ByBudget{
		AmountCents: v.AmountCents,
		BudgetID:    v.BudgetID,
		SetOffCents: v.SetOffCents,
		Tranches:    v.Tranches,
	}
}

func runByProviderAnswer(v domain.RunProviderTotal) paymentsapi.Run_ByProvider {
	return paymentsapi.Run_ByProvider{
		AmountCents: v.AmountCents,
		ProviderKvK: v.ProviderKvK,
		SetOffCents: v.SetOffCents,
		Tranches:    v.Tranches,
		Transfers:   v.Transfers,
	}
}

func postalAddressAnswer(v domain.PostalAddress) commonapi.PostalAddress {
	return commonapi.PostalAddress{
		BuildingNumber: v.BuildingNumber,
		Country:        v.Country,
		PostCode:       v.PostCode,
		Street:         v.Street,
		Town:           v.Town,
	}
}

func statementLinesAnswer(v app.StatementLine) paymentsapi.Statement_Lines {
	return paymentsapi.Statement_Lines{
		AmountCents: v.AmountCents,
		EndToEndID:  optional.Of(v.EndToEndID),
		EnrolmentID: v.EnrolmentID,
		Holds:       convert.Each(v.Holds, holdAnswer),
		Milestone:   paymentsapi.Milestone(v.Milestone),
		MilestoneOn: convert.Ref(v.MilestoneOn),
		ProductID:   v.ProductID,
		RunID:       optional.Of(v.RunID),
		Status:      paymentsapi.TrancheStatus(v.Status),
		TrancheID:   v.TrancheID,
	}
}

func trancheApprovalsAnswer(v domain.Approval) paymentsapi.Tranche_Approvals {
	return paymentsapi.Tranche_Approvals{
		At: v.At,
		By: v.By,
	}
}

func trancheHistoryAnswer(v domain.TrancheChange) paymentsapi.Tranche_History {
	return paymentsapi.Tranche_History{
		At:     v.At,
		By:     v.By,
		Reason: optional.Of(v.Reason),
		Status: paymentsapi.TrancheStatus(v.Status),
	}
}

func trancheReleasesAnswer(v domain.Release) paymentsapi.Tranche_Releases {
	return paymentsapi.Tranche_Releases{
		At:     v.At,
		By:     v.By,
		Code:   paymentsapi.HoldCode(v.Code),
		Reason: v.Reason,
	}
}

func trancheRepaymentAnswer(v domain.Repayment) paymentsapi.Tranche_Repayment {
	return paymentsapi.Tranche_Repayment{
		DueOn:       convert.Ref(v.DueOn),
		Reason:      v.Reason,
		RecordedBy:  optional.Of(v.RecordedBy),
		Reference:   optional.Of(v.Reference),
		RepaidOn:    optional.Of(v.RepaidOn),
		RequestedAt: v.RequestedAt,
		RequestedBy: v.RequestedBy,
	}
}
