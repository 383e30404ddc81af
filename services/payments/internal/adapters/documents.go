package adapters

import (
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// The documents the aggregates are stored as, in the log and in the views, with the field
// names they are stored under; the domain's types know nothing of storage. A document's
// JSON is what was stored before, so a region's data reads back unchanged.

type approvalDocument struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

func documentOfApproval(v domain.Approval) approvalDocument {
	return approvalDocument{
		By: v.By,
		At: v.At,
	}
}

func (d approvalDocument) approval() domain.Approval {
	var v domain.Approval
	v.By = d.By
	v.At = d.At
	return v
}

type bankAccountDocument struct {
	ProviderKvK   string                `json:"providerKvk"`
	Region        string                `json:"region"`
	AccountHolder string                `json:"accountHolder"`
	IBAN          string                `json:"iban"`
	BIC           string                `json:"bic,omitempty"`
	Address       postalAddressDocument `json:"address"`
	Status        string                `json:"status"`
	Revision      int                   `json:"revision"`
	ConfirmedBy   string                `json:"confirmedBy,omitempty"`
	At            time.Time             `json:"at"`
}

func documentOfBankAccount(v domain.BankAccount) bankAccountDocument {
	return bankAccountDocument{
		ProviderKvK:   v.ProviderKvK,
		Region:        v.Region,
		AccountHolder: v.AccountHolder,
		IBAN:          v.IBAN,
		BIC:           v.BIC,
		Address:       documentOfPostalAddress(v.Address),
		Status:        v.Status,
		Revision:      v.Revision,
		ConfirmedBy:   v.ConfirmedBy,
		At:            v.At,
	}
}

func (d bankAccountDocument) bankAccount() domain.BankAccount {
	var v domain.BankAccount
	v.ProviderKvK = d.ProviderKvK
	v.Region = d.Region
	v.AccountHolder = d.AccountHolder
	v.IBAN = d.IBAN
	v.BIC = d.BIC
	v.Address = d.Address.postalAddress()
	v.Status = d.Status
	v.Revision = d.Revision
	v.ConfirmedBy = d.ConfirmedBy
	v.At = d.At
	return v
}

type bankExceptionDocument struct {
	ID              string               `json:"id"`
	Region          string               `json:"region"`
	Code            domain.ExceptionCode `json:"code"`
	Reason          string               `json:"reason"`
	File            string               `json:"file"`
	Line            string               `json:"line"`
	Reference       string               `json:"reference"`
	BankStatus      string               `json:"bankStatus"`
	BankAmountCents *domain.Cents        `json:"bankAmountCents,omitempty"`
	BankCurrency    string               `json:"bankCurrency,omitempty"`
	BankDebtorIBAN  string               `json:"bankDebtorIban,omitempty"`
	RunID           string               `json:"runId,omitempty"`
	EndToEndID      string               `json:"endToEndId,omitempty"`
	ProviderKvK     string               `json:"providerKvk,omitempty"`
	AmountCents     *domain.Cents        `json:"amountCents,omitempty"`
	DebtorIBAN      string               `json:"debtorIban,omitempty"`
	Status          string               `json:"status"`
	FoundAt         time.Time            `json:"foundAt"`
	Resolution      string               `json:"resolution,omitempty"`
	ResolvedBy      string               `json:"resolvedBy,omitempty"`
	ResolvedAt      time.Time            `json:"resolvedAt,omitzero"`
}

func documentOfBankException(v domain.BankException) bankExceptionDocument {
	return bankExceptionDocument{
		ID:              v.ID,
		Region:          v.Region,
		Code:            v.Code,
		Reason:          v.Reason,
		File:            v.File,
		Line:            v.Line,
		Reference:       v.Reference,
		BankStatus:      v.BankStatus,
		BankAmountCents: v.BankAmountCents,
		BankCurrency:    v.BankCurrency,
		BankDebtorIBAN:  v.BankDebtorIBAN,
		RunID:           v.RunID,
		EndToEndID:      v.EndToEndID,
		ProviderKvK:     v.ProviderKvK,
		AmountCents:     v.AmountCents,
		DebtorIBAN:      v.DebtorIBAN,
		Status:          v.Status,
		FoundAt:         v.FoundAt,
		Resolution:      v.Resolution,
		ResolvedBy:      v.ResolvedBy,
		ResolvedAt:      v.ResolvedAt,
	}
}

func (d bankExceptionDocument) bankException() domain.BankException {
	var v domain.BankException
	v.ID = d.ID
	v.Region = d.Region
	v.Code = d.Code
	v.Reason = d.Reason
	v.File = d.File
	v.Line = d.Line
	v.Reference = d.Reference
	v.BankStatus = d.BankStatus
	v.BankAmountCents = d.BankAmountCents
	v.BankCurrency = d.BankCurrency
	v.BankDebtorIBAN = d.BankDebtorIBAN
	v.RunID = d.RunID
	v.EndToEndID = d.EndToEndID
	v.ProviderKvK = d.ProviderKvK
	v.AmountCents = d.AmountCents
	v.DebtorIBAN = d.DebtorIBAN
	v.Status = d.Status
	v.FoundAt = d.FoundAt
	v.Resolution = d.Resolution
	v.ResolvedBy = d.ResolvedBy
	v.ResolvedAt = d.ResolvedAt
	return v
}

type bookingDocument struct {
	N         int                  `json:"n"`
	Move      domain.BudgetMove    `json:"move"`
	Amount    domain.Cents         `json:"amountCents"`
	Budget    string               `json:"budgetId"`
	Then      domain.TrancheStatus `json:"then,omitempty"`
	Otherwise domain.TrancheStatus `json:"otherwise,omitempty"`
	Reason    string               `json:"reason,omitempty"`
	By        string               `json:"by,omitempty"`
}

func documentOfBooking(v domain.Booking) bookingDocument {
	return bookingDocument{
		N:         v.N,
		Move:      v.Move,
		Amount:    v.Amount,
		Budget:    v.Budget,
		Then:      v.Then,
		Otherwise: v.Otherwise,
		Reason:    v.Reason,
		By:        v.By,
	}
}

func (d bookingDocument) booking() domain.Booking {
	var v domain.Booking
	v.N = d.N
	v.Move = d.Move
	v.Amount = d.Amount
	v.Budget = d.Budget
	v.Then = d.Then
	v.Otherwise = d.Otherwise
	v.Reason = d.Reason
	v.By = d.By
	return v
}

type budgetDocument struct {
	ID        string       `json:"id"`
	Region    string       `json:"region"`
	Name      string       `json:"name"`
	Source    string       `json:"source"`
	From      civil.Date   `json:"from"`
	Until     civil.Date   `json:"until"`
	Schemes   []string     `json:"schemes"`
	Products  []string     `json:"products"`
	Granted   domain.Cents `json:"grantedCents"`
	Free      domain.Cents `json:"freeCents"`
	Committed domain.Cents `json:"committedCents"`
	Due       domain.Cents `json:"dueCents"`
	Paid      domain.Cents `json:"paidCents"`
	UpdatedAt time.Time    `json:"updatedAt"`
}

func documentOfBudget(v domain.Budget) budgetDocument {
	return budgetDocument{
		ID:        v.ID,
		Region:    v.Region,
		Name:      v.Name,
		Source:    v.Source,
		From:      v.From,
		Until:     v.Until,
		Schemes:   v.Schemes,
		Products:  v.Products,
		Granted:   v.Granted,
		Free:      v.Free,
		Committed: v.Committed,
		Due:       v.Due,
		Paid:      v.Paid,
		UpdatedAt: v.UpdatedAt,
	}
}

func (d budgetDocument) budget() domain.Budget {
	var v domain.Budget
	v.ID = d.ID
	v.Region = d.Region
	v.Name = d.Name
	v.Source = d.Source
	v.From = d.From
	v.Until = d.Until
	v.Schemes = d.Schemes
	v.Products = d.Products
	v.Granted = d.Granted
	v.Free = d.Free
	v.Committed = d.Committed
	v.Due = d.Due
	v.Paid = d.Paid
	v.UpdatedAt = d.UpdatedAt
	return v
}

type correctionDocument struct {
	At           time.Time    `json:"at"`
	FromCents    domain.Cents `json:"fromCents"`
	ToCents      domain.Cents `json:"toCents"`
	TermsVersion int          `json:"termsVersion"`
	PriceCents   domain.Cents `json:"priceCents"`
	MaxPrice     domain.Cents `json:"maxPriceCents"`
	Percent      int          `json:"percent"`
	Tranche      string       `json:"trancheId,omitempty"`
	Reason       string       `json:"reason"`
}

func documentOfCorrection(v domain.Correction) correctionDocument {
	return correctionDocument{
		At:           v.At,
		FromCents:    v.FromCents,
		ToCents:      v.ToCents,
		TermsVersion: v.TermsVersion,
		PriceCents:   v.PriceCents,
		MaxPrice:     v.MaxPrice,
		Percent:      v.Percent,
		Tranche:      v.Tranche,
		Reason:       v.Reason,
	}
}

func (d correctionDocument) correction() domain.Correction {
	var v domain.Correction
	v.At = d.At
	v.FromCents = d.FromCents
	v.ToCents = d.ToCents
	v.TermsVersion = d.TermsVersion
	v.PriceCents = d.PriceCents
	v.MaxPrice = d.MaxPrice
	v.Percent = d.Percent
	v.Tranche = d.Tranche
	v.Reason = d.Reason
	return v
}

type holdDocument struct {
	Code   domain.HoldCode `json:"code"`
	Reason string          `json:"reason"`
	// the detail by its rule, for Dutch (holds kept before it have none)
	*messages.Stored
}

func documentOfHold(v domain.Hold) holdDocument {
	return holdDocument{Code: v.Code, Reason: v.Reason, Stored: messages.Store(v.Detail)}
}

func (d holdDocument) hold() domain.Hold {
	return domain.Hold{Code: d.Code, Reason: d.Reason, Detail: d.Message()}
}

type pendingChangeDocument struct {
	Actor  commit.Actor `json:"actor"`
	Action string       `json:"action"`
	Reason string       `json:"reason,omitempty"`
}

func documentOfPendingChange(v domain.PendingChange) pendingChangeDocument {
	return pendingChangeDocument{
		Actor:  v.Actor,
		Action: v.Action,
		Reason: v.Reason,
	}
}

func (d pendingChangeDocument) pendingChange() domain.PendingChange {
	var v domain.PendingChange
	v.Actor = d.Actor
	v.Action = d.Action
	v.Reason = d.Reason
	return v
}

type postalAddressDocument struct {
	Street         string `json:"street"`
	BuildingNumber string `json:"buildingNumber"`
	PostCode       string `json:"postCode"`
	Town           string `json:"town"`
	Country        string `json:"country"`
}

func documentOfPostalAddress(v domain.PostalAddress) postalAddressDocument {
	return postalAddressDocument{
		Street:         v.Street,
		BuildingNumber: v.BuildingNumber,
		PostCode:       v.PostCode,
		Town:           v.Town,
		Country:        v.Country,
	}
}

func (d postalAddressDocument) postalAddress() domain.PostalAddress {
	var v domain.PostalAddress
	v.Street = d.Street
	v.BuildingNumber = d.BuildingNumber
	v.PostCode = d.PostCode
	v.Town = d.Town
	v.Country = d.Country
	return v
}

type postingDocument struct {
	Transfer string            `json:"transfer"`
	Move     domain.BudgetMove `json:"move"`
	From     string            `json:"from"`
	To       string            `json:"to"`
	Amount   domain.Cents      `json:"amountCents"`
	Tranche  string            `json:"trancheId,omitempty"`
	Reason   string            `json:"reason,omitempty"`
}

func documentOfPosting(v domain.Posting) postingDocument {
	return postingDocument{
		Transfer: v.Transfer,
		Move:     v.Move,
		From:     v.From,
		To:       v.To,
		Amount:   v.Amount,
		Tranche:  v.Tranche,
		Reason:   v.Reason,
	}
}

func (d postingDocument) posting() domain.Posting {
	var v domain.Posting
	v.Transfer = d.Transfer
	v.Move = d.Move
	v.From = d.From
	v.To = d.To
	v.Amount = d.Amount
	v.Tranche = d.Tranche
	v.Reason = d.Reason
	return v
}

type releaseDocument struct {
	Code   domain.HoldCode `json:"code"`
	By     string          `json:"by"`
	At     time.Time       `json:"at"`
	Reason string          `json:"reason"`
}

func documentOfRelease(v domain.Release) releaseDocument {
	return releaseDocument{
		Code:   v.Code,
		By:     v.By,
		At:     v.At,
		Reason: v.Reason,
	}
}

func (d releaseDocument) release() domain.Release {
	var v domain.Release
	v.Code = d.Code
	v.By = d.By
	v.At = d.At
	v.Reason = d.Reason
	return v
}

type repaymentDocument struct {
	RequestedAt time.Time  `json:"requestedAt"`
	RequestedBy string     `json:"requestedBy"`
	DueOn       civil.Date `json:"dueOn"`
	Reason      string     `json:"reason"`
	RepaidOn    civil.Date `json:"repaidOn,omitzero"`
	Reference   string     `json:"reference,omitempty"`
	RecordedBy  string     `json:"recordedBy,omitempty"`
}

func documentOfRepayment(v domain.Repayment) repaymentDocument {
	return repaymentDocument{
		RequestedAt: v.RequestedAt,
		RequestedBy: v.RequestedBy,
		DueOn:       v.DueOn,
		Reason:      v.Reason,
		RepaidOn:    v.RepaidOn,
		Reference:   v.Reference,
		RecordedBy:  v.RecordedBy,
	}
}

func (d repaymentDocument) repayment() domain.Repayment {
	var v domain.Repayment
	v.RequestedAt = d.RequestedAt
	v.RequestedBy = d.RequestedBy
	v.DueOn = d.DueOn
	v.Reason = d.Reason
	v.RepaidOn = d.RepaidOn
	v.Reference = d.Reference
	v.RecordedBy = d.RecordedBy
	return v
}

type runDocument struct {
	ID            string                     `json:"id"`
	Region        string                     `json:"region"`
	Status        domain.RunStatus           `json:"status"`
	UpTo          civil.Date                 `json:"upTo"`
	ExecutionDate civil.Date                 `json:"executionDate"`
	PerTranche    bool                       `json:"perTranche"`
	Format        string                     `json:"format"`
	MessageID     string                     `json:"messageId"`
	Transfers     int                        `json:"transfers"`
	Tranches      int                        `json:"tranches"`
	TotalCents    domain.Cents               `json:"totalCents"`
	SetOffCents   domain.Cents               `json:"setOffCents"`
	Paid          int                        `json:"paid"`
	Rejected      int                        `json:"rejected"`
	DebtorIBAN    string                     `json:"debtorIban,omitempty"`
	ByProvider    []runProviderTotalDocument `json:"byProvider"`
	ByBudget      []runBudgetTotalDocument   `json:"byBudget"`
	CreatedAt     time.Time                  `json:"createdAt"`
	CreatedBy     string                     `json:"createdBy"`
	ApprovedBy    string                     `json:"approvedBy,omitempty"`
	ApprovedAt    time.Time                  `json:"approvedAt,omitzero"`
	Reason        string                     `json:"reason,omitempty"`
}

func documentOfRun(v domain.Run) runDocument {
	return runDocument{
		ID:            v.ID,
		Region:        v.Region,
		Status:        v.Status,
		UpTo:          v.UpTo,
		ExecutionDate: v.ExecutionDate,
		PerTranche:    v.PerTranche,
		Format:        v.Format,
		MessageID:     v.MessageID,
		Transfers:     v.Transfers,
		Tranches:      v.Tranches,
		TotalCents:    v.TotalCents,
		SetOffCents:   v.SetOffCents,
		Paid:          v.Paid,
		Rejected:      v.Rejected,
		DebtorIBAN:    v.DebtorIBAN,
		ByProvider:    convert.Each(v.ByProvider, documentOfRunProviderTotal),
		ByBudget:      convert.Each(v.ByBudget, documentOfRunBudgetTotal),
		CreatedAt:     v.CreatedAt,
		CreatedBy:     v.CreatedBy,
		ApprovedBy:    v.ApprovedBy,
		ApprovedAt:    v.ApprovedAt,
		Reason:        v.Reason,
	}
}

func (d runDocument) run() domain.Run {
	var v domain.Run
	v.ID = d.ID
	v.Region = d.Region
	v.Status = d.Status
	v.UpTo = d.UpTo
	v.ExecutionDate = d.ExecutionDate
	v.PerTranche = d.PerTranche
	v.Format = d.Format
	v.MessageID = d.MessageID
	v.Transfers = d.Transfers
	v.Tranches = d.Tranches
	v.TotalCents = d.TotalCents
	v.SetOffCents = d.SetOffCents
	v.Paid = d.Paid
	v.Rejected = d.Rejected
	v.DebtorIBAN = d.DebtorIBAN
	v.ByProvider = convert.Each(d.ByProvider, runProviderTotalDocument.runProviderTotal)
	v.ByBudget = convert.Each(d.ByBudget, runBudgetTotalDocument.runBudgetTotal)
	v.CreatedAt = d.CreatedAt
	v.CreatedBy = d.CreatedBy
	v.ApprovedBy = d.ApprovedBy
	v.ApprovedAt = d.ApprovedAt
	v.Reason = d.Reason
	return v
}

type runBudgetTotalDocument struct {
	BudgetID    string       `json:"budgetId"`
	Tranches    int          `json:"tranches"`
	AmountCents domain.Cents `json:"amountCents"`
	SetOffCents domain.Cents `json:"setOffCents"`
}

func documentOfRunBudgetTotal(v domain.RunBudgetTotal) runBudgetTotalDocument {
	return runBudgetTotalDocument{
		BudgetID:    v.BudgetID,
		Tranches:    v.Tranches,
		AmountCents: v.AmountCents,
		SetOffCents: v.SetOffCents,
	}
}

func (d runBudgetTotalDocument) runBudgetTotal() domain.RunBudgetTotal {
	var v domain.RunBudgetTotal
	v.BudgetID = d.BudgetID
	v.Tranches = d.Tranches
	v.AmountCents = d.AmountCents
	v.SetOffCents = d.SetOffCents
	return v
}

type runProviderTotalDocument struct {
	ProviderKvK string       `json:"providerKvk"`
	Transfers   int          `json:"transfers"`
	Tranches    int          `json:"tranches"`
	AmountCents domain.Cents `json:"amountCents"`
	SetOffCents domain.Cents `json:"setOffCents"`
}

func documentOfRunProviderTotal(v domain.RunProviderTotal) runProviderTotalDocument {
	return runProviderTotalDocument{
		ProviderKvK: v.ProviderKvK,
		Transfers:   v.Transfers,
		Tranches:    v.Tranches,
		AmountCents: v.AmountCents,
		SetOffCents: v.SetOffCents,
	}
}

func (d runProviderTotalDocument) runProviderTotal() domain.RunProviderTotal {
	var v domain.RunProviderTotal
	v.ProviderKvK = d.ProviderKvK
	v.Transfers = d.Transfers
	v.Tranches = d.Tranches
	v.AmountCents = d.AmountCents
	v.SetOffCents = d.SetOffCents
	return v
}

type runTransferDocument struct {
	RunID           string                `json:"runId"`
	Seq             int                   `json:"seq"`
	EndToEndID      string                `json:"endToEndId"`
	ProviderKvK     string                `json:"providerKvk"`
	AmountCents     domain.Cents          `json:"amountCents"`
	Tranches        []string              `json:"tranches"`
	Claims          []string              `json:"claims,omitempty"`
	Remittance      string                `json:"remittance"`
	Creditor        string                `json:"creditor"`
	CreditorIBAN    string                `json:"creditorIban"`
	CreditorBIC     string                `json:"creditorBic,omitempty"`
	CreditorAddress postalAddressDocument `json:"creditorAddress"`
	Status          string                `json:"status"`
	Reason          string                `json:"reason,omitempty"`
}

func documentOfRunTransfer(v domain.RunTransfer) runTransferDocument {
	return runTransferDocument{
		RunID:           v.RunID,
		Seq:             v.Seq,
		EndToEndID:      v.EndToEndID,
		ProviderKvK:     v.ProviderKvK,
		AmountCents:     v.AmountCents,
		Tranches:        v.Tranches,
		Claims:          v.Claims,
		Remittance:      v.Remittance,
		Creditor:        v.Creditor,
		CreditorIBAN:    v.CreditorIBAN,
		CreditorBIC:     v.CreditorBIC,
		CreditorAddress: documentOfPostalAddress(v.CreditorAddress),
		Status:          v.Status,
		Reason:          v.Reason,
	}
}

func (d runTransferDocument) runTransfer() domain.RunTransfer {
	var v domain.RunTransfer
	v.RunID = d.RunID
	v.Seq = d.Seq
	v.EndToEndID = d.EndToEndID
	v.ProviderKvK = d.ProviderKvK
	v.AmountCents = d.AmountCents
	v.Tranches = d.Tranches
	v.Claims = d.Claims
	v.Remittance = d.Remittance
	v.Creditor = d.Creditor
	v.CreditorIBAN = d.CreditorIBAN
	v.CreditorBIC = d.CreditorBIC
	v.CreditorAddress = d.CreditorAddress.postalAddress()
	v.Status = d.Status
	v.Reason = d.Reason
	return v
}

type trancheDocument struct {
	ID                  string                  `json:"id"`
	Region              string                  `json:"region"`
	EnrolmentID         string                  `json:"enrolmentId"`
	ContractID          string                  `json:"contractId"`
	ProviderKvK         string                  `json:"providerKvk"`
	ProductID           string                  `json:"productId"`
	SchemeID            string                  `json:"schemeId"`
	ParticipantID       string                  `json:"participantId"`
	BudgetID            string                  `json:"budgetId,omitempty"`
	Committed           bool                    `json:"committed"`
	Owed                bool                    `json:"owed"`
	PaidOut             bool                    `json:"paidOut"`
	ExpectedOn          civil.Date              `json:"expectedOn,omitzero"`
	StartDate           civil.Date              `json:"startDate"`
	Milestone           trajectory.Milestone    `json:"milestone"`
	MilestoneOn         civil.Date              `json:"milestoneOn"`
	TermsVersion        int                     `json:"termsVersion"`
	Percent             int                     `json:"percent"`
	AmountCents         domain.Cents            `json:"amountCents"`
	PriceCents          domain.Cents            `json:"priceCents"`
	MaxPriceCents       domain.Cents            `json:"maxPriceCents"`
	Overridden          []domain.HoldCode       `json:"overridden,omitempty"`
	Releases            []releaseDocument       `json:"releases,omitempty"`
	DuplicateReleasedBy string                  `json:"duplicateReleasedBy,omitempty"`
	Status              domain.TrancheStatus    `json:"status"`
	Holds               []holdDocument          `json:"holds"`
	Approvals           []approvalDocument      `json:"approvals"`
	RunID               string                  `json:"runId,omitempty"`
	EndToEndID          string                  `json:"endToEndId,omitempty"`
	Booking             *bookingDocument        `json:"booking,omitempty"`
	Bookings            int                     `json:"bookings"`
	Pending             *pendingChangeDocument  `json:"pending,omitempty"`
	SettledIn           string                  `json:"settledIn,omitempty"`
	Corrections         []correctionDocument    `json:"corrections,omitempty"`
	CorrectionOf        string                  `json:"correctionOf,omitempty"`
	WorthCents          *domain.Cents           `json:"worthCents,omitempty"`
	PendingCorrection   *correctionDocument     `json:"pendingCorrection,omitempty"`
	Repayment           *repaymentDocument      `json:"repayment,omitempty"`
	ReachedAgain        civil.Date              `json:"reachedAgain,omitzero"`
	BankReason          string                  `json:"bankReason,omitempty"`
	History             []trancheChangeDocument `json:"history"`
}

func documentOfTranche(v domain.Tranche) trancheDocument {
	return trancheDocument{
		ID:                  v.ID,
		Region:              v.Region,
		EnrolmentID:         v.EnrolmentID,
		ContractID:          v.ContractID,
		ProviderKvK:         v.ProviderKvK,
		ProductID:           v.ProductID,
		SchemeID:            v.SchemeID,
		ParticipantID:       v.ParticipantID,
		BudgetID:            v.BudgetID,
		Committed:           v.Committed,
		Owed:                v.Owed,
		PaidOut:             v.PaidOut,
		ExpectedOn:          v.ExpectedOn,
		StartDate:           v.StartDate,
		Milestone:           v.Milestone,
		MilestoneOn:         v.MilestoneOn,
		TermsVersion:        v.TermsVersion,
		Percent:             v.Percent,
		AmountCents:         v.AmountCents,
		PriceCents:          v.PriceCents,
		MaxPriceCents:       v.MaxPriceCents,
		Overridden:          v.Overridden,
		Releases:            convert.Each(v.Releases, documentOfRelease),
		DuplicateReleasedBy: v.DuplicateReleasedBy,
		Status:              v.Status,
		Holds:               convert.Each(v.Holds, documentOfHold),
		Approvals:           convert.Each(v.Approvals, documentOfApproval),
		RunID:               v.RunID,
		EndToEndID:          v.EndToEndID,
		Booking:             convert.Pointer(v.Booking, documentOfBooking),
		Bookings:            v.Bookings,
		Pending:             convert.Pointer(v.Pending, documentOfPendingChange),
		SettledIn:           v.SettledIn,
		Corrections:         convert.Each(v.Corrections, documentOfCorrection),
		CorrectionOf:        v.CorrectionOf,
		WorthCents:          v.WorthCents,
		PendingCorrection:   convert.Pointer(v.PendingCorrection, documentOfCorrection),
		Repayment:           convert.Pointer(v.Repayment, documentOfRepayment),
		ReachedAgain:        v.ReachedAgain,
		BankReason:          v.BankReason,
		History:             convert.Each(v.History, documentOfTrancheChange),
	}
}

func (d trancheDocument) tranche() domain.Tranche {
	var v domain.Tranche
	v.ID = d.ID
	v.Region = d.Region
	v.EnrolmentID = d.EnrolmentID
	v.ContractID = d.ContractID
	v.ProviderKvK = d.ProviderKvK
	v.ProductID = d.ProductID
	v.SchemeID = d.SchemeID
	v.ParticipantID = d.ParticipantID
	v.BudgetID = d.BudgetID
	v.Committed = d.Committed
	v.Owed = d.Owed
	v.PaidOut = d.PaidOut
	v.ExpectedOn = d.ExpectedOn
	v.StartDate = d.StartDate
	v.Milestone = d.Milestone
	v.MilestoneOn = d.MilestoneOn
	v.TermsVersion = d.TermsVersion
	v.Percent = d.Percent
	v.AmountCents = d.AmountCents
	v.PriceCents = d.PriceCents
	v.MaxPriceCents = d.MaxPriceCents
	v.Overridden = d.Overridden
	v.Releases = convert.Each(d.Releases, releaseDocument.release)
	v.DuplicateReleasedBy = d.DuplicateReleasedBy
	v.Status = d.Status
	v.Holds = convert.Each(d.Holds, holdDocument.hold)
	v.Approvals = convert.Each(d.Approvals, approvalDocument.approval)
	v.RunID = d.RunID
	v.EndToEndID = d.EndToEndID
	v.Booking = convert.Pointer(d.Booking, bookingDocument.booking)
	v.Bookings = d.Bookings
	v.Pending = convert.Pointer(d.Pending, pendingChangeDocument.pendingChange)
	v.SettledIn = d.SettledIn
	v.Corrections = convert.Each(d.Corrections, correctionDocument.correction)
	v.CorrectionOf = d.CorrectionOf
	v.WorthCents = d.WorthCents
	v.PendingCorrection = convert.Pointer(d.PendingCorrection, correctionDocument.correction)
	v.Repayment = convert.Pointer(d.Repayment, repaymentDocument.repayment)
	v.ReachedAgain = d.ReachedAgain
	v.BankReason = d.BankReason
	v.History = convert.Each(d.History, trancheChangeDocument.trancheChange)
	return v
}

type trancheChangeDocument struct {
	Status domain.TrancheStatus `json:"status"`
	At     time.Time            `json:"at"`
	By     string               `json:"by"`
	Reason string               `json:"reason,omitempty"`
}

func documentOfTrancheChange(v domain.TrancheChange) trancheChangeDocument {
	return trancheChangeDocument{
		Status: v.Status,
		At:     v.At,
		By:     v.By,
		Reason: v.Reason,
	}
}

func (d trancheChangeDocument) trancheChange() domain.TrancheChange {
	var v domain.TrancheChange
	v.Status = d.Status
	v.At = d.At
	v.By = d.By
	v.Reason = d.Reason
	return v
}
