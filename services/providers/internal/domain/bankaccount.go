package domain

import (
	"regexp"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// BankAccount is where a provider is paid. A new or changed account is pending until
// finance confirms it, and the one who confirms is never the one who registered: a
// changed IBAN ("our bank details have changed") is a common fraud path, so no single
// person can redirect a provider's payments.
type BankAccount struct {
	AccountHolder string
	IBAN          string
	BIC           string
	Address       PostalAddress
	Status        string // pending, confirmed
	// Revision counts the registrations: finance confirms the revision it checked.
	Revision     int
	RegisteredBy string
	RegisteredAt time.Time
	ConfirmedBy  string
	ConfirmedAt  time.Time
}

// PostalAddress is a structured address: SEPA payment files from November 2026 carry the
// creditor's address in parts, not as free lines.
type PostalAddress struct {
	Street         string
	BuildingNumber string
	PostCode       string
	Town           string
	Country        string
}

// BankAccountInput is what a provider registers.
type BankAccountInput struct {
	AccountHolder string
	IBAN          string
	BIC           string
	Address       PostalAddress
}

// countryCode is an ISO 3166 alpha-2 code as SEPA files take it.
var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// Bank account statuses.
const (
	AccountPending   = "pending"
	AccountConfirmed = "confirmed"
)

// AccountNone: the provider registered no bank account yet.
const AccountNone = "none"

// BankAccountStatus is where the provider's bank account stands: none, pending or confirmed.
func (p *Provider) BankAccountStatus() string {
	if p.BankAccount == nil {
		return AccountNone
	}
	return p.BankAccount.Status
}

// RegisterBankAccount records a new account (or a change), pending confirmation by finance.
func (p *Provider) RegisterBankAccount(in BankAccountInput, by string, now time.Time) error {
	in.IBAN = civil.NormalizeIBAN(in.IBAN)
	var v rules.Checker
	v.Check(strings.TrimSpace(in.AccountHolder) != "" && len(in.AccountHolder) <= 140, "accountHolder", "is required, at most 140 characters")
	v.Check(strings.TrimSpace(in.AccountHolder) == "" || civil.HasLatinLetter(in.AccountHolder), "accountHolder",
		"must hold Latin letters: banks take the SEPA character set only (write the name as the bank knows it)")
	problem := civil.IBANProblem(in.IBAN)
	v.Check(problem == "", "iban", "is not a valid IBAN: %s", problem)
	v.Check(in.BIC == "" || civil.ValidBIC(in.BIC), "bic", "is not a BIC (8 or 11 letters and digits)")
	a := in.Address
	v.Check(strings.TrimSpace(a.Street) != "" && len(a.Street) <= 70, "address.street", "is required, at most 70 characters")
	v.Check(strings.TrimSpace(a.BuildingNumber) != "" && len(a.BuildingNumber) <= 16, "address.buildingNumber", "is required, at most 16 characters")
	v.Check(strings.TrimSpace(a.PostCode) != "" && len(a.PostCode) <= 16, "address.postCode", "is required, at most 16 characters")
	v.Check(strings.TrimSpace(a.Town) != "" && len(a.Town) <= 35, "address.town", "is required, at most 35 characters")
	v.Check(countryCode.MatchString(a.Country), "address.country", "is a two-letter country code in capitals (NL)")
	if err := v.Err(); err != nil {
		return err
	}
	revision := 1
	if p.BankAccount != nil {
		revision = p.BankAccount.Revision + 1
	}
	p.BankAccount = &BankAccount{AccountHolder: in.AccountHolder, IBAN: in.IBAN, BIC: in.BIC, Address: in.Address, Status: AccountPending,
		Revision: revision, RegisteredBy: by, RegisteredAt: now.UTC()}
	p.UpdatedAt = now.UTC()
	return nil
}

// ConfirmBankAccount is finance's confirmation of the revision it checked (with the
// provider, by a known telephone number, not the one in the request).
func (p *Provider) ConfirmBankAccount(revision int, by string, now time.Time) error {
	a := p.BankAccount
	switch {
	case a == nil:
		return rules.State("provider %s registered no bank account", p.KvK)
	case a.Revision != revision:
		return rules.State("the bank account changed since revision %d (now %d): check the new one", revision, a.Revision)
	case a.Status == AccountConfirmed:
		return rules.State("revision %d of the bank account is confirmed already", revision)
	case a.RegisteredBy == by:
		return rules.Forbid("the bank account must be confirmed by someone other than who registered it")
	}
	a.Status, a.ConfirmedBy, a.ConfirmedAt = AccountConfirmed, by, now.UTC()
	p.UpdatedAt = now.UTC()
	return nil
}
