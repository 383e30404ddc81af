package ports

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/commonapi"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// The administrator's other queue: changes a service made whose events it could not
// publish (the broker refused them, or an event is larger than the broker takes). The
// change itself stands; its events wait here for a republish after a fix, or are given up
// with a reason.

const parkedPage = "/beheer/geparkeerd"

func (s *Server) parkedEvents(c *gin.Context) {
	r := s.req(c)
	p := r.page("Geparkeerde gebeurtenissen", "Wijzigingen die een dienst wel vastlegde, maar waarvan de gebeurtenissen niet konden worden verstuurd. "+
		"Een tijdelijke storing probeert de dienst zelf opnieuw; voor de rest herstelt u de oorzaak en verstuurt u opnieuw, of laat u ze met een reden vervallen.")
	total := 0
	for _, svc := range app.ServiceNames {
		name := serviceName[svc]
		page, err := s.App.ParkedEvents(r.ctx(), r.user(), svc, 100)
		if err != nil {
			p.Blocks = append(p.Blocks, web.Block{Heading: name, Text: "Deze dienst antwoordde niet; probeer het later opnieuw."})
			continue
		}
		total += len(page.Items)
		t := &web.Table{Caption: "Geparkeerd bij " + name, Empty: "Niets geparkeerd.",
			Columns: []web.Column{{Label: "Sinds"}, {Label: "Wijziging"}, {Label: "Gebeurtenissen"}, {Label: "Stand"}, {Label: "Opnieuw"}, {Label: "Laten vervallen"}}}
		for _, pc := range page.Items {
			var events []string
			for _, e := range pc.Events {
				events = append(events, fmt.Sprintf("%s (%s bytes)", e.Type, web.Number(e.Bytes)))
			}
			republish := &web.Form{Action: parkedPage + "/" + svc + "/opnieuw", Inline: true, Submit: "Opnieuw versturen",
				SubmitName: "Opnieuw versturen: " + pc.Stream + " versie " + strconv.Itoa(pc.Version), Key: session.RandomToken(), Hidden: map[string]string{"commit": pc.Commit}}
			t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: web.DateTime(pc.ParkedAt)}, {Text: pc.Stream, Lines: []string{"versie " + strconv.Itoa(pc.Version)}},
				{Lines: events}, {Text: parkingState(pc)}, {Form: republish},
				{Text: "Laten vervallen", Href: parkedPage + "/" + svc + "/" + url.PathEscape(pc.Commit) + "/vervallen"}}})
		}
		p.Blocks = append(p.Blocks, web.Block{Heading: name, ID: "geparkeerd-" + svc, Table: t})
	}
	p.Blocks = append([]web.Block{{Stats: []web.Stat{{Label: "Geparkeerde wijzigingen", Value: strconv.Itoa(total), Tone: tone(total > 0, "warn")}}}}, p.Blocks...)
	r.show(p)
}

// parkingState says in Dutch where a parked commit stands (the service's reason is technical
// and in its log).
func parkingState(pc commonapi.ParkedCommit) string {
	switch {
	case pc.Retrying:
		return "staat weer in de wachtrij"
	case pc.Parking.Retry:
		s := fmt.Sprintf("tijdelijke storing; %d keer geprobeerd", pc.Parking.Attempts)
		if pc.Parking.RetryAt != nil {
			s += ", opnieuw om " + web.DateTime(pc.Parking.RetryAt)
		}
		return s
	default:
		return fmt.Sprintf("kan zo niet worden verstuurd (te groot of ongeldig); %d keer geprobeerd", pc.Parking.Attempts)
	}
}

func (s *Server) republishParked(c *gin.Context) {
	r := s.req(c)
	svc := c.Param("service")
	if !slices.Contains(app.ServiceNames, svc) {
		r.forbidden()
		return
	}
	if err := s.App.RepublishParked(r.ctx(), r.user(), svc, r.form("commit"), r.form("key")); err != nil {
		if isRefusal(err) {
			r.done("Niet opnieuw verstuurd: "+refusal(err), parkedPage)
			return
		}
		r.fail(err)
		return
	}
	r.done(serviceName[svc]+": de gebeurtenissen staan weer in de wachtrij; mislukken ze opnieuw, dan worden ze weer geparkeerd.", parkedPage+"#geparkeerd-"+svc)
}

func discardParkedForm(svc, commit string) *web.Form {
	return &web.Form{Action: parkedPage + "/" + svc + "/" + url.PathEscape(commit) + "/vervallen", Submit: "Laten vervallen", Key: session.RandomToken(),
		Fields: []web.Field{{Name: "reason", Label: "Waarom mogen deze gebeurtenissen vervallen?", Type: "textarea", Required: true,
			Hint: "De wijziging zelf blijft staan; andere diensten horen er niet van. Leg vast hoe zij het wel weten."}}}
}

func (s *Server) discardParkedPage(c *gin.Context) {
	r := s.req(c)
	s.showDiscardParked(r, c.Param("service"), c.Param("commit"), discardParkedForm(c.Param("service"), c.Param("commit")), nil, http.StatusOK)
}

func (s *Server) showDiscardParked(r *req, svc, commit string, f *web.Form, problem *web.Problem, status int) {
	if !slices.Contains(app.ServiceNames, svc) {
		r.forbidden()
		return
	}
	r.formPage("Gebeurtenissen laten vervallen", serviceName[svc]+", wijziging "+commit+".", []web.Link{{Label: "Geparkeerde gebeurtenissen", Href: parkedPage}}, f, problem, status)
}

func (s *Server) discardParked(c *gin.Context) {
	r := s.req(c)
	svc, commit := c.Param("service"), c.Param("commit")
	if !slices.Contains(app.ServiceNames, svc) {
		r.forbidden()
		return
	}
	in := r.input("reason")
	reason := in.text("reason", true)
	submit(r, in, discardParkedForm(svc, commit), func(f *web.Form, p *web.Problem, status int) { s.showDiscardParked(r, svc, commit, f, p, status) },
		func(key string) (struct{}, error) {
			return struct{}{}, s.App.DiscardParked(r.ctx(), r.user(), svc, commit, reason, key)
		},
		func(struct{}) {
			r.done(serviceName[svc]+": de gebeurtenissen zijn vervallen; de reden is vastgelegd.", parkedPage+"#geparkeerd-"+svc)
		})
}
