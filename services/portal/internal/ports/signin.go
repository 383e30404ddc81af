package ports

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/signin"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// localPath accepts only a path of the portal itself as where to return after sign-in: an
// absolute or scheme-relative URL would make the portal an open redirect.
func localPath(p string) string {
	if !safePath(p) {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !safePath(u.Path) {
		return "/"
	}
	return p
}

// safePath: one leading slash, then no second one, no backslash and no control character
// (a browser drops a tab or newline and reads "/\t/evil.example" as "//evil.example").
func safePath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func (s *Server) publicPage(title, lead string) *web.Page {
	return &web.Page{Title: title, Lead: lead, Chrome: web.Chrome{Region: s.Region}}
}

// beginSignIn sends the browser to the identity provider (after saying why, when a
// session ended).
func (s *Server) beginSignIn(c *gin.Context) {
	back := localPath(c.Query("terug"))
	if c.Query("reden") == "verlopen" && c.Query("verder") == "" {
		p := s.publicPage("Uw sessie is verlopen", "Voor uw veiligheid eindigt een sessie na een kwartier zonder activiteit, en na een werkdag altijd. Meld u opnieuw aan om verder te gaan waar u was.")
		p.Blocks = []web.Block{{Links: []web.Link{{Label: "Opnieuw aanmelden", Href: "/aanmelden?" + url.Values{"terug": {back}, "reden": {"verlopen"}, "verder": {"1"}}.Encode()}}}}
		s.Render.Render(c.Writer, http.StatusOK, p)
		return
	}
	to, state, err := s.SignIn.Begin(c.Request.Context(), back)
	if err == nil {
		err = s.Sessions.SaveSignIn(c.Writer, state)
	}
	if err != nil {
		s.Log.ErrorContext(c.Request.Context(), "sign-in cannot start", "error", err.Error())
		s.Render.Render(c.Writer, http.StatusServiceUnavailable, s.publicPage("Aanmelden lukt nu niet",
			"De aanmeldvoorziening van de regio is nu niet bereikbaar. Probeer het over enkele minuten opnieuw."))
		return
	}
	c.Redirect(http.StatusSeeOther, to)
}

// completeSignIn is where the identity provider returns with a code.
func (s *Server) completeSignIn(c *gin.Context) {
	state, ok := s.Sessions.TakeSignIn(c.Writer, c.Request)
	refuse := func(status int, lead string) {
		p := s.publicPage("Aanmelden is niet gelukt", lead)
		p.Blocks = []web.Block{{Links: []web.Link{{Label: "Opnieuw aanmelden", Href: "/aanmelden"}}}}
		s.Render.Render(c.Writer, status, p)
	}
	switch {
	case !ok || c.Query("state") != state.State:
		refuse(http.StatusBadRequest, "Deze aanmelding is verlopen of hoort niet bij deze browser. Begin opnieuw.")
		return
	case c.Query("error") != "":
		refuse(http.StatusUnauthorized, "De aanmeldvoorziening heeft de aanmelding niet doorgegeven.")
		return
	}
	p, tok, err := s.SignIn.Complete(c.Request.Context(), c.Query("code"), state)
	var refused *signin.ErrSignIn
	switch {
	case errors.As(err, &refused):
		s.Log.WarnContext(c.Request.Context(), "sign-in refused", "reason", refused.Reason)
		refuse(http.StatusForbidden, "Uw account geeft geen toegang tot dit portaal: er is geen rol, regio of organisatie voor u vastgelegd. Neem contact op met de beheerder van uw organisatie.")
		return
	case err != nil:
		s.Log.ErrorContext(c.Request.Context(), "sign-in failed", "error", err.Error())
		refuse(http.StatusBadGateway, "De aanmelding kon niet worden afgerond. Begin opnieuw.")
		return
	case p.Region != s.Region:
		refuse(http.StatusForbidden, "Uw account hoort bij een andere arbeidsmarktregio. Gebruik het portaal van uw eigen regio.")
		return
	}
	idToken, _ := tok.Extra("id_token").(string)
	if _, err := s.Sessions.Start(c.Request.Context(), c.Writer, session.Session{Subject: p.Subject, Name: p.Name, Region: p.Region, Org: p.Org, Roles: p.Roles,
		AccessToken: tok.AccessToken, IDToken: idToken}, tok.Expiry); err != nil {
		s.Log.ErrorContext(c.Request.Context(), "session not stored", "error", err.Error())
		refuse(http.StatusServiceUnavailable, "De sessie kon niet worden gestart. Probeer het over enkele minuten opnieuw.")
		return
	}
	c.Redirect(http.StatusSeeOther, localPath(state.Return))
}

// signOut ends the session on the server, so no copy of its cookie opens it again, and at
// the identity provider when it offers that (RP-initiated logout, with the ID token as
// the hint of whom to sign out).
func (s *Server) signOut(c *gin.Context) {
	ended, err := s.Sessions.End(c.Writer, c.Request)
	if err != nil {
		s.Log.ErrorContext(c.Request.Context(), "session not ended in the store", "error", err.Error())
		s.Render.Render(c.Writer, http.StatusServiceUnavailable, s.publicPage("Afmelden lukt nu niet",
			"Uw sessie kon niet worden beëindigd. Probeer het over enkele minuten opnieuw, of sluit uw browser."))
		return
	}
	if end := s.SignIn.EndSessionURL(); end != "" {
		q := url.Values{"post_logout_redirect_uri": {s.PublicURL + "/afgemeld"}, "client_id": {s.SignIn.ClientID()}}
		if ended != nil && ended.IDToken != "" {
			q.Set("id_token_hint", ended.IDToken)
		}
		c.Redirect(http.StatusSeeOther, end+"?"+q.Encode())
		return
	}
	c.Redirect(http.StatusSeeOther, "/afgemeld")
}

func (s *Server) signedOut(c *gin.Context) {
	p := s.publicPage("U bent afgemeld", "Uw sessie in het portaal is beëindigd.")
	p.Blocks = []web.Block{{Links: []web.Link{{Label: "Opnieuw aanmelden", Href: "/aanmelden"}}}}
	s.Render.Render(c.Writer, http.StatusOK, p)
}
