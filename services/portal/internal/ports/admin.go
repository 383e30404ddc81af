package ports

import (
	"errors"
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

// serviceName is each service as the administrator knows it.
var serviceName = map[string]string{app.Procurement: "Inkoop", app.Providers: "Opleiders",
	app.Participants: "Deelnemers en trajecten", app.Payments: "Betalingen", app.Sroi: "Social return"}

const deadLettersPage = "/beheer/berichten"

// deadLetters shows the administrator, per service, the messages it could not accept and
// keeps until someone acts: replay after a fix (one or all), or discard with a reason.
func (s *Server) deadLetters(c *gin.Context) {
	r := s.req(c)
	p := r.page("Onverwerkte berichten", "Berichten van partnersystemen en van het platform zelf die een dienst niet kon verwerken: "+
		"een ongeldig bericht, een afzender die niet bewezen is of niet geregistreerd, of een fout in de dienst. Herstel de oorzaak en "+
		"verwerk het bericht opnieuw; het telt één keer mee, hoe vaak u ook opnieuw verwerkt. Een bericht dat niet mag meetellen verwijdert u met een reden.")
	total := 0
	for _, svc := range app.ServiceNames {
		page, err := s.App.DeadLetters(r.ctx(), r.user(), svc, 100)
		name := serviceName[svc]
		if err != nil {
			p.Blocks = append(p.Blocks, web.Block{Heading: name, Text: "Deze dienst antwoordde niet; probeer het later opnieuw."})
			continue
		}
		total += len(page.Items)
		t := &web.Table{Caption: "Onverwerkte berichten van " + name, Empty: "Geen onverwerkte berichten.",
			Columns: []web.Column{{Label: "Sinds"}, {Label: "Bericht en afzender"}, {Label: "Reden"}, {Label: "Opnieuw"}, {Label: "Verwijderen"}}}
		for _, d := range page.Items {
			what := d.Type + " (" + d.EventID + ")"
			replay := &web.Form{Action: deadLettersPage + "/" + svc + "/opnieuw", Inline: true, Submit: "Opnieuw verwerken",
				SubmitName: "Opnieuw verwerken: " + what, Key: session.RandomToken(), Hidden: map[string]string{"id": d.ID}}
			t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: web.DateTime(d.At)}, {Text: d.Type, Lines: []string{"van " + d.Source, d.EventID}},
				{Text: sentence(deadLetterReason(d)), Lines: []string{fmt.Sprintf("%d keer geweigerd", d.Times+d.Replays)}}, {Form: replay},
				{Text: "Verwijderen", Href: deadLettersPage + "/" + svc + "/" + url.PathEscape(d.ID) + "/verwijderen"}}})
		}
		b := web.Block{Heading: name, ID: svc, Table: t}
		if len(page.Items) > 1 {
			b.Form = &web.Form{Action: deadLettersPage + "/" + svc + "/opnieuw", Submit: "Alle berichten van " + name + " opnieuw verwerken",
				Key: session.RandomToken(), Hidden: map[string]string{"alle": "ja"}}
		}
		p.Blocks = append(p.Blocks, b)
	}
	p.Blocks = append([]web.Block{{Stats: []web.Stat{{Label: "Onverwerkte berichten", Value: strconv.Itoa(total), Tone: tone(total > 0, "warn")}}}}, p.Blocks...)
	r.show(p)
}

func tone(cond bool, t string) string {
	if cond {
		return t
	}
	return "good"
}

// replayDeadLetters hands one or all of a service's dead letters back to it.
func (s *Server) replayDeadLetters(c *gin.Context) {
	r := s.req(c)
	svc := c.Param("service")
	if !slices.Contains(app.ServiceNames, svc) {
		r.forbidden()
		return
	}
	id := r.form("id")
	if r.form("alle") == "ja" {
		id = "" // all of them
	} else if id == "" {
		r.done("Geen bericht gekozen.", deadLettersPage+"#"+svc)
		return
	}
	out, err := s.App.ReplayDeadLetters(r.ctx(), r.user(), svc, id, r.form("key"))
	if err != nil {
		if pr := problemOf(err); isRefusal(err) {
			r.done("Niet opnieuw verwerkt: "+pr.Detail, deadLettersPage)
			return
		}
		r.fail(err)
		return
	}
	msg := fmt.Sprintf("%s: %d opnieuw verwerkt.", serviceName[svc], len(out.Replayed))
	if n := len(out.Refused); n > 0 {
		msg += fmt.Sprintf(" %d opnieuw geweigerd; de reden staat bij het bericht.", n)
	}
	if n := len(out.Failed); n > 0 {
		msg += fmt.Sprintf(" %d niet gelukt door een tijdelijke storing; probeer het later opnieuw.", n)
	}
	r.done(msg, deadLettersPage+"#"+svc)
}

// discardForm asks the reason a dead letter may be dropped: one task on its own page.
func (s *Server) discardForm(c *gin.Context) {
	r := s.req(c)
	svc, id := c.Param("service"), c.Param("id")
	if !slices.Contains(app.ServiceNames, svc) {
		r.forbidden()
		return
	}
	d, err := s.App.DeadLetter(r.ctx(), r.user(), svc, id)
	var e *app.Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound || err == nil && d.Status != "open" {
		r.done("Dit bericht is al opnieuw verwerkt of verwijderd.", deadLettersPage+"#"+svc)
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Bericht verwijderen", "Een verwijderd bericht telt niet mee en kan niet meer opnieuw worden verwerkt. Uw naam en de reden blijven bij het bericht bewaard.")
	p.Crumbs = []web.Link{{Label: "Onverwerkte berichten", Href: deadLettersPage}}
	p.Blocks = []web.Block{{Facts: []web.Fact{{Term: "Dienst", Value: serviceName[svc]}, {Term: "Bericht", Value: d.Type + " (" + d.EventID + ")"},
		{Term: "Afzender", Value: d.Source}, {Term: "Sinds", Value: web.DateTime(d.At)}, {Term: "Reden van weigeren", Value: sentence(deadLetterReason(d))}}},
		{Form: &web.Form{Action: deadLettersPage + "/" + svc + "/verwijderen", Submit: "Verwijderen", Key: session.RandomToken(),
			Hidden: map[string]string{"id": d.ID},
			Fields: []web.Field{{Name: "reden", Label: "Waarom mag dit bericht vervallen?", Type: "textarea", Required: true,
				Error: c.Query("fout")}}}}}
	r.show(p)
}

// discardDeadLetter gives up on one dead letter with the administrator's reason.
func (s *Server) discardDeadLetter(c *gin.Context) {
	r := s.req(c)
	svc := c.Param("service")
	if !slices.Contains(app.ServiceNames, svc) {
		r.forbidden()
		return
	}
	if r.form("reden") == "" {
		c.Redirect(303, deadLettersPage+"/"+svc+"/"+url.PathEscape(r.form("id"))+"/verwijderen?fout="+url.QueryEscape("Geef de reden op waarom dit bericht mag vervallen."))
		return
	}
	if err := s.App.DiscardDeadLetter(r.ctx(), r.user(), svc, r.form("id"), r.form("reden"), r.form("key")); err != nil {
		if pr := problemOf(err); isRefusal(err) {
			r.done("Niet verwijderd: "+pr.Detail, deadLettersPage+"#"+svc)
			return
		}
		r.fail(err)
		return
	}
	r.done(serviceName[svc]+": bericht verwijderd; de reden is bewaard.", deadLettersPage+"#"+svc)
}

// deadLetterReason is why a message was set aside, in Dutch by its rule (every dead letter
// kept since rules came has one; an older one shows the service's own words).
func deadLetterReason(d commonapi.DeadLetter) string { return saidInDutch(d.Rule, d.Params, d.Reason) }
