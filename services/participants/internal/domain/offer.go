package domain

import (
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/trajectory"
)

// Offer is this service's copy of a provider's offer under a contract, kept from the
// providers service's offer.changed events (newest revision wins).
type Offer struct {
	ContractID     string
	ContractNumber string
	SchemeID       string
	Region         string
	ProviderKvK    string
	ProviderName   string
	ContractStatus string
	Products       []OfferProduct
	Revision       int
	// SchemeRun is when trajectories may start (absent on offers made before it was sent).
	SchemeRun *trajectory.Run
}

// OfferProduct is a contracted product with its terms versions and starts.
type OfferProduct struct {
	ProductID  string
	Name       string
	PriceCents int64
	Terms      []trajectory.Terms
	Starts     []trajectory.Start
}

// TermsAt returns the version in force on day.
func (p OfferProduct) TermsAt(day civil.Date) (trajectory.Terms, bool) {
	return trajectory.TermsAt(p.Terms, day)
}
