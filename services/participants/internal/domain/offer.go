package domain

import (
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/trajectory"
)

// Offer is this service's copy of a provider's offer under a contract, kept from the
// providers service's offer.changed events (newest revision wins).
type Offer struct {
	ContractID     string         `json:"contractId"`
	ContractNumber string         `json:"contractNumber"`
	SchemeID       string         `json:"schemeId"`
	Region         string         `json:"region"`
	ProviderKvK    string         `json:"providerKvk"`
	ProviderName   string         `json:"providerName"`
	ContractStatus string         `json:"contractStatus"`
	Products       []OfferProduct `json:"products"`
	Revision       int            `json:"revision"`
	// SchemeRun is when trajectories may start (absent on offers made before it was sent).
	SchemeRun *trajectory.Run `json:"schemeRun,omitempty"`
}

// OfferProduct is a contracted product with its terms versions and starts.
type OfferProduct struct {
	ProductID  string             `json:"productId"`
	Name       string             `json:"name"`
	PriceCents int64              `json:"priceCents"`
	Terms      []trajectory.Terms `json:"terms"`
	Starts     []trajectory.Start `json:"starts"`
}

// TermsAt returns the version in force on day.
func (p OfferProduct) TermsAt(day civil.Date) (trajectory.Terms, bool) {
	return trajectory.TermsAt(p.Terms, day)
}
