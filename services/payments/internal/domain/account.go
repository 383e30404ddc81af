package domain

import (
	"time"

	"github.com/werkregio/platform/services/kit/civil"
)

// PostalAddress is a structured address (SEPA files from November 2026 need one).
type PostalAddress struct {
	Street         string `json:"street"`
	BuildingNumber string `json:"buildingNumber"`
	PostCode       string `json:"postCode"`
	Town           string `json:"town"`
	Country        string `json:"country"`
}

// BankAccount is a provider's account as the providers service published it. Only a
// confirmed account is paid to: finance confirms every new or changed IBAN.
type BankAccount struct {
	ProviderKvK   string        `json:"providerKvk"`
	Region        string        `json:"region"`
	AccountHolder string        `json:"accountHolder"`
	IBAN          string        `json:"iban"`
	BIC           string        `json:"bic,omitempty"`
	Address       PostalAddress `json:"address"`
	Status        string        `json:"status"` // pending, confirmed
	Revision      int           `json:"revision"`
	ConfirmedBy   string        `json:"confirmedBy,omitempty"`
	At            time.Time     `json:"at"`
}

// Confirmed reports whether the account may be paid to.
func (a *BankAccount) Confirmed() bool { return a != nil && a.Status == "confirmed" }

// IBANProblem says why an IBAN cannot be paid to, or "" when it can (civil.IBANProblem).
func IBANProblem(raw string) string { return civil.IBANProblem(raw) }

// ValidBIC reports whether s is a BIC (civil.ValidBIC).
func ValidBIC(s string) bool { return civil.ValidBIC(s) }
