package ports

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/contracts/openapi/providersapi"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A provider finds the region's open schemes and applies with its price and planned hours per
// product; the application is checked at once against every requirement and accepted with a
// contract, or refused with each reason; a scheme with requirements the buyer judges asks how
// each is met, and the application waits for the buyer.

const openSchemesPath = "/aanbod/regelingen"

func schemeApplyPath(id string) string { return openSchemesPath + "/" + url.PathEscape(id) }

func (s *Server) openSchemes(c *gin.Context) {
	r := s.req(c)
	q := r.filters()
	q.Set("status", "open")
	page, err := s.App.Schemes(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Open regelingen", "Regelingen waarvoor u zich nu kunt aanmelden. Een aanmelding wordt direct getoetst aan alle eisen; wie voldoet, krijgt een contract.")
	t := &web.Table{Caption: "Open regelingen", Empty: "Er staan nu geen regelingen open.",
		Columns: []web.Column{{Label: "Regeling"}, {Label: "Kenmerk"}, {Label: "Producten", Numeric: true}, {Label: "Open tot en met"}}}
	for _, sc := range page.Items {
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: sc.Title, Href: schemeApplyPath(sc.ID)}, {Text: sc.Reference},
			{Text: web.Number(len(sc.Products))}, {Text: web.Date(sc.OpenUntil)}}})
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	r.show(p)
}

// applyForm has, per product, whether it is offered, its price and its planned hours.
func applyForm(sc procurementapi.Scheme) *web.Form {
	f := &web.Form{Action: schemeApplyPath(sc.ID), Submit: "Aanmelden", Key: session.RandomToken()}
	var products []web.Option
	for _, pr := range sc.Products {
		products = append(products, web.Option{Value: pr.ID, Label: pr.Name + termsSummary(pr)})
	}
	f.Fields = append(f.Fields, web.Field{Name: "products", Label: "Producten die u aanbiedt", Type: "checkboxes", Required: true, Options: products})
	for _, pr := range sc.Products {
		f.Fields = append(f.Fields,
			web.Field{Name: "price-" + pr.ID, Label: "Prijs per deelnemer voor " + pr.Name + " (euro)", Hint: "Alleen voor een product dat u aanbiedt."},
			web.Field{Name: "hours-" + pr.ID, Label: "Geplande uren aanwezigheid voor " + pr.Name, Type: "number", Min: "1"})
	}
	for i, req := range sc.AssessedRequirements {
		f.Fields = append(f.Fields, web.Field{Name: fmt.Sprintf("statements[%d]", i), Label: "Hoe voldoet u aan: " + req, Type: "textarea", Required: true,
			Hint: "De inkoper beoordeelt deze eis zelf aan de hand van uw toelichting."})
	}
	f.Fields = append(f.Fields, web.Field{Name: "conditions", Label: "Voorwaarden", Type: "checkboxes", Required: true,
		Options: []web.Option{{Value: "yes", Label: "Ik aanvaard de voorwaarden van de regeling."}}})
	return f
}

// termsSummary is what a product's terms in force ask, in a few words.
func termsSummary(pr procurementapi.Product) string {
	if len(pr.Terms) == 0 {
		return ""
	}
	t := pr.Terms[len(pr.Terms)-1]
	out := fmt.Sprintf(" — maximaal %s, minstens %d uur", web.Euro(t.MaxPriceCents), t.MinAttendanceHours)
	if len(t.RequiredCertificates) > 0 {
		out += ", vereist " + strings.Join(t.RequiredCertificates, ", ")
	}
	return out
}

func (s *Server) applyPage(c *gin.Context) {
	r := s.req(c)
	sc, err := s.App.Scheme(r.ctx(), r.user(), c.Param("schemeId"))
	if err != nil {
		r.fail(err)
		return
	}
	s.showApply(r, sc, applyForm(sc), nil, http.StatusOK)
}

func (s *Server) showApply(r *req, sc procurementapi.Scheme, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Aanmelden: "+sc.Title, "Uw geldige, door de regio gecontroleerde certificaten gaan met de aanmelding mee.",
		[]web.Link{{Label: "Open regelingen", Href: openSchemesPath}}, f, problem, status)
}

func (s *Server) apply(c *gin.Context) {
	r := s.req(c)
	sc, err := s.App.Scheme(r.ctx(), r.user(), c.Param("schemeId"))
	if err != nil {
		r.fail(err)
		return
	}
	prov, _, err := s.App.ProviderVersion(r.ctx(), r.user(), r.sess.Org)
	if err != nil {
		r.fail(err)
		return
	}
	f := applyForm(sc)
	var names []string
	for _, fl := range f.Fields {
		names = append(names, fl.Name)
	}
	in := r.input(names...)
	chosen := r.many(in, "products")
	if len(chosen) == 0 {
		in.Errs["products"] = "Kies minstens één product."
	}
	if len(r.many(in, "conditions")) == 0 {
		in.Errs["conditions"] = "Een aanmelding kan alleen met de voorwaarden van de regeling."
	}
	body := procurementapi.ApplicationInput{ProviderName: prov.Name, AcceptsConditions: true, Certificates: verifiedCertificates(prov)}
	for i := range sc.AssessedRequirements {
		body.Statements = append(body.Statements, in.text(fmt.Sprintf("statements[%d]", i), true))
	}
	for _, pr := range sc.Products {
		if !slices.Contains(chosen, pr.ID) {
			continue
		}
		body.Products = append(body.Products, procurementapi.ProductOffer{ProductID: pr.ID, PriceCents: in.euro("price-" + pr.ID),
			PlannedAttendanceHours: in.integer("hours-"+pr.ID, 1, 10000)})
	}
	submit(r, in, f, func(f *web.Form, p *web.Problem, status int) { s.showApply(r, sc, f, p, status) },
		func(key string) (procurementapi.ApplicationResult, error) {
			return s.App.Apply(r.ctx(), r.user(), sc.ID, key, body)
		},
		func(res procurementapi.ApplicationResult) {
			if res.Contract != nil {
				r.done("Aanmelding toegelaten: contract "+res.Contract.Number+". Leg nu uw startmomenten vast.", "/aanbod")
				return
			}
			if res.Application.Status == "in_review" {
				r.done("Uw aanmelding voldoet aan alle eisen die het platform toetst en ligt nu bij de inkoper ter beoordeling. U ziet het besluit bij uw aanmeldingen.", "/aanbod")
				return
			}
			var why []string
			for _, fl := range res.Application.Failures {
				why = append(why, saidInDutch(fl.Rule, fl.Params, fl.Detail))
			}
			f := applyForm(sc)
			in.fill(f)
			f.Key = session.RandomToken()
			s.showApply(r, sc, f, &web.Problem{Title: "Aanmelding afgewezen", Detail: "Uw aanmelding voldoet niet aan alle eisen. Pas haar aan en meld u opnieuw aan.", Fields: why}, http.StatusOK)
		})
}

// verifiedCertificates are the provider's certificates the region checked, as an
// application names them.
func verifiedCertificates(p providersapi.Provider) []procurementapi.Certificate {
	var out []procurementapi.Certificate
	for _, c := range p.Certificates {
		if c.Pending == nil || !*c.Pending {
			out = append(out, procurementapi.Certificate{Name: c.Type, ValidUntil: c.ExpiresOn})
		}
	}
	return out
}
