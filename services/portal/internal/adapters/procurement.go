package adapters

// What the portal reads of the procurement service's answers (contracts/openapi/procurement.yaml).

// Terms are one version of a product's terms.
type Terms struct {
	Version              int64    `json:"version"`
	EffectiveFrom        string   `json:"effectiveFrom"`
	MaxPriceCents        int64    `json:"maxPriceCents"`
	MinAttendanceHours   int64    `json:"minAttendanceHours"`
	RequiredCertificates []string `json:"requiredCertificates"`
	Tranches             []struct {
		Milestone string `json:"milestone"`
		Percent   int64  `json:"percent"`
	} `json:"tranches"`
	PlacementBeforeCompletion bool `json:"placementBeforeCompletion"`
}

// Scheme is an Open House scheme with its products.
type Scheme struct {
	ID          string `json:"id"`
	Reference   string `json:"reference"`
	Buyer       string `json:"buyer"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Sector      string `json:"sector"`
	OpenFrom    string `json:"openFrom"`
	OpenUntil   string `json:"openUntil"`
	Status      string `json:"status"`
	Products    []struct {
		ID          string  `json:"id"`
		Name        string  `json:"name"`
		Description string  `json:"description"`
		Terms       []Terms `json:"terms"`
	} `json:"products"`
}

// Application is a provider's application to a scheme, with why it was refused.
type Application struct {
	ID           string `json:"id"`
	SchemeID     string `json:"schemeId"`
	ProviderKvk  string `json:"providerKvk"`
	ProviderName string `json:"providerName"`
	Products     []struct {
		ProductID  string `json:"productId"`
		PriceCents int64  `json:"priceCents"`
	} `json:"products"`
	Status   string `json:"status"`
	Failures []struct {
		Requirement string `json:"requirement"`
		ProductID   string `json:"productId"`
		Detail      string `json:"detail"`
	} `json:"failures"`
	ContractID  string `json:"contractId"`
	SubmittedAt string `json:"submittedAt"`
}

// Contract is an admitted provider's contract under a scheme.
type Contract struct {
	ID              string `json:"id"`
	Number          string `json:"number"`
	SchemeID        string `json:"schemeId"`
	SchemeReference string `json:"schemeReference"`
	ProviderKvk     string `json:"providerKvk"`
	ProviderName    string `json:"providerName"`
	Products        []struct {
		Name         string `json:"name"`
		PriceCents   int64  `json:"priceCents"`
		TermsVersion int64  `json:"termsVersion"`
	} `json:"products"`
	Status    string `json:"status"`
	AwardedAt string `json:"awardedAt"`
	History   []struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
		At     string `json:"at"`
		By     string `json:"by"`
	} `json:"history"`
}

// Tender is an announced tender of the calendar, and its award.
type Tender struct {
	ID                  string `json:"id"`
	Title               string `json:"title"`
	Sector              string `json:"sector"`
	Buyer               string `json:"buyer"`
	ExpectedPublication string `json:"expectedPublication"`
	EstimatedValueCents int64  `json:"estimatedValueCents"`
	SroiBasisPoints     int64  `json:"sroiBasisPoints"`
	Status              string `json:"status"`
	Award               *struct {
		ContractorKvk             string `json:"contractorKvk"`
		ContractorName            string `json:"contractorName"`
		ContractValueExclVatCents int64  `json:"contractValueExclVatCents"`
		SroiBasisPoints           int64  `json:"sroiBasisPoints"`
		AwardedOn                 string `json:"awardedOn"`
	} `json:"award"`
}
