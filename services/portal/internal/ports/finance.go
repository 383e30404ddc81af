package ports

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/calendar"
	"github.com/werkregio/platform/contracts/openapi/paymentsapi"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

var trancheStatuses = []string{"payable", "held", "approved", "exported", "paid", "expected", "cancelled", "reversed", "claimed"}

var holdCodes = []string{"budget-insufficient", "no-budget", "contract-suspended", "no-contract", "milestone-not-reached", "bank-account-missing",
	"bank-account-invalid", "bank-account-unconfirmed", "bank-rejected", "price-above-cap", "duplicate"}

// tranches is finance's work list: by default the tranches to approve. Held tranches show
// every reason; a tranche above the four-eyes amount shows who approved first.
func (s *Server) tranches(c *gin.Context) {
	r := s.req(c)
	if c.Query("status") == "" && len(c.Request.URL.Query()) == 0 {
		c.Redirect(http.StatusSeeOther, "/financien/termijnen?status=payable")
		return
	}
	q := r.filters("status", "provider", "holdCode", "period", "budget", "run")
	page, err := s.App.Tranches(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	lead := "Termijnen van opleiders, te betalen bij een mijlpaal. Keur te betalen termijnen goed; boven het vier-ogenbedrag keuren twee verschillende medewerkers goed."
	p := r.page("Termijnen", lead)
	holdOpts := []web.Option{{Value: "", Label: "Alle"}}
	for _, h := range holdCodes {
		holdOpts = append(holdOpts, web.Option{Value: h, Label: web.Label("hold:" + h)})
	}
	t := &web.Table{Caption: "Termijnen", Empty: "Geen termijnen met deze filters.",
		Columns: []web.Column{{Label: "Termijn"}, {Label: "Opleider (KvK)"}, {Label: "Mijlpaal"}, {Label: "Bedrag", Numeric: true}, {Label: "Status"}, {Label: "Goedkeuringen"}, {Label: "Actie"}},
		Filters: &web.Form{Action: "/financien/termijnen", Get: true, Submit: "Filter", Reset: "/financien/termijnen?status=payable", Fields: []web.Field{
			statusField("status", "Status", q.Get("status"), trancheStatuses),
			{Name: "holdCode", Label: "Reden van aanhouden", Type: "select", Value: q.Get("holdCode"), Options: holdOpts},
			{Name: "provider", Label: "KvK-nummer opleider", Value: q.Get("provider"), Pattern: "[0-9]{8}"},
			{Name: "period", Label: "Maand van de mijlpaal", Value: q.Get("period"), Hint: "JJJJ-MM", Pattern: "[0-9]{4}-[0-9]{2}"},
		}}}
	for _, tr := range page.Items {
		approvals := fmt.Sprintf("%d", len(tr.Approvals))
		var lines []string
		for _, a := range tr.Approvals {
			lines = append(lines, a.By+", "+web.DateTime(a.At))
		}
		action := web.Cell{Text: ""}
		if tr.Status == "payable" {
			if slices.ContainsFunc(tr.Approvals, func(a paymentsapi.Tranche_Approvals) bool { return a.By == r.sess.Subject }) {
				action = web.Cell{Text: "u keurde al goed; een collega keurt als tweede goed"}
			} else {
				label := "Goedkeuren"
				if len(tr.Approvals) > 0 {
					label = "Als tweede goedkeuren"
				}
				action = web.Cell{Form: &web.Form{Action: "/financien/termijnen/" + url.PathEscape(tr.ID) + "/goedkeuren", Inline: true,
					Submit: label, SubmitName: label + ": " + trancheName(tr) + " van " + web.Euro(tr.AmountCents) + ", opleider " + tr.ProviderKvK + " (" + tr.ID + ")", Key: session.RandomToken(), Hidden: map[string]string{"terug": c.Request.URL.RequestURI()}}}
			}
		}
		if tr.Status == "held" && slices.ContainsFunc(tr.Holds, func(h paymentsapi.Hold) bool { return slices.Contains(releasable, h.Code) }) {
			action = web.Cell{Text: "Vrijgeven", Href: releasePath(tr.ID)}
		}
		row := web.Row{Cells: []web.Cell{{Text: trancheName(tr), Lines: []string{tr.ID}}, {Text: tr.ProviderKvK},
			{Text: web.Label("milestone:"+tr.Milestone) + ", " + web.Date(tr.MilestoneOn)}, {Text: web.Euro(tr.AmountCents)},
			web.Status(tr.Status), {Text: approvals, Lines: lines}, action}}
		if len(tr.Holds) > 0 {
			var why []string
			for _, h := range tr.Holds {
				why = append(why, holdText(h))
			}
			row.Tone, row.Note = "warn", "Aangehouden: "+strings.Join(why, "; ")
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Links: []web.Link{{Label: "Meerdere termijnen tegelijk goedkeuren", Href: bulkPath}, {Label: "Bankbestand verwerken", Href: bankFilesPath},
		{Label: "Afwijkingen in bankbestanden", Href: exceptionsPath}}}, {Table: t}}
	r.show(p)
}

func trancheName(t paymentsapi.Tranche) string {
	return fmt.Sprintf("%d%% bij %s", t.Percent, web.Label("milestone:"+t.Milestone))
}

// approveTranche records this officer's approval (the service enforces four eyes: a
// second approval by the same person is refused).
func (s *Server) approveTranche(c *gin.Context) {
	r := s.req(c)
	id := c.Param("trancheId")
	back := localPath(r.form("terug"))
	if back == "/" {
		back = "/financien/termijnen?status=payable"
	}
	tr, err := s.App.ApproveTranche(r.ctx(), r.user(), id, r.form("key"))
	if err != nil {
		if pr := problemOf(err); isRefusal(err) {
			r.done("Niet goedgekeurd: "+pr.Detail, back)
			return
		}
		r.fail(err)
		return
	}
	msg := "Termijn goedgekeurd: " + trancheName(tr) + " van " + web.Euro(tr.AmountCents) + "."
	if tr.Status == "payable" {
		msg = "Uw goedkeuring is vastgelegd. Dit bedrag ligt boven het vier-ogenbedrag: een collega van financiën keurt als tweede goed."
	}
	r.done(msg, back)
}

// budgets shows each financing source: granted, committed, due, paid and free.
func (s *Server) budgets(c *gin.Context) {
	r := s.req(c)
	page, err := s.App.Budgets(r.ctx(), r.user(), r.filters())
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Budgetten", "Per financieringsbron: toegekend = vrij + verplicht + te betalen + betaald; geen budget gaat ooit onder nul.")
	t := &web.Table{Caption: "Budgetten", Columns: []web.Column{{Label: "Budget"}, {Label: "Bron"}, {Label: "Toegekend", Numeric: true}, {Label: "Verplicht", Numeric: true},
		{Label: "Te betalen", Numeric: true}, {Label: "Betaald (besteed)", Numeric: true}, {Label: "Vrij", Numeric: true}, {Label: "Vrij deel", Numeric: true}}}
	for _, b := range page.Items {
		row := web.Row{Cells: []web.Cell{{Text: b.Name, Href: "/financien/budgetten/" + url.PathEscape(b.ID)}, {Text: b.Source}, {Text: web.Euro(b.GrantedCents)},
			{Text: web.Euro(b.CommittedCents)}, {Text: web.Euro(b.DueCents)}, {Text: web.Euro(b.PaidCents)}, {Text: web.Euro(b.FreeCents)}, {Text: web.Ratio(b.FreeCents, b.GrantedCents)}}}
		if b.GrantedCents > 0 && b.FreeCents*10 < b.GrantedCents {
			row.Tone, row.Note = "warn", "Minder dan 10% vrij: nieuwe inschrijvingen op dit budget kunnen worden aangehouden."
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	if r.has(auth.RoleFinance) {
		p.Blocks = append([]web.Block{{Links: []web.Link{{Label: "Nieuw budget", Href: "/financien/budgetten/nieuw"}}}}, p.Blocks...)
	}
	r.show(p)
}

// budget shows a budget with its forecast per month.
func (s *Server) budget(c *gin.Context) {
	r := s.req(c)
	b, version, err := s.App.BudgetVersion(r.ctx(), r.user(), c.Param("budgetId"))
	if err != nil {
		r.fail(err)
		return
	}
	f, err := s.App.Forecast(r.ctx(), r.user(), c.Param("budgetId"))
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page(b.Name, b.Source+", van "+web.Date(b.From)+" tot en met "+web.Date(b.Until)+".")
	p.Crumbs = []web.Link{{Label: "Budgetten", Href: "/financien/budgetten"}}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Stand", Stats: []web.Stat{{Label: "Toegekend", Value: web.Euro(b.GrantedCents)},
		{Label: "Besteed (betaald)", Value: web.Euro(b.PaidCents)}, {Label: "Verplicht", Value: web.Euro(b.CommittedCents), Note: "termijnen die nog komen"},
		{Label: "Te betalen", Value: web.Euro(b.DueCents)}, {Label: "Vrij", Value: web.Euro(b.FreeCents), Note: web.Ratio(b.FreeCents, b.GrantedCents) + " van toegekend"}}})
	p.Blocks = append(p.Blocks, web.Block{Chart: budgetChart(b)})
	t := &web.Table{Caption: "Prognose per maand", Empty: "Er komen geen termijnen meer ten laste van dit budget.",
		Columns: []web.Column{{Label: "Maand"}, {Label: "Termijnen", Numeric: true}, {Label: "Verplicht", Numeric: true}, {Label: "Niet gedekt", Numeric: true}}}
	for _, m := range f.Months {
		row := web.Row{Cells: []web.Cell{{Text: m.Month}, {Text: web.Number(m.Tranches)}, {Text: web.Euro(m.CommittedCents)}, {Text: web.Euro(m.UncommittedCents)}}}
		if m.UncommittedCents > 0 {
			row.Tone, row.Note = "warn", "Een deel van deze termijnen is niet door het budget gedekt."
		}
		t.Rows = append(t.Rows, row)
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Prognose", Chart: forecastChart(f), Table: t})
	if r.has(auth.RoleFinance) {
		p.Blocks = append(p.Blocks, budgetChangeForms(b, version)...)
	}
	r.show(p)
}

// runs lists payment runs, and makes a new one of the approved tranches.
func (s *Server) runs(c *gin.Context) {
	r := s.req(c)
	page, err := s.App.Runs(r.ctx(), r.user(), r.filters("status"))
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Betaalruns", "Een betaalrun bundelt de goedgekeurde termijnen tot een SEPA-bestand (pain.001) voor de bank. De afschriften van de bank (pain.002, camt.053/054) stemmen de betalingen af.")
	t := &web.Table{Caption: "Betaalruns", Empty: "Nog geen betaalruns.",
		Columns: []web.Column{{Label: "Run"}, {Label: "Status"}, {Label: "Uitvoerdatum"}, {Label: "Overboekingen", Numeric: true}, {Label: "Termijnen", Numeric: true},
			{Label: "Totaal", Numeric: true}, {Label: "Afgestemd"}},
		Filters: &web.Form{Action: "/financien/betaalruns", Get: true, Submit: "Filter", Reset: "/financien/betaalruns",
			Fields: []web.Field{statusField("status", "Status", c.Query("status"), []string{"ready", "approved", "sent", "cancelled"})}}}
	for _, run := range page.Items {
		row := web.Row{Cells: []web.Cell{{Text: run.MessageID, Href: "/financien/betaalruns/" + url.PathEscape(run.ID)}, web.Status(run.Status),
			{Text: web.Date(run.ExecutionDate)}, {Text: web.Number(run.Transfers)}, {Text: web.Number(run.Tranches)}, {Text: web.Euro(run.TotalCents)},
			{Text: fmt.Sprintf("%d betaald, %d geweigerd", run.Paid, run.Rejected)}}}
		if run.Rejected > 0 {
			row.Tone, row.Note = "bad", "De bank weigerde een of meer overboekingen; de termijnen zijn aangehouden tot een nieuw rekeningnummer is bevestigd."
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = append(p.Blocks, web.Block{Table: t})
	today := time.Now().Format("2006-01-02")
	p.Blocks = append(p.Blocks, web.Block{Heading: "Nieuwe betaalrun", ID: "nieuwe-betaalrun", Text: "Neemt alle goedgekeurde termijnen met een mijlpaal tot en met de gekozen dag op, per opleider samengevoegd.",
		Form: &web.Form{Action: "/financien/betaalruns", Submit: "Betaalrun maken", Key: session.RandomToken(), Fields: []web.Field{
			{Name: "upTo", Label: "Mijlpalen tot en met", Type: "date", Required: true, Value: today},
			{Name: "executionDate", Label: "Uitvoerdatum", Type: "date", Hint: "Leeg: de eerstvolgende werkdag."},
		}}})
	r.show(p)
}

func (s *Server) createRun(c *gin.Context) {
	r := s.req(c)
	var in paymentsapi.RunInput
	var problems []string
	if d, err := calendar.ParseDate(r.form("upTo")); err != nil {
		problems = append(problems, "Mijlpalen tot en met: vul een datum in.")
	} else {
		in.UpTo = d
	}
	if v := r.form("executionDate"); v != "" {
		if d, err := calendar.ParseDate(v); err != nil {
			problems = append(problems, "Uitvoerdatum: vul een datum in, of laat het veld leeg.")
		} else {
			in.ExecutionDate = &d
		}
	}
	if len(problems) > 0 {
		r.done("Geen betaalrun gemaakt: "+strings.Join(problems, " "), "/financien/betaalruns")
		return
	}
	run, err := s.App.CreateRun(r.ctx(), r.user(), r.form("key"), in)
	if err != nil {
		if isRefusal(err) {
			r.done("Geen betaalrun gemaakt: "+problemOf(err).Detail, "/financien/betaalruns")
			return
		}
		r.fail(err)
		return
	}
	r.done(fmt.Sprintf("Betaalrun %s gemaakt: %d termijnen, %s. Een tweede medewerker van financiën keurt de run goed; daarna is het bestand voor de bank beschikbaar.",
		run.MessageID, run.Tranches, web.Euro(run.TotalCents)), "/financien/betaalruns/"+url.PathEscape(run.ID))
}

// approveRun is the second officer's approval of a built run (the service refuses the one
// who built it): only then is its file released.
func (s *Server) approveRun(c *gin.Context) {
	r := s.req(c)
	id := url.PathEscape(c.Param("runId"))
	run, err := s.App.ApproveRun(r.ctx(), r.user(), c.Param("runId"), r.form("key"))
	if err != nil {
		if isRefusal(err) {
			r.done("Niet goedgekeurd: "+problemOf(err).Detail, "/financien/betaalruns/"+id)
			return
		}
		r.fail(err)
		return
	}
	r.done("Betaalrun "+run.MessageID+" goedgekeurd: het SEPA-bestand kan naar de bank.", "/financien/betaalruns/"+id)
}

// run shows a run's transfers with the bank's answer per transfer (the reconciliation).
func (s *Server) run(c *gin.Context) {
	r := s.req(c)
	id := url.PathEscape(c.Param("runId"))
	run, err := s.App.Run(r.ctx(), r.user(), c.Param("runId"))
	if err != nil {
		r.fail(err)
		return
	}
	transfers, err := s.App.Transfers(r.ctx(), r.user(), c.Param("runId"), r.filters())
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Betaalrun "+run.MessageID, "")
	p.Crumbs = []web.Link{{Label: "Betaalruns", Href: "/financien/betaalruns"}}
	facts := web.Block{Facts: []web.Fact{{Term: "Status", Value: web.Label(run.Status), Tone: web.Tone(run.Status)},
		{Term: "Formaat", Value: string(run.Format)}, {Term: "Uitvoerdatum", Value: web.Date(run.ExecutionDate)}, {Term: "Mijlpalen tot en met", Value: web.Date(run.UpTo)},
		{Term: "Totaal", Value: web.Euro(run.TotalCents)}, {Term: "Verrekend met vorderingen", Value: web.Euro(run.SetOffCents)},
		{Term: "Gemaakt", Value: web.DateTime(run.CreatedAt) + " door " + run.CreatedBy}}}
	if run.ApprovedBy != nil {
		facts.Facts = append(facts.Facts, web.Fact{Term: "Goedgekeurd", Value: web.DateTime(run.ApprovedAt) + " door " + *run.ApprovedBy})
	}
	if released(run) {
		facts.Links = []web.Link{{Label: "SEPA-bestand downloaden (" + string(run.Format) + ")", Href: "/financien/betaalruns/" + id + "/bestand", Download: true}}
	}
	p.Blocks = append(p.Blocks, facts)
	if run.Status == "ready" {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Tweede goedkeuring", ID: "goedkeuren",
			Text: "Vier ogen waar het geld de organisatie verlaat: een tweede medewerker van financiën, niet wie de run maakte, controleert de totalen per opleider en per budget en keurt de run goed. Pas dan is het SEPA-bestand beschikbaar.",
			Form: &web.Form{Action: "/financien/betaalruns/" + id + "/goedkeuren", Submit: "Betaalrun goedkeuren", Key: session.RandomToken()}})
	}
	perProvider := &web.Table{Caption: "Totalen per opleider", Empty: "Geen overboekingen.",
		Columns: []web.Column{{Label: "Opleider (KvK)"}, {Label: "Overboekingen", Numeric: true}, {Label: "Termijnen", Numeric: true}, {Label: "Verrekend", Numeric: true}, {Label: "Over te maken", Numeric: true}}}
	for _, pv := range run.ByProvider {
		perProvider.Rows = append(perProvider.Rows, web.Row{Cells: []web.Cell{{Text: pv.ProviderKvK}, {Text: web.Number(pv.Transfers)}, {Text: web.Number(pv.Tranches)},
			{Text: web.Euro(pv.SetOffCents)}, {Text: web.Euro(pv.AmountCents)}}})
	}
	perBudget := &web.Table{Caption: "Totalen per budget", Empty: "Geen termijnen.",
		Columns: []web.Column{{Label: "Budget"}, {Label: "Termijnen", Numeric: true}, {Label: "Ten laste van het budget", Numeric: true}, {Label: "Vorderingen terug", Numeric: true}}}
	for _, bu := range run.ByBudget {
		perBudget.Rows = append(perBudget.Rows, web.Row{Cells: []web.Cell{{Text: bu.BudgetID, Href: "/financien/budgetten/" + url.PathEscape(bu.BudgetID)}, {Text: web.Number(bu.Tranches)},
			{Text: web.Euro(bu.AmountCents)}, {Text: web.Euro(bu.SetOffCents)}}})
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Totalen", Table: perProvider}, web.Block{Table: perBudget})
	t := &web.Table{Caption: "Overboekingen en het antwoord van de bank", Empty: "Deze run heeft geen overboekingen.",
		Columns: []web.Column{{Label: "Overboeking"}, {Label: "Begunstigde"}, {Label: "IBAN"}, {Label: "Bedrag", Numeric: true}, {Label: "Termijnen", Numeric: true}, {Label: "Afstemming"}}}
	for _, tr := range transfers.Items {
		row := web.Row{Cells: []web.Cell{{Text: tr.EndToEndID}, {Text: tr.Creditor + " (KvK " + tr.ProviderKvK + ")"}, {Text: tr.CreditorIBAN},
			{Text: web.Euro(tr.AmountCents)}, {Text: web.Number(int64(len(tr.Tranches)))}, web.Status(tr.Status)}}
		if tr.Status == "rejected" {
			row.Tone, row.Note = "bad", "Geweigerd door de bank: "+web.Text(tr.Reason)
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, transfers.Next)
	p.Blocks = append(p.Blocks, web.Block{Heading: "Afstemming", Table: t})
	r.show(p)
}

// runFile passes the run's pain.001 through unchanged: the same bytes every time.
func (s *Server) runFile(c *gin.Context) {
	r := s.req(c)
	f, err := s.App.RunFile(r.ctx(), r.user(), c.Param("runId"))
	r.download(f, err, web.Slug(c.Param("runId"))+"-pain.001.xml")
}

// released: a second officer approved the run; its file may be downloaded and sent.
func released(r paymentsapi.Run) bool { return r.Status == "approved" || r.Status == "sent" }

// holdText is why a tranche is held, in Dutch: the code's label and its detail by its rule
// (a hold kept before holds had rules shows its label only).
func holdText(h paymentsapi.Hold) string {
	text := web.Label("hold:" + string(h.Code))
	if detail := saidInDutch(h.Rule, h.Params, ""); detail != "" {
		text += " (" + detail + ")"
	}
	return text
}
