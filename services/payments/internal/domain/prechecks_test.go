package domain

import (
	"testing"

	"github.com/werkregio/platform/services/kit/civil"
)

func payable() PrecheckInput {
	return PrecheckInput{MilestoneOn: civil.NewDate(2026, 11, 2), Today: civil.NewDate(2026, 12, 1), ContractStatusOnMilestone: "active",
		PriceCents: 95_000, MaxPriceCents: 100_000, IBAN: "NL91ABNA0417164300", IBANConfirmed: true, AccountHolder: "Bouwschool Noord B.V.", Amount: 38_000, BudgetFree: 1_000_000}
}

// Every pre-check code is reached by its cause alone, with its plain reason.
func TestEveryPrecheckHoldsForItsOwnCause(t *testing.T) {
	if h := Precheck(payable()); len(h) != 0 {
		t.Fatalf("a payable tranche is held: %+v", h)
	}
	cases := map[HoldCode]func(*PrecheckInput){
		HoldNoContract:         func(in *PrecheckInput) { in.ContractStatusOnMilestone = "" },
		HoldContractSuspended:  func(in *PrecheckInput) { in.ContractStatusOnMilestone = "suspended" },
		HoldMilestoneNotDue:    func(in *PrecheckInput) { in.MilestoneOn = civil.NewDate(2026, 12, 2) },
		HoldDuplicate:          func(in *PrecheckInput) { in.Duplicate = true },
		HoldPriceAboveCap:      func(in *PrecheckInput) { in.PriceCents = 100_001 },
		HoldBankAccountMissing: func(in *PrecheckInput) { in.IBAN = "" },
		HoldBankAccountInvalid: func(in *PrecheckInput) { in.IBAN = "NL91ABNA0417164301" },
		HoldBankAccountNew:     func(in *PrecheckInput) { in.IBANConfirmed = false },
		HoldBudgetInsufficient: func(in *PrecheckInput) { in.BudgetFree = 37_999 },
	}
	// raised by the application, not by the checks: tested in the service's tests
	// (TestHeldUntilTheCauseIsFixed)
	raisedByTheApplication := map[HoldCode]bool{HoldNoBudget: true, HoldBankRejected: true, HoldBudgetPeriodEnded: true}
	for code := range HoldCodes {
		if _, ok := cases[code]; !ok && !raisedByTheApplication[code] {
			t.Errorf("hold code %s has no test", code)
		}
	}
	for code, cause := range cases {
		in := payable()
		cause(&in)
		h := Precheck(in)
		if len(h) != 1 || h[0].Code != code || h[0].Reason == "" {
			t.Errorf("%s: %+v", code, h)
		}
	}
	// an account holder's name a bank cannot take is an invalid account too (never written empty)
	in := payable()
	in.AccountHolder = "ООО Ромашка"
	if h := Precheck(in); len(h) != 1 || h[0].Code != HoldBankAccountInvalid {
		t.Errorf("a name without Latin letters: %+v", h)
	}
	if got := Euro(123_456_78); got != "EUR 123.456,78" {
		t.Errorf("Euro: %s", got)
	}
}
