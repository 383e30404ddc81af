package app

import (
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// Event types this service publishes.
const (
	TypeCertificatesChanged = catalog.TypeCertificatesChanged
	TypeOfferChanged        = catalog.TypeOfferChanged
)

// CertificatesChangedData tells procurement (and anyone else) which certificate types the
// provider holds validly now, and which expired or were renewed since the last announcement.
type CertificatesChangedData struct {
	ProviderKvK string      `json:"providerKvk"`
	Region      string      `json:"region"`
	Valid       []string    `json:"validCertificates"`
	Expired     []string    `json:"expired"`
	Renewed     []string    `json:"renewed"`
	AsOf        domain.Date `json:"asOf"`
	At          time.Time   `json:"at"`
}

// Procurement events this service consumes (only the fields it needs).

// ContractAwarded is procurement's contract.awarded.
type ContractAwarded struct {
	ContractID      string `json:"contractId"`
	Number          string `json:"number"`
	SchemeID        string `json:"schemeId"`
	SchemeReference string `json:"schemeReference"`
	Region          string `json:"region"`
	Buyer           string `json:"buyer"`
	ProviderKvK     string `json:"providerKvk"`
	ProviderName    string `json:"providerName"`
	Products        []struct {
		ProductID  string         `json:"productId"`
		Name       string         `json:"name"`
		PriceCents int64          `json:"priceCents"`
		Terms      []domain.Terms `json:"terms"`
	} `json:"products"`
	SchemeRun *trajectory.Run `json:"schemeRun,omitempty"`
}

// ContractStatusChanged is procurement's contract.suspended, .resumed or .ended.
type ContractStatusChanged struct {
	ContractID string `json:"contractId"`
	Region     string `json:"region"`
}

// TermsChanged is procurement's product.terms-changed.
type TermsChanged struct {
	SchemeID  string       `json:"schemeId"`
	Region    string       `json:"region"`
	ProductID string       `json:"productId"`
	Terms     domain.Terms `json:"terms"`
}
