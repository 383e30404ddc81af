package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
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
	// JWKSURL is fetched at start; the URL or the file is read again every RefreshInterval,
	// and at once (at most every RefetchInterval) for a token signed with a key the set does
	// not have: an identity provider that rotated its key is followed within a request.
	JWKSURL         string
	RefreshInterval time.Duration
	RefetchInterval time.Duration
	// MaxKeyAge: a key set that could not be read again for this long is no longer trusted
	// (a key the provider withdrew would otherwise be accepted for ever); tokens are then
	// refused with ErrKeysStale until a read succeeds. Default 6 hours.
	MaxKeyAge  time.Duration
	HTTPClient *http.Client
	// Logger hears failed reads of the key set (nil: none).
	Logger *slog.Logger
	// Now is the clock (tests); nil: time.Now.
	Now func() time.Time
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
	// loaded is when keys were last read successfully; refetched when a token with an
	// unknown key last made the verifier read them.
	loaded, refetched time.Time
	seen              map[string]verified
	// refetching lets one request read the key set for an unknown key; the others wait
	// for its answer.
	refetching sync.Mutex
}

type verified struct {
	p     Principal
	until time.Time
}

const (
	maxRemembered = 4096
	rememberFor   = 5 * time.Minute
)

// Defaults of reading the key set.
const (
	DefaultRefreshInterval = 5 * time.Minute
	DefaultRefetchInterval = 30 * time.Second
	DefaultMaxKeyAge       = 6 * time.Hour
	fetchTimeout           = 5 * time.Second
)

// ErrKeysStale: the identity provider's keys could not be read for longer than MaxKeyAge;
// no token is accepted until they can (HTTP 503: the caller may retry later).
var ErrKeysStale = errors.New("the identity provider's keys could not be refreshed; try again later")

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
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = DefaultRefreshInterval
	}
	if cfg.RefetchInterval <= 0 {
		cfg.RefetchInterval = DefaultRefetchInterval
	}
	if cfg.MaxKeyAge <= 0 {
		cfg.MaxKeyAge = DefaultMaxKeyAge
	}
	if cfg.MaxKeyAge < 2*cfg.RefreshInterval {
		return nil, fmt.Errorf("auth: a maximum key age of %s leaves no room for a failed refresh every %s", cfg.MaxKeyAge, cfg.RefreshInterval)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
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
	go v.refreshLoop(ctx)
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
			v.refreshOrLog(ctx) // the last good set stays, until MaxKeyAge
		}
	}
}

func (v *Verifier) refreshOrLog(ctx context.Context) {
	if err := v.refresh(ctx); err != nil && v.cfg.Logger != nil {
		v.mu.RLock()
		age := v.cfg.Now().Sub(v.loaded)
		v.mu.RUnlock()
		v.cfg.Logger.Warn("identity provider keys not refreshed", "error", err, "age", age.Round(time.Second).String(), "max_age", v.cfg.MaxKeyAge.String())
	}
}

func (v *Verifier) refresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
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
	v.keys, v.loaded = set, v.cfg.Now()
	v.seen = map[string]verified{}
	v.mu.Unlock()
	return nil
}

// Ready fails while the key set is older than MaxKeyAge (readiness names it).
func (v *Verifier) Ready(context.Context) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if age := v.cfg.Now().Sub(v.loaded); age > v.cfg.MaxKeyAge {
		return fmt.Errorf("identity provider keys last read %s ago (at most %s)", age.Round(time.Second), v.cfg.MaxKeyAge)
	}
	return nil
}

// refetch reads the key set again for a token signed with a key it does not have, at most
// once per RefetchInterval whatever the tokens (unknown key ids cannot make the platform
// hammer the identity provider); it returns the set to verify with.
func (v *Verifier) refetch() jwk.Set {
	v.refetching.Lock()
	defer v.refetching.Unlock()
	v.mu.Lock()
	now := v.cfg.Now()
	recent := !v.refetched.IsZero() && now.Sub(v.refetched) < v.cfg.RefetchInterval
	if !recent {
		v.refetched = now
	}
	v.mu.Unlock()
	if !recent {
		v.refreshOrLog(context.Background())
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.keys
}

// unknownKey tells whether the token names a key id the set does not hold.
func unknownKey(keys jwk.Set, token string) bool {
	msg, err := jws.Parse([]byte(token))
	if err != nil || len(msg.Signatures()) != 1 {
		return false
	}
	kid, ok := msg.Signatures()[0].ProtectedHeaders().KeyID()
	if !ok || kid == "" {
		return false
	}
	_, found := keys.LookupKeyID(kid)
	return !found
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
	now := v.cfg.Now()
	v.mu.RLock()
	keys, loaded := v.keys, v.loaded
	hit, ok := v.seen[token]
	v.mu.RUnlock()
	if now.Sub(loaded) > v.cfg.MaxKeyAge {
		if keys = v.refetch(); v.Ready(context.Background()) != nil {
			return Principal{}, ErrKeysStale
		}
		ok = false
	}
	if ok && now.Before(hit.until) {
		return hit.p, nil
	}
	p, exp, err := v.verify(keys, token)
	if err != nil && unknownKey(keys, token) {
		keys = v.refetch()
		p, exp, err = v.verify(keys, token)
	}
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
