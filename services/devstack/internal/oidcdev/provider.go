// Package oidcdev is the local OpenID Connect provider of `werkregio up`: one demo user per
// role of the region, signed in with one click. It speaks the authorization code flow with
// PKCE (S256) as a region's identity provider does, so the portal signs in here exactly as
// it does in production. The ID token is signed with the local platform key; the access
// token is a platform token (issuer werkregio-local) the services accept.
package oidcdev

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
)

// User is a demo user: who signs in, with which role, region and organisation.
type User struct {
	ID   string // the subject, e.g. inkoper@groningen
	Name string
	Role auth.Role
	Org  string
}

// Client is a relying party allowed to sign users in (the portal).
type Client struct {
	ID     string
	Secret string
	// RedirectPrefix: redirect URIs must start with it (e.g. http://127.0.0.1:8090/).
	RedirectPrefix string
}

// Provider is the local identity provider.
type Provider struct {
	URL     string // the issuer: the provider's own base URL
	Region  string
	Users   []User
	Clients []Client
	Keys    *auth.DevIssuer
	// AccessTTL of the access tokens (a portal session refreshes by signing in again).
	AccessTTL time.Duration

	mu    sync.Mutex
	codes map[string]grant
}

// grant is an authorization code waiting for the token request (one minute, used once).
type grant struct {
	user                            User
	client, redirect, nonce, verify string
	expires                         time.Time
}

// Handler serves discovery, the keys, the sign-in page and the token endpoint.
func (p *Provider) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, _ *http.Request) {
		raw, err := p.Keys.PublicJWKS()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(raw)
	})
	mux.HandleFunc("GET /authorize", p.signInPage)
	mux.HandleFunc("POST /authorize", p.signIn)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /logout", p.logout)
	return mux
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"end_session_endpoint":                  p.URL + "/logout",
		"jwks_uri":                              p.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"EdDSA"},
		"scopes_supported":                      []string{"openid", "profile"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"claims_supported":                      []string{"sub", "name", auth.ClaimRoles, auth.ClaimRegion, auth.ClaimOrg},
	})
}

func (p *Provider) client(id string) (Client, bool) {
	for _, c := range p.Clients {
		if c.ID == id {
			return c, true
		}
	}
	return Client{}, false
}

// authRequest checks what every authorization request must carry; it returns the problem.
func (p *Provider) authRequest(q url.Values) string {
	c, ok := p.client(q.Get("client_id"))
	switch {
	case !ok:
		return "unknown client_id"
	case q.Get("response_type") != "code":
		return "response_type must be code"
	case !strings.HasPrefix(q.Get("redirect_uri"), c.RedirectPrefix):
		return "redirect_uri is not registered for this client"
	case !strings.Contains(" "+q.Get("scope")+" ", " openid "):
		return "scope must include openid"
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		return "PKCE with S256 is required"
	}
	return ""
}

var page = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen · werkregio (lokaal)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}button{font:inherit;display:block;width:100%;text-align:left;margin:.4rem 0;padding:.6rem .8rem;border:1px solid #154273;background:#fff;color:#154273;border-radius:4px;cursor:pointer}
button:hover,button:focus{background:#154273;color:#fff;outline:3px solid #f9e11e}small{color:#444}</style></head>
<body><main>
<h1>Inloggen bij werkregio {{.Region}}</h1>
<p>Lokale identiteitsprovider van <code>werkregio up</code>: kies een demogebruiker. In productie logt u hier in bij de identiteitsprovider van uw regio.</p>
<form method="post" action="/authorize">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
{{range .Users}}<button type="submit" name="user" value="{{.ID}}">{{.Name}} <small>· {{.Role}} · {{.Org}}</small></button>
{{end}}
</form></main></body></html>`))

func (p *Provider) signInPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if problem := p.authRequest(q); problem != "" {
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	params := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method", "scope", "response_type"} {
		params[k] = q.Get(k)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = page.Execute(w, map[string]any{"Region": p.Region, "Users": p.Users, "Params": params})
}

func (p *Provider) signIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if problem := p.authRequest(r.PostForm); problem != "" {
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	var user *User
	for i := range p.Users {
		if p.Users[i].ID == r.PostForm.Get("user") {
			user = &p.Users[i]
		}
	}
	if user == nil {
		http.Error(w, "no such user", http.StatusBadRequest)
		return
	}
	code := random()
	p.mu.Lock()
	if p.codes == nil {
		p.codes = map[string]grant{}
	}
	now := time.Now()
	for k, g := range p.codes { // a few at a time: the expired go as new ones come
		if now.After(g.expires) {
			delete(p.codes, k)
		}
	}
	p.codes[code] = grant{user: *user, client: r.PostForm.Get("client_id"), redirect: r.PostForm.Get("redirect_uri"),
		nonce: r.PostForm.Get("nonce"), verify: r.PostForm.Get("code_challenge"), expires: now.Add(time.Minute)}
	p.mu.Unlock()
	to, _ := url.Parse(r.PostForm.Get("redirect_uri"))
	q := to.Query()
	q.Set("code", code)
	q.Set("state", r.PostForm.Get("state"))
	to.RawQuery = q.Encode()
	http.Redirect(w, r, to.String(), http.StatusSeeOther)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request", err.Error())
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	c, known := p.client(id)
	if !known || c.Secret != secret {
		tokenError(w, "invalid_client", "unknown client or wrong secret")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		tokenError(w, "unsupported_grant_type", "only authorization_code")
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code")) // used once, whatever happens next
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !found || time.Now().After(g.expires) || g.client != c.ID:
		tokenError(w, "invalid_grant", "unknown, used or expired code")
		return
	case g.redirect != r.PostForm.Get("redirect_uri"):
		tokenError(w, "invalid_grant", "redirect_uri differs from the authorization request")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.verify:
		tokenError(w, "invalid_grant", "code_verifier does not match the code_challenge")
		return
	}
	ttl := p.AccessTTL
	if ttl == 0 {
		ttl = time.Hour
	}
	principal := auth.Principal{Subject: g.user.ID, Name: g.user.Name, Region: p.Region, Org: g.user.Org, Roles: []auth.Role{g.user.Role}}
	access, err := p.Keys.Issue(principal, ttl)
	if err != nil {
		tokenError(w, "server_error", err.Error())
		return
	}
	now := time.Now()
	claims := map[string]any{"iss": p.URL, "aud": c.ID, "sub": g.user.ID, "iat": now.Unix(), "exp": now.Add(ttl).Unix(),
		"name": g.user.Name, auth.ClaimRoles: []string{string(g.user.Role)}, auth.ClaimRegion: p.Region}
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	if g.user.Org != "" {
		claims[auth.ClaimOrg] = g.user.Org
	}
	idToken, err := p.Keys.SignClaims(claims)
	if err != nil {
		tokenError(w, "server_error", err.Error())
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "id_token": idToken, "token_type": "Bearer", "expires_in": int(ttl.Seconds())})
}

// logout is RP-initiated logout: the provider keeps no session of its own here (every
// sign-in is a click), so it only sends the browser back to where the client registered,
// never elsewhere.
func (p *Provider) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, ok := p.client(q.Get("client_id"))
	back := q.Get("post_logout_redirect_uri")
	if !ok || back == "" || !strings.HasPrefix(back, c.RedirectPrefix) {
		http.Error(w, "unknown client_id, or a post_logout_redirect_uri it did not register", http.StatusBadRequest)
		return
	}
	to, err := url.Parse(back)
	if err != nil {
		http.Error(w, "post_logout_redirect_uri is not a URL", http.StatusBadRequest)
		return
	}
	if state := q.Get("state"); state != "" {
		v := to.Query()
		v.Set("state", state)
		to.RawQuery = v.Encode()
	}
	http.Redirect(w, r, to.String(), http.StatusSeeOther)
}

func tokenError(w http.ResponseWriter, code, description string) {
	status := http.StatusBadRequest
	if code == "invalid_client" {
		status = http.StatusUnauthorized
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
