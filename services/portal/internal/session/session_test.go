package session

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func manager(t *testing.T, now *time.Time) *Manager {
	t.Helper()
	key := make([]byte, KeySize)
	_, _ = rand.Read(key)
	m, err := New(Config{Key: key, Secure: true, Idle: 15 * time.Minute, MaxAge: 10 * time.Hour, Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	return m
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
// access token's expiry, and whenever its cookie was changed by anyone but the portal.
func TestASessionEndsWhenIdleExpiredOrTamperedWith(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	m := manager(t, &now)
	w := httptest.NewRecorder()
	s := m.Start(Session{Subject: "financien@groningen", AccessToken: "token"}, now.Add(8*time.Hour))
	if err := m.Save(w, s); err != nil {
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
	if err != nil || got.Subject != "financien@groningen" || got.CSRF == "" {
		t.Fatalf("within the idle time: %+v %v", got, err)
	}
	// used: the idle time starts again
	w2 := httptest.NewRecorder()
	_ = m.Save(w2, got)
	now = now.Add(14 * time.Minute)
	if _, err := m.Load(request(w2)); err != nil {
		t.Fatalf("used 14 minutes ago: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := m.Load(request(w2)); !errors.Is(err, ErrIdle) {
		t.Fatalf("16 minutes idle: %v", err)
	}
	// the token's expiry ends it, however busy
	for range 40 {
		now = now.Add(14 * time.Minute)
		w3 := httptest.NewRecorder()
		got.Seen = now
		_ = m.Save(w3, got)
		if _, err := m.Load(request(w3)); err != nil {
			if !errors.Is(err, ErrExpired) || now.Before(s.Expires) {
				t.Fatalf("at %s: %v", now, err)
			}
			break
		}
	}
	// a changed byte breaks the seal
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value[:10] + "A" + c.Value[11:]})
	if _, err := m.Load(r); !errors.Is(err, ErrNone) {
		t.Fatalf("tampered cookie: %v", err)
	}
	// and a sign-in state is not a session, though sealed by the same key
	w4 := httptest.NewRecorder()
	_ = m.SaveSignIn(w4, SignIn{State: "s"})
	r = httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: m.SessionCookie(), Value: w4.Result().Cookies()[0].Value})
	if _, err := m.Load(r); !errors.Is(err, ErrNone) {
		t.Fatalf("a sign-in state replayed as a session: %v", err)
	}
}

// A sign-in state is used once.
func TestASignInStateIsTakenOnce(t *testing.T) {
	now := time.Now()
	m := manager(t, &now)
	w := httptest.NewRecorder()
	if err := m.SaveSignIn(w, SignIn{State: "abc", Nonce: "n", Verifier: "v", Return: "/regio"}); err != nil {
		t.Fatal(err)
	}
	r := request(w)
	w2 := httptest.NewRecorder()
	s, ok := m.TakeSignIn(w2, r)
	if !ok || s.State != "abc" || s.Return != "/regio" {
		t.Fatalf("%+v %v", s, ok)
	}
	if c := w2.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Fatalf("the state's cookie is not removed: %+v", c)
	}
	now = now.Add(11 * time.Minute)
	if _, ok := m.TakeSignIn(httptest.NewRecorder(), r); ok {
		t.Fatal("a sign-in state older than ten minutes was taken")
	}
}
