package ports

import (
	"github.com/werkregio/platform/contracts/openapi/providersapi"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// The request bodies of the API (the contract's generated types), as the domain takes them.

func providerInput(in providersapi.ProviderInput) domain.ProviderInput {
	return domain.ProviderInput{KvK: in.KvK, Name: in.Name, Regions: in.Regions,
		Contact: domain.Contact{Name: in.Contact.Name, Email: in.Contact.Email, Phone: optional.Value(in.Contact.Phone)}}
}

func certificateInput(in providersapi.CertificateInput) domain.CertificateInput {
	return domain.CertificateInput{Type: in.Type, Number: optional.Value(in.Number), IssuedOn: in.IssuedOn, ExpiresOn: in.ExpiresOn}
}

func productOfferInput(in providersapi.ProductOfferInput) domain.ProductOfferInput {
	out := domain.ProductOfferInput{Locations: in.Locations}
	if in.Starts != nil {
		out.Starts = make([]trajectory.Start, len(in.Starts))
		for i, s := range in.Starts {
			out.Starts[i] = trajectory.Start{Date: s.Date, Location: s.Location, Capacity: s.Capacity}
		}
	}
	return out
}

func bankAccountInput(in providersapi.BankAccountInput) domain.BankAccountInput {
	a := in.Address
	return domain.BankAccountInput{AccountHolder: in.AccountHolder, IBAN: in.IBAN, BIC: optional.Value(in.BIC),
		Address: domain.PostalAddress{Street: a.Street, BuildingNumber: a.BuildingNumber, PostCode: a.PostCode, Town: a.Town, Country: a.Country}}
}
