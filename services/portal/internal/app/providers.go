package app

import (
	"context"
	"net/url"

	"github.com/werkregio/platform/contracts/openapi/providersapi"
)

func providerPath(kvk string) string { return "/api/v1/providers/" + url.PathEscape(kvk) }

// ProviderVersion is a provider's registry entry with its version (ETag); a provider sees
// its own, finance and administrators its bank account.
func (p *Portal) ProviderVersion(ctx context.Context, u User, kvk string) (providersapi.Provider, string, error) {
	var out providersapi.Provider
	etag, err := p.api.Get(ctx, u.call(Providers, providerPath(kvk), nil), &out)
	return out, etag, err
}

// ProviderList is a page of the registry; q: bankAccount (none, pending, confirmed),
// certificates (pending).
func (p *Portal) ProviderList(ctx context.Context, u User, q url.Values) (Page[providersapi.Provider], error) {
	return list[providersapi.Provider](ctx, p, u.call(Providers, "/api/v1/providers", q))
}

// RegisterProvider enters the provider in the region's registry.
func (p *Portal) RegisterProvider(ctx context.Context, u User, key string, in providersapi.ProviderInput) (providersapi.Provider, error) {
	return post[providersapi.Provider](ctx, p, u.call(Providers, "/api/v1/providers", nil), key, in)
}

// RegisterBankAccount records a new or changed bank account, pending finance's confirmation.
func (p *Portal) RegisterBankAccount(ctx context.Context, u User, kvk, version string, in providersapi.BankAccountInput) (providersapi.Provider, error) {
	call := u.call(Providers, providerPath(kvk)+"/bank-account", nil)
	call.IfMatch, call.Body = version, in
	var out providersapi.Provider
	err := p.api.Put(ctx, call, &out)
	return out, err
}

// ConfirmBankAccount: finance checked this revision of the account with the provider.
func (p *Portal) ConfirmBankAccount(ctx context.Context, u User, kvk, version, key string, revision int) (providersapi.Provider, error) {
	call := u.call(Providers, providerPath(kvk)+"/bank-account/confirmation", nil)
	call.IfMatch = version
	return post[providersapi.Provider](ctx, p, call, key, providersapi.ConfirmationInput{Revision: revision})
}

// AddCertificate records a certificate (or its renewal), pending a buyer's verification.
func (p *Portal) AddCertificate(ctx context.Context, u User, kvk, key string, in providersapi.CertificateInput) (providersapi.Provider, error) {
	return post[providersapi.Provider](ctx, p, u.call(Providers, providerPath(kvk)+"/certificates", nil), key, in)
}

// VerifyCertificate: a buyer or coordinator checked the certificate itself.
func (p *Portal) VerifyCertificate(ctx context.Context, u User, kvk, id, version, key string) (providersapi.Provider, error) {
	call := u.call(Providers, providerPath(kvk)+"/certificates/"+url.PathEscape(id)+"/verification", nil)
	call.IfMatch = version
	return post[providersapi.Provider](ctx, p, call, key, nil)
}
