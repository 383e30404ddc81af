package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/problem"
)

// jwksServer serves the public keys of the issuer it is set to, or fails.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	iss     *DevIssuer
	failing bool
	fetches atomic.Int32
}

func newJWKSServer(t *testing.T, iss *DevIssuer) *jwksServer {
	s := &jwksServer{iss: iss}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.failing {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		b, _ := s.iss.PublicJWKS()
		_, _ = w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(iss *DevIssuer, failing bool) {
	s.mu.Lock()
	s.iss, s.failing = iss, failing
	s.mu.Unlock()
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var somebody = Principal{Subject: "u", Region: "groningen", Roles: []Role{RoleBuyer}}

// The identity provider rotates its key: the first token signed with the new key is
// accepted at once (the set is read again for a key it does not hold), and tokens naming
// unknown keys cannot make the platform ask the provider more than once per interval.
func TestARotatedKeyIsFollowedAtOnceAndUnknownKeysDoNotHammerTheProvider(t *testing.T) {
	old, _ := NewDevIssuer("test", "werkregio")
	rotated, _ := NewDevIssuer("test", "werkregio")
	srv := newJWKSServer(t, old)
	clock := &fakeClock{now: time.Now()}
	v, err := NewVerifier(t.Context(), VerifierConfig{Issuer: "test", Audience: "werkregio", JWKSURL: srv.URL, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv.set(rotated, false)
	tok, _ := rotated.Issue(somebody, time.Minute)
	if _, err := v.Verify(tok); err != nil {
		t.Fatalf("a token of the rotated key: %v", err)
	}
	// an attacker's tokens, each naming a key nobody has
	before := srv.fetches.Load()
	for range 50 {
		stranger, _ := NewDevIssuer("test", "werkregio")
		forged, _ := stranger.Issue(somebody, time.Minute)
		if _, err := v.Verify(forged); err == nil {
			t.Fatal("a token of an unknown key was accepted")
		}
	}
	if n := srv.fetches.Load() - before; n > 1 {
		t.Errorf("50 unknown keys made %d fetches within one interval, want at most 1", n)
	}
	clock.add(DefaultRefetchInterval + time.Second)
	stranger, _ := NewDevIssuer("test", "werkregio")
	forged, _ := stranger.Issue(somebody, time.Minute)
	_, _ = v.Verify(forged)
	if n := srv.fetches.Load() - before; n > 2 {
		t.Errorf("after the interval: %d fetches, want at most 2", n)
	}
}

// A key set mounted from a Secret or ConfigMap is read again too: a rotated key in the
// file is followed for the first token that uses it.
func TestARotatedKeyInTheMountedFileIsFollowed(t *testing.T) {
	old, _ := NewDevIssuer("test", "werkregio")
	rotated, _ := NewDevIssuer("test", "werkregio")
	path := filepath.Join(t.TempDir(), "jwks.json")
	_ = old.WritePublicSet(path)
	v, err := NewVerifier(t.Context(), VerifierConfig{Issuer: "test", Audience: "werkregio", JWKSFile: path})
	if err != nil {
		t.Fatal(err)
	}
	_ = rotated.WritePublicSet(path)
	tok, _ := rotated.Issue(somebody, time.Minute)
	if _, err := v.Verify(tok); err != nil {
		t.Fatalf("a token of the rotated key: %v", err)
	}
}

// Keys that cannot be read again are trusted for MaxKeyAge, not for ever: after it no
// token is accepted (503, retry later), readiness says why, and once the provider answers
// again tokens are accepted without a restart.
func TestAKeySetThatCannotBeRefreshedIsTrustedForABoundedTime(t *testing.T) {
	iss, _ := NewDevIssuer("test", "werkregio")
	srv := newJWKSServer(t, iss)
	clock := &fakeClock{now: time.Now()}
	v, err := NewVerifier(t.Context(), VerifierConfig{Issuer: "test", Audience: "werkregio", JWKSURL: srv.URL, Now: clock.Now, MaxKeyAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := iss.Issue(somebody, 2*time.Hour)
	if _, err := v.Verify(tok); err != nil {
		t.Fatal(err)
	}
	srv.set(iss, true)
	clock.add(50 * time.Minute)
	v.refreshOrLog(context.Background())
	if _, err := v.Verify(tok); err != nil {
		t.Fatalf("within the bound: %v", err)
	}
	clock.add(11 * time.Minute)
	if _, err := v.Verify(tok); !errors.Is(err, ErrKeysStale) {
		t.Fatalf("past the bound: %v, want ErrKeysStale", err)
	}
	if v.Ready(t.Context()) == nil {
		t.Error("readiness does not say the keys are stale")
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(func(c *gin.Context) {
		c.Next()
		if len(c.Errors) > 0 {
			p := problem.From(c.Errors.Last().Err)
			c.JSON(p.Status, p)
		}
	})
	r.GET("/x", Authenticate(v, "groningen"), func(c *gin.Context) { c.Status(200) })
	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	r.ServeHTTP(w, req)
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Errorf("a request while the keys are stale: %d, Retry-After %q; want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}

	srv.set(iss, false)
	clock.add(DefaultRefetchInterval)
	if _, err := v.Verify(tok); err != nil {
		t.Fatalf("after the provider answers again: %v", err)
	}
	if err := v.Ready(t.Context()); err != nil {
		t.Error(err)
	}
}
