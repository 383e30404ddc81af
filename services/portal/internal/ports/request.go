package ports

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// req is one request of a signed-in user.
type req struct {
	s    *Server
	c    *gin.Context
	sess *session.Session
}

func (s *Server) req(c *gin.Context) *req {
	sess, _ := c.Request.Context().Value(ctxKey{}).(*session.Session)
	return &req{s: s, c: c, sess: sess}
}

func (r *req) ctx() context.Context { return r.c.Request.Context() }

func (r *req) has(roles ...auth.Role) bool { return r.sess.Principal().Has(roles...) }

// user is the signed-in user as the services know them (their own token).
func (r *req) user() app.User { return app.User{Token: r.sess.AccessToken, Org: r.sess.Org} }

// page starts a page with the layout filled in for this user.
func (r *req) page(title, lead string) *web.Page {
	return &web.Page{Title: title, Lead: lead, Notice: r.c.GetString("notice"), Chrome: r.chrome()}
}

func (r *req) chrome() web.Chrome {
	return web.Chrome{Region: r.sess.Region, User: r.sess.Name, Role: roleNames(r.sess.Roles), Org: r.sess.Org,
		Nav: navigation(r.sess.Principal()), Current: r.c.Request.URL.Path, CSRF: r.sess.CSRF, SignedIn: true}
}

func (r *req) show(p *web.Page) { r.s.Render.Render(r.c.Writer, http.StatusOK, p) }

// fail shows what went wrong with the status the service gave: a refusal as a refusal, a
// missing item as not found, a service that is away as such.
func (r *req) fail(err error) {
	var e *app.Error
	p := r.page("", "")
	status := http.StatusBadGateway
	switch {
	case errors.As(err, &e) && (e.Status == http.StatusForbidden || e.Status == http.StatusUnauthorized):
		r.forbidden()
		return
	case errors.As(err, &e) && e.Status == http.StatusNotFound:
		status = http.StatusNotFound
		p.Title, p.Lead = "Niet gevonden", "Dit onderdeel bestaat niet, of u kunt het niet inzien."
	case errors.As(err, &e) && e.Status < 500:
		status = e.Status
		p.Title = "Dit kon niet"
		p.Problem = problemOf(err)
	default:
		p.Title = "Even niet beschikbaar"
		p.Lead = "Een onderdeel van het platform antwoordt nu niet. Probeer het over enkele ogenblikken opnieuw."
		r.s.Log.ErrorContext(r.ctx(), "service call failed", "route", r.c.FullPath(), "error", err.Error())
	}
	p.Blocks = append(p.Blocks, web.Block{Links: []web.Link{{Label: "Naar de startpagina", Href: "/"}}})
	r.s.Render.Render(r.c.Writer, status, p)
}

// forbidden: the same answer whether the item exists or not, so a tampered URL learns
// nothing.
func (r *req) forbidden() {
	p := r.page("Geen toegang", "U heeft geen toegang tot deze pagina of deze gegevens. Ze horen bij een andere rol, organisatie of regio.")
	p.Blocks = []web.Block{{Links: []web.Link{{Label: "Naar de startpagina", Href: "/"}}}}
	r.s.Render.Render(r.c.Writer, http.StatusForbidden, p)
}

// problemOf turns a service's refusal into what the user reads: in Dutch, from the
// catalogue of the services' rules (contracts/messages), never the English detail.
func problemOf(err error) *web.Problem {
	var e *app.Error
	if !errors.As(err, &e) {
		return &web.Problem{Title: "Het platform antwoordde niet", Detail: "Probeer het over enkele ogenblikken opnieuw."}
	}
	p := &web.Problem{Title: "Niet verwerkt", Detail: dutchDetail(e)}
	switch e.Status {
	case http.StatusConflict, http.StatusPreconditionFailed:
		p.Title = "Niet verwerkt: de gegevens zijn intussen veranderd of dit is al gedaan"
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		p.Title = "Niet verwerkt: controleer de invoer"
	}
	for _, f := range e.Fields {
		p.Fields = append(p.Fields, fieldName(f.Field)+": "+dutchRule(f.Rule, f.Params))
	}
	return p
}

// refusal is a service's refusal as one line for a notice: the rules broken, or its detail.
func refusal(err error) string {
	var e *app.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return problemOf(err).Detail
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = sentence(dutchRule(f.Rule, f.Params))
	}
	return strings.Join(parts, " ")
}

// dutchDetail is what a refusal says, in Dutch: its rule from the catalogue, or what its
// kind of refusal means.
func dutchDetail(e *app.Error) string {
	if text, ok := messages.Dutch(messages.Message{Code: e.Rule, Params: e.Params}); ok {
		return sentence(text)
	}
	switch e.Status {
	case http.StatusPreconditionFailed:
		return "Iemand anders heeft dit intussen gewijzigd. Open de pagina opnieuw en doe uw wijziging nog eens."
	case http.StatusConflict:
		return "Dit kan in de huidige stand van zaken niet, of het is al gedaan."
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "Niet alle gegevens voldoen aan de regels; zie hieronder."
	case http.StatusRequestEntityTooLarge:
		return "Het bestand is te groot."
	}
	return "Het platform kon dit niet verwerken."
}

// saidInDutch is a reason a resource carries, in Dutch when the platform gave it (its rule);
// a reason a person typed, or one recorded before reasons had rules, as it is.
func saidInDutch[C ~string, P ~[]string](rule *C, params *P, text string) string {
	if rule == nil {
		return text
	}
	var ps []string
	if params != nil {
		ps = *params
	}
	if dutch, ok := messages.Dutch(messages.Message{Code: string(*rule), Params: ps}); ok {
		return dutch
	}
	return text
}

// dutchRule is a field's broken rule in Dutch.
func dutchRule(rule string, params []string) string {
	if text, ok := messages.Dutch(messages.Message{Code: rule, Params: params}); ok {
		return text
	}
	return "voldoet niet aan de regels"
}

// sentence starts with a capital and ends with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	if last := r[len(r)-1]; last != '.' && last != '?' && last != '!' {
		r = append(r, '.')
	}
	return string(r)
}

// done confirms a form's effect on the next page (post, redirect, get).
func (r *req) done(notice, location string) {
	r.sess.Notice = notice
	if err := r.s.Sessions.Save(r.c.Request.Context(), r.sess); err != nil {
		r.s.Log.ErrorContext(r.c.Request.Context(), "notice not kept", "error", err.Error())
	}
	r.c.Redirect(http.StatusSeeOther, location)
}

// filters copies the named filters of the page's URL for the API call, and the cursor.
func (r *req) filters(names ...string) url.Values {
	q := url.Values{}
	for _, n := range append(names, "after") {
		if v := strings.TrimSpace(r.c.Query(n)); v != "" {
			q.Set(n, v)
		}
	}
	return q
}

// pager links to the next page (the cursor the service gave) and back to the first,
// keeping the filters, so every page of a list is a link that survives a reload.
func pager(r *req, t *web.Table, next string) {
	q := r.c.Request.URL.Query()
	if q.Get("after") != "" {
		q.Del("after")
		t.First = r.c.Request.URL.Path + query(q)
	}
	if next != "" {
		q.Set("after", next)
		t.Next = r.c.Request.URL.Path + query(q)
	}
}

func query(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// value is the first of the form's values.
func (r *req) form(name string) string { return strings.TrimSpace(r.c.PostForm(name)) }

// isRefusal is a service's refusal of what the user asked (not of who asks, not a failure).
func isRefusal(err error) bool {
	var e *app.Error
	return errors.As(err, &e) && e.Status >= 400 && e.Status < 500 && e.Status != http.StatusUnauthorized &&
		e.Status != http.StatusForbidden && e.Status != http.StatusNotFound
}

// isStale: the change named a version that moved on (412) — another change, or the same
// form sent twice.
func isStale(err error) bool {
	var e *app.Error
	return errors.As(err, &e) && e.Status == http.StatusPreconditionFailed
}

// every reads every page of a list: a form offers all its choices, not the first page's.
func every[T any](q url.Values, list func(url.Values) (app.Page[T], error)) ([]T, error) {
	var out []T
	for {
		page, err := list(q)
		if err != nil {
			return out, err
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out, nil
		}
		q.Set("after", page.Next)
	}
}
