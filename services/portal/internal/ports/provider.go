package ports

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/calendar"
	"github.com/werkregio/platform/contracts/openapi/participantsapi"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

var enrolmentStatuses = []string{"enrolled", "started", "completed", "placed", "sustainably_placed", "dropped_out"}

// offer shows a provider's offer: its products under each contract, with prices, the terms
// in force and the starts with their capacity.
func (s *Server) offer(c *gin.Context) {
	r := s.req(c)
	page, err := s.App.Offers(r.ctx(), r.user(), r.filters())
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Aanbod", "Uw producten per contract: prijs, de voorwaarden die gelden, en de startmomenten met hun capaciteit.")
	for _, o := range page.Items {
		t := &web.Table{Caption: "Startmomenten onder contract " + o.ContractNumber, Empty: "Nog geen startmomenten.",
			Columns: []web.Column{{Label: "Product"}, {Label: "Start"}, {Label: "Locatie"}, {Label: "Capaciteit", Numeric: true}, {Label: "Prijs", Numeric: true}}}
		for _, pr := range o.Products {
			for _, st := range pr.Starts {
				t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: pr.Name}, {Text: web.Date(st.Date)}, {Text: st.Location},
					{Text: web.Number(st.Capacity) + " plaatsen"}, {Text: web.Euro(pr.PriceCents)}}})
			}
		}
		b := web.Block{Heading: "Contract " + o.ContractNumber, ID: "contract-" + web.Slug(o.ContractID),
			Facts: []web.Fact{{Term: "Regeling", Value: o.SchemeReference}, {Term: "Status", Value: web.Label(o.ContractStatus), Tone: web.Tone(o.ContractStatus)}}, Table: t}
		if o.ContractStatus == "active" {
			b.Links = []web.Link{{Label: "Startmoment toevoegen", Href: startsPath(o.ContractID)}}
		}
		if o.ContractStatus == "suspended" {
			b.Text = "Dit contract is opgeschort: er kunnen geen nieuwe deelnemers worden ingeschreven, en termijnen met een mijlpaal in deze tijd worden aangehouden. Een geldig certificaat heft de opschorting op."
		}
		p.Blocks = append(p.Blocks, b)
	}
	if len(page.Items) == 0 {
		p.Blocks = append(p.Blocks, web.Block{Text: "U heeft nog geen contract met aanbod in deze regio."})
	}
	p.Blocks = append(p.Blocks, web.Block{Links: []web.Link{{Label: "Aanmelden voor een open regeling", Href: openSchemesPath}}})
	r.show(p)
}

// enrolments lists enrolments: a provider's own, a work coach's organisation's, the
// region's for a coordinator (the service scopes them), filterable by status, with the
// funnel of the same scope above it.
func (s *Server) enrolments(c *gin.Context) {
	r := s.req(c)
	q := r.filters("status", "provider", "participant")
	page, err := s.App.Enrolments(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	out, err := s.App.Outcomes(r.ctx(), r.user())
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Trajecten", "Inschrijvingen en hun mijlpalen: van ingeschreven via gestart en afgerond naar (duurzaam) geplaatst.")
	var funnel []web.Stat
	for _, st := range enrolmentStatuses {
		funnel = append(funnel, web.Stat{Label: web.Title(web.Label(st)), Value: web.Number(out.ByStatus[st]), Tone: map[string]string{"dropped_out": "bad", "sustainably_placed": "good"}[st]})
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Trechter", Text: "Aantal trajecten per stand, en hoeveel elke stap bereikten (een uitgevallen traject telt alleen als ingeschreven).",
		Stats: funnel, Chart: funnelChart(out.ByStatus)})
	fields := []web.Field{statusField("status", "Stand", q.Get("status"), enrolmentStatuses)}
	if !r.has(auth.RoleProvider) {
		fields = append(fields, web.Field{Name: "provider", Label: "KvK-nummer opleider", Value: q.Get("provider"), Pattern: "[0-9]{8}"})
	}
	t := &web.Table{Caption: "Trajecten", Empty: "Geen trajecten met deze filters.",
		Columns: []web.Column{{Label: "Traject"}, {Label: "Opleider"}, {Label: "Start"}, {Label: "Stand"}, {Label: "Mijlpalen"}},
		Filters: &web.Form{Action: "/trajecten", Get: true, Submit: "Filter", Reset: "/trajecten", Fields: fields}}
	for _, e := range page.Items {
		row := web.Row{Cells: []web.Cell{{Text: e.ProductName + ", " + e.Location, Href: "/trajecten/" + url.PathEscape(e.ID)}, {Text: e.ProviderName},
			{Text: web.Date(e.StartDate)}, web.Status(e.Status), {Lines: milestones(e)}}}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = append(p.Blocks, web.Block{Table: t})
	r.show(p)
}

func milestones(e participantsapi.Enrolment) []string {
	var l []string
	for _, m := range []struct {
		label string
		on    *calendar.Date
	}{{"gestart", e.StartedOn}, {"afgerond", e.CompletedOn}, {"geplaatst", e.PlacedOn}, {"duurzaam geplaatst", e.SustainableOn}} {
		if m.on != nil {
			l = append(l, m.label+" "+web.Date(m.on))
		}
	}
	return l
}

// enrolment shows one trajectory: its milestones, the terms it runs under, its attendance
// against the minimum, and for its provider the form to report hours.
func (s *Server) enrolment(c *gin.Context) {
	s.renderEnrolment(s.req(c), nil)
}

func (s *Server) renderEnrolment(r *req, problem *web.Problem) {
	id := url.PathEscape(r.c.Param("enrolmentId"))
	e, err := s.App.Enrolment(r.ctx(), r.user(), r.c.Param("enrolmentId"))
	if err != nil {
		r.fail(err)
		return
	}
	a, err := s.App.Attendance(r.ctx(), r.user(), r.c.Param("enrolmentId"))
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page(e.ProductName+" bij "+e.ProviderName, fmt.Sprintf("Start %s in %s, contract %s.", web.Date(e.StartDate), e.Location, e.ContractNumber))
	p.Crumbs = []web.Link{{Label: "Trajecten", Href: "/trajecten"}}
	p.Problem = problem
	var tranches []string
	for _, t := range e.Terms.Tranches {
		tranches = append(tranches, fmt.Sprintf("%d%% bij %s", t.Percent, web.Label("milestone:"+t.Milestone)))
	}
	p.Blocks = append(p.Blocks, web.Block{Facts: []web.Fact{{Term: "Stand", Value: web.Label(e.Status), Tone: web.Tone(e.Status)},
		{Term: "Prijs", Value: web.Euro(e.PriceCents)}, {Term: "Voorwaarden", Value: fmt.Sprintf("versie %d (vanaf %s)", e.Terms.Version, web.Date(e.Terms.EffectiveFrom))},
		{Term: "Termijnen", Value: strings.Join(tranches, ", ")}}})
	hist := &web.Table{Caption: "Mijlpalen", Columns: []web.Column{{Label: "Stand"}, {Label: "Datum"}, {Label: "Door"}, {Label: "Toelichting"}}}
	for _, h := range e.History {
		hist.Rows = append(hist.Rows, web.Row{Cells: []web.Cell{web.Status(h.Status), {Text: web.Date(h.On)}, {Text: h.By}, {Text: web.Text(h.Reason)}}})
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Mijlpalen", Table: hist})

	total := int64(a.TotalHours * 100)
	min := int64(a.MinAttendanceHours) * 100
	stat := web.Stat{Label: "Aanwezig", Value: web.Decimal(a.TotalHours) + " uur", Note: fmt.Sprintf("minimum %d uur", a.MinAttendanceHours), Tone: "good"}
	if total < min {
		stat.Tone, stat.Note = "warn", fmt.Sprintf("nog %s uur tot het minimum van %d uur (%s bereikt)", web.Decimal(float64(min-total)/100), a.MinAttendanceHours, web.Ratio(total, min))
	}
	att := &web.Table{Caption: "Aanwezigheid per dag", Empty: "Nog geen aanwezigheid gemeld.", Columns: []web.Column{{Label: "Dag"}, {Label: "Uren", Numeric: true}, {Label: "Meldingen", Numeric: true}}}
	for i := len(a.Days) - 1; i >= 0 && len(att.Rows) < 60; i-- {
		d := a.Days[i]
		att.Rows = append(att.Rows, web.Row{Cells: []web.Cell{{Text: web.Date(d.Date)}, {Text: web.Decimal(d.Hours)}, {Text: web.Number(d.Reports)}}})
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Aanwezigheid", Text: "De minimale aanwezigheid hoort bij de voorwaarden van het product; de nieuwste 60 dagen staan hieronder.", Stats: []web.Stat{stat}, Table: att})
	if steps := stepLinks(r, e); len(steps) > 0 {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Mijlpaal melden", ID: "mijlpalen", Links: steps})
	}
	if r.has(auth.RoleProvider) && (e.Status == "started" || e.Status == "enrolled") {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Aanwezigheid melden", ID: "melden", Form: &web.Form{Action: "/trajecten/" + id + "/aanwezigheid", Submit: "Uren melden",
			Key: session.RandomToken(), Fields: []web.Field{
				{Name: "date", Label: "Dag", Type: "date", Required: true, Value: time.Now().Format("2006-01-02")},
				{Name: "hours", Label: "Uren", Type: "number", Required: true, Min: "0.25", Max: "24", Step: "0.25", Value: "8"},
			}}})
	}
	r.show(p)
}

// reportAttendance is a provider's report of hours; the form's key is the report's id, so
// a report sent twice counts once.
func (s *Server) reportAttendance(c *gin.Context) {
	r := s.req(c)
	var problems []string
	hours, err := strconv.ParseFloat(strings.Replace(r.form("hours"), ",", ".", 1), 64)
	if err != nil || hours <= 0 || hours > 24 {
		problems = append(problems, "Uren: vul 0,25 tot 24 uur in.")
	}
	day, err := calendar.ParseDate(r.form("date"))
	if err != nil {
		problems = append(problems, "Dag: vul een datum in.")
	}
	if len(problems) > 0 {
		s.renderEnrolment(r, &web.Problem{Title: "Controleer de invoer", Fields: problems})
		return
	}
	key := r.form("key")
	a, err := s.App.ReportAttendance(r.ctx(), r.user(), c.Param("enrolmentId"), key,
		participantsapi.ReportAttendanceJSONBody{Date: day, Hours: hours, ReportID: "portal-" + key})
	if err != nil {
		if isRefusal(err) {
			s.renderEnrolment(r, problemOf(err))
			return
		}
		r.fail(err)
		return
	}
	r.done(fmt.Sprintf("Gemeld: %s uur op %s. Totaal nu %s uur van minimaal %d.", web.Decimal(hours), web.Date(r.form("date")),
		web.Decimal(a.TotalHours), a.MinAttendanceHours), "/trajecten/"+url.PathEscape(c.Param("enrolmentId")))
}

// statement is a provider's account: due, held (with why), paid and claimed back.
func (s *Server) statement(c *gin.Context) {
	r := s.req(c)
	q := r.filters("period")
	st, err := s.App.Statement(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Betalingen", "Uw termijnen: wat te betalen is, wat is aangehouden en waarom, wat betaald is en wat is teruggevorderd.")
	p.Blocks = append(p.Blocks, web.Block{Stats: []web.Stat{{Label: "Te betalen", Value: web.Euro(st.DueCents)},
		{Label: "Aangehouden", Value: web.Euro(st.HeldCents), Tone: map[bool]string{true: "warn"}[st.HeldCents > 0]},
		{Label: "Betaald", Value: web.Euro(st.PaidCents), Tone: "good"}, {Label: "Teruggevorderd", Value: web.Euro(st.ClaimedCents)}}})
	t := &web.Table{Caption: "Termijnen", Empty: "Geen termijnen in deze periode.",
		Columns:   []web.Column{{Label: "Traject"}, {Label: "Mijlpaal"}, {Label: "Bedrag", Numeric: true}, {Label: "Status"}, {Label: "Betaalkenmerk"}},
		Filters:   &web.Form{Action: "/betalingen", Get: true, Submit: "Toon", Reset: "/betalingen", Fields: []web.Field{{Name: "period", Label: "Maand", Value: q.Get("period"), Hint: "JJJJ-MM; leeg: alle maanden", Pattern: "[0-9]{4}-[0-9]{2}"}}},
		Downloads: downloads("Overzicht", "/betalingen/csv"+query(q))}
	for _, l := range st.Lines {
		row := web.Row{Cells: []web.Cell{{Text: l.EnrolmentID, Href: "/trajecten/" + url.PathEscape(l.EnrolmentID)}, {Text: web.Label("milestone:"+l.Milestone) + ", " + web.Date(l.MilestoneOn)},
			{Text: web.Euro(l.AmountCents)}, web.Status(l.Status), {Text: web.Text(l.EndToEndID)}}}
		if len(l.Holds) > 0 {
			var why []string
			for _, h := range l.Holds {
				why = append(why, holdText(h))
			}
			row.Tone, row.Note = "warn", "Aangehouden: "+strings.Join(why, "; ")
		}
		t.Rows = append(t.Rows, row)
	}
	p.Blocks = append(p.Blocks, web.Block{Table: t})
	r.show(p)
}

func (s *Server) statementCSV(c *gin.Context) {
	r := s.req(c)
	f, err := s.App.StatementCSV(r.ctx(), r.user(), r.filters("period"))
	r.downloadInDutch(f, err, "betalingen-"+r.sess.Org+".csv", map[string]string{"tranche": "Termijn", "enrolment": "Traject",
		"product": "Product", "milestone": "Mijlpaal", "milestone_on": "Mijlpaal bereikt op", "amount_eur": "Bedrag (€)",
		"status": "Stand", "holds": "Aangehouden om", "run": "Betaalrun", "end_to_end_id": "Betalingskenmerk"})
}
