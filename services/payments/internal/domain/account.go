package domain

import (
	"time"

	"github.com/werkregio/platform/services/kit/civil"
)

// PostalAddress is a structured address (SEPA files from November 2026 need one).
type PostalAddress struct {
	Street         string
	BuildingNumber string
	PostCode       string
	Town           string
	Country        string
}

// BankAccount is a provider's account as the providers service published it. Only a
// confirmed account is paid to: finance confirms every new or changed IBAN.
type BankAccount struct {
	ProviderKvK   string
	Region        string
	AccountHolder string
	IBAN          string
	BIC           string
	Address       PostalAddress
	Status        string // pending, confirmed
	Revision      int
	ConfirmedBy   string
	At            time.Time
}

// Confirmed reports whether the account may be paid to.
func (a *BankAccount) Confirmed() bool { return a != nil && a.Status == "confirmed" }

// IBANProblem says why an IBAN cannot be paid to, or "" when it can (civil.IBANProblem).
func IBANProblem(raw string) string { return civil.IBANProblem(raw) }

// ValidBIC reports whether s is a BIC (civil.ValidBIC).
func ValidBIC(s string) bool { return civil.ValidBIC(s) }
