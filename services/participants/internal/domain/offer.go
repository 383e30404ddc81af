package domain

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
}

// OfferProduct is a contracted product with its terms versions and starts.
type OfferProduct struct {
	ProductID  string  `json:"productId"`
	Name       string  `json:"name"`
	PriceCents int64   `json:"priceCents"`
	Terms      []Terms `json:"terms"`
	Starts     []Start `json:"starts"`
}

// Start is a start date at a location with its capacity.
type Start struct {
	Date     Date   `json:"date"`
	Location string `json:"location"`
	Capacity int    `json:"capacity"`
}

// Terms is a version of a product's terms; an enrolment pins the one in force at its start.
type Terms struct {
	Version                   int       `json:"version"`
	EffectiveFrom             Date      `json:"effectiveFrom"`
	MaxPriceCents             int64     `json:"maxPriceCents"`
	MinAttendanceHours        int       `json:"minAttendanceHours"`
	RequiredCertificates      []string  `json:"requiredCertificates"`
	Tranches                  []Tranche `json:"tranches"`
	PlacementBeforeCompletion bool      `json:"placementBeforeCompletion"`
}

// Tranche is a share of the price paid at a milestone.
type Tranche struct {
	Milestone string `json:"milestone"`
	Percent   int    `json:"percent"`
}

// TermsAt returns the version in force on day: the latest effective on or before it.
func (p OfferProduct) TermsAt(day Date) (Terms, bool) {
	var best Terms
	found := false
	for _, t := range p.Terms {
		if !t.EffectiveFrom.After(day) && (!found || t.Version > best.Version) {
			best, found = t, true
		}
	}
	return best, found
}
