package ports

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A buyer's tasks on a scheme, a page each: make one, add its products with their first
// terms, publish it.

var sectors = []web.Option{{Value: "bouw", Label: "Bouw"}, {Value: "techniek", Label: "Techniek"}, {Value: "bouw-en-techniek", Label: "Bouw en techniek"},
	{Value: "transport-en-logistiek", Label: "Transport en logistiek"}, {Value: "zorg", Label: "Zorg"}, {Value: "welzijn", Label: "Welzijn"},
	{Value: "onderwijs", Label: "Onderwijs"}, {Value: "ict", Label: "ICT"}, {Value: "horeca", Label: "Horeca"}, {Value: "detailhandel", Label: "Detailhandel"},
	{Value: "groen", Label: "Groen"}, {Value: "schoonmaak", Label: "Schoonmaak"}, {Value: "productie", Label: "Productie"}, {Value: "overig", Label: "Overig"}}

func schemeForm() *web.Form {
	return &web.Form{Action: "/inkoop/regelingen", Submit: "Regeling aanmaken", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "reference", Label: "Kenmerk", Required: true, Pattern: "[A-Z0-9][A-Z0-9-]{2,39}", Hint: "Hoofdletters, cijfers en streepjes, bijvoorbeeld OH-2027-ZORG."},
		{Name: "title", Label: "Titel", Required: true},
		{Name: "description", Label: "Omschrijving", Type: "textarea"},
		{Name: "sector", Label: "Sector", Type: "select", Required: true, Value: "bouw", Options: sectors},
		{Name: "openFrom", Label: "Open vanaf", Type: "date", Required: true},
		{Name: "openUntil", Label: "Open tot en met", Type: "date", Required: true},
		{Name: "assessedRequirements", Label: "Eisen die u zelf beoordeelt (optioneel)", Type: "textarea",
			Hint: "Eén eis per regel, hoogstens tien, bijvoorbeeld: Uitvoeringsplan sluit aan op de leerdoelen. Een aanmelding die aan alle andere eisen voldoet, wacht dan op uw oordeel. Laat leeg als het platform alle eisen toetst."},
	}}
}

// newScheme is the form to make a scheme; it starts as a draft only the buyer sees.
func (s *Server) newScheme(c *gin.Context) {
	s.showSchemeForm(s.req(c), schemeForm(), nil, http.StatusOK)
}

func (s *Server) showSchemeForm(r *req, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Nieuwe regeling", "Een Open House-regeling begint als concept: alleen u ziet haar tot u haar publiceert. Voeg eerst de producten toe.",
		[]web.Link{{Label: "Regelingen", Href: "/inkoop/regelingen"}}, f, problem, status)
}

func (s *Server) createScheme(c *gin.Context) {
	r := s.req(c)
	in := r.input("reference", "title", "description", "sector", "openFrom", "openUntil", "assessedRequirements")
	body := procurementapi.SchemeInput{Reference: in.text("reference", true), Title: in.text("title", true),
		Description: optional.Of(in.text("description", false)), Sector: procurementapi.Sector(in.text("sector", true)),
		OpenFrom: in.date("openFrom"), OpenUntil: in.date("openUntil")}
	if assessed := lines(in.text("assessedRequirements", false)); len(assessed) > 0 {
		body.AssessedRequirements = &assessed
	}
	submit(r, in, schemeForm(), func(f *web.Form, p *web.Problem, status int) { s.showSchemeForm(r, f, p, status) },
		func(key string) (procurementapi.Scheme, error) {
			return s.App.CreateScheme(r.ctx(), r.user(), key, body)
		},
		func(sc procurementapi.Scheme) {
			r.done("Regeling "+sc.Title+" aangemaakt als concept. Voeg de producten toe en publiceer haar.", schemePath(sc.ID))
		})
}

func schemePath(id string) string { return "/inkoop/regelingen/" + url.PathEscape(id) }

// publishScheme opens a draft to applications, on the version the buyer saw: had someone
// changed it since, the buyer sees the change first.
func (s *Server) publishScheme(c *gin.Context) {
	r := s.req(c)
	id := c.Param("schemeId")
	sc, err := s.App.PublishScheme(r.ctx(), r.user(), id, r.form("version"), r.form("key"))
	if isRefusal(err) {
		r.done("Niet gepubliceerd: "+refusal(err), schemePath(id))
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	r.done("Regeling "+sc.Title+" is gepubliceerd: opleiders kunnen zich aanmelden.", schemePath(id))
}

var milestoneFields = []struct{ name, label string }{{"startedPercent", "Bij de start"}, {"completedPercent", "Bij afronding"},
	{"placedPercent", "Bij plaatsing in werk"}, {"sustainablyPlacedPercent", "Bij duurzame plaatsing (6 maanden)"}}

var milestoneOf = map[string]procurementapi.Milestone{"startedPercent": "started", "completedPercent": "completed",
	"placedPercent": "placed", "sustainablyPlacedPercent": "sustainably_placed"}

func productForm(schemeID, version string) *web.Form {
	return &web.Form{Action: schemePath(schemeID) + "/producten", Submit: "Product toevoegen", Key: session.RandomToken(),
		Hidden: map[string]string{"version": version}, Fields: append([]web.Field{
			{Name: "name", Label: "Naam van het product", Required: true, Hint: "Bijvoorbeeld Basisopleiding metselaar (BBL niveau 2)."},
			{Name: "description", Label: "Omschrijving", Type: "textarea"},
		}, termsFields()...)}
}

// termsFields are a product's terms: the price cap, the hours, the certificates, the share
// of the price paid at each milestone, and the day they apply from.
func termsFields() []web.Field {
	f := []web.Field{
		{Name: "maxPrice", Label: "Maximumprijs per traject (euro, excl. btw)", Required: true, Hint: "Bijvoorbeeld 4500,00."},
		{Name: "minAttendanceHours", Label: "Minimaal aantal uren aanwezigheid", Type: "number", Required: true, Min: "0", Max: "10000", Step: "1"},
		{Name: "requiredCertificates", Label: "Vereiste certificaten", Hint: "Gescheiden door komma's, bijvoorbeeld VCA, NEN 3140. Leeg: geen."},
	}
	for _, m := range milestoneFields {
		f = append(f, web.Field{Name: m.name, Label: "Deel van de prijs " + lower(m.label) + " (%)", Type: "number", Min: "0", Max: "100", Step: "1", Value: "0"})
	}
	return append(f, web.Field{Name: "effectiveFrom", Label: "Voorwaarden gelden vanaf", Type: "date", Hint: "Leeg: vanaf vandaag."})
}

// readTerms reads termsFields, with the tranches adding up to 100% checked at once.
func (r *req) readTerms(extra ...string) (*input, procurementapi.TermsInput) {
	names := append(extra, "maxPrice", "minAttendanceHours", "requiredCertificates", "effectiveFrom")
	for _, m := range milestoneFields {
		names = append(names, m.name)
	}
	in := r.input(names...)
	terms := procurementapi.TermsInput{MaxPriceCents: in.euro("maxPrice"), MinAttendanceHours: in.integer("minAttendanceHours", 0, 10_000),
		RequiredCertificates: in.list("requiredCertificates"), Tranches: []procurementapi.Tranche{}}
	total := 0
	for _, m := range milestoneFields {
		if pct := in.integer(m.name, 0, 100); pct > 0 {
			terms.Tranches = append(terms.Tranches, procurementapi.Tranche{Milestone: milestoneOf[m.name], Percent: pct})
			total += pct
		}
	}
	if in.ok() && total != 100 {
		in.Errs["startedPercent"] = "De delen van de prijs tellen op tot " + web.Number(int64(total)) + "%; dat moet 100% zijn."
	}
	if in.Values["effectiveFrom"] != "" {
		d := in.date("effectiveFrom")
		terms.EffectiveFrom = &d
	}
	return in, terms
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// newProduct is the form to add a product with its first terms: the price cap, the tranches
// that pay it, the hours and the certificates a provider must hold.
func (s *Server) newProduct(c *gin.Context) {
	r := s.req(c)
	sc, version, err := s.App.SchemeVersion(r.ctx(), r.user(), c.Param("schemeId"))
	if err != nil {
		r.fail(err)
		return
	}
	s.showProductForm(r, sc, productForm(sc.ID, version), nil, http.StatusOK)
}

func (s *Server) showProductForm(r *req, sc procurementapi.Scheme, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Product toevoegen aan "+sc.Title, "De voorwaarden hebben een ingangsdatum: een latere wijziging geldt voor inschrijvingen vanaf haar eigen ingangsdatum. De delen van de prijs tellen op tot 100%.",
		[]web.Link{{Label: "Regelingen", Href: "/inkoop/regelingen"}, {Label: sc.Title, Href: schemePath(sc.ID)}}, f, problem, status)
}

func (s *Server) addProduct(c *gin.Context) {
	r := s.req(c)
	id := c.Param("schemeId")
	in, terms := r.readTerms("name", "description")
	body := procurementapi.ProductInput{Name: in.text("name", true), Description: optional.Of(in.text("description", false)), Terms: terms}
	sc, _, err := s.App.SchemeVersion(r.ctx(), r.user(), id)
	if err != nil {
		r.fail(err)
		return
	}
	submit(r, in, productForm(id, r.form("version")), func(f *web.Form, p *web.Problem, status int) { s.showProductForm(r, sc, f, p, status) },
		func(key string) (procurementapi.Product, error) {
			return s.App.AddProduct(r.ctx(), r.user(), id, r.form("version"), key, body)
		},
		func(procurementapi.Product) {
			r.done("Product "+body.Name+" toegevoegd aan "+sc.Title+".", schemePath(id))
		})
}

func termsPath(schemeID, productID string) string {
	return schemePath(schemeID) + "/producten/" + url.PathEscape(productID) + "/voorwaarden"
}

// termsForm is a new version of a product's terms, filled in with the version in force.
func termsForm(schemeID string, pr procurementapi.Product) *web.Form {
	f := &web.Form{Action: termsPath(schemeID, pr.ID), Submit: "Voorwaarden vastleggen", Key: session.RandomToken(), Fields: termsFields()}
	if len(pr.Terms) > 0 {
		t := pr.Terms[len(pr.Terms)-1]
		in := &input{Values: map[string]string{"maxPrice": web.Amount(t.MaxPriceCents), "minAttendanceHours": strconv.Itoa(t.MinAttendanceHours),
			"requiredCertificates": strings.Join(t.RequiredCertificates, ", ")}}
		for _, m := range milestoneFields {
			in.Values[m.name] = "0"
			for _, x := range t.Tranches {
				if x.Milestone == milestoneOf[m.name] {
					in.Values[m.name] = strconv.Itoa(x.Percent)
				}
			}
		}
		in.fill(f)
	}
	return f
}

func (s *Server) productOf(r *req) (procurementapi.Scheme, procurementapi.Product, bool) {
	sc, err := s.App.Scheme(r.ctx(), r.user(), r.c.Param("schemeId"))
	if err != nil {
		r.fail(err)
		return sc, procurementapi.Product{}, false
	}
	for _, pr := range sc.Products {
		if pr.ID == r.c.Param("productId") {
			return sc, pr, true
		}
	}
	r.fail(&app.Error{Status: http.StatusNotFound})
	return sc, procurementapi.Product{}, false
}

func (s *Server) termsPage(c *gin.Context) {
	r := s.req(c)
	if sc, pr, ok := s.productOf(r); ok {
		s.showTermsForm(r, sc, pr, termsForm(sc.ID, pr), nil, http.StatusOK)
	}
}

func (s *Server) showTermsForm(r *req, sc procurementapi.Scheme, pr procurementapi.Product, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Nieuwe voorwaarden voor "+pr.Name, "Een nieuwe versie geldt voor elk traject dat op of na de ingangsdatum start, ook als de deelnemer eerder is ingeschreven; lopende trajecten houden hun voorwaarden. Een correctie mag tot een jaar terugwerken.",
		[]web.Link{{Label: "Regelingen", Href: "/inkoop/regelingen"}, {Label: sc.Title, Href: schemePath(sc.ID)}}, f, problem, status)
}

func (s *Server) changeTerms(c *gin.Context) {
	r := s.req(c)
	sc, pr, ok := s.productOf(r)
	if !ok {
		return
	}
	in, terms := r.readTerms()
	submit(r, in, termsForm(sc.ID, pr), func(f *web.Form, p *web.Problem, status int) { s.showTermsForm(r, sc, pr, f, p, status) },
		func(key string) (procurementapi.Terms, error) {
			return s.App.ChangeTerms(r.ctx(), r.user(), sc.ID, pr.ID, key, terms)
		},
		func(t procurementapi.Terms) {
			r.done(fmt.Sprintf("Voorwaarden versie %d van %s vastgelegd; ze gelden vanaf %s.", t.Version, pr.Name, web.Date(t.EffectiveFrom)), schemePath(sc.ID)+"#product-"+web.Slug(pr.ID))
		})
}
