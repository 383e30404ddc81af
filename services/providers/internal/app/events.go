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

// What this service follows of procurement's events (ports decode them from the
// contracts' types).

// ContractAwarded: procurement contracted (or extended) a provider for these products.
type ContractAwarded struct {
	ContractID, Number, SchemeID, SchemeReference string
	Region, Buyer, ProviderKvK, ProviderName      string
	Products                                      []AwardedProduct
	SchemeRun                                     *trajectory.Run
}

// AwardedProduct is a contracted product with every terms version known at award.
type AwardedProduct struct {
	ProductID, Name string
	PriceCents      int64
	Terms           []domain.Terms
}

// ContractStatusChanged: procurement suspended, resumed or ended a contract.
type ContractStatusChanged struct {
	ContractID string
}

// TermsChanged: procurement published a new version of a product's terms.
type TermsChanged struct {
	SchemeID, Region, ProductID string
	Terms                       domain.Terms
}
