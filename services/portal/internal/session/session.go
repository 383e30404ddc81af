package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
)

// Session is who is signed in, with the tokens the portal calls the services with.
type Session struct {
	Subject string      `json:"sub"`
	Name    string      `json:"name"`
	Region  string      `json:"region"`
	Org     string      `json:"org"`
	Roles   []auth.Role `json:"roles"`
	// AccessToken is sent to the services as the user's bearer token.
	AccessToken string `json:"at"`
	// IDToken goes back to the identity provider at sign-out (id_token_hint).
	IDToken string `json:"idt,omitempty"`
	// CSRF is the token every form of this session carries.
	CSRF string `json:"csrf"`
	// Expires is the absolute end: the access token's expiry or the maximum age, the sooner.
	Expires time.Time `json:"exp"`
	// Seen is the last request; the session ends when it is older than the idle timeout.
	Seen time.Time `json:"seen"`
	// Notice is a message for the next page (after a form's redirect), shown once.
	Notice string `json:"notice,omitempty"`

	// key names the session in the store: a hash of the cookie's value, so the store
	// does not hold what a browser must present.
	key         string
	savedSeen   time.Time
	savedNotice string
}

// Principal is the session's user as the platform's authorisation knows it.
func (s *Session) Principal() auth.Principal {
	return auth.Principal{Subject: s.Subject, Name: s.Name, Region: s.Region, Org: s.Org, Roles: s.Roles}
}

// SignIn is the state of a sign-in under way (state, nonce, PKCE verifier, where to return).
type SignIn struct {
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	Return   string    `json:"return"`
	Expires  time.Time `json:"exp"`
}

// Store keeps the sessions on the server, sealed under the portal's key: the browser holds
// only a random id, a session signed out is gone for every copy of its cookie, and tokens
// of any size fit.
type Store interface {
	// Put creates or replaces a session; it may be forgotten after expires.
	Put(ctx context.Context, key, sealed string, expires time.Time) error
	// Get is a session, or ErrNone.
	Get(ctx context.Context, key string) (string, error)
	Delete(ctx context.Context, key string) error
}

// Config of the sessions.
type Config struct {
	Key []byte
	// Secure cookies go over HTTPS only (off only for a local portal on http://127.0.0.1).
	Secure bool
	// Idle ends a session without requests for this long; MaxAge ends any session.
	Idle, MaxAge time.Duration
	Now          func() time.Time
}

// Manager keeps sessions in the store and their ids in a cookie, and the sign-in state in
// a sealed cookie of its own (short-lived, before any session exists).
type Manager struct {
	cfg    Config
	sealer *sealer
	store  Store
}

// Why a request has no session.
var (
	ErrNone    = errors.New("not signed in")
	ErrIdle    = errors.New("the session ended after a time without activity")
	ErrExpired = errors.New("the session reached its maximum duration")
)

// touchEvery: a request within this time of the last stored one does not write the
// session again only to move its last activity (the idle time is counted in minutes).
const touchEvery = time.Minute

// New checks the configuration.
func New(cfg Config, store Store) (*Manager, error) {
	s, err := newSealer(cfg.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Idle <= 0 || cfg.MaxAge <= 0 {
		return nil, errors.New("session: idle timeout and maximum age must be positive")
	}
	if cfg.Idle <= touchEvery {
		return nil, errors.New("session: the idle timeout must be longer than a minute")
	}
	if store == nil {
		return nil, errors.New("session: a store is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Manager{cfg: cfg, sealer: s, store: store}, nil
}

// The __Host- prefix makes the browser refuse the cookie unless it is Secure, for the
// whole site (Path=/) and set by this host only (no Domain).
func (m *Manager) name(base string) string {
	if m.cfg.Secure {
		return "__Host-" + base
	}
	return base
}

// SessionCookie and SignInCookie are the cookies' names.
func (m *Manager) SessionCookie() string { return m.name("werkregio") }
func (m *Manager) SignInCookie() string  { return m.name("werkregio-signin") }

func storeKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// Load returns the request's session, or why there is none (ErrNone, ErrIdle, ErrExpired;
// another error is the store's).
func (m *Manager) Load(r *http.Request) (*Session, error) {
	c, err := r.Cookie(m.SessionCookie())
	if err != nil || len(c.Value) != tokenLength {
		return nil, ErrNone
	}
	key := storeKey(c.Value)
	sealed, err := m.store.Get(r.Context(), key)
	if err != nil {
		return nil, err
	}
	var s Session
	if err := m.sealer.open(key, sealed, &s); err != nil {
		return nil, ErrNone
	}
	s.key, s.savedSeen, s.savedNotice = key, s.Seen, s.Notice
	now := m.cfg.Now()
	switch {
	case !now.Before(s.Expires):
		_ = m.store.Delete(r.Context(), key)
		return nil, ErrExpired
	case now.Sub(s.Seen) >= m.cfg.Idle:
		_ = m.store.Delete(r.Context(), key)
		return nil, ErrIdle
	}
	return &s, nil
}

// Start makes a new session ending at the token's expiry or the maximum age, stores it
// and gives the browser its id.
func (m *Manager) Start(ctx context.Context, w http.ResponseWriter, s Session, tokenExpiry time.Time) (*Session, error) {
	now := m.cfg.Now()
	s.Expires = now.Add(m.cfg.MaxAge)
	if !tokenExpiry.IsZero() && tokenExpiry.Before(s.Expires) {
		s.Expires = tokenExpiry
	}
	s.CSRF = RandomToken()
	id := RandomToken()
	s.key = storeKey(id)
	if err := m.put(ctx, &s); err != nil {
		return nil, err
	}
	m.set(w, m.SessionCookie(), id, s.Expires)
	return &s, nil
}

// Save records this request as the session's last activity, and its notice.
func (m *Manager) Save(ctx context.Context, s *Session) error {
	s.Seen = m.cfg.Now()
	if s.Notice == s.savedNotice && s.Seen.Sub(s.savedSeen) < touchEvery {
		return nil
	}
	return m.put(ctx, s)
}

func (m *Manager) put(ctx context.Context, s *Session) error {
	s.Seen = m.cfg.Now()
	sealed, err := m.sealer.seal(s.key, s)
	if err != nil {
		return err
	}
	if err := m.store.Put(ctx, s.key, sealed, s.Expires); err != nil {
		return err
	}
	s.savedSeen, s.savedNotice = s.Seen, s.Notice
	return nil
}

// End signs the request's session out: gone from the store, so no copy of its cookie
// opens it again, and gone from the browser. It returns the session that ended, if any
// (its ID token is the hint for the identity provider's sign-out).
func (m *Manager) End(w http.ResponseWriter, r *http.Request) (*Session, error) {
	m.Clear(w)
	c, err := r.Cookie(m.SessionCookie())
	if err != nil || len(c.Value) != tokenLength {
		return nil, nil
	}
	key := storeKey(c.Value)
	var s *Session
	if sealed, err := m.store.Get(r.Context(), key); err == nil {
		s = &Session{}
		if m.sealer.open(key, sealed, s) != nil {
			s = nil
		}
	}
	return s, m.store.Delete(r.Context(), key)
}

// Clear ends the session in the browser.
func (m *Manager) Clear(w http.ResponseWriter) { m.set(w, m.SessionCookie(), "", time.Time{}) }

// SaveSignIn keeps a sign-in's state for ten minutes.
func (m *Manager) SaveSignIn(w http.ResponseWriter, s SignIn) error {
	s.Expires = m.cfg.Now().Add(10 * time.Minute)
	v, err := m.sealer.seal(m.SignInCookie(), s)
	if err != nil {
		return err
	}
	m.set(w, m.SignInCookie(), v, s.Expires)
	return nil
}

// TakeSignIn reads and removes the sign-in state: a state is used once.
func (m *Manager) TakeSignIn(w http.ResponseWriter, r *http.Request) (SignIn, bool) {
	var s SignIn
	c, err := r.Cookie(m.SignInCookie())
	if err != nil {
		return s, false
	}
	m.set(w, m.SignInCookie(), "", time.Time{})
	if m.sealer.open(m.SignInCookie(), c.Value, &s) != nil || !m.cfg.Now().Before(s.Expires) {
		return SignIn{}, false
	}
	return s, true
}

func (m *Manager) set(w http.ResponseWriter, name, value string, expires time.Time) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: m.cfg.Secure,
		// Lax: sent when the identity provider redirects back and when a deep link is
		// followed from an e-mail; never with a cross-site form post.
		SameSite: http.SameSiteLaxMode}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.Expires = expires
	}
	http.SetCookie(w, c)
}
