package domain

import (
	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
)

// HoldCode is why a tranche is not payable yet: stable, like iWmo's retourcodes, so a
// provider's or municipality's system can act on it. A held tranche is never lost: it is
// released when its cause is fixed.
type HoldCode string

const (
	HoldNoContract         HoldCode = "no-contract"              // no contract in force under which the enrolment runs
	HoldContractSuspended  HoldCode = "contract-suspended"       // the contract was suspended on the milestone date
	HoldMilestoneNotDue    HoldCode = "milestone-not-reached"    // the milestone lies in the future or was withdrawn
	HoldDuplicate          HoldCode = "duplicate"                // this enrolment's tranche at this milestone exists already
	HoldPriceAboveCap      HoldCode = "price-above-cap"          // the contracted price exceeds the product's maximum
	HoldBankAccountMissing HoldCode = "bank-account-missing"     // the provider registered no IBAN
	HoldBankAccountInvalid HoldCode = "bank-account-invalid"     // the IBAN fails the country length or mod-97 check
	HoldBankAccountNew     HoldCode = "bank-account-unconfirmed" // a new IBAN awaits finance's confirmation
	HoldBudgetInsufficient HoldCode = "budget-insufficient"      // the budget that pays it has too little left
	HoldNoBudget           HoldCode = "no-budget"                // no budget draws on the scheme or product on that day
	HoldBankRejected       HoldCode = "bank-rejected"            // the bank rejected the transfer; released by a new account or by finance
	HoldBudgetPeriodEnded  HoldCode = "budget-period-ended"      // due after its budget's period: finance carries it to a budget of the new period
)

// HoldCodes lists every code with its plain reason.
var HoldCodes = map[HoldCode]string{
	HoldNoContract:         "there is no contract in force for this enrolment's provider and product",
	HoldContractSuspended:  "the contract was suspended on the day of the milestone",
	HoldMilestoneNotDue:    "the milestone has not been reached",
	HoldDuplicate:          "this tranche exists already",
	HoldPriceAboveCap:      "the contracted price is above the product's maximum",
	HoldBankAccountMissing: "the provider has no bank account registered",
	HoldBankAccountInvalid: "the provider's bank account is not a valid SEPA IBAN",
	HoldBankAccountNew:     "the provider's new bank account awaits confirmation by finance",
	HoldBudgetInsufficient: "the budget has too little left for this tranche",
	HoldNoBudget:           "no budget draws on this scheme or product on the day of the milestone",
	HoldBankRejected:       "the bank rejected the transfer",
	HoldBudgetPeriodEnded:  "the milestone falls after the end of the budget's period; finance carries the commitment to a budget of the new period",
}

// Hold is one failed pre-check with its reason: the code's plain reason and its detail,
// which Detail holds by its code (contracts/messages) so that people read it in Dutch.
type Hold struct {
	Code   HoldCode
	Reason string
	Detail messages.Message
}

// NewHold is a hold of code, its detail (if any) stated by template and args.
func NewHold(c HoldCode, template string, args ...any) Hold {
	h := Hold{Code: c, Reason: HoldCodes[c]}
	if template != "" {
		h.Detail = messages.Of(template, args...)
		h.Reason += ": " + h.Detail.English()
	}
	return h
}

// PrecheckInput is what the checks look at, gathered by the application.
type PrecheckInput struct {
	MilestoneOn civil.Date
	Today       civil.Date
	// Contract: its status on the milestone date ("" when there is none).
	ContractStatusOnMilestone string
	PriceCents, MaxPriceCents Cents
	Duplicate                 bool
	IBAN                      string
	IBANConfirmed             bool
	// AccountHolder is the name the transfer is made out to.
	AccountHolder      string
	Amount, BudgetFree Cents
}

// Precheck runs every check before a tranche becomes payable and returns each that fails,
// in a fixed order; none means payable.
func Precheck(in PrecheckInput) []Hold {
	var out []Hold
	hold := func(c HoldCode, template string, args ...any) { out = append(out, NewHold(c, template, args...)) }
	switch in.ContractStatusOnMilestone {
	case "":
		hold(HoldNoContract, "")
	case "suspended":
		hold(HoldContractSuspended, "suspended on %s", in.MilestoneOn.String())
	case "ended":
		hold(HoldNoContract, "it had ended on %s", in.MilestoneOn.String())
	}
	if in.MilestoneOn.IsZero() || in.MilestoneOn.After(in.Today) {
		hold(HoldMilestoneNotDue, "")
	}
	if in.Duplicate {
		hold(HoldDuplicate, "")
	}
	if in.MaxPriceCents > 0 && in.PriceCents > in.MaxPriceCents {
		hold(HoldPriceAboveCap, "%s above %s", Euro(in.PriceCents), Euro(in.MaxPriceCents))
	}
	switch {
	case in.IBAN == "":
		hold(HoldBankAccountMissing, "")
	case IBANProblem(in.IBAN) != "":
		hold(HoldBankAccountInvalid, "the IBAN %s", IBANProblem(in.IBAN))
	case !civil.HasLatinLetter(in.AccountHolder):
		hold(HoldBankAccountInvalid, "the account holder's name has no letter of the SEPA character set")
	case !in.IBANConfirmed:
		hold(HoldBankAccountNew, "")
	}
	if in.Amount > in.BudgetFree {
		hold(HoldBudgetInsufficient, "%s needed, %s free", Euro(in.Amount), Euro(in.BudgetFree))
	}
	return out
}

// Euro writes cents as the Dutch notation of an amount: EUR 1.234,56.
func Euro(c Cents) string { return civil.Euro(c) }
