package ports

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/calendar"
	"github.com/werkregio/platform/contracts/openapi/sroiapi"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// projects lists social-return projects: a contractor sees its own (the service decides),
// the region sees all; filterable by status (and by contractor for the region).
func (s *Server) projects(c *gin.Context) {
	r := s.req(c)
	q := r.filters("status", "contractor")
	page, err := s.App.Projects(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	title, lead := "Social-return-projecten", "Alle gegunde opdrachten van de regio met een social-return-verplichting, en hoe ver ze zijn."
	if r.has(auth.RoleContractor) {
		title, lead = "Mijn projecten", "Uw opdrachten met een social-return-verplichting. Open een project om kandidaten, inkoop of uren te verklaren."
	}
	p := r.page(title, lead)
	t := &web.Table{Caption: title, Empty: "Geen projecten met deze filters.",
		Columns: []web.Column{{Label: "Project"}, {Label: "Opdrachtnemer"}, {Label: "Stand"}, {Label: "Verplichting", Numeric: true},
			{Label: "Goedgekeurd", Numeric: true}, {Label: "Gerealiseerd", Numeric: true}, {Label: "Einddatum"}},
		Downloads: downloads("Deze lijst", "/sroi/projecten/csv"+query(r.filters("status", "contractor")))}
	fields := []web.Field{statusField("status", "Stand", q.Get("status"), projectStatuses)}
	if !r.has(auth.RoleContractor) {
		fields = append(fields, web.Field{Name: "contractor", Label: "KvK-nummer opdrachtnemer", Value: q.Get("contractor"), Pattern: "[0-9]{8}"})
	}
	t.Filters = &web.Form{Action: c.Request.URL.Path, Get: true, Submit: "Filter", Reset: c.Request.URL.Path, Fields: fields}
	for _, pr := range page.Items {
		row := web.Row{Cells: []web.Cell{{Text: pr.Title, Href: "/sroi/projecten/" + url.PathEscape(pr.ID)}, {Text: pr.ContractorName},
			web.Status(pr.Progress.Status), {Text: web.Euro(pr.Progress.ObligationCents)}, {Text: web.Euro(pr.Progress.ApprovedCents)},
			{Text: web.Percent(pr.Progress.RealisedBasisPoints)}, {Text: web.Date(pr.Deadline)}}}
		switch pr.Progress.Status {
		case "behind":
			row.Tone, row.Note = "warn", "Achter: "+progressReason(pr.Progress)
		case "overdue":
			row.Tone, row.Note = "bad", "Verlopen: "+progressReason(pr.Progress)
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Chart: projectsChart(page.Items), Table: t}}
	r.show(p)
}

// projectsChart sets each project's realised share of its obligation against the share of
// its time that has passed: a bar behind its marker is behind.
func projectsChart(projects []sroiapi.Project) template.HTML {
	c := web.Bars{ID: "projecten", Title: "Gerealiseerd tegen verstreken tijd", Format: web.Percents, Max: 10000, Marker: "verstreken tijd",
		Series: []web.Series{{Name: "gerealiseerd", Colour: web.Green}}}
	behind := 0
	for _, pr := range projects {
		if len(c.Rows) == maxChartRows {
			break
		}
		elapsed := float64(pr.Progress.ExpectedBasisPoints)
		c.Rows = append(c.Rows, web.BarRow{Label: pr.Title, Values: []float64{float64(pr.Progress.RealisedBasisPoints)}, Marker: &elapsed})
		if pr.Progress.RealisedBasisPoints < pr.Progress.ExpectedBasisPoints {
			behind++
		}
	}
	c.Desc = fmt.Sprintf("Van de %d projecten in de grafiek hebben er %d minder gerealiseerd dan er tijd verstreken is.", len(c.Rows), behind)
	return c.Chart()
}

// projectsCSV exports every project the filters select, a page of the service's list at a
// time, streamed: the file has all rows, however many.
func (s *Server) projectsCSV(c *gin.Context) {
	r := s.req(c)
	q := r.filters("status", "contractor")
	q.Del("after")
	q.Set("limit", strconv.Itoa(exportPage))
	page, err := s.App.Projects(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err) // nothing written yet: the user sees why on a page
		return
	}
	sheet, err := r.sheet("social-return-projecten.csv", "Project", "Titel", "Inkoper", "KvK-nummer opdrachtnemer", "Opdrachtnemer",
		"Gegund op", "Termijn", "Verplichting (€)", "Verklaard (€)", "Goedgekeurd (€)", "Prognose (€)", "Gerealiseerd (%)", "Stand")
	if err != nil {
		r.fail(err)
		return
	}
	defer func() {
		if err := sheet.Close(); err != nil {
			r.s.Log.ErrorContext(r.ctx(), "an export broke off", "export", "projects", "error", err.Error())
		}
	}()
	for {
		for _, pr := range page.Items {
			sheet.Row(pr.ID, pr.Title, pr.Buyer, pr.ContractorKvK, pr.ContractorName, pr.AwardedOn.String(), pr.Deadline.String(),
				web.Amount(pr.Progress.ObligationCents), web.Amount(optional.Value(pr.Figures.DeclaredCents)), web.Amount(optional.Value(pr.Figures.ApprovedCents)),
				web.Amount(pr.Progress.ForecastCents), web.Amount(int64(pr.Progress.RealisedBasisPoints)), web.Label(pr.Progress.Status))
		}
		if err := sheet.Flush(); err != nil || page.Next == "" {
			return
		}
		q.Set("after", page.Next)
		if page, err = s.App.Projects(r.ctx(), r.user(), q); err != nil {
			// the status line is sent: say it in the file, so a short export is never taken for a whole one
			sheet.Row("Let op: de export is hier afgebroken omdat het platform niet antwoordde; download het bestand opnieuw.")
			r.s.Log.ErrorContext(r.ctx(), "an export broke off", "export", "projects", "error", err.Error())
			return
		}
	}
}

// exportPage is how many rows an export asks of a service at a time (its largest page).
const exportPage = 500

// declareForm is what a contractor fills in; values are kept when the service refuses.
type declareForm struct {
	Kind   string
	Values map[string]string
	Errs   map[string]string
}

// project shows a project: its obligation and how it was decided, progress, declarations,
// and for its contractor the forms to declare.
func (s *Server) project(c *gin.Context) {
	s.renderProject(s.req(c), nil, nil, http.StatusOK)
}

func (s *Server) renderProject(r *req, form *declareForm, problem *web.Problem, status int) {
	id := r.c.Param("projectId")
	pr, err := s.App.Project(r.ctx(), r.user(), id)
	if err != nil {
		r.fail(err)
		return
	}
	q := r.filters("status")
	q.Set("project", pr.ID)
	decls, err := s.App.Declarations(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page(pr.Title, fmt.Sprintf("Opdrachtnemer %s (KvK %s), gegund op %s.", pr.ContractorName, pr.ContractorKvK, web.Date(pr.AwardedOn)))
	p.Crumbs = []web.Link{{Label: "Projecten", Href: "/sroi/projecten"}}
	p.Problem = problem
	pg := pr.Progress
	tone := map[string]string{"on_track": "good", "met": "good", "behind": "warn", "overdue": "bad", "no_policy": "warn"}[string(pg.Status)]
	p.Blocks = append(p.Blocks, web.Block{Heading: "Voortgang", Stats: []web.Stat{
		{Label: "Stand", Value: web.Label(pg.Status), Tone: tone, Note: sentence(progressReason(pg))},
		{Label: "Verplichting", Value: web.Euro(pg.ObligationCents)},
		{Label: "Goedgekeurd", Value: web.Euro(pg.ApprovedCents), Note: web.Percent(pg.RealisedBasisPoints) + " gerealiseerd, " + web.Percent(pg.ExpectedBasisPoints) + " van de looptijd verstreken"},
		{Label: "Verklaard", Value: web.Euro(pg.DeclaredCents), Note: "verwacht " + web.Euro(pg.ForecastCents)},
	}, Chart: projectChart(pg)})
	facts := []web.Fact{
		{Term: "Opdrachtwaarde (excl. btw)", Value: web.Euro(pr.Award.ValueCents)},
		{Term: "Percentage social return", Value: web.Percent(pr.Computed.BasisPoints)},
		{Term: "Berekende verplichting", Value: web.Euro(pr.Computed.Cents)},
		{Term: "Hoe bepaald", Value: obligationRule(pr.Computed)},
		{Term: "Einddatum", Value: web.Date(pr.Deadline)},
		{Term: "Einddatum bepaald", Value: said(pr.DeadlineWhy, pr.DeadlineRule)},
		{Term: "Waardetabel (bouwblokken)", Value: pr.Table},
		{Term: "Volgende controle", Value: web.Date(pr.NextCheck)},
	}
	if o := pr.Override; o != nil {
		facts = append(facts, web.Fact{Term: "Verplichting aangepast door de inkoper", Value: web.Euro(o.Cents) + ": " + o.Reason, Tone: "warn"})
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Verplichting", Facts: facts})
	if !r.has(auth.RoleContractor) {
		parties := web.Block{Heading: "Betrokkenen", ID: "betrokkenen"}
		for _, role := range []struct {
			label string
			c     sroiapi.Contact
		}{{"Inkoper", pr.Parties.Buyer}, {"Opdrachtnemer", pr.Parties.Contractor}, {"Werkplein", pr.Parties.Werkplein}} {
			v := "nog niet vastgelegd"
			if role.c.Email != nil {
				v = optional.Value(role.c.Name) + " (" + *role.c.Email + ")"
			}
			parties.Facts = append(parties.Facts, web.Fact{Term: role.label, Value: v})
		}
		if r.has(auth.RoleBuyer, auth.RoleCoordinator) {
			parties.Links = []web.Link{{Label: "Betrokkenen vastleggen", Href: partiesPath(pr.ID)}}
		}
		p.Blocks = append(p.Blocks, parties)
	}

	t := &web.Table{Caption: "Verklaringen", Empty: "Nog geen verklaringen op dit project.",
		Columns: []web.Column{{Label: "Verklaring"}, {Label: "Soort"}, {Label: "Status"}, {Label: "Maanden geteld", Numeric: true}, {Label: "Waarde", Numeric: true}, {Label: "Ingediend"}}}
	t.Filters = &web.Form{Action: r.c.Request.URL.Path, Get: true, Submit: "Filter", Reset: r.c.Request.URL.Path,
		Fields: []web.Field{statusField("status", "Status", r.c.Query("status"), []string{"checking", "submitted", "approved", "rejected"})}}
	for _, d := range decls.Items {
		row := web.Row{Cells: []web.Cell{{Text: declarationTitle(d), Href: "/sroi/verklaringen/" + url.PathEscape(d.ID)}, {Text: kindName[string(d.Kind)]},
			web.Status(d.Status), {Text: strconv.Itoa(len(d.Counted))}, {Text: web.Euro(d.Value.Cents)}, {Text: web.DateTime(d.SubmittedAt)}}}
		if len(d.Refused) > 0 {
			row.Tone, row.Note = "warn", fmt.Sprintf("%d maand(en) niet geteld: %s", len(d.Refused), said(d.Refused[0].Why, d.Refused[0].Reason))
		}
		t.Rows = append(t.Rows, row)
	}
	pager(r, t, decls.Next)
	p.Blocks = append(p.Blocks, web.Block{Table: t})
	if r.has(auth.RoleContractor) {
		p.Blocks = append(p.Blocks, declareBlocks(pr.ID, form)...)
	}
	r.s.Render.Render(r.c.Writer, status, p)
}

var kindName = map[string]string{"candidate": "kandidaat", "purchase": "inkoop", "hours": "uren"}

func declarationTitle(d sroiapi.Declaration) string {
	switch d.Kind {
	case "candidate":
		c := optional.Value(d.Candidate)
		t := string(optional.Value(c.CandidateType))
		if c.From != nil {
			return fmt.Sprintf("Kandidaat (%s) vanaf %s", candidateTypes[t], web.Date(*c.From))
		}
		return "Kandidaat (" + candidateTypes[t] + ")"
	case "purchase":
		return "Inkoop bij " + optional.Value(d.Purchase).Supplier
	case "hours":
		return "Uren: " + optional.Value(d.Hours).Activity
	}
	return d.ID
}

var candidateTypes = map[string]string{"participatiewet": "Participatiewet", "banenafspraak": "banenafspraak", "wajong": "Wajong",
	"ww": "WW", "wia_wao": "WIA/WAO", "no_benefit": "zonder uitkering", "vso_pro": "VSO/PrO", "bbl": "BBL-leerling", "bol": "BOL-stagiair",
	"participatiewet_doelgroepregister": "Participatiewet, doelgroepregister", "": "onbekend"}

func options(codes []string, names map[string]string) []web.Option {
	var o []web.Option
	for _, c := range codes {
		o = append(o, web.Option{Value: c, Label: names[c]})
	}
	return o
}

// declareBlocks are the three forms: a candidate, a purchase, hours. Each has its own
// idempotency key, so a form sent twice (a double click, a retry) declares once.
func declareBlocks(projectID string, f *declareForm) []web.Block {
	action := "/sroi/projecten/" + url.PathEscape(projectID) + "/verklaringen"
	val := func(kind, name, def string) (string, string) {
		if f != nil && f.Kind == kind {
			return f.Values[name], f.Errs[name]
		}
		return def, ""
	}
	field := func(kind string, fl web.Field) web.Field {
		fl.Value, fl.Error = val(kind, fl.Name, fl.Value)
		return fl
	}
	today := time.Now().Format("2006-01-02")
	types := []string{"participatiewet", "banenafspraak", "wajong", "ww", "wia_wao", "no_benefit", "vso_pro", "bbl", "bol", "participatiewet_doelgroepregister"}
	candidate := &web.Form{Action: action, Submit: "Kandidaat verklaren", Key: session.RandomToken(), Hidden: map[string]string{"kind": "candidate"},
		Fields: []web.Field{
			field("candidate", web.Field{Name: "bsn", Label: "BSN van de kandidaat", Required: true, Pattern: "[0-9]{8,9}", Autocomplete: "off",
				Hint: "Het BSN wordt direct omgezet in een pseudoniem en nergens bewaard of getoond; zo telt een maand van een kandidaat één keer over alle projecten."}),
			field("candidate", web.Field{Name: "candidateType", Label: "Doelgroep", Type: "select", Required: true, Options: options(types, candidateTypes)}),
			field("candidate", web.Field{Name: "hoursPerWeek", Label: "Uren per week", Type: "number", Required: true, Min: "1", Max: "60", Step: "0.5", Value: "36"}),
			field("candidate", web.Field{Name: "from", Label: "In dienst vanaf", Type: "date", Required: true, Value: today}),
			field("candidate", web.Field{Name: "until", Label: "In dienst tot en met", Type: "date", Required: true}),
			field("candidate", web.Field{Name: "contractType", Label: "Soort contract", Type: "select", Required: true, Value: "fixed_term",
				Options: []web.Option{{Value: "fixed_term", Label: "bepaalde tijd"}, {Value: "permanent", Label: "onbepaalde tijd"}, {Value: "temporary_agency", Label: "uitzendovereenkomst"}, {Value: "bbl", Label: "BBL-leerovereenkomst"}, {Value: "other", Label: "anders"}}}),
			field("candidate", web.Field{Name: "ageBand", Label: "Leeftijd", Type: "select", Required: true, Value: "under_50",
				Options: []web.Option{{Value: "under_50", Label: "jonger dan 50"}, {Value: "50_54", Label: "50 tot 55"}, {Value: "55_plus", Label: "55 of ouder"}}}),
			field("candidate", web.Field{Name: "statushouder", Label: "Statushouder", Type: "select", Value: "nee", Options: []web.Option{{Value: "nee", Label: "nee"}, {Value: "ja", Label: "ja"}}}),
		}}
	purchase := &web.Form{Action: action, Submit: "Inkoop verklaren", Key: session.RandomToken(), Hidden: map[string]string{"kind": "purchase"},
		Fields: []web.Field{
			field("purchase", web.Field{Name: "supplier", Label: "Leverancier (sociale onderneming)", Required: true}),
			field("purchase", web.Field{Name: "supplierKvk", Label: "KvK-nummer van de leverancier", Required: true, Pattern: "[0-9]{8}",
				Hint: "Acht cijfers. Een factuur telt één keer, op leverancier en factuurnummer, over alle projecten en regio's."}),
			field("purchase", web.Field{Name: "invoiceNumber", Label: "Factuurnummer", Required: true}),
			field("purchase", web.Field{Name: "invoiceDate", Label: "Factuurdatum", Type: "date", Required: true}),
			field("purchase", web.Field{Name: "invoiceEuro", Label: "Factuurbedrag excl. btw (euro)", Type: "number", Required: true, Min: "0.01", Step: "0.01"}),
			field("purchase", web.Field{Name: "enterprise", Label: "Certificering van de onderneming", Hint: "Zoals de waardetabel die noemt (bijvoorbeeld PSO 30+); leeg: tegen factuurwaarde."}),
		}}
	hours := &web.Form{Action: action, Submit: "Uren verklaren", Key: session.RandomToken(), Hidden: map[string]string{"kind": "hours"},
		Fields: []web.Field{
			field("hours", web.Field{Name: "bsn", Label: "BSN van wie de uren gaf", Required: true, Pattern: "[0-9]{8,9}", Autocomplete: "off",
				Hint: "Het BSN wordt direct omgezet in een pseudoniem en nergens bewaard of getoond; de uren van een persoon tellen één keer per week."}),
			field("hours", web.Field{Name: "activity", Label: "Activiteit", Required: true, Hint: "Bijvoorbeeld een gastles, een werkervaringsdag of begeleiding."}),
			field("hours", web.Field{Name: "hours", Label: "Aantal uren", Type: "number", Required: true, Min: "1", Max: "10000", Step: "1"}),
			field("hours", web.Field{Name: "on", Label: "Datum", Type: "date", Required: true}),
		}}
	return []web.Block{
		{Heading: "Kandidaat verklaren", ID: "kandidaat", Text: "Een kandidaat die u voor dit project in dienst heeft genomen. De waarde volgt uit de waardetabel van de regio; u ziet de berekening bij de verklaring.", Form: candidate},
		{Heading: "Inkoop bij een sociale onderneming verklaren", ID: "inkoop", Form: purchase},
		{Heading: "Uren verklaren", ID: "uren", Form: hours},
	}
}

// declare sends a contractor's declaration; the BSN goes to the sroi service in the body
// only (never in a URL, a log line or a page) and is not kept by the portal.
func (s *Server) declare(c *gin.Context) {
	r := s.req(c)
	kind := r.form("kind")
	f := &declareForm{Kind: kind, Values: map[string]string{}, Errs: map[string]string{}}
	for _, n := range []string{"candidateType", "hoursPerWeek", "from", "until", "contractType", "ageBand", "statushouder",
		"supplier", "supplierKvk", "invoiceNumber", "invoiceDate", "invoiceEuro", "enterprise", "activity", "hours", "on"} {
		f.Values[n] = r.form(n)
	}
	in := sroiapi.DeclareInput{Kind: sroiapi.DeclareInputKind(kind)}
	switch kind {
	case "candidate":
		bsn := r.form("bsn")
		if !validBSN(bsn) {
			f.Errs["bsn"] = "Vul een BSN van 8 of 9 cijfers in dat de elfproef doorstaat."
		}
		hours, err := strconv.ParseFloat(strings.Replace(f.Values["hoursPerWeek"], ",", ".", 1), 64)
		if err != nil || hours <= 0 || hours > 60 {
			f.Errs["hoursPerWeek"] = "Vul het aantal uren per week in (1 tot 60)."
		}
		from, until := dateField(f, "from"), dateField(f, "until")
		source, candidateType := sroiapi.DeclareInputSource("external"), sroiapi.CandidateType(f.Values["candidateType"])
		ageBand, contractType := sroiapi.CandidateInputAgeBand(f.Values["ageBand"]), sroiapi.CandidateInputContractType(f.Values["contractType"])
		statushouder := f.Values["statushouder"] == "ja"
		in.Source, in.BSN = &source, &bsn
		in.Candidate = &sroiapi.CandidateInput{CandidateType: &candidateType, HoursPerWeek: &hours, From: &from, Until: &until,
			ContractType: &contractType, AgeBand: &ageBand, Statushouder: &statushouder}
	case "purchase":
		cents, ok := parseEuro(f.Values["invoiceEuro"])
		if !ok {
			f.Errs["invoiceEuro"] = "Vul het bedrag in euro in, bijvoorbeeld 1250,00."
		}
		required(f, "supplier", "invoiceNumber")
		invoiceDate := dateField(f, "invoiceDate")
		if !validKvK(f.Values["supplierKvk"]) {
			f.Errs["supplierKvk"] = "Vul het KvK-nummer van de leverancier in: acht cijfers."
		}
		in.Purchase = &sroiapi.Purchase{InvoiceCents: cents, Supplier: f.Values["supplier"], SupplierKvK: f.Values["supplierKvk"],
			InvoiceNumber: f.Values["invoiceNumber"], InvoiceDate: invoiceDate}
		if e := f.Values["enterprise"]; e != "" {
			in.Purchase.Enterprise = &e
		}
	case "hours":
		n, err := strconv.Atoi(f.Values["hours"])
		if err != nil || n < 1 {
			f.Errs["hours"] = "Vul een heel aantal uren in."
		}
		required(f, "activity")
		on := dateField(f, "on")
		bsn := r.form("bsn")
		if !validBSN(bsn) {
			f.Errs["bsn"] = "Vul een BSN van 8 of 9 cijfers in dat de elfproef doorstaat."
		}
		in.BSN = &bsn
		in.Hours = &sroiapi.DeclaredHours{Hours: n, Activity: f.Values["activity"], On: on}
	default:
		r.fail(&app.Error{Status: http.StatusBadRequest, Detail: "unknown kind"})
		return
	}
	if len(f.Errs) > 0 {
		s.renderProject(r, f, &web.Problem{Title: "Controleer de invoer", Detail: "Niet alle velden zijn goed ingevuld; de fouten staan bij de velden."}, http.StatusUnprocessableEntity)
		return
	}
	d, err := s.App.Declare(r.ctx(), r.user(), c.Param("projectId"), r.form("key"), in)
	if err != nil {
		if isRefusal(err) {
			s.renderProject(r, f, problemOf(err), http.StatusUnprocessableEntity)
			return
		}
		r.fail(err)
		return
	}
	// A candidate is checked against every declaration of the person (within a second):
	// wait briefly, so the contractor sees the value at once.
	for i := 0; i < 15 && d.Status == "checking"; i++ {
		time.Sleep(200 * time.Millisecond)
		if d, err = s.App.Declaration(r.ctx(), r.user(), d.ID); err != nil {
			break
		}
	}
	r.done("Verklaring ingediend: "+declarationTitle(d)+", gewaardeerd op "+web.Euro(d.Value.Cents)+".", "/sroi/verklaringen/"+url.PathEscape(d.ID))
}

// dateField is a required day of the form (its error at the field when it is not one).
func dateField(f *declareForm, name string) calendar.Date {
	d, err := calendar.ParseDate(f.Values[name])
	if err != nil {
		f.Errs[name] = "Vul een datum in."
	}
	return d
}

func required(f *declareForm, names ...string) {
	for _, n := range names {
		if f.Values[n] == "" {
			f.Errs[n] = "Dit veld is verplicht."
		}
	}
}

// validBSN is the elfproef: 9 digits (8 with a leading zero left out) weighted 9..2 and -1.
func validBSN(s string) bool {
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i, ch := range s {
		if ch < '0' || ch > '9' {
			return false
		}
		w := 9 - i
		if i == 8 {
			w = -1
		}
		sum += w * int(ch-'0')
	}
	return sum%11 == 0 && s != "000000000"
}

// parseEuro reads "1250", "1250,5", "1.250,50" or "2.400.000" (dots between groups of three
// digits are thousands, as Dutch writes them; otherwise a dot is the decimal point) into cents.
var thousands = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})+$`)

func parseEuro(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "€"))
	if !strings.Contains(s, ",") && thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 {
		return 0, false
	}
	cents := w*100 + f
	return cents, cents > 0
}

// declaration shows a declaration with the calculation trace of its value, line by line.
func (s *Server) declaration(c *gin.Context) {
	r := s.req(c)
	d, version, err := s.App.DeclarationVersion(r.ctx(), r.user(), c.Param("declarationId"))
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page(declarationTitle(d), "")
	p.Crumbs = []web.Link{{Label: "Projecten", Href: "/sroi/projecten"}, {Label: "Project", Href: "/sroi/projecten/" + url.PathEscape(d.ProjectID)}}
	facts := []web.Fact{{Term: "Status", Value: web.Label(d.Status), Tone: web.Tone(d.Status)}, {Term: "Waarde", Value: web.Euro(d.Value.Cents)},
		{Term: "Waardetabel", Value: tableName(d.Value.Table)}, {Term: "Ingediend", Value: web.DateTime(d.SubmittedAt)}}
	if d.Kind == "candidate" {
		facts = append(facts, web.Fact{Term: "Maanden geteld", Value: strings.Join(d.Counted, ", ")})
	}
	if d.Reason != nil {
		facts = append(facts, web.Fact{Term: "Toelichting bij het besluit", Value: *d.Reason})
	}
	if d.Status == "checking" {
		p.Lead = "Deze verklaring wordt nog gecontroleerd tegen alle verklaringen van deze persoon; vernieuw de pagina over enkele ogenblikken."
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Verklaring", Facts: facts})
	trace := &web.Table{Caption: "Berekening van de waarde", Empty: "Nog geen berekening.",
		Columns: []web.Column{{Label: "Regel"}, {Label: "Toelichting"}, {Label: "Bedrag", Numeric: true}}}
	for _, st := range d.Value.Trace {
		trace.Rows = append(trace.Rows, web.Row{Cells: []web.Cell{{Text: stepRule(st.Rule)}, {Text: said(st.Why, stepDetail(st.Detail))}, {Text: web.Euro(st.Cents)}}})
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Hoe de waarde is berekend", Table: trace})
	if len(d.Refused) > 0 {
		ref := &web.Table{Caption: "Maanden die niet tellen", Columns: []web.Column{{Label: "Maand"}, {Label: "Reden"}}}
		for _, m := range d.Refused {
			ref.Rows = append(ref.Rows, web.Row{Cells: []web.Cell{{Text: m.Month}, {Text: said(m.Why, m.Reason)}}, Tone: "warn"})
		}
		p.Blocks = append(p.Blocks, web.Block{Table: ref})
	}
	if d.Status == "submitted" && r.has(auth.RoleBuyer, auth.RoleCoordinator) {
		p.Blocks = append(p.Blocks, decisionBlock(d.ID, version))
	}
	r.show(p)
}

// decisionBlock is the decision on a submitted declaration: approve it (a note is
// optional) or reject it, saying why; the contractor reads the reason.
func decisionBlock(id, version string) web.Block {
	return web.Block{Heading: "Besluiten", ID: "besluit", Text: "Een goedgekeurde verklaring telt voor de verplichting. Bij afwijzen leest de opdrachtnemer uw reden.",
		Form: &web.Form{Action: "/sroi/verklaringen/" + url.PathEscape(id) + "/besluit", Submit: "Besluit vastleggen", Key: session.RandomToken(),
			Hidden: map[string]string{"version": version}, Fields: []web.Field{
				{Name: "besluit", Label: "Besluit", Type: "select", Required: true, Value: "goedkeuren",
					Options: []web.Option{{Value: "goedkeuren", Label: "Goedkeuren"}, {Value: "afwijzen", Label: "Afwijzen"}}},
				{Name: "reden", Label: "Reden", Type: "textarea", Hint: "Verplicht bij afwijzen (minstens 5 tekens)."},
			}}}
}

// decide records a buyer's or the werkplein's decision.
func (s *Server) decide(c *gin.Context) {
	r := s.req(c)
	id := c.Param("declarationId")
	approve, reason := r.form("besluit") == "goedkeuren", r.form("reden")
	back := "/sroi/verklaringen/" + url.PathEscape(id)
	if !approve && len([]rune(reason)) < 5 {
		r.done("Niet vastgelegd: zeg bij afwijzen waarom (minstens 5 tekens).", back+"#besluit")
		return
	}
	d, err := s.App.Decide(r.ctx(), r.user(), id, approve, reason, r.form("version"), r.form("key"))
	if isRefusal(err) {
		r.done("Niet vastgelegd: "+refusal(err), back)
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	r.done("Besluit vastgelegd: de verklaring is "+web.Label(d.Status)+".", back)
}

// statusField is a filter of statuses, in Dutch.
func statusField(name, label, value string, codes []string) web.Field {
	opts := []web.Option{{Value: "", Label: "Alle"}}
	for _, c := range codes {
		opts = append(opts, web.Option{Value: c, Label: web.Label(c)})
	}
	return web.Field{Name: name, Label: label, Type: "select", Value: value, Options: opts}
}

// validKvK: a KvK number is eight digits.
func validKvK(s string) bool {
	if len(s) != 8 {
		return false
	}
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			return false
		}
	}
	return true
}

// progressReason says in Dutch why a project stands where it does.
func progressReason(p sroiapi.Progress) string {
	return dutchRule(string(optional.Value(p.ReasonRule)), optional.Value(p.ReasonParams))
}

// projectChart is one project's approved, declared and expected social return against its
// obligation, with the share of its time passed as the marker.
func projectChart(pg sroiapi.Progress) template.HTML {
	elapsed := float64(pg.ExpectedBasisPoints) * float64(pg.ObligationCents) / 10000
	return web.Bars{ID: "voortgang", Title: "Social return tegen de verplichting", Format: web.Euros, Marker: "naar verstreken tijd",
		Max: math.Max(float64(pg.ObligationCents), float64(max(pg.ForecastCents, pg.DeclaredCents))),
		Desc: fmt.Sprintf("Van de verplichting van %s is %s goedgekeurd (%s) en %s verklaard; naar de verstreken tijd (%s) zou %s gerealiseerd zijn.",
			web.Euro(pg.ObligationCents), web.Euro(pg.ApprovedCents), web.Percent(pg.RealisedBasisPoints), web.Euro(pg.DeclaredCents),
			web.Percent(pg.ExpectedBasisPoints), web.Euros(elapsed)),
		Series: []web.Series{{Name: "bedrag", Colour: web.Green}},
		Rows: []web.BarRow{{Label: "Goedgekeurd", Values: []float64{float64(pg.ApprovedCents)}, Marker: &elapsed},
			{Label: "Verklaard", Values: []float64{float64(pg.DeclaredCents)}},
			{Label: "Verwacht", Values: []float64{float64(pg.ForecastCents)}},
			{Label: "Verplichting", Values: []float64{float64(pg.ObligationCents)}}}}.Chart()
}

// said is a reason of the sroi service in Dutch by its rule, or as the service wrote it when
// it was kept before reasons had rules.
func said(why *sroiapi.Said, text string) string {
	if why == nil {
		return text
	}
	return saidInDutch(&why.Rule, why.Params, text)
}

// obligationRule is how an obligation was decided, in Dutch: its parts joined.
func obligationRule(o sroiapi.Obligation) string {
	if len(o.Why) == 0 {
		return o.Rule
	}
	parts := make([]string, len(o.Why))
	for i, w := range o.Why {
		parts[i] = said(&w, o.Rule)
	}
	return strings.Join(parts, "; ")
}

// stepRules are the steps of a declaration's value, in Dutch.
var stepRules = map[string]string{"yearly value for full time": "jaarwaarde bij een volledige baan", "bonus": "toeslag",
	"bonus not in this table": "toeslag die deze tabel niet kent", "part of full time": "deel van een volledige baan",
	"months that count": "maanden die tellen", "value": "waarde", "invoice": "factuur",
	"share of the invoice that counts": "deel van de factuur dat telt", "hours at the hourly value": "uren tegen het uurtarief",
	"months planned": "geplande maanden"}

// bonusNames are a value table's bonuses, in Dutch.
var bonusNames = map[string]string{"age_50_plus": "50 jaar of ouder", "age_55_plus": "55 jaar of ouder", "statushouder": "statushouder",
	"permanent_contract": "contract voor onbepaalde tijd"}

func stepRule(rule string) string {
	if d, ok := stepRules[rule]; ok {
		return d
	}
	return rule
}

// stepDetail is a step's detail that is a code (a candidate type, a bonus) in Dutch.
func stepDetail(detail string) string {
	if name, ok := candidateTypes[detail]; ok {
		return name
	}
	if name, ok := bonusNames[detail]; ok {
		return name
	}
	return web.Label(detail)
}

var tableVersion = regexp.MustCompile(`^(.*) \(version ([0-9]+), from ([0-9]{4}-[0-9]{2}-[0-9]{2})\)$`)

// tableName is the value table a declaration was valued by, as the service names it
// ("name (version 2, from 2026-01-01)"), in Dutch.
func tableName(t string) string {
	m := tableVersion.FindStringSubmatch(t)
	if m == nil {
		return t
	}
	return m[1] + " (versie " + m[2] + ", vanaf " + web.Date(m[3]) + ")"
}
