package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwt"
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

// sign makes a token with exactly the claims given, as a careless or hostile issuer would.
func (d *DevIssuer) sign(t *testing.T, claims map[string]any) string {
	t.Helper()
	b := jwt.NewBuilder()
	for k, v := range claims {
		b = b.Claim(k, v)
	}
	tok, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.EdDSA(), d.key))
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}

// A token must say when it ends, end within the region's cap, and a refusal says why in
// plain words without the library's internals.
func TestTokensMustExpireSoonAndRefusalsSayWhyPlainly(t *testing.T) {
	iss, _ := NewDevIssuer("test", "werkregio")
	v := verifierFor(t, iss)
	now := time.Now()
	base := func(extra map[string]any) map[string]any {
		c := map[string]any{"iss": "test", "aud": []string{"werkregio"}, "sub": "u1", ClaimRegion: "groningen", ClaimRoles: []string{"buyer"}}
		for k, x := range extra {
			c[k] = x
		}
		return c
	}
	cases := map[string]struct {
		token  string
		reason string
	}{
		"no exp":                  {iss.sign(t, base(nil)), "lacks a required claim"},
		"a year long":             {iss.sign(t, base(map[string]any{"iat": now.Unix(), "exp": now.AddDate(1, 0, 0).Unix()})), "valid for longer"},
		"long without iat":        {iss.sign(t, base(map[string]any{"exp": now.Add(13 * time.Hour).Unix()})), "valid for longer"},
		"long from iat":           {iss.sign(t, base(map[string]any{"iat": now.Add(-20 * time.Hour).Unix(), "exp": now.Add(time.Hour).Unix()})), "valid for longer"},
		"expired beyond the skew": {iss.sign(t, base(map[string]any{"exp": now.Add(-2 * time.Minute).Unix()})), "expired"},
		"issued in the future":    {iss.sign(t, base(map[string]any{"iat": now.Add(10 * time.Minute).Unix(), "exp": now.Add(time.Hour).Unix()})), "not valid yet"},
		"no subject":              {iss.sign(t, map[string]any{"iss": "test", "aud": []string{"werkregio"}, ClaimRegion: "g", ClaimRoles: []string{"buyer"}, "exp": now.Add(time.Hour).Unix()}), "lacks a required claim"},
		"garbage":                 {"not.a.token", "signature or format"},
	}
	for name, c := range cases {
		_, err := v.Verify(c.token)
		var it *ErrInvalidToken
		if !errors.As(err, &it) || !strings.Contains(it.Reason, c.reason) {
			t.Errorf("%s: %v, want a refusal saying %q", name, err, c.reason)
			continue
		}
		for _, internal := range []string{"jwt", "jws", "jwk", "failed to", "parse"} {
			if strings.Contains(strings.ToLower(it.Reason), internal) {
				t.Errorf("%s: the reason %q shows the library's internals", name, it.Reason)
			}
		}
	}
	within := iss.sign(t, base(map[string]any{"exp": now.Add(-10 * time.Second).Unix()})) // within the 30 s skew
	if _, err := v.Verify(within); err != nil {
		t.Errorf("a token 10 s past its exp is refused, within the allowed skew: %v", err)
	}
	if _, err := NewVerifier(context.Background(), VerifierConfig{Issuer: "test", Audience: "werkregio", JWKSFile: "x", ClockSkew: time.Hour}); err == nil {
		t.Error("a clock skew of an hour is accepted")
	}
}
