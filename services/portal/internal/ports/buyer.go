package ports

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// schemes lists the region's Open House schemes.
func (s *Server) schemes(c *gin.Context) {
	r := s.req(c)
	q := r.filters("status")
	page, err := s.App.Schemes(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Regelingen", "Open House-regelingen: elke opleider die aan de eisen voldoet, wordt toegelaten. Productvoorwaarden hebben versies; een wijziging geldt voor inschrijvingen vanaf haar ingangsdatum.")
	t := &web.Table{Caption: "Regelingen", Empty: "Geen regelingen met deze filters.",
		Columns: []web.Column{{Label: "Regeling"}, {Label: "Kenmerk"}, {Label: "Status"}, {Label: "Open van"}, {Label: "Open tot"}, {Label: "Producten", Numeric: true}},
		Filters: &web.Form{Action: "/inkoop/regelingen", Get: true, Submit: "Filter", Reset: "/inkoop/regelingen",
			Fields: []web.Field{statusField("status", "Status", q.Get("status"), []string{"draft", "open", "closed"})}}}
	for _, sc := range page.Items {
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: sc.Title, Href: "/inkoop/regelingen/" + url.PathEscape(sc.ID)}, {Text: sc.Reference},
			web.Status(sc.Status), {Text: web.Date(sc.OpenFrom)}, {Text: web.Date(sc.OpenUntil)}, {Text: web.Number(int64(len(sc.Products)))}}})
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	if r.has(auth.RoleBuyer) {
		p.Blocks = append([]web.Block{{Links: []web.Link{{Label: "Nieuwe regeling", Href: "/inkoop/regelingen/nieuw"}}}}, p.Blocks...)
	}
	r.show(p)
}

// scheme shows a scheme's products, each with the history of its terms.
func (s *Server) scheme(c *gin.Context) {
	r := s.req(c)
	sc, version, err := s.App.SchemeVersion(r.ctx(), r.user(), c.Param("schemeId"))
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page(sc.Title, web.Text(sc.Description))
	if r.has(auth.RoleBuyer) && sc.Status != "closed" {
		tasks := web.Block{Heading: "Wat u kunt doen", ID: "taken", Links: []web.Link{{Label: "Product toevoegen", Href: schemePath(sc.ID) + "/producten/nieuw"}}}
		if sc.Status == "draft" {
			tasks.Text = "De regeling is een concept: alleen u ziet haar. Publiceer haar als alle producten erin staan."
			tasks.Form = &web.Form{Action: schemePath(sc.ID) + "/publiceren", Submit: "Regeling publiceren", Key: session.RandomToken(),
				Hidden: map[string]string{"version": version}}
		}
		p.Blocks = append(p.Blocks, tasks)
	}
	p.Crumbs = []web.Link{{Label: "Regelingen", Href: "/inkoop/regelingen"}}
	facts := []web.Fact{{Term: "Kenmerk", Value: sc.Reference}, {Term: "Status", Value: web.Label(sc.Status), Tone: web.Tone(sc.Status)},
		{Term: "Sector", Value: string(sc.Sector)}, {Term: "Open van", Value: web.Date(sc.OpenFrom)}, {Term: "Open tot", Value: web.Date(sc.OpenUntil)}}
	if len(sc.AssessedRequirements) > 0 {
		facts = append(facts, web.Fact{Term: "Eisen die de inkoper beoordeelt", Value: strings.Join(sc.AssessedRequirements, "; ")})
	}
	p.Blocks = append(p.Blocks, web.Block{Facts: facts,
		Links: []web.Link{{Label: "Aanmeldingen voor deze regeling", Href: "/inkoop/aanmeldingen?schemeId=" + url.QueryEscape(sc.ID)}}})
	for _, pr := range sc.Products {
		t := &web.Table{Caption: "Voorwaarden van " + pr.Name + ", per versie",
			Columns: []web.Column{{Label: "Versie"}, {Label: "Geldt vanaf"}, {Label: "Maximumprijs", Numeric: true}, {Label: "Minimale aanwezigheid", Numeric: true},
				{Label: "Termijnen"}, {Label: "Vereiste certificaten"}}}
		for _, tm := range pr.Terms {
			var tr []string
			for _, x := range tm.Tranches {
				tr = append(tr, fmt.Sprintf("%d%% bij %s", x.Percent, web.Label("milestone:"+x.Milestone)))
			}
			t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: fmt.Sprintf("versie %d", tm.Version)}, {Text: web.Date(tm.EffectiveFrom)},
				{Text: web.Euro(tm.MaxPriceCents)}, {Text: web.Number(tm.MinAttendanceHours) + " uur"}, {Text: strings.Join(tr, ", ")},
				{Text: strings.Join(tm.RequiredCertificates, ", ")}}})
		}
		b := web.Block{Heading: pr.Name, ID: "product-" + web.Slug(pr.ID), Text: web.Text(pr.Description), Table: t}
		if r.has(auth.RoleBuyer) && sc.Status != "closed" {
			b.Links = []web.Link{{Label: "Nieuwe voorwaarden voor " + pr.Name, Href: termsPath(sc.ID, pr.ID)}}
		}
		p.Blocks = append(p.Blocks, b)
	}
	r.show(p)
}

var requirementName = map[string]string{"price_above_maximum": "prijs boven het maximum", "certificate_missing": "certificaat ontbreekt",
	"certificate_expired": "certificaat verlopen", "scheme_not_open": "regeling niet open", "assessed_requirement_not_met": "beoordeling inkoper"}

// applications lists providers' applications with every reason one was refused.
func (s *Server) applications(c *gin.Context) {
	r := s.req(c)
	q := r.filters("schemeId", "providerKvk", "status")
	page, err := s.App.Applications(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Aanmeldingen", "Aanmeldingen van opleiders voor een regeling; bij een afwijzing staat elke eis waaraan niet werd voldaan.")
	t := &web.Table{Caption: "Aanmeldingen", Empty: "Geen aanmeldingen met deze filters.",
		Columns: []web.Column{{Label: "Opleider"}, {Label: "KvK"}, {Label: "Status"}, {Label: "Producten", Numeric: true}, {Label: "Ingediend"}, {Label: "Contract"}},
		Filters: &web.Form{Action: "/inkoop/aanmeldingen", Get: true, Submit: "Filter", Reset: "/inkoop/aanmeldingen", Fields: []web.Field{
			{Name: "status", Label: "Toon", Type: "select", Value: q.Get("status"), Options: []web.Option{{Value: "", Label: "Alle aanmeldingen"},
				{Value: "in_review", Label: "Alleen wat u moet beoordelen"}}},
			{Name: "providerKvk", Label: "KvK-nummer opleider", Value: q.Get("providerKvk"), Pattern: "[0-9]{8}"},
			{Name: "schemeId", Type: "hidden", Value: q.Get("schemeId")}}}}
	for _, a := range page.Items {
		row := web.Row{Cells: []web.Cell{{Text: a.ProviderName}, {Text: a.ProviderKvK}, web.Status(a.Status), {Text: web.Number(int64(len(a.Products)))},
			{Text: web.DateTime(a.SubmittedAt)}, {Text: web.Text(a.ContractID)}}}
		if a.Status == "in_review" {
			row.Tone, row.Note = "warn", "Voldoet aan alle eisen die het platform toetst; wacht op uw beoordeling."
			if r.has(auth.RoleBuyer) {
				row.Cells[0].Href = reviewPath(a.ID)
			}
		}
		if len(a.Failures) > 0 {
			var why []string
			for _, f := range a.Failures {
				name := requirementName[string(f.Requirement)]
				if name == "" {
					name = string(f.Requirement)
				}
				why = append(why, name+": "+saidInDutch(f.Rule, f.Params, f.Detail))
			}
			row.Tone, row.Note = "bad", "Afgewezen: "+strings.Join(why, "; ")
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	r.show(p)
}

// contracts lists contracts; a suspended one is marked with the reason it was suspended.
func (s *Server) contracts(c *gin.Context) {
	r := s.req(c)
	q := r.filters("status", "providerKvk", "schemeId")
	page, err := s.App.Contracts(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Contracten", "Contracten van toegelaten opleiders. Een contract is opgeschort zolang een vereist certificaat verlopen is; termijnen met een mijlpaal in die tijd worden aangehouden.")
	t := &web.Table{Caption: "Contracten", Empty: "Geen contracten met deze filters.",
		Columns: []web.Column{{Label: "Contract"}, {Label: "Opleider"}, {Label: "Regeling"}, {Label: "Status"}, {Label: "Producten en prijzen"}, {Label: "Gegund"}},
		Filters: &web.Form{Action: "/inkoop/contracten", Get: true, Submit: "Filter", Reset: "/inkoop/contracten", Fields: []web.Field{
			statusField("status", "Status", q.Get("status"), []string{"active", "suspended", "ended"}),
			{Name: "providerKvk", Label: "KvK-nummer opleider", Value: q.Get("providerKvk"), Pattern: "[0-9]{8}"},
			{Name: "schemeId", Type: "hidden", Value: q.Get("schemeId")}}}}
	for _, ct := range page.Items {
		var products []string
		for _, pr := range ct.Products {
			products = append(products, fmt.Sprintf("%s: %s (voorwaarden versie %d)", pr.Name, web.Euro(pr.PriceCents), pr.TermsVersion))
		}
		row := web.Row{Cells: []web.Cell{{Text: ct.Number}, {Text: ct.ProviderName + " (KvK " + ct.ProviderKvK + ")"}, {Text: ct.SchemeReference},
			web.Status(ct.Status), {Lines: products}, {Text: web.DateTime(ct.AwardedAt)}}}
		if ct.Status == "suspended" {
			reason := "opgeschort"
			for i := len(ct.History) - 1; i >= 0; i-- {
				if ct.History[i].Status == "suspended" {
					h := ct.History[i]
					reason = saidInDutch(h.Rule, h.Params, web.Text(h.Reason)) + " (sinds " + web.DateTime(h.At) + ")"
					break
				}
			}
			row.Tone, row.Note = "warn", "Opgeschort: "+reason
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	r.show(p)
}

// tenders is the tender calendar (with its iCalendar subscription) and the awards.
func (s *Server) tenders(c *gin.Context) {
	r := s.req(c)
	q := r.filters("status")
	page, err := s.App.Tenders(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	feed := s.ProcurementPublicURL + "/api/v1/public/regions/" + url.PathEscape(s.Region) + "/tender-calendar.ics"
	p := r.page("Aanbestedingen", "De aanbestedingskalender van de regio: verwachte aanbestedingen met hun social-return-percentage, en de gunningen.")
	p.Blocks = append(p.Blocks, web.Block{Heading: "Abonneren op de kalender", Text: "Neem de kalender op in uw agenda (iCalendar); hij werkt zichzelf bij. Het adres is openbaar en bevat geen persoonsgegevens.",
		Facts: []web.Fact{{Term: "Adres van de kalender", Value: feed, Href: feed}}})
	t := &web.Table{Caption: "Aanbestedingen", Empty: "Geen aanbestedingen met deze filters.",
		Columns: []web.Column{{Label: "Aanbesteding"}, {Label: "Sector"}, {Label: "Verwachte publicatie"}, {Label: "Geraamde waarde", Numeric: true}, {Label: "Social return", Numeric: true},
			{Label: "Status"}, {Label: "Gegund aan"}},
		Filters: &web.Form{Action: "/inkoop/aanbestedingen", Get: true, Submit: "Filter", Reset: "/inkoop/aanbestedingen",
			Fields: []web.Field{statusField("status", "Status", q.Get("status"), []string{"announced", "awarded", "cancelled"})}}}
	for _, td := range page.Items {
		award := web.Cell{Text: "–"}
		if a := td.Award; a != nil {
			award = web.Cell{Text: a.ContractorName, Lines: []string{"KvK " + a.ContractorKvK, web.Euro(a.ContractValueExclVatCents) + " excl. btw", "gegund " + web.Date(a.AwardedOn)}}
		}
		if td.Status == "announced" && r.has(auth.RoleBuyer) {
			award = web.Cell{Text: "Gunnen", Href: tenderPath(td.ID) + "/gunning"}
		}
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: td.Title}, {Text: string(td.Sector)}, {Text: web.Date(td.ExpectedPublication)},
			{Text: web.Euro(td.EstimatedValueCents)}, {Text: web.Percent(td.SROIBasisPoints)}, web.Status(td.Status), award}})
	}
	pager(r, t, page.Next)
	if r.has(auth.RoleBuyer) {
		p.Blocks = append(p.Blocks, web.Block{Links: []web.Link{{Label: "Nieuwe aanbesteding", Href: "/inkoop/aanbestedingen/nieuw"}}})
	}
	p.Blocks = append(p.Blocks, web.Block{Table: t})
	r.show(p)
}
