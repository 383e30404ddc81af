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
			{Name: "status", Label: "Status", Type: "select", Value: q.Get("status"), Options: []web.Option{{Value: "", Label: "Wacht op een adviseur"}, {Value: "in_progress", Label: "Opgepakt"}}}}}}
	for _, x := range page.Items {
		question := x.Question
		if len([]rune(question)) > 80 {
			question = string([]rune(question)[:80]) + "…"
		}
		status := web.Cell{Text: "wacht op een adviseur", Badge: "warn"}
		if x.Status == "in_progress" {
			status = web.Cell{Text: "opgepakt", Badge: "good"}
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
	p.Blocks = []web.Block{{Facts: facts}}
	if x.Status == "open" && r.has(auth.RoleAdviser) {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Oppakken", ID: "oppakken", Text: "Neem contact op met de vrager en leg daarna het advies vast.",
			Form: &web.Form{Action: requestPath(x.ID) + "/oppakken", Submit: "Vraag oppakken", Key: session.RandomToken()}})
	}
	r.show(p)
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
