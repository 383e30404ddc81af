package app

import (
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/optional"
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

// The events this service publishes, built from its domain in the contracts' types.

func schemePublished(s *domain.Scheme) events.SchemePublished {
	return events.SchemePublished{SchemeID: s.ID, Reference: s.Reference, Region: s.Region, Buyer: s.Buyer, Title: s.Title,
		Sector: events.Sector(s.Sector), OpenFrom: s.OpenFrom, OpenUntil: s.OpenUntil, Products: productsEvent(s.Products), PublishedAt: *s.PublishedAt}
}

func productsEvent(ps []domain.Product) []events.Product {
	if ps == nil {
		return nil
	}
	out := make([]events.Product, len(ps))
	for i, p := range ps {
		out[i] = events.Product{ID: p.ID, Name: p.Name, Description: optional.Of(p.Description), Terms: termsEvent(p.Terms)}
	}
	return out
}

func termsEvent(ts []trajectory.Terms) []events.Terms {
	if ts == nil {
		return nil
	}
	out := make([]events.Terms, len(ts))
	for i, t := range ts {
		out[i] = t.Event()
	}
	return out
}

func schemeClosed(s *domain.Scheme) events.SchemeClosed {
	return events.SchemeClosed{SchemeID: s.ID, Reference: s.Reference, Region: s.Region, ClosedAt: *s.ClosedAt}
}

// termsChanged carries a product's new terms version (version 1: a new product).
func termsChanged(sch *domain.Scheme, prod *domain.Product, t trajectory.Terms, now time.Time) Event {
	return Event{Type: TypeProductTermsChanged, Key: sch.ID, Subject: prod.ID, Data: events.ProductTermsChanged{
		SchemeID: sch.ID, Region: sch.Region, ProductID: prod.ID, ProductName: prod.Name, Terms: t.Event(), ChangedAt: now.UTC(),
	}}
}

// applicationRejected lists why an application failed.
func applicationRejected(app *domain.Application, sch *domain.Scheme, providerKvK string, now time.Time) events.ApplicationRejected {
	failures := make([]events.Failure, len(app.Failures))
	for i, f := range app.Failures {
		failures[i] = events.Failure{Requirement: events.FailureRequirement(f.Requirement), ProductID: optional.Of(f.ProductID), Detail: f.Detail}
	}
	return events.ApplicationRejected{ApplicationID: app.ID, SchemeID: sch.ID, Region: sch.Region, ProviderKvK: providerKvK, Failures: failures, RejectedAt: now.UTC()}
}

// contractAwarded is the contract other services build on (offers, enrolments, payments),
// with every terms version known at award, so an offer can pin the version in force at each
// start without asking procurement; an extension carries the same.
func contractAwarded(sch *domain.Scheme, c *domain.Contract) events.ContractAwarded {
	products := make([]events.AwardedProduct, 0, len(c.Products))
	for _, cp := range c.Products {
		ap := events.AwardedProduct{ProductID: cp.ProductID, Name: cp.Name, PriceCents: cp.PriceCents, TermsVersion: cp.TermsVersion}
		if p, ok := sch.Product(cp.ProductID); ok {
			ap.Terms = termsEvent(p.Terms)
		}
		products = append(products, ap)
	}
	return events.ContractAwarded{ContractID: c.ID, Number: c.Number, SchemeID: sch.ID, SchemeReference: sch.Reference, Region: sch.Region,
		Buyer: sch.Buyer, ProviderKvK: c.ProviderKvK, ProviderName: c.ProviderName, Products: products, AwardedAt: c.AwardedAt,
		SchemeRun: &events.ContractAwarded_SchemeRun{From: sch.OpenFrom, Until: sch.OpenUntil}}
}

// contractStatus reports a suspension, resumption or end.
func contractStatus(c *domain.Contract, reason string, at time.Time) events.ContractSuspended {
	return events.ContractSuspended{ContractID: c.ID, Number: c.Number, SchemeID: c.SchemeID, Region: c.Region,
		ProviderKvK: c.ProviderKvK, Reason: optional.Of(reason), At: at.UTC()}
}

// tenderEvent describes a tender on the calendar (announced, changed or cancelled alike).
func tenderEvent(t *domain.Tender) events.TenderAnnounced {
	return events.TenderAnnounced{TenderID: t.ID, Region: t.Region, Buyer: t.Buyer, Title: t.Title, Sector: events.Sector(t.Sector),
		ExpectedPublication: t.ExpectedPublication, EstimatedValueCents: t.EstimatedValueCents, SROIBasisPoints: t.SroiBasisPoints, At: t.UpdatedAt}
}

// tenderAwarded creates a social-return obligation in the sroi service.
func tenderAwarded(t *domain.Tender) events.TenderAwarded {
	a := t.Award
	return events.TenderAwarded{TenderID: t.ID, Region: t.Region, Buyer: t.Buyer, Title: t.Title, Sector: events.Sector(t.Sector),
		ContractorKvK: a.ContractorKvK, ContractorName: a.ContractorName, ContractValueExclVatCents: a.ContractValueExclVatCents,
		SROIBasisPoints: a.SroiBasisPoints, SROIObligationCents: a.SroiObligationCents(), PublicationDate: a.PublicationDate, AwardedOn: a.AwardedOn,
		ContractType: optional.Of(events.ContractorContractType(a.ContractType)), ContractStart: optional.Of(a.ContractStart), ContractEnd: optional.Of(a.ContractEnd)}
}
