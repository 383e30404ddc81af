package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// Claim names beyond the registered ones.
const (
	ClaimRegion = "region"
	ClaimRoles  = "roles"
	ClaimOrg    = "org"
	ClaimName   = "name"
)

// VerifierConfig says which tokens to trust.
type VerifierConfig struct {
	Issuer   string
	Audience string
	// JWKSFile is a local JSON Web Key Set (as mounted from a Kubernetes secret).
	JWKSFile string
	// JWKSURL is fetched at start and refreshed every RefreshInterval.
	JWKSURL         string
	RefreshInterval time.Duration
	HTTPClient      *http.Client
	// MaxLifetime caps how long a token may be valid (default 12 hours): a leaked token
	// stops working within it. ClockSkew is the leeway for clocks that differ (default 30 s,
	// at most 5 minutes).
	MaxLifetime time.Duration
	ClockSkew   time.Duration
}

// Defaults and bounds of token lifetimes.
const (
	DefaultMaxLifetime = 12 * time.Hour
	DefaultClockSkew   = 30 * time.Second
	MaxClockSkew       = 5 * time.Minute
)

// Verifier checks bearer tokens. A token it verified is remembered until it expires (at
// most a few minutes, and never past a key refresh), so a client that sends the same token
// with every request pays for the signature check once: the answer for the same token
// cannot differ until its expiry or the keys change.
type Verifier struct {
	cfg  VerifierConfig
	mu   sync.RWMutex
	keys jwk.Set
	seen map[string]verified
}

type verified struct {
	p     Principal
	until time.Time
}

const (
	maxRemembered = 4096
	rememberFor   = 5 * time.Minute
)

// NewVerifier loads the key set; it fails when no keys can be had.
func NewVerifier(ctx context.Context, cfg VerifierConfig) (*Verifier, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("auth: issuer and audience are required")
	}
	if (cfg.JWKSFile == "") == (cfg.JWKSURL == "") {
		return nil, errors.New("auth: configure exactly one of a JWKS file or a JWKS URL")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.RefreshInterval == 0 {
		cfg.RefreshInterval = 5 * time.Minute
	}
	if cfg.MaxLifetime <= 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
	if cfg.ClockSkew <= 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	if cfg.ClockSkew > MaxClockSkew {
		return nil, fmt.Errorf("auth: a clock skew of %s is more than the %s allowed", cfg.ClockSkew, MaxClockSkew)
	}
	v := &Verifier{cfg: cfg}
	if err := v.refresh(ctx); err != nil {
		return nil, err
	}
	if cfg.JWKSURL != "" {
		go v.refreshLoop(ctx)
	}
	return v, nil
}

func (v *Verifier) refreshLoop(ctx context.Context) {
	t := time.NewTicker(v.cfg.RefreshInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = v.refresh(ctx) // keep the last good set on failure
		}
	}
}

func (v *Verifier) refresh(ctx context.Context) error {
	var raw []byte
	var err error
	if v.cfg.JWKSFile != "" {
		raw, err = os.ReadFile(v.cfg.JWKSFile)
	} else {
		raw, err = v.fetch(ctx)
	}
	if err != nil {
		return fmt.Errorf("auth: load keys: %w", err)
	}
	set, err := jwk.Parse(raw)
	if err != nil {
		return fmt.Errorf("auth: parse keys: %w", err)
	}
	if set.Len() == 0 {
		return errors.New("auth: key set is empty")
	}
	v.mu.Lock()
	v.keys = set
	v.seen = map[string]verified{}
	v.mu.Unlock()
	return nil
}

func (v *Verifier) fetch(ctx context.Context) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.cfg.JWKSURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("JWKS endpoint answered %s", resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

// ErrInvalidToken is what a caller learns about a token that is not accepted: the reason in
// plain words, never the library's internals.
type ErrInvalidToken struct{ Reason string }

func (e *ErrInvalidToken) Error() string { return e.Reason }

func invalid(reason string) error { return &ErrInvalidToken{Reason: reason} }

// explain turns the JWT library's error into a reason a client can act on.
func explain(err error) error {
	switch {
	case errors.Is(err, jwt.TokenExpiredError()):
		return invalid("the token has expired; get a new one")
	case errors.Is(err, jwt.TokenNotYetValidError()), errors.Is(err, jwt.InvalidIssuedAtError()):
		return invalid("the token is not valid yet (check the clocks)")
	case errors.Is(err, jwt.InvalidIssuerError()):
		return invalid("the token was issued by an identity provider this region does not trust")
	case errors.Is(err, jwt.InvalidAudienceError()):
		return invalid("the token is meant for another audience")
	case errors.Is(err, jwt.MissingRequiredClaimError()):
		return invalid("the token lacks a required claim (exp, sub, region or roles)")
	default:
		return invalid("the token's signature or format is not valid")
	}
}

// Verify checks signature, issuer, audience and lifetime, and returns the principal.
func (v *Verifier) Verify(token string) (Principal, error) {
	now := time.Now()
	v.mu.RLock()
	keys := v.keys
	hit, ok := v.seen[token]
	v.mu.RUnlock()
	if ok && now.Before(hit.until) {
		return hit.p, nil
	}
	p, exp, err := v.verify(keys, token)
	if err != nil {
		return p, err
	}
	until := now.Add(rememberFor)
	if !exp.IsZero() && exp.Before(until) {
		until = exp
	}
	v.mu.Lock()
	if len(v.seen) >= maxRemembered {
		v.seen = map[string]verified{}
	}
	if v.keys == keys { // not across a refresh
		v.seen[token] = verified{p: p, until: until}
	}
	v.mu.Unlock()
	return p, nil
}

func (v *Verifier) verify(keys jwk.Set, token string) (Principal, time.Time, error) {
	tok, err := jwt.Parse([]byte(token),
		jwt.WithKeySet(keys),
		jwt.WithValidate(true),
		jwt.WithIssuer(v.cfg.Issuer),
		jwt.WithAudience(v.cfg.Audience),
		jwt.WithAcceptableSkew(v.cfg.ClockSkew),
		jwt.WithRequiredClaim("exp"),
		jwt.WithRequiredClaim("sub"),
		jwt.WithRequiredClaim(ClaimRegion),
		jwt.WithRequiredClaim(ClaimRoles),
	)
	if err != nil {
		return Principal{}, time.Time{}, explain(err)
	}
	var p Principal
	exp, _ := tok.Expiration()
	// A token valid for longer than the cap is refused, whether or not it says when it was
	// issued: from now, and from its iat when it has one.
	limit := v.cfg.MaxLifetime + v.cfg.ClockSkew
	if iat, ok := tok.IssuedAt(); (ok && exp.Sub(iat) > limit) || time.Until(exp) > limit {
		return Principal{}, time.Time{}, invalid(fmt.Sprintf("the token is valid for longer than the %s this region allows", v.cfg.MaxLifetime))
	}
	p.Subject, _ = tok.Subject()
	_ = tok.Get(ClaimRegion, &p.Region)
	_ = tok.Get(ClaimOrg, &p.Org)
	_ = tok.Get(ClaimName, &p.Name)
	var roles []any
	if err := tok.Get(ClaimRoles, &roles); err != nil {
		return Principal{}, time.Time{}, invalid("the roles claim must be a list of roles")
	}
	for _, r := range roles {
		s, _ := r.(string)
		if !slices.Contains(AllRoles, Role(s)) {
			return Principal{}, time.Time{}, invalid(fmt.Sprintf("the token carries an unknown role %q", s))
		}
		p.Roles = append(p.Roles, Role(s))
	}
	if p.Region == "" || p.Subject == "" {
		return Principal{}, time.Time{}, invalid("the token lacks a subject or a region")
	}
	return p, exp, nil
}
