package session

import (
	"errors"
	"net/http"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
)

// Session is who is signed in, with the access token the portal calls the services with.
type Session struct {
	Subject string      `json:"sub"`
	Name    string      `json:"name"`
	Region  string      `json:"region"`
	Org     string      `json:"org"`
	Roles   []auth.Role `json:"roles"`
	// AccessToken is sent to the services as the user's bearer token.
	AccessToken string `json:"at"`
	// CSRF is the token every form of this session carries.
	CSRF string `json:"csrf"`
	// Expires is the absolute end: the access token's expiry or the maximum age, the sooner.
	Expires time.Time `json:"exp"`
	// Seen is the last request; the session ends when it is older than the idle timeout.
	Seen time.Time `json:"seen"`
	// Notice is a message for the next page (after a form's redirect), shown once.
	Notice string `json:"notice,omitempty"`
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

// Config of the session cookies.
type Config struct {
	Key []byte
	// Secure cookies go over HTTPS only (off only for a local portal on http://127.0.0.1).
	Secure bool
	// Idle ends a session without requests for this long; MaxAge ends any session.
	Idle, MaxAge time.Duration
	Now          func() time.Time
}

// Manager reads and writes the session and sign-in cookies.
type Manager struct {
	cfg    Config
	sealer *sealer
}

// Why a request has no session.
var (
	ErrNone    = errors.New("not signed in")
	ErrIdle    = errors.New("the session ended after a time without activity")
	ErrExpired = errors.New("the session reached its maximum duration")
)

// New checks the configuration.
func New(cfg Config) (*Manager, error) {
	s, err := newSealer(cfg.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Idle <= 0 || cfg.MaxAge <= 0 {
		return nil, errors.New("session: idle timeout and maximum age must be positive")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Manager{cfg: cfg, sealer: s}, nil
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

// Load returns the request's session, or why there is none.
func (m *Manager) Load(r *http.Request) (*Session, error) {
	c, err := r.Cookie(m.SessionCookie())
	if err != nil {
		return nil, ErrNone
	}
	var s Session
	if err := m.sealer.open(m.SessionCookie(), c.Value, &s); err != nil {
		return nil, ErrNone
	}
	now := m.cfg.Now()
	switch {
	case !now.Before(s.Expires):
		return nil, ErrExpired
	case now.Sub(s.Seen) >= m.cfg.Idle:
		return nil, ErrIdle
	}
	return &s, nil
}

// Start makes a new session ending at the token's expiry or the maximum age.
func (m *Manager) Start(s Session, tokenExpiry time.Time) *Session {
	now := m.cfg.Now()
	s.Expires = now.Add(m.cfg.MaxAge)
	if !tokenExpiry.IsZero() && tokenExpiry.Before(s.Expires) {
		s.Expires = tokenExpiry
	}
	s.CSRF = RandomToken()
	return &s
}

// Save writes the session with this request as its last activity.
func (m *Manager) Save(w http.ResponseWriter, s *Session) error {
	s.Seen = m.cfg.Now()
	v, err := m.sealer.seal(m.SessionCookie(), s)
	if err != nil {
		return err
	}
	m.set(w, m.SessionCookie(), v, s.Expires)
	return nil
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
