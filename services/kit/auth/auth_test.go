package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"
)

func verifierFor(t *testing.T, iss *DevIssuer) *Verifier {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := iss.WritePublicSet(path); err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(context.Background(), VerifierConfig{Issuer: "test", Audience: "werkregio", JWKSFile: path})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIssuedTokenVerifies(t *testing.T) {
	iss, _ := NewDevIssuer("test", "werkregio")
	v := verifierFor(t, iss)
	tok, err := iss.Issue(Principal{Subject: "u1", Region: "groningen", Org: "12345678", Roles: []Role{RoleProvider}}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.Region != "groningen" || p.Org != "12345678" || !p.Has(RoleProvider) || p.Has(RoleBuyer) {
		t.Errorf("%+v", p)
	}
}

func TestBadTokensAreRejected(t *testing.T) {
	iss, _ := NewDevIssuer("test", "werkregio")
	v := verifierFor(t, iss)
	other, _ := NewDevIssuer("test", "werkregio")
	wrongAud, _ := NewDevIssuer("test", "elsewhere")
	good := Principal{Subject: "u1", Region: "groningen", Roles: []Role{RoleBuyer}}
	cases := map[string]func() (string, error){
		"other key": func() (string, error) { return other.Issue(good, time.Minute) },
		"wrong aud": func() (string, error) { return wrongAud.Issue(good, time.Minute) },
		"expired":   func() (string, error) { return iss.Issue(good, -time.Hour) },
		"unknown role": func() (string, error) {
			return iss.Issue(Principal{Subject: "u", Region: "g", Roles: []Role{"superuser"}}, time.Minute)
		},
		"no region": func() (string, error) {
			return iss.Issue(Principal{Subject: "u", Roles: []Role{RoleBuyer}}, time.Minute)
		},
	}
	for name, mk := range cases {
		tok, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(tok); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := v.Verify("not.a.token"); err == nil {
		t.Error("garbage accepted")
	}
}

func TestVerifierFetchesJWKSFromURL(t *testing.T) {
	iss, _ := NewDevIssuer("test", "werkregio")
	path := filepath.Join(t.TempDir(), "jwks.json")
	_ = iss.WritePublicSet(path)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) }))
	defer srv.Close()
	v, err := NewVerifier(context.Background(), VerifierConfig{Issuer: "test", Audience: "werkregio", JWKSURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := iss.Issue(Principal{Subject: "u", Region: "flevoland", Roles: []Role{RoleAdmin}}, time.Minute)
	if _, err := v.Verify(tok); err != nil {
		t.Fatal(err)
	}
}
