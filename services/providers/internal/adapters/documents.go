package adapters

import (
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// The documents the aggregates are stored as, in the log and in the views, with the field
// names they are stored under; the domain's types know nothing of storage. A document's
// JSON is what was stored before, so a region's data reads back unchanged.

type bankAccountDocument struct {
	AccountHolder string                `json:"accountHolder"`
	IBAN          string                `json:"iban"`
	BIC           string                `json:"bic,omitempty"`
	Address       postalAddressDocument `json:"address"`
	Status        string                `json:"status"`
	Revision      int                   `json:"revision"`
	RegisteredBy  string                `json:"registeredBy"`
	RegisteredAt  time.Time             `json:"registeredAt"`
	ConfirmedBy   string                `json:"confirmedBy,omitempty"`
	ConfirmedAt   time.Time             `json:"confirmedAt,omitzero"`
}

func documentOfBankAccount(v domain.BankAccount) bankAccountDocument {
	return bankAccountDocument{
		AccountHolder: v.AccountHolder,
		IBAN:          v.IBAN,
		BIC:           v.BIC,
		Address:       documentOfPostalAddress(v.Address),
		Status:        v.Status,
		Revision:      v.Revision,
		RegisteredBy:  v.RegisteredBy,
		RegisteredAt:  v.RegisteredAt,
		ConfirmedBy:   v.ConfirmedBy,
		ConfirmedAt:   v.ConfirmedAt,
	}
}

func (d bankAccountDocument) bankAccount() domain.BankAccount {
	var v domain.BankAccount
	v.AccountHolder = d.AccountHolder
	v.IBAN = d.IBAN
	v.BIC = d.BIC
	v.Address = d.Address.postalAddress()
	v.Status = d.Status
	v.Revision = d.Revision
	v.RegisteredBy = d.RegisteredBy
	v.RegisteredAt = d.RegisteredAt
	v.ConfirmedBy = d.ConfirmedBy
	v.ConfirmedAt = d.ConfirmedAt
	return v
}

type certificateDocument struct {
	ID        string                `json:"id"`
	Type      string                `json:"type"`
	Number    string                `json:"number,omitempty"`
	IssuedOn  civil.Date            `json:"issuedOn"`
	ExpiresOn civil.Date            `json:"expiresOn"`
	Pending   bool                  `json:"pending,omitempty"`
	Verified  *verificationDocument `json:"verified,omitempty"`
}

func documentOfCertificate(v domain.Certificate) certificateDocument {
	return certificateDocument{
		ID:        v.ID,
		Type:      v.Type,
		Number:    v.Number,
		IssuedOn:  v.IssuedOn,
		ExpiresOn: v.ExpiresOn,
		Pending:   v.Pending,
		Verified:  convert.Pointer(v.Verified, documentOfVerification),
	}
}

func (d certificateDocument) certificate() domain.Certificate {
	var v domain.Certificate
	v.ID = d.ID
	v.Type = d.Type
	v.Number = d.Number
	v.IssuedOn = d.IssuedOn
	v.ExpiresOn = d.ExpiresOn
	v.Pending = d.Pending
	v.Verified = convert.Pointer(d.Verified, verificationDocument.verification)
	return v
}

type contactDocument struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}

func documentOfContact(v domain.Contact) contactDocument {
	return contactDocument{
		Name:  v.Name,
		Email: v.Email,
		Phone: v.Phone,
	}
}

func (d contactDocument) contact() domain.Contact {
	var v domain.Contact
	v.Name = d.Name
	v.Email = d.Email
	v.Phone = d.Phone
	return v
}

type offerDocument struct {
	ContractID      string                 `json:"contractId"`
	ContractNumber  string                 `json:"contractNumber"`
	SchemeID        string                 `json:"schemeId"`
	SchemeReference string                 `json:"schemeReference"`
	Region          string                 `json:"region"`
	Buyer           string                 `json:"buyer"`
	ProviderKvK     string                 `json:"providerKvk"`
	ProviderName    string                 `json:"providerName"`
	ContractStatus  string                 `json:"contractStatus"`
	Products        []offerProductDocument `json:"products"`
	SchemeRun       *trajectory.Run        `json:"schemeRun,omitempty"`
	Revision        int                    `json:"revision"`
	UpdatedAt       time.Time              `json:"updatedAt"`
}

func documentOfOffer(v domain.Offer) offerDocument {
	return offerDocument{
		ContractID:      v.ContractID,
		ContractNumber:  v.ContractNumber,
		SchemeID:        v.SchemeID,
		SchemeReference: v.SchemeReference,
		Region:          v.Region,
		Buyer:           v.Buyer,
		ProviderKvK:     v.ProviderKvK,
		ProviderName:    v.ProviderName,
		ContractStatus:  v.ContractStatus,
		Products:        convert.Each(v.Products, documentOfOfferProduct),
		SchemeRun:       v.SchemeRun,
		Revision:        v.Revision,
		UpdatedAt:       v.UpdatedAt,
	}
}

func (d offerDocument) offer() domain.Offer {
	var v domain.Offer
	v.ContractID = d.ContractID
	v.ContractNumber = d.ContractNumber
	v.SchemeID = d.SchemeID
	v.SchemeReference = d.SchemeReference
	v.Region = d.Region
	v.Buyer = d.Buyer
	v.ProviderKvK = d.ProviderKvK
	v.ProviderName = d.ProviderName
	v.ContractStatus = d.ContractStatus
	v.Products = convert.Each(d.Products, offerProductDocument.offerProduct)
	v.SchemeRun = d.SchemeRun
	v.Revision = d.Revision
	v.UpdatedAt = d.UpdatedAt
	return v
}

type offerProductDocument struct {
	ProductID  string             `json:"productId"`
	Name       string             `json:"name"`
	PriceCents int64              `json:"priceCents"`
	Terms      []trajectory.Terms `json:"terms"`
	Locations  []string           `json:"locations"`
	Starts     []trajectory.Start `json:"starts"`
}

func documentOfOfferProduct(v domain.OfferProduct) offerProductDocument {
	return offerProductDocument{
		ProductID:  v.ProductID,
		Name:       v.Name,
		PriceCents: v.PriceCents,
		Terms:      v.Terms,
		Locations:  v.Locations,
		Starts:     v.Starts,
	}
}

func (d offerProductDocument) offerProduct() domain.OfferProduct {
	var v domain.OfferProduct
	v.ProductID = d.ProductID
	v.Name = d.Name
	v.PriceCents = d.PriceCents
	v.Terms = d.Terms
	v.Locations = d.Locations
	v.Starts = d.Starts
	return v
}

type postalAddressDocument struct {
	Street         string `json:"street"`
	BuildingNumber string `json:"buildingNumber"`
	PostCode       string `json:"postCode"`
	Town           string `json:"town"`
	Country        string `json:"country"`
}

func documentOfPostalAddress(v domain.PostalAddress) postalAddressDocument {
	return postalAddressDocument{
		Street:         v.Street,
		BuildingNumber: v.BuildingNumber,
		PostCode:       v.PostCode,
		Town:           v.Town,
		Country:        v.Country,
	}
}

func (d postalAddressDocument) postalAddress() domain.PostalAddress {
	var v domain.PostalAddress
	v.Street = d.Street
	v.BuildingNumber = d.BuildingNumber
	v.PostCode = d.PostCode
	v.Town = d.Town
	v.Country = d.Country
	return v
}

type providerDocument struct {
	KvK            string                `json:"kvk"`
	Name           string                `json:"name"`
	Region         string                `json:"region"`
	Regions        []string              `json:"regions"`
	Contact        contactDocument       `json:"contact"`
	Certificates   []certificateDocument `json:"certificates"`
	AnnouncedValid []string              `json:"announcedValid"`
	BankAccount    *bankAccountDocument  `json:"bankAccount,omitempty"`
	RegisteredAt   time.Time             `json:"registeredAt"`
	UpdatedAt      time.Time             `json:"updatedAt"`
}

func documentOfProvider(v domain.Provider) providerDocument {
	return providerDocument{
		KvK:            v.KvK,
		Name:           v.Name,
		Region:         v.Region,
		Regions:        v.Regions,
		Contact:        documentOfContact(v.Contact),
		Certificates:   convert.Each(v.Certificates, documentOfCertificate),
		AnnouncedValid: v.AnnouncedValid,
		BankAccount:    convert.Pointer(v.BankAccount, documentOfBankAccount),
		RegisteredAt:   v.RegisteredAt,
		UpdatedAt:      v.UpdatedAt,
	}
}

func (d providerDocument) provider() domain.Provider {
	var v domain.Provider
	v.KvK = d.KvK
	v.Name = d.Name
	v.Region = d.Region
	v.Regions = d.Regions
	v.Contact = d.Contact.contact()
	v.Certificates = convert.Each(d.Certificates, certificateDocument.certificate)
	v.AnnouncedValid = d.AnnouncedValid
	v.BankAccount = convert.Pointer(d.BankAccount, bankAccountDocument.bankAccount)
	v.RegisteredAt = d.RegisteredAt
	v.UpdatedAt = d.UpdatedAt
	return v
}

type verificationDocument struct {
	By commit.Actor `json:"by"`
	At time.Time    `json:"at"`
}

func documentOfVerification(v domain.Verification) verificationDocument {
	return verificationDocument{
		By: v.By,
		At: v.At,
	}
}

func (d verificationDocument) verification() domain.Verification {
	var v domain.Verification
	v.By = d.By
	v.At = d.At
	return v
}
