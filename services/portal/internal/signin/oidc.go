// Package signin signs users in with OpenID Connect (authorization code flow with PKCE)
// against the region's identity provider, and maps the ID token's claims to the user.
package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/session"
)

// Config is the portal's registration at the identity provider.
type Config struct {
	Issuer, ClientID, ClientSecret string
	// RedirectURL is the portal's callback, registered at the provider.
	RedirectURL string
	Scopes      []string
	Claims      Claims
	HTTPClient  *http.Client
}

// OIDC is the relying party. The provider's discovery document is fetched on first use
// and kept: the portal starts (and serves its public pages) while the provider is away.
type OIDC struct {
	cfg Config

	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
	endURL   string
}

// New keeps the configuration; nothing is fetched yet.
func New(cfg Config) *OIDC {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "profile"}
	}
	return &OIDC{cfg: cfg}
}

func (o *OIDC) discover(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.oauth != nil {
		return o.oauth, o.verifier, nil
	}
	ctx = oidc.ClientContext(ctx, o.cfg.HTTPClient)
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("the identity provider %s: %w", o.cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&extra)
	o.endURL = extra.EndSession
	o.oauth = &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: o.cfg.Scopes}
	o.verifier = p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID})
	return o.oauth, o.verifier, nil
}

// Ready reports whether the provider's discovery document can be had.
func (o *OIDC) Ready(ctx context.Context) error {
	_, _, err := o.discover(ctx)
	return err
}

// Begin starts a sign-in that returns to the local path back: the URL to send the browser
// to, and the state to keep until the callback.
func (o *OIDC) Begin(ctx context.Context, back string) (string, session.SignIn, error) {
	oc, _, err := o.discover(ctx)
	if err != nil {
		return "", session.SignIn{}, err
	}
	s := session.SignIn{State: session.RandomToken(), Nonce: session.RandomToken(), Verifier: oauth2.GenerateVerifier(), Return: back}
	return oc.AuthCodeURL(s.State, oidc.Nonce(s.Nonce), oauth2.S256ChallengeOption(s.Verifier)), s, nil
}

// ErrSignIn is a sign-in the portal refuses; its message is for the user.
type ErrSignIn struct{ Reason string }

func (e *ErrSignIn) Error() string { return e.Reason }

// Complete exchanges the code, verifies the ID token (signature, issuer, audience, expiry,
// nonce) and maps its claims: the user and the access token with its expiry.
func (o *OIDC) Complete(ctx context.Context, code string, s session.SignIn) (auth.Principal, *oauth2.Token, error) {
	oc, verifier, err := o.discover(ctx)
	if err != nil {
		return auth.Principal{}, nil, err
	}
	ctx = oidc.ClientContext(ctx, o.cfg.HTTPClient)
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(s.Verifier))
	if err != nil {
		return auth.Principal{}, nil, fmt.Errorf("the identity provider did not exchange the code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return auth.Principal{}, nil, errors.New("the identity provider sent no ID token")
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return auth.Principal{}, nil, fmt.Errorf("the ID token is not valid: %w", err)
	}
	if idt.Nonce != s.Nonce {
		return auth.Principal{}, nil, errors.New("the ID token's nonce is not this sign-in's")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return auth.Principal{}, nil, err
	}
	p, err := o.cfg.Claims.Principal(idt.Subject, claims)
	if err != nil {
		return p, nil, &ErrSignIn{Reason: err.Error()}
	}
	return p, tok, nil
}

// EndSessionURL is the provider's sign-out page (RP-initiated logout), if it has one.
func (o *OIDC) EndSessionURL() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.endURL
}

// ClientID is the portal's client id at the provider.
func (o *OIDC) ClientID() string { return o.cfg.ClientID }
