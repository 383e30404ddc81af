package ports

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

var targetGroups = []string{"participatiewet", "ww", "wajong", "wia_wao", "doelgroepregister", "statushouder", "no_benefit", "other"}

// participants lists job seekers (a work coach: their organisation's); a BSN is never on
// this page.
func (s *Server) participants(c *gin.Context) {
	r := s.req(c)
	q := r.filters("municipality", "targetGroup", "workCoach")
	if c.Query("mijn") == "1" {
		q.Set("workCoach", r.sess.Subject)
	}
	page, err := s.App.Participants(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Deelnemers", "Werkzoekenden in begeleiding. Een BSN staat nooit op het scherm; een coördinator kan het met een reden opvragen, en dat wordt vastgelegd.")
	groups := []web.Option{{Value: "", Label: "Alle"}}
	for _, g := range targetGroups {
		groups = append(groups, web.Option{Value: g, Label: g})
	}
	t := &web.Table{Caption: "Deelnemers", Empty: "Geen deelnemers met deze filters.",
		Columns: []web.Column{{Label: "Naam"}, {Label: "Gemeente"}, {Label: "Doelgroepen"}, {Label: "Trede", Numeric: true}, {Label: "Werkcoach"}, {Label: "Aangemeld"}},
		Filters: &web.Form{Action: "/deelnemers", Get: true, Submit: "Filter", Reset: "/deelnemers", Fields: []web.Field{
			{Name: "municipality", Label: "Gemeente", Value: q.Get("municipality")},
			{Name: "targetGroup", Label: "Doelgroep", Type: "select", Value: q.Get("targetGroup"), Options: groups},
			{Name: "mijn", Label: "Werkcoach", Type: "select", Value: c.Query("mijn"), Options: []web.Option{{Value: "", Label: "Alle werkcoaches"}, {Value: "1", Label: "Alleen mijn deelnemers"}}},
		}}}
	for _, pt := range page.Items {
		row := web.Row{Cells: []web.Cell{{Text: participantName(pt), Href: "/deelnemers/" + url.PathEscape(pt.ID)}, {Text: pt.Municipality}, {Text: web.List(pt.TargetGroups)},
			{Text: web.Number(pt.LadderStep)}, {Text: web.Text(pt.WorkCoach.Name)}, {Text: web.DateTime(pt.RegisteredAt)}}}
		if pt.Consent.WithdrawnOn != nil {
			row.Tone, row.Note = "warn", "Toestemming ingetrokken op "+web.Date(pt.Consent.WithdrawnOn)
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	if r.has(auth.RoleWorkCoach, auth.RoleCoordinator) {
		p.Blocks = append([]web.Block{{Links: []web.Link{{Label: "Deelnemer inschrijven", Href: "/deelnemers/nieuw"}}}}, p.Blocks...)
	}
	r.show(p)
}

// participant shows a participant and their trajectories; a coordinator may reveal the BSN
// for a stated reason (the service writes the audit trail before it answers).
func (s *Server) participant(c *gin.Context) {
	s.renderParticipant(s.req(c), "", nil, http.StatusOK)
}

func (s *Server) renderParticipant(r *req, bsn string, problem *web.Problem, status int) {
	id := url.PathEscape(r.c.Param("participantId"))
	pt, err := s.App.Participant(r.ctx(), r.user(), r.c.Param("participantId"))
	if err != nil {
		r.fail(err)
		return
	}
	q := url.Values{"participant": {pt.ID}}
	enr, err := s.App.Enrolments(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page(participantName(pt), "Gemeente "+pt.Municipality+"; werkcoach "+web.Text(pt.WorkCoach.Name)+".")
	if pt.Erased != nil {
		p.Lead = "De persoonsgegevens zijn gewist op " + web.Date(pt.Erased.At) + " (" + erasureBasis[string(pt.Erased.Basis)] + "). Wat voor de betalingen moet blijven, staat er zonder naam."
	}
	p.Crumbs = []web.Link{{Label: "Deelnemers", Href: "/deelnemers"}}
	p.Problem = problem
	facts := []web.Fact{{Term: "Doelgroepen", Value: web.List(pt.TargetGroups)}, {Term: "Trede (participatieladder)", Value: web.Number(pt.LadderStep)},
		{Term: "Toestemming", Value: pt.Consent.Purpose + " (sinds " + web.Date(pt.Consent.GivenOn) + ")"}, {Term: "Aangemeld", Value: web.DateTime(pt.RegisteredAt)}}
	if pt.Consent.WithdrawnOn != nil {
		facts[2].Value, facts[2].Tone = "Ingetrokken op "+web.Date(pt.Consent.WithdrawnOn)+" (gegeven op "+web.Date(pt.Consent.GivenOn)+")", "warn"
	}
	if bsn != "" {
		facts = append(facts, web.Fact{Term: "BSN (opgevraagd en vastgelegd)", Value: bsn, Tone: "warn"})
		p.Notice = "Het BSN is getoond en uw opvraging is vastgelegd in het audittrail. Het verdwijnt zodra u deze pagina verlaat."
	}
	p.Blocks = append(p.Blocks, web.Block{Facts: facts})
	t := &web.Table{Caption: "Trajecten", Empty: "Nog geen trajecten.", Columns: []web.Column{{Label: "Traject"}, {Label: "Opleider"}, {Label: "Start"}, {Label: "Stand"}, {Label: "Mijlpalen"}}}
	for _, e := range enr.Items {
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: e.ProductName, Href: "/trajecten/" + url.PathEscape(e.ID)}, {Text: e.ProviderName},
			{Text: web.Date(e.StartDate)}, web.Status(e.Status), {Lines: milestones(e)}}})
	}
	trajectories := web.Block{Heading: "Trajecten", Table: t}
	if r.has(auth.RoleWorkCoach, auth.RoleCoordinator) && pt.Consent.WithdrawnOn == nil {
		trajectories.Links = []web.Link{{Label: "Inschrijven op een traject", Href: participantPath(pt.ID) + "/inschrijven"}}
	}
	p.Blocks = append(p.Blocks, trajectories)
	if len(pt.Praktijkverklaringen) > 0 || pt.BBL != nil {
		p.Blocks = append(p.Blocks, qualificationsBlock(pt))
	}
	if tasks := taskLinks(r, pt); len(tasks) > 0 {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Taken", ID: "taken", Links: tasks})
	}
	if r.has(auth.RoleCoordinator) && bsn == "" {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Inzage in alle gegevens", ID: "inzage",
			Text: "Alles wat het platform over deze deelnemer bewaart, in één bestand (recht op inzage, AVG art. 15). Uw naam, de reden en het moment worden vastgelegd.",
			Form: &web.Form{Action: participantPath(pt.ID) + "/inzage", Submit: "Gegevens downloaden", Key: session.RandomToken(),
				Fields: []web.Field{{Name: "exportReason", Label: "Reden", Required: true, Hint: "Bijvoorbeeld: inzageverzoek van de deelnemer van 3 maart."}}}})
	}
	if r.has(auth.RoleCoordinator) && bsn == "" {
		p.Blocks = append(p.Blocks, web.Block{Heading: "BSN opvragen", ID: "bsn",
			Text: "Alleen als het werk het vraagt (bijvoorbeeld voor een melding aan UWV). Uw naam, de reden en het moment worden vastgelegd.",
			Form: &web.Form{Action: "/deelnemers/" + id + "/bsn", Submit: "BSN tonen", Key: session.RandomToken(),
				Fields: []web.Field{{Name: "reason", Label: "Reden", Required: true, Hint: "Bijvoorbeeld: controle inschrijving bij UWV."}}}})
	}
	s.Render.Render(r.c.Writer, status, p)
}

// revealBSN shows the BSN on this answer only: it is not stored, not put in a URL and not
// kept for a next page.
func (s *Server) revealBSN(c *gin.Context) {
	r := s.req(c)
	if bsn, ok := audited(s, r, "reason", "Reden: geef aan waarom u het BSN nodig heeft.", func(reason string) (string, error) {
		return s.App.RevealBSN(r.ctx(), r.user(), c.Param("participantId"), reason)
	}); ok {
		s.renderParticipant(r, bsn, nil, http.StatusOK)
	}
}

// audited runs a coordinator's look into personal data that needs a stated reason (the
// service writes the audit trail before it answers); without a reason, or refused, the
// participant's page says why, and ok is false.
func audited[T any](s *Server, r *req, field, missing string, look func(reason string) (T, error)) (T, bool) {
	var zero T
	reason := r.form(field)
	if reason == "" {
		s.renderParticipant(r, "", &web.Problem{Title: "Controleer de invoer", Fields: []string{missing}}, http.StatusUnprocessableEntity)
		return zero, false
	}
	v, err := look(reason)
	switch {
	case isRefusal(err):
		s.renderParticipant(r, "", problemOf(err), http.StatusUnprocessableEntity)
		return zero, false
	case err != nil:
		r.fail(err)
		return zero, false
	}
	return v, true
}

// outcomes are the results per provider: how many complete, are placed, and stay placed.
func (s *Server) outcomes(c *gin.Context) {
	r := s.req(c)
	out, err := s.App.Outcomes(r.ctx(), r.user())
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Resultaten per opleider", "Afronding: afgerond (of verder) van de trajecten die klaar zijn, uitval meegeteld. Plaatsing: geplaatst van de afgeronde trajecten. Duurzaam: zes maanden aan het werk van de geplaatste.")
	filter := strings.TrimSpace(c.Query("provider"))
	t := &web.Table{Caption: "Resultaten per opleider", Empty: "Nog geen trajecten.",
		Columns: []web.Column{{Label: "Opleider (KvK)"}, {Label: "Trajecten", Numeric: true}, {Label: "Lopend", Numeric: true}, {Label: "Afronding", Numeric: true},
			{Label: "Plaatsing", Numeric: true}, {Label: "Duurzame plaatsing", Numeric: true}, {Label: "Uitval", Numeric: true}},
		Filters: &web.Form{Action: "/resultaten", Get: true, Submit: "Filter", Reset: "/resultaten", Fields: []web.Field{{Name: "provider", Label: "KvK-nummer opleider", Value: filter, Pattern: "[0-9]{8}"}}}}
	for _, pr := range out.Providers {
		if filter != "" && pr.ProviderKvK != filter {
			continue
		}
		b := pr.ByStatus
		total := b["enrolled"] + b["started"] + b["completed"] + b["placed"] + b["sustainably_placed"] + b["dropped_out"]
		completed := b["completed"] + b["placed"] + b["sustainably_placed"]
		placed := b["placed"] + b["sustainably_placed"]
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: pr.ProviderKvK, Href: "/trajecten?provider=" + url.QueryEscape(pr.ProviderKvK)},
			{Text: web.Number(total)}, {Text: web.Number(b["enrolled"] + b["started"])}, {Text: web.Ratio(completed, completed+b["dropped_out"])},
			{Text: web.Ratio(placed, completed)}, {Text: web.Ratio(b["sustainably_placed"], placed)}, {Text: web.Number(b["dropped_out"])}}})
	}
	p.Blocks = []web.Block{{Chart: outcomesChart(out.Providers, filter), Table: t}}
	if out.Truncated {
		p.Blocks = append(p.Blocks, web.Block{Text: "Er zijn meer opleiders dan dit overzicht toont; filter op een KvK-nummer."})
	}
	r.show(p)
}

// funnelChart is the trajectory funnel: enrolled, started, completed, placed, placed for six
// months — each step counts those that reached it or went further.
func funnelChart(b participantsapi.StatusCounts) template.HTML {
	sustained := b["sustainably_placed"]
	placed := b["placed"] + sustained
	completed := b["completed"] + placed
	started := b["started"] + completed
	enrolled := b["enrolled"] + started + b["dropped_out"]
	steps := []struct {
		label string
		n     int
	}{{"Ingeschreven", enrolled}, {"Gestart", started}, {"Afgerond", completed}, {"Geplaatst", placed}, {"Duurzaam geplaatst", sustained}}
	c := web.Bars{ID: "trechter", Title: "Trechter van de trajecten", Series: []web.Series{{Name: "trajecten", Colour: web.Blue}},
		Desc: fmt.Sprintf("%s ingeschreven, %s gestart, %s afgerond, %s geplaatst en %s duurzaam geplaatst.",
			web.Number(enrolled), web.Number(started), web.Number(completed), web.Number(placed), web.Number(sustained))}
	for _, s := range steps {
		c.Rows = append(c.Rows, web.BarRow{Label: s.label, Values: []float64{float64(s.n)}})
	}
	return c.Chart()
}

// outcomesChart is each provider's trajectories by where they stand now.
func outcomesChart(providers []participantsapi.OutcomesReport_Providers, only string) template.HTML {
	c := web.Bars{ID: "per-opleider", Title: "Trajecten per opleider naar stand",
		Series: []web.Series{{Name: "lopend", Colour: web.Grey}, {Name: "afgerond", Colour: web.Blue}, {Name: "geplaatst", Colour: web.Green},
			{Name: "duurzaam geplaatst", Colour: web.Purple}, {Name: "uitgevallen", Colour: web.Red}}}
	for _, pr := range providers {
		if only != "" && pr.ProviderKvK != only {
			continue
		}
		b := pr.ByStatus
		c.Rows = append(c.Rows, web.BarRow{Label: "KvK " + pr.ProviderKvK, Values: []float64{float64(b["enrolled"] + b["started"]),
			float64(b["completed"]), float64(b["placed"]), float64(b["sustainably_placed"]), float64(b["dropped_out"])}})
	}
	c.Desc = fmt.Sprintf("De trajecten van %d opleiders: lopend, afgerond, geplaatst, duurzaam geplaatst en uitgevallen.", len(c.Rows))
	if len(c.Rows) > maxChartRows { // the table below lists them all
		slices.SortStableFunc(c.Rows, func(a, b web.BarRow) int { return cmp.Compare(sum(b.Values), sum(a.Values)) })
		c.Rows = c.Rows[:maxChartRows]
		c.Desc += fmt.Sprintf(" De grafiek toont de %d opleiders met de meeste trajecten; de tabel toont ze allemaal.", maxChartRows)
	}
	return c.Chart()
}

// maxChartRows keeps a chart readable; its page's table holds every row.
const maxChartRows = 25

func sum(vs []float64) float64 {
	t := 0.0
	for _, v := range vs {
		t += v
	}
	return t
}

// qualificationsBlock lists the praktijkverklaringen and the BBL programme recorded.
func qualificationsBlock(pt participantsapi.Participant) web.Block {
	t := &web.Table{Caption: "Praktijkverklaringen", Empty: "Geen praktijkverklaringen.",
		Columns: []web.Column{{Label: "Kwalificatie"}, {Label: "Werkprocessen"}, {Label: "Afgegeven door"}, {Label: "Op"}}}
	for _, v := range pt.Praktijkverklaringen {
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: "crebo " + v.Qualification}, {Lines: v.WorkProcesses}, {Text: v.IssuedBy}, {Text: web.Date(v.IssuedOn)}}})
	}
	b := web.Block{Heading: "Kwalificaties", ID: "kwalificaties", Table: t}
	if bbl := pt.BBL; bbl != nil {
		b.Facts = []web.Fact{{Term: "BBL", Value: "crebo " + bbl.Qualification + " bij " + bbl.School}, {Term: "Leerbedrijf (KvK)", Value: bbl.EmployerKvK},
			{Term: "Gestart op", Value: web.Date(bbl.StartedOn)}}
	}
	return b
}

var erasureBasis = map[string]string{"consent-withdrawn": "toestemming ingetrokken", "request": "verzoek van de deelnemer", "retention-ended": "bewaartermijn verstreken"}

// participantName is the name, or what stands in for one that was erased.
func participantName(pt participantsapi.Participant) string {
	if pt.Erased != nil || pt.Name == "" {
		return "Deelnemer " + pt.ID + " (gegevens gewist)"
	}
	return pt.Name
}
