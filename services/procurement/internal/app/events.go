package app

import (
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// CloudEvents types this service publishes (see contracts/catalog; schemas in contracts/events).
const (
	TypeSchemePublished     = catalog.TypeSchemePublished
	TypeSchemeClosed        = catalog.TypeSchemeClosed
	TypeProductTermsChanged = catalog.TypeProductTermsChanged
	TypeApplicationRejected = catalog.TypeApplicationRejected
	TypeContractAwarded     = catalog.TypeContractAwarded
	TypeContractExtended    = catalog.TypeContractExtended
	TypeContractSuspended   = catalog.TypeContractSuspended
	TypeContractResumed     = catalog.TypeContractResumed
	TypeContractEnded       = catalog.TypeContractEnded
	TypeTenderAnnounced     = catalog.TypeTenderAnnounced
	TypeTenderAwarded       = catalog.TypeTenderAwarded
	TypeTenderCancelled     = catalog.TypeTenderCancelled
)

// SchemeData describes a scheme in events.
type SchemeData struct {
	SchemeID  string           `json:"schemeId"`
	Reference string           `json:"reference"`
	Region    string           `json:"region"`
	Buyer     string           `json:"buyer"`
	Title     string           `json:"title"`
	Sector    domain.Sector    `json:"sector"`
	OpenFrom  domain.Date      `json:"openFrom"`
	OpenUntil domain.Date      `json:"openUntil"`
	Products  []domain.Product `json:"products"`
	At        time.Time        `json:"publishedAt"`
}

// SchemeClosedData says a scheme takes no more applications.
type SchemeClosedData struct {
	SchemeID  string    `json:"schemeId"`
	Reference string    `json:"reference"`
	Region    string    `json:"region"`
	ClosedAt  time.Time `json:"closedAt"`
}

// TermsChangedData carries a product's new terms version (version 1: a new product).
type TermsChangedData struct {
	SchemeID    string       `json:"schemeId"`
	Region      string       `json:"region"`
	ProductID   string       `json:"productId"`
	ProductName string       `json:"productName"`
	Terms       domain.Terms `json:"terms"`
	ChangedAt   time.Time    `json:"changedAt"`
}

// ApplicationRejectedData lists why an application failed.
type ApplicationRejectedData struct {
	ApplicationID string           `json:"applicationId"`
	SchemeID      string           `json:"schemeId"`
	Region        string           `json:"region"`
	ProviderKvK   string           `json:"providerKvk"`
	Failures      []domain.Failure `json:"failures"`
	RejectedAt    time.Time        `json:"rejectedAt"`
}

// ContractAwardedData is the contract other services build on (offers, enrolments, payments).
type ContractAwardedData struct {
	ContractID      string           `json:"contractId"`
	Number          string           `json:"number"`
	SchemeID        string           `json:"schemeId"`
	SchemeReference string           `json:"schemeReference"`
	Region          string           `json:"region"`
	Buyer           string           `json:"buyer"`
	ProviderKvK     string           `json:"providerKvk"`
	ProviderName    string           `json:"providerName"`
	Products        []AwardedProduct `json:"products"`
	AwardedAt       time.Time        `json:"awardedAt"`
	// SchemeRun is when trajectories under the contract may start.
	SchemeRun *trajectory.Run `json:"schemeRun,omitempty"`
}

// AwardedProduct is a contracted product with every terms version known at award, so an
// offer can pin the version in force at each start without asking procurement.
type AwardedProduct struct {
	domain.ContractProduct
	Terms []domain.Terms `json:"terms"`
}

func awardedProducts(s *domain.Scheme, c *domain.Contract) []AwardedProduct {
	out := make([]AwardedProduct, 0, len(c.Products))
	for _, cp := range c.Products {
		ap := AwardedProduct{ContractProduct: cp}
		if p, ok := s.Product(cp.ProductID); ok {
			ap.Terms = p.Terms
		}
		out = append(out, ap)
	}
	return out
}

// ContractStatusData reports a suspension, resumption or end.
type ContractStatusData struct {
	ContractID  string    `json:"contractId"`
	Number      string    `json:"number"`
	SchemeID    string    `json:"schemeId"`
	Region      string    `json:"region"`
	ProviderKvK string    `json:"providerKvk"`
	Reason      string    `json:"reason,omitempty"`
	At          time.Time `json:"at"`
}

// TenderData describes a tender on the calendar.
type TenderData struct {
	TenderID            string        `json:"tenderId"`
	Region              string        `json:"region"`
	Buyer               string        `json:"buyer"`
	Title               string        `json:"title"`
	Sector              domain.Sector `json:"sector"`
	ExpectedPublication domain.Date   `json:"expectedPublication"`
	EstimatedValueCents int64         `json:"estimatedValueCents"`
	SroiBasisPoints     int           `json:"sroiBasisPoints"`
	At                  time.Time     `json:"at"`
}

// TenderAwardedData creates a social-return obligation in the sroi service.
type TenderAwardedData struct {
	TenderID                  string        `json:"tenderId"`
	Region                    string        `json:"region"`
	Buyer                     string        `json:"buyer"`
	Title                     string        `json:"title"`
	Sector                    domain.Sector `json:"sector"`
	ContractorKvK             string        `json:"contractorKvk"`
	ContractorName            string        `json:"contractorName"`
	ContractValueExclVatCents int64         `json:"contractValueExclVatCents"`
	SroiBasisPoints           int           `json:"sroiBasisPoints"`
	SroiObligationCents       int64         `json:"sroiObligationCents"`
	PublicationDate           domain.Date   `json:"publicationDate"`
	AwardedOn                 domain.Date   `json:"awardedOn"`
	ContractType              string        `json:"contractType,omitempty"`
	ContractStart             domain.Date   `json:"contractStart,omitzero"`
	ContractEnd               domain.Date   `json:"contractEnd,omitzero"`
}

func schemeData(s *domain.Scheme) SchemeData {
	return SchemeData{SchemeID: s.ID, Reference: s.Reference, Region: s.Region, Buyer: s.Buyer, Title: s.Title,
		Sector: s.Sector, OpenFrom: s.OpenFrom, OpenUntil: s.OpenUntil, Products: s.Products, At: *s.PublishedAt}
}

func contractStatusData(c *domain.Contract, reason string, at time.Time) ContractStatusData {
	return ContractStatusData{ContractID: c.ID, Number: c.Number, SchemeID: c.SchemeID, Region: c.Region,
		ProviderKvK: c.ProviderKvK, Reason: reason, At: at.UTC()}
}

func tenderData(t *domain.Tender) TenderData {
	return TenderData{TenderID: t.ID, Region: t.Region, Buyer: t.Buyer, Title: t.Title, Sector: t.Sector,
		ExpectedPublication: t.ExpectedPublication, EstimatedValueCents: t.EstimatedValueCents,
		SroiBasisPoints: t.SroiBasisPoints, At: t.UpdatedAt}
}
