package ports

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/paymentsapi"
	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// Finance's tasks on budgets: open one for a financing source, top it up or reduce it with
// the source's decision as the reason. Every change is a posting in the budget's ledger.

func budgetPath(id string) string { return "/financien/budgetten/" + url.PathEscape(id) }

func (s *Server) budgetForm(r *req) (*web.Form, error) {
	q := url.Values{}
	q.Set("limit", "200")
	schemes, err := every(q, func(q url.Values) (app.Page[procurementapi.Scheme], error) {
		return s.App.Schemes(r.ctx(), r.user(), q)
	})
	if err != nil {
		return nil, err
	}
	var opts []web.Option
	for _, sc := range schemes {
		if sc.Status != "closed" {
			opts = append(opts, web.Option{Value: sc.ID, Label: sc.Title + " (" + sc.Reference + ")"})
		}
	}
	return &web.Form{Action: "/financien/budgetten", Submit: "Budget openen", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "name", Label: "Naam", Required: true, Hint: "Bijvoorbeeld Regionaal Investeringsfonds 2027."},
		{Name: "source", Label: "Financieringsbron", Required: true, Hint: "Bijvoorbeeld Perspectief op Werk, ESF+, gemeentelijk werkbudget."},
		{Name: "amount", Label: "Toegekend bedrag (euro)", Required: true},
		{Name: "from", Label: "Geldig vanaf", Type: "date", Required: true},
		{Name: "until", Label: "Geldig tot en met", Type: "date", Required: true},
		{Name: "schemes", Label: "Regelingen die op dit budget drukken", Type: "checkboxes", Options: opts,
			Hint: "Een traject dat start in de looptijd van het budget, wordt er volledig uit betaald."},
	}}, nil
}

func (s *Server) newBudget(c *gin.Context) {
	r := s.req(c)
	f, err := s.budgetForm(r)
	if err != nil {
		r.fail(err)
		return
	}
	s.showBudgetForm(r, f, nil, http.StatusOK)
}

func (s *Server) showBudgetForm(r *req, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Nieuw budget", "Een budget legt vast hoeveel een financieringsbron toekent en welke regelingen erop drukken; geen budget gaat ooit onder nul.",
		[]web.Link{{Label: "Budgetten", Href: "/financien/budgetten"}}, f, problem, status)
}

func (s *Server) openBudget(c *gin.Context) {
	r := s.req(c)
	in := r.input("name", "source", "amount", "from", "until")
	body := paymentsapi.BudgetInput{Name: in.text("name", true), Source: in.text("source", true), AmountCents: in.euro("amount"),
		From: in.date("from"), Until: in.date("until"), Schemes: r.many(in, "schemes")}
	if len(body.Schemes) == 0 {
		in.Errs["schemes"] = "Kies minstens één regeling."
	}
	f, err := s.budgetForm(r)
	if err != nil {
		r.fail(err)
		return
	}
	submit(r, in, f, func(f *web.Form, p *web.Problem, status int) { s.showBudgetForm(r, f, p, status) },
		func(key string) (paymentsapi.Budget, error) { return s.App.OpenBudget(r.ctx(), r.user(), key, body) },
		func(b paymentsapi.Budget) {
			r.done("Budget "+b.Name+" geopend met "+web.Euro(b.GrantedCents)+".", budgetPath(b.ID))
		})
}

// budgetChangeForms are the top-up and the reduction of the budget page, on its version,
// with the granted amount the page showed.
func budgetChangeForms(b paymentsapi.Budget, version string) []web.Block {
	id := b.ID
	form := func(change, submit string) *web.Form {
		return &web.Form{Action: budgetPath(id) + "/" + change, Submit: submit, Key: session.RandomToken(),
			Hidden: map[string]string{"version": version, "granted": strconv.FormatInt(b.GrantedCents, 10)},
			Fields: []web.Field{{Name: "amount", Label: "Bedrag (euro)", Required: true},
				{Name: "reason", Label: "Reden", Required: true, Hint: "Het besluit of de brief van de financieringsbron."}}}
	}
	return []web.Block{
		{Heading: "Ophogen", ID: "ophogen", Text: "Een extra toekenning van de financieringsbron.", Form: form("ophogen", "Budget ophogen")},
		{Heading: "Verlagen", ID: "verlagen", Text: "Alleen het vrije deel kan worden verlaagd: wat verplicht, te betalen of betaald is, blijft toegekend.", Form: form("verlagen", "Budget verlagen")},
	}
}

func (s *Server) changeBudget(change, api, done string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := s.req(c)
		id := c.Param("budgetId")
		in := r.input("amount", "reason")
		body := paymentsapi.TopUpInput{AmountCents: in.euro("amount"), Reason: in.text("reason", true)}
		if !in.ok() {
			r.done("Niet verwerkt: vul een bedrag en een reden in.", budgetPath(id)+"#"+change)
			return
		}
		b, err := s.changeOnLatest(r, id, api, body)
		if isRefusal(err) {
			r.done("Niet verwerkt: "+refusal(err), budgetPath(id)+"#"+change)
			return
		}
		if err != nil {
			r.fail(err)
			return
		}
		r.done(done+" Toegekend is nu "+web.Euro(b.GrantedCents)+", vrij "+web.Euro(b.FreeCents)+".", budgetPath(id))
	}
}

// changeOnLatest tops up or reduces on the version the page showed. A budget's version moves
// with every tranche it books; when the granted amount is still the one the page showed, no
// one else changed the grant, and the change is made on the newer version (its own key still
// makes it once).
func (s *Server) changeOnLatest(r *req, id, api string, body paymentsapi.TopUpInput) (paymentsapi.Budget, error) {
	version, key, granted := r.form("version"), r.form("key"), r.form("granted")
	for attempt := 0; ; attempt++ {
		b, err := s.App.ChangeBudget(r.ctx(), r.user(), id, api, version, key, body)
		if !isStale(err) || attempt == 3 {
			return b, err
		}
		now, v, again := s.App.BudgetVersion(r.ctx(), r.user(), id)
		if again != nil || strconv.FormatInt(now.GrantedCents, 10) != granted {
			return b, err // another officer changed the grant: the user sees it first
		}
		version = v
	}
}

// budgetChart is where the granted amount stands: paid, due, committed and free, as one bar.
func budgetChart(b paymentsapi.Budget) template.HTML {
	return web.Bars{ID: "budget", Title: "Stand van het budget",
		Desc: fmt.Sprintf("Van %s toegekend is %s betaald, %s te betalen, %s verplicht en %s vrij.", web.Euro(b.GrantedCents),
			web.Euro(b.PaidCents), web.Euro(b.DueCents), web.Euro(b.CommittedCents), web.Euro(b.FreeCents)),
		Series: []web.Series{{Name: "betaald", Colour: web.Blue}, {Name: "te betalen", Colour: web.Orange},
			{Name: "verplicht", Colour: web.Purple}, {Name: "vrij", Colour: web.Grey}},
		Rows: []web.BarRow{{Label: "Toegekend", Values: []float64{float64(b.PaidCents), float64(b.DueCents), float64(b.CommittedCents), float64(b.FreeCents)}}},
		Max:  float64(b.GrantedCents), Format: web.Euros}.Chart()
}

// forecastChart is what falls due per month: committed by the budget, or not covered.
func forecastChart(f paymentsapi.Forecast) template.HTML {
	c := web.Bars{ID: "prognose", Title: "Prognose: termijnen per maand", Format: web.Euros,
		Series: []web.Series{{Name: "verplicht", Colour: web.Purple}, {Name: "niet gedekt", Colour: web.Red}}}
	var total, uncovered int64
	for _, m := range f.Months {
		c.Rows = append(c.Rows, web.BarRow{Label: web.Month(m.Month), Values: []float64{float64(m.CommittedCents), float64(m.UncommittedCents)}})
		total += m.CommittedCents + m.UncommittedCents
		uncovered += m.UncommittedCents
	}
	c.Desc = fmt.Sprintf("In %d maanden vallen termijnen van %s te verwachten, waarvan %s niet door het budget gedekt.", len(f.Months), web.Euro(total), web.Euro(uncovered))
	return c.Chart()
}
