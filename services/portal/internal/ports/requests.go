package ports

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// The mobility team's work: the confirmed questions of residents, the longest waiting
// first; an adviser picks one up.

const requestsPath = "/rmt/hulpvragen"

func requestPath(id string) string { return requestsPath + "/" + url.PathEscape(id) }

var situationNames = map[string]string{"working": "werkt", "job_seeker": "zoekt werk", "benefit": "uitkering", "no_benefit": "geen uitkering",
	"at_risk_of_dismissal": "ontslag dreigt", "company_closing": "bedrijf sluit of reorganiseert"}

func situationText(s []string) string {
	var out []string
	for _, x := range s {
		if n, ok := situationNames[x]; ok {
			out = append(out, n)
		} else {
			out = append(out, x)
		}
	}
	return strings.Join(out, ", ")
}

func waited(days int) string {
	if days == 1 {
		return "1 dag"
	}
	return strconv.Itoa(days) + " dagen"
}

func (s *Server) supportRequests(c *gin.Context) {
	r := s.req(c)
	q := r.filters("status")
	page, err := s.App.SupportRequests(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Hulpvragen", "Vragen van werkenden en werkzoekenden aan het regionaal mobiliteitsteam, bevestigd per e-mail; de langst wachtende bovenaan. Kwaliteit gaat voor snelheid: een vraag wordt pas gesloten met een uitkomst.")
	t := &web.Table{Caption: "Hulpvragen", Empty: "Er wachten geen vragen.",
		Columns: []web.Column{{Label: "Naam"}, {Label: "Situatie"}, {Label: "Vraag"}, {Label: "Wacht", Numeric: true}, {Label: "Status"}, {Label: "Adviseur"}},
		Filters: &web.Form{Action: requestsPath, Get: true, Submit: "Filter", Reset: requestsPath, Fields: []web.Field{
			{Name: "status", Label: "Status", Type: "select", Value: q.Get("status"), Options: []web.Option{{Value: "", Label: "Wacht op een adviseur"}, {Value: "in_progress", Label: "Opgepakt"}, {Value: "closed", Label: "Afgesloten"}}}}}}
	for _, x := range page.Items {
		question := x.Question
		if len([]rune(question)) > 80 {
			question = string([]rune(question)[:80]) + "…"
		}
		status := web.Cell{Text: "wacht op een adviseur", Badge: "warn"}
		switch x.Status {
		case "in_progress":
			status = web.Cell{Text: "opgepakt", Badge: "good"}
		case "closed":
			status = web.Cell{Text: "afgesloten: " + outcomeNames[optional.Value(x.Outcome)], Badge: "good"}
		}
		row := web.Row{Cells: []web.Cell{{Text: x.Name, Href: requestPath(x.ID)}, {Text: situationText(x.Situation)}, {Text: question},
			{Text: waited(x.DaysWaiting)}, status, {Text: optional.Value(x.AdviserOrg)}}}
		if x.Status == "open" && x.DaysWaiting >= 5 {
			row.Tone, row.Note = "warn", "Wacht al "+waited(x.DaysWaiting)+"."
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	r.show(p)
}

func (s *Server) supportRequest(c *gin.Context) {
	r := s.req(c)
	x, err := s.App.SupportRequest(r.ctx(), r.user(), c.Param("requestId"))
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Hulpvraag van "+x.Name, x.Question)
	p.Crumbs = []web.Link{{Label: "Hulpvragen", Href: requestsPath}}
	facts := []web.Fact{{Term: "Situatie", Value: situationText(x.Situation)}, {Term: "E-mail", Value: x.Email},
		{Term: "Telefoon", Value: web.Text(x.Phone)}, {Term: "Woonplaats", Value: web.Text(x.Municipality)},
		{Term: "Ingediend", Value: web.DateTime(x.SubmittedAt)}, {Term: "Gewacht", Value: waited(x.DaysWaiting)},
		{Term: "Bewaard tot", Value: strconv.Itoa(x.RetentionMonths) + " maanden na afronding (toestemming)"}}
	if x.Status == "in_progress" {
		facts = append(facts, web.Fact{Term: "Opgepakt door", Value: optional.Value(x.Adviser) + " (" + optional.Value(x.AdviserOrg) + ")"})
	}
	if x.Status == "closed" {
		facts = append(facts, web.Fact{Term: "Afgesloten", Value: outcomeNames[optional.Value(x.Outcome)], Tone: "good"})
	}
	p.Blocks = []web.Block{{Facts: facts}}
	if len(x.Advice) > 0 || len(x.Referrals) > 0 {
		t := &web.Table{Caption: "Wat is gedaan", Columns: []web.Column{{Label: "Wanneer"}, {Label: "Wat"}, {Label: "Toelichting"}}}
		for _, a := range x.Advice {
			t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: web.DateTime(a.At)}, {Text: "Advies: " + adviceNames[a.Category]}, {Text: a.Note}}})
		}
		partners, _ := s.App.ReferralPartners(r.ctx(), r.user())
		for _, ref := range x.Referrals {
			name := ref.Partner
			for _, pt := range partners {
				if pt.ID == ref.Partner {
					name = pt.Name
				}
			}
			t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: web.DateTime(ref.At)}, {Text: "Doorverwezen"}, {Text: name}}})
		}
		p.Blocks = append(p.Blocks, web.Block{Heading: "Wat is gedaan", ID: "gedaan", Table: t})
	}
	if x.Status == "in_progress" && r.has(auth.RoleAdviser) {
		partners, err := s.App.ReferralPartners(r.ctx(), r.user())
		if err != nil {
			r.fail(err)
			return
		}
		var partnerOptions []web.Option
		for _, pt := range partners {
			partnerOptions = append(partnerOptions, web.Option{Value: pt.ID, Label: pt.Name})
		}
		p.Blocks = append(p.Blocks,
			web.Block{Heading: "Advies vastleggen", ID: "advies", Form: &web.Form{Action: requestPath(x.ID) + "/advies", Submit: "Advies vastleggen", Key: session.RandomToken(),
				Fields: []web.Field{{Name: "category", Label: "Waarover", Type: "select", Required: true, Options: options(adviceOrder, adviceNames)},
					{Name: "note", Label: "Advies", Type: "textarea", Required: true, Hint: "Wat u heeft besproken en geadviseerd. Geen BSN of medische gegevens."}}}},
			web.Block{Heading: "Doorverwijzen", ID: "doorverwijzen", Form: &web.Form{Action: requestPath(x.ID) + "/doorverwijzen", Submit: "Doorverwijzen", Key: session.RandomToken(),
				Fields: []web.Field{{Name: "partner", Label: "Naar", Type: "select", Required: true, Options: partnerOptions}}}},
			web.Block{Heading: "Afsluiten", ID: "afsluiten", Text: "Een vraag sluit alleen met een uitkomst, en pas als het advies is vastgelegd.",
				Form: &web.Form{Action: requestPath(x.ID) + "/afsluiten", Submit: "Vraag afsluiten", Key: session.RandomToken(),
					Fields: []web.Field{{Name: "outcome", Label: "Uitkomst", Type: "select", Required: true, Options: options(outcomeOrder, outcomeNames)}}}})
	}
	if x.Status == "open" && r.has(auth.RoleAdviser) {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Oppakken", ID: "oppakken", Text: "Neem contact op met de vrager en leg daarna het advies vast.",
			Form: &web.Form{Action: requestPath(x.ID) + "/oppakken", Submit: "Vraag oppakken", Key: session.RandomToken()}})
	}
	r.show(p)
}

func (s *Server) adviseRequest() gin.HandlerFunc {
	return s.workOn("advice", "Advies vastgelegd.", func(r *req) any { return map[string]string{"category": r.form("category"), "note": r.form("note")} })
}

func (s *Server) referRequest() gin.HandlerFunc {
	return s.workOn("referrals", "Doorverwijzing vastgelegd.", func(r *req) any { return map[string]string{"partner": r.form("partner")} })
}

func (s *Server) closeRequest() gin.HandlerFunc {
	return s.workOn("closing", "De vraag is afgesloten.", func(r *req) any { return map[string]string{"outcome": r.form("outcome")} })
}

func (s *Server) pickUpRequest(c *gin.Context) {
	r := s.req(c)
	id := c.Param("requestId")
	x, err := s.App.PickUpSupportRequest(r.ctx(), r.user(), id, r.form("key"))
	if isRefusal(err) {
		r.done("Niet opgepakt: een collega heeft deze vraag al opgepakt.", requestPath(id))
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	r.done("U heeft de vraag van "+x.Name+" opgepakt. Neem contact op via "+x.Email+".", requestPath(id))
}

var adviceOrder = []string{"other_work", "training", "job_search", "income_and_rights", "personal_situation", "other"}

var adviceNames = map[string]string{"other_work": "ander werk", "training": "opleiding of scholing", "job_search": "zoeken naar werk",
	"income_and_rights": "inkomen en rechten", "personal_situation": "persoonlijke situatie", "other": "iets anders"}

var outcomeOrder = []string{"advice_given", "referred", "intervention", "no_help_needed", "unreachable"}

var outcomeNames = map[string]string{"advice_given": "advies gegeven", "referred": "doorverwezen", "intervention": "interventie ingezet",
	"no_help_needed": "geen hulp meer nodig", "unreachable": "niet bereikbaar"}

// workOn is an adviser's step on the request: the form's fields as the service's body.
func (s *Server) workOn(step, done string, body func(r *req) any) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := s.req(c)
		id := c.Param("requestId")
		_, err := s.App.WorkOnSupportRequest(r.ctx(), r.user(), id, step, r.form("key"), body(r))
		if isRefusal(err) {
			r.done("Niet vastgelegd: "+refusal(err), requestPath(id))
			return
		}
		if err != nil {
			r.fail(err)
			return
		}
		r.done(done, requestPath(id))
	}
}
