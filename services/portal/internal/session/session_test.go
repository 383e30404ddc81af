package session_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/portal/internal/adapters"
	"github.com/werkregio/platform/services/portal/internal/session"
)

// manager keeps its sessions in a database of its own on the embedded MongoDB.
func manager(t *testing.T, now *time.Time) (*session.Manager, *adapters.Sessions) {
	t.Helper()
	infra := kittest.Shared(t)
	client, err := store.Connect(context.Background(), infra.MongoURI, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	kept, err := adapters.NewSessions(context.Background(), client.Database(fmt.Sprintf("portal-sessions-%d", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, session.KeySize)
	_, _ = rand.Read(key)
	m, err := session.New(session.Config{Key: key, Secure: true, Idle: 15 * time.Minute, MaxAge: 10 * time.Hour, Now: func() time.Time { return *now }}, kept)
	if err != nil {
		t.Fatal(err)
	}
	return m, kept
}

// request carries the cookies a response set, as a browser sends them back.
func request(w *httptest.ResponseRecorder) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge >= 0 {
			r.AddCookie(c)
		}
	}
	return r
}

// A session lives while it is used: it ends after the idle time without a request, at the
// access token's expiry, and a cookie the portal did not give opens nothing.
func TestASessionEndsWhenIdleExpiredOrTamperedWith(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	m, _ := manager(t, &now)
	w := httptest.NewRecorder()
	_, err := m.Start(ctx, w, session.Session{Subject: "financien@groningen", AccessToken: "token"}, now.Add(8*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	c := w.Result().Cookies()[0]
	if c.Name != "__Host-werkregio" || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
		t.Fatalf("cookie %+v", c)
	}
	if strings.Contains(c.Value, "token") || strings.Contains(c.Value, "financien") {
		t.Fatal("the cookie shows what it holds")
	}
	now = now.Add(14 * time.Minute)
	got, err := m.Load(request(w))
	if err != nil || got.Subject != "financien@groningen" || got.AccessToken != "token" || got.CSRF == "" {
		t.Fatalf("within the idle time: %+v %v", got, err)
	}
	// used: the idle time starts again
	if err := m.Save(ctx, got); err != nil {
		t.Fatal(err)
	}
	now = now.Add(14 * time.Minute)
	if _, err := m.Load(request(w)); err != nil {
		t.Fatalf("used 14 minutes ago: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := m.Load(request(w)); !errors.Is(err, session.ErrIdle) {
		t.Fatalf("16 minutes idle: %v", err)
	}
	if _, err := m.Load(request(w)); !errors.Is(err, session.ErrNone) {
		t.Fatalf("an idle session is forgotten: %v", err)
	}
	// the token's expiry ends it, however busy
	w = httptest.NewRecorder()
	s, _ := m.Start(ctx, w, session.Session{Subject: "financien@groningen", AccessToken: "token"}, now.Add(8*time.Hour))
	for range 40 {
		now = now.Add(14 * time.Minute)
		got, err := m.Load(request(w))
		if err != nil {
			if !errors.Is(err, session.ErrExpired) || now.Before(s.Expires) {
				t.Fatalf("at %s: %v", now, err)
			}
			break
		}
		_ = m.Save(ctx, got)
	}
	// a changed id opens nothing
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value[:10] + "A" + c.Value[11:]})
	if _, err := m.Load(r); !errors.Is(err, session.ErrNone) {
		t.Fatalf("tampered cookie: %v", err)
	}
	// and a sign-in state is not a session, though sealed by the same key
	w4 := httptest.NewRecorder()
	_ = m.SaveSignIn(w4, session.SignIn{State: "s"})
	r = httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: m.SessionCookie(), Value: w4.Result().Cookies()[0].Value})
	if _, err := m.Load(r); !errors.Is(err, session.ErrNone) {
		t.Fatalf("a sign-in state replayed as a session: %v", err)
	}
}

// Signing out ends the session on the server: a copy of its cookie, taken before, opens
// nothing afterwards.
func TestACopiedCookieOpensNothingAfterSignOut(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	m, _ := manager(t, &now)
	w := httptest.NewRecorder()
	if _, err := m.Start(ctx, w, session.Session{Subject: "financien@groningen", AccessToken: "token", IDToken: "id-token"}, now.Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	copied := request(w)
	out := httptest.NewRecorder()
	ended, err := m.End(out, request(w))
	if err != nil || ended == nil || ended.IDToken != "id-token" {
		t.Fatalf("sign-out: %+v %v", ended, err)
	}
	if c := out.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Fatalf("the browser keeps the cookie: %+v", c)
	}
	if _, err := m.Load(copied); !errors.Is(err, session.ErrNone) {
		t.Fatalf("a copied cookie after sign-out: %v", err)
	}
}

// An identity provider's tokens of any size fit: the cookie holds a 43-character id, the
// tokens stay on the server, sealed (the store holds no readable token).
func TestLargeTokensStayOutOfTheCookie(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	m, kept := manager(t, &now)
	access, id := strings.Repeat("a", 8<<10), strings.Repeat("i", 6<<10)
	w := httptest.NewRecorder()
	if _, err := m.Start(ctx, w, session.Session{Subject: "financien@groningen", AccessToken: access, IDToken: id}, now.Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	header := w.Header().Get("Set-Cookie")
	if len(header) > 200 {
		t.Fatalf("the cookie is %d bytes: %s", len(header), header)
	}
	got, err := m.Load(request(w))
	if err != nil || got.AccessToken != access || got.IDToken != id {
		t.Fatalf("the tokens did not come back: %v", err)
	}
	if n, err := kept.Purge(ctx, now.Add(9*time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge after the session's end: %d %v", n, err)
	}
}
