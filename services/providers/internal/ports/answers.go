package ports

import (
	"github.com/werkregio/platform/contracts/openapi/providersapi"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// The answers of the API: the domain's values in the types generated from the service's
// OpenAPI document, so what is sent is what the contract says.

func bankAccountAnswer(v domain.BankAccount) providersapi.BankAccount {
	return providersapi.BankAccount{
		AccountHolder: v.AccountHolder,
		Address:       postalAddressAnswer(v.Address),
		BIC:           optional.Of(v.BIC),
		ConfirmedAt:   optional.Of(v.ConfirmedAt),
		ConfirmedBy:   optional.Of(v.ConfirmedBy),
		IBAN:          v.IBAN,
		RegisteredAt:  v.RegisteredAt,
		RegisteredBy:  v.RegisteredBy,
		Revision:      v.Revision,
		Status:        providersapi.BankAccountStatus(v.Status),
	}
}

func certificateAnswer(v domain.Certificate) providersapi.Certificate {
	return providersapi.Certificate{
		ExpiresOn: v.ExpiresOn,
		ID:        v.ID,
		IssuedOn:  v.IssuedOn,
		Number:    optional.Of(v.Number),
		Pending:   optional.Of(v.Pending),
		Type:      v.Type,
		Verified:  convert.Pointer(v.Verified, certificateVerifiedAnswer),
	}
}

func contactAnswer(v domain.Contact) providersapi.Contact {
	return providersapi.Contact{
		Email: v.Email,
		Name:  v.Name,
		Phone: optional.Of(v.Phone),
	}
}

func offerAnswer(v domain.Offer) providersapi.Offer {
	return providersapi.Offer{
		Buyer:           v.Buyer,
		ContractID:      v.ContractID,
		ContractNumber:  v.ContractNumber,
		ContractStatus:  providersapi.OfferContractStatus(v.ContractStatus),
		Products:        convert.Each(v.Products, offerProductAnswer),
		ProviderKvK:     v.ProviderKvK,
		ProviderName:    v.ProviderName,
		Region:          v.Region,
		Revision:        v.Revision,
		SchemeID:        v.SchemeID,
		SchemeReference: v.SchemeReference,
		SchemeRun:       convert.Pointer(v.SchemeRun, offerSchemeRunAnswer),
		UpdatedAt:       v.UpdatedAt,
	}
}

func offerProductAnswer(v domain.OfferProduct) providersapi.OfferProduct {
	return providersapi.OfferProduct{
		Locations:  v.Locations,
		Name:       v.Name,
		PriceCents: v.PriceCents,
		ProductID:  v.ProductID,
		Starts:     convert.Each(v.Starts, startAnswer),
		Terms:      convert.Each(v.Terms, termsAnswer),
	}
}

func postalAddressAnswer(v domain.PostalAddress) providersapi.PostalAddress {
	return providersapi.PostalAddress{
		BuildingNumber: v.BuildingNumber,
		Country:        v.Country,
		PostCode:       v.PostCode,
		Street:         v.Street,
		Town:           v.Town,
	}
}

func providerAnswer(v domain.Provider) providersapi.Provider {
	return providersapi.Provider{
		AnnouncedValid: v.AnnouncedValid,
		BankAccount:    convert.Pointer(v.BankAccount, bankAccountAnswer),
		Certificates:   convert.Each(v.Certificates, certificateAnswer),
		Contact:        contactAnswer(v.Contact),
		KvK:            v.KvK,
		Name:           v.Name,
		Region:         v.Region,
		Regions:        v.Regions,
		RegisteredAt:   v.RegisteredAt,
		UpdatedAt:      v.UpdatedAt,
	}
}

func startAnswer(v trajectory.Start) providersapi.Start {
	return providersapi.Start{
		Capacity: v.Capacity,
		Date:     v.Date,
		Location: v.Location,
	}
}

func termsAnswer(v trajectory.Terms) providersapi.Terms {
	return providersapi.Terms{
		EffectiveFrom:             v.EffectiveFrom,
		MaxPriceCents:             v.MaxPriceCents,
		MinAttendanceHours:        v.MinAttendanceHours,
		PlacementBeforeCompletion: v.PlacementBeforeCompletion,
		RequiredCertificates:      v.RequiredCertificates,
		Tranches:                  convert.Each(v.Tranches, trancheAnswer),
		Version:                   v.Version,
	}
}

func trancheAnswer(v trajectory.Tranche) providersapi.Tranche {
	return providersapi.Tranche{
		Milestone: providersapi.TrancheMilestone(v.Milestone),
		Percent:   v.Percent,
	}
}

func certificateVerifiedAnswer(v domain.Verification) providersapi.Certificate_Verified {
	return providersapi.Certificate_Verified{
		At: v.At,
		By: certificateVerifiedByAnswer(v.By),
	}
}

func offerSchemeRunAnswer(v trajectory.Run) providersapi.Offer_SchemeRun {
	return providersapi.Offer_SchemeRun{
		From:  v.From,
		Until: v.Until,
	}
}

func certificateVerifiedByAnswer(v commit.Actor) providersapi.Certificate_Verified_By {
	return providersapi.Certificate_Verified_By{
		Name:    optional.Of(v.Name),
		Org:     optional.Of(v.Org),
		Subject: v.Subject,
	}
}
