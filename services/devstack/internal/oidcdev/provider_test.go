package oidcdev_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/werkregio/platform/services/devstack/internal/oidcdev"
	"github.com/werkregio/platform/services/kit/auth"
)

// A relying party as the portal is one (go-oidc and x/oauth2, the libraries it uses) signs a
// demo user in through the provider's discovery, sign-in page and token endpoint with PKCE,
// verifies the ID token (EdDSA, nonce) and gets an access token the services accept. A
// wrong verifier, a reused code and a redirect the client did not register are refused.
func TestARelyingPartySignsADemoUserIn(t *testing.T) {
	keys, err := auth.NewDevIssuer("werkregio-local", "werkregio")
	if err != nil {
		t.Fatal(err)
	}
	prov := &oidcdev.Provider{Region: "groningen", Keys: keys,
		Users:   []oidcdev.User{{ID: "inkoper@groningen", Name: "Inkoper Groningen", Role: auth.RoleBuyer, Org: "gemeente-groningen"}, {ID: "financien@groningen", Name: "Financiën", Role: auth.RoleFinance, Org: "gemeente-groningen"}},
		Clients: []oidcdev.Client{{ID: "portal", Secret: "local-portal-secret", RedirectPrefix: "http://127.0.0.1:8090/"}}}
	srv := httptest.NewServer(prov.Handler())
	defer srv.Close()
	prov.URL = srv.URL
	ctx := context.Background()

	op, err := oidc.NewProvider(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := oauth2.Config{ClientID: "portal", ClientSecret: "local-portal-secret", Endpoint: op.Endpoint(),
		RedirectURL: "http://127.0.0.1:8090/auth/callback", Scopes: []string{oidc.ScopeOpenID, "profile"}}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	signIn := func(user string, verifier string) (code string) {
		t.Helper()
		resp, err := browser.Get(cfg.AuthCodeURL("state-1", oidc.Nonce("nonce-1"), oauth2.S256ChallengeOption(verifier)))
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), "Financiën") {
			t.Fatalf("sign-in page: %d %s", resp.StatusCode, page)
		}
		form := url.Values{"user": {user}}
		for _, m := range regexp.MustCompile(`name="([a-z_]+)" value="([^"]*)"`).FindAllStringSubmatch(string(page), -1) {
			form.Set(m[1], htmlUnescape(m[2]))
		}
		resp, err = browser.PostForm(srv.URL+"/authorize", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		to, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || to.Query().Get("state") != "state-1" || !strings.HasPrefix(to.String(), cfg.RedirectURL) {
			t.Fatalf("after sign-in: %d to %s", resp.StatusCode, to)
		}
		return to.Query().Get("code")
	}

	verifier := oauth2.GenerateVerifier()
	code := signIn("financien@groningen", verifier)
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := op.Verifier(&oidc.Config{ClientID: "portal", SupportedSigningAlgs: []string{"EdDSA"}}).Verify(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Nonce  string   `json:"nonce"`
		Name   string   `json:"name"`
		Roles  []string `json:"roles"`
		Region string   `json:"region"`
		Org    string   `json:"org"`
	}
	if err := id.Claims(&claims); err != nil || claims.Nonce != "nonce-1" || claims.Roles[0] != "finance" || claims.Region != "groningen" || claims.Org != "gemeente-groningen" {
		t.Fatalf("ID token claims %+v, %v", claims, err)
	}
	// the access token is a platform token: what the services verify
	jwks := t.TempDir() + "/jwks.json"
	if err := keys.WritePublicSet(jwks); err != nil {
		t.Fatal(err)
	}
	services, err := auth.NewVerifier(ctx, auth.VerifierConfig{Issuer: "werkregio-local", Audience: "werkregio", JWKSFile: jwks})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := services.Verify(tok.AccessToken); err != nil || !p.Has(auth.RoleFinance) || p.Org != "gemeente-groningen" {
		t.Fatalf("the services see %+v, %v", p, err)
	}

	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil {
		t.Error("a code was exchanged twice")
	}
	if _, err := cfg.Exchange(ctx, signIn("inkoper@groningen", verifier), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Error("a code was exchanged with another PKCE verifier")
	}
	elsewhere := cfg
	elsewhere.RedirectURL = "https://evil.example/callback"
	if resp, err := browser.Get(elsewhere.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier))); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unregistered redirect: %v %v", resp.StatusCode, err)
	}

	// sign-out (RP-initiated logout) returns only to where the client registered
	var disc struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := op.Claims(&disc); err != nil || disc.EndSession == "" {
		t.Fatalf("no end_session_endpoint: %v", err)
	}
	out := func(back string) *http.Response {
		resp, err := browser.Get(disc.EndSession + "?" + url.Values{"client_id": {"portal"}, "id_token_hint": {raw}, "post_logout_redirect_uri": {back}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := out("http://127.0.0.1:8090/afgemeld"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "http://127.0.0.1:8090/afgemeld" {
		t.Errorf("sign-out: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := out("https://evil.example/afgemeld"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("sign-out to an unregistered address: %d", resp.StatusCode)
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&lt;", "<", "&gt;", ">", "&#39;", "'").Replace(s)
}
