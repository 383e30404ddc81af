package ports

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/paymentsapi"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// Finance brings the bank's answers in: a status report (pain.002) or an account statement
// (camt.053/054) is applied line by line on reference, amount and account; whatever does not
// match moves no money and waits as an exception until someone says how it was resolved.

const (
	bankFilesPath  = "/financien/bankbestanden"
	exceptionsPath = "/financien/afwijkingen"
	// maxUpload is the largest file the portal takes: a year of a region's statements.
	maxUpload = 16 << 20
)

// Accepts is what the portal takes in a request's body, and how much: HTML forms (64 KiB),
// the bank's file on the one page that takes it, a value table (1 MiB) on its page. A body of another kind is refused
// before anything reads it.
func Accepts(r *http.Request) (int64, bool) {
	switch ct := r.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		return 64 << 10, true
	case strings.HasPrefix(ct, "multipart/form-data") && r.URL.Path == bankFilesPath:
		return maxUpload, true
	case strings.HasPrefix(ct, "multipart/form-data") && r.URL.Path == tablesPath:
		return maxTable, true
	}
	return 0, false
}

func bankFileForm() *web.Form {
	return &web.Form{Action: bankFilesPath, Submit: "Bestand verwerken", Key: session.RandomToken(), Upload: true, Fields: []web.Field{
		{Name: "file", Label: "Bestand van de bank", Type: "file", Required: true, Accept: ".xml,application/xml,text/xml",
			Hint: "Een statusrapport (pain.002) of een afschrift (camt.053 of camt.054) in XML, zoals de bank het levert."}}}
}

func (s *Server) bankFiles(c *gin.Context) {
	s.showBankFileForm(s.req(c), bankFileForm(), nil, http.StatusOK)
}

func (s *Server) showBankFileForm(r *req, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Bankbestand verwerken", "Het antwoord van de bank op een betaalrun. Elke regel wordt alleen toegepast als kenmerk, bedrag en rekening kloppen; wat niet klopt, verplaatst geen geld en komt bij de afwijkingen. Hetzelfde bestand nog eens verwerken verandert niets.",
		[]web.Link{{Label: "Betaalruns", Href: "/financien/betaalruns"}}, f, problem, status)
}

func (s *Server) importBankFile(c *gin.Context) {
	r := s.req(c)
	in := r.input()
	var document string
	file, _, err := c.Request.FormFile("file")
	if err == nil {
		raw, readErr := io.ReadAll(file)
		_ = file.Close()
		err, document = readErr, string(raw)
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		in.Errs["file"] = fmt.Sprintf("Het bestand is groter dan %d MB.", maxUpload>>20)
	case err != nil || document == "":
		in.Errs["file"] = "Kies het bestand van de bank."
	}
	submit(r, in, bankFileForm(), func(f *web.Form, p *web.Problem, status int) { s.showBankFileForm(r, f, p, status) },
		func(key string) (paymentsapi.Reconciliation, error) {
			return s.App.ImportBankReport(r.ctx(), r.user(), key, document)
		},
		func(out paymentsapi.Reconciliation) {
			kind := map[paymentsapi.ReconciliationKind]string{paymentsapi.ReconciliationKindPain002: "Statusrapport (pain.002)",
				paymentsapi.ReconciliationKindCamt053: "Afschrift (camt.053)", paymentsapi.ReconciliationKindCamt054: "Afschrift (camt.054)"}[out.Kind]
			if kind == "" {
				kind = "Bankbestand"
			}
			msg := fmt.Sprintf("%s verwerkt: %d betaald, %d geweigerd, %d al verwerkt; afwijkingen: %d.", kind, out.Paid, out.Rejected, out.Unchanged, out.ExceptionCount)
			if out.ExceptionCount > 0 {
				r.done(msg+" Handel de afwijkingen af.", exceptionsPath)
				return
			}
			r.done(msg, "/financien/betaalruns")
		})
}

// exceptionReasons say in Dutch why a bank's line was not applied (the services' codes).
var exceptionReasons = map[paymentsapi.BankExceptionCode]string{
	paymentsapi.BankExceptionCodeAccountDiffers:   "de rekening van de bank wijkt af van de rekening van de betaalrun",
	paymentsapi.BankExceptionCodeAmountDiffers:    "het bedrag wijkt af van de overboeking",
	paymentsapi.BankExceptionCodeAmountMissing:    "de bank noemt geen bedrag",
	paymentsapi.BankExceptionCodeContradicts:      "het antwoord spreekt een eerder antwoord van de bank tegen",
	paymentsapi.BankExceptionCodeNotReleased:      "de betaalrun was nog niet vrijgegeven",
	paymentsapi.BankExceptionCodeOtherMessage:     "het antwoord hoort bij een ander bericht dan de betaalrun",
	paymentsapi.BankExceptionCodeTotalsDiffer:     "aantal of totaal wijkt af van de betaalrun",
	paymentsapi.BankExceptionCodeUnknownReference: "het kenmerk hoort bij geen enkele overboeking",
}

func exceptionReason(e paymentsapi.BankException) string {
	if text, ok := exceptionReasons[e.Code]; ok {
		return text
	}
	return string(e.Code)
}

func (s *Server) bankExceptions(c *gin.Context) {
	r := s.req(c)
	q := r.filters("status")
	if q.Get("status") == "" {
		q.Set("status", "open")
	}
	page, err := s.App.BankExceptions(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Afwijkingen in bankbestanden", "Regels van de bank die niet bij een overboeking pasten. Ze hebben geen geld verplaatst; zoek uit wat er gebeurde en leg vast hoe het is opgelost.")
	t := &web.Table{Caption: "Afwijkingen", Empty: "Geen afwijkingen met deze filters.",
		Columns: []web.Column{{Label: "Kenmerk"}, {Label: "Reden"}, {Label: "Bedrag bank", Numeric: true}, {Label: "Bedrag overboeking", Numeric: true}, {Label: "Gevonden"}, {Label: "Afhandeling"}},
		Filters: &web.Form{Action: exceptionsPath, Get: true, Submit: "Filter", Reset: exceptionsPath,
			Fields: []web.Field{statusField("status", "Stand", q.Get("status"), []string{"open", "resolved"})}}}
	for _, e := range page.Items {
		handling := web.Cell{Text: "open", Badge: "warn"}
		if e.ResolvedAt != nil {
			handling = web.Cell{Text: web.Text(e.Resolution), Lines: []string{web.Text(e.ResolvedBy) + ", " + web.DateTime(e.ResolvedAt)}}
		}
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: e.Reference, Href: exceptionsPath + "/" + url.PathEscape(e.ID), Lines: []string{web.Text(e.EndToEndID)}}, {Text: exceptionReason(e)},
			{Text: cents(e.BankAmountCents)}, {Text: cents(e.AmountCents)}, {Text: web.DateTime(e.FoundAt)}, handling}})
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Links: []web.Link{{Label: "Bankbestand verwerken", Href: bankFilesPath}}}, {Table: t}}
	r.show(p)
}

func cents(c *paymentsapi.Cents) string {
	if c == nil {
		return "–"
	}
	return web.Euro(*c)
}

func resolveForm(id string) *web.Form {
	return &web.Form{Action: exceptionsPath + "/" + url.PathEscape(id), Submit: "Afhandeling vastleggen", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "reason", Label: "Hoe is het opgelost", Type: "textarea", Required: true,
			Hint: "Bijvoorbeeld: navraag bij de bank, het bedrag is teruggestort op 12 maart (kenmerk ...)."}}}
}

func (s *Server) bankException(c *gin.Context) {
	r := s.req(c)
	s.showException(r, c.Param("exceptionId"), resolveForm(c.Param("exceptionId")), nil, http.StatusOK)
}

// showException shows one exception with the bank's own line, and the form to resolve it
// (or how it was resolved).
func (s *Server) showException(r *req, id string, f *web.Form, problem *web.Problem, status int) {
	e, err := s.App.BankException(r.ctx(), r.user(), id)
	if err != nil {
		r.fail(err)
		return
	}
	found := &e
	p := r.page("Afwijking "+found.Reference, exceptionReason(*found)+".")
	p.Crumbs, p.Problem = []web.Link{{Label: "Afwijkingen", Href: exceptionsPath}}, problem
	p.Blocks = []web.Block{{Facts: []web.Fact{{Term: "Kenmerk", Value: found.Reference}, {Term: "Betalingskenmerk", Value: web.Text(found.EndToEndID)},
		{Term: "Volgens de bank", Value: map[paymentsapi.BankExceptionBankStatus]string{paymentsapi.BankExceptionBankStatusPaid: "betaald",
			paymentsapi.BankExceptionBankStatusRejected: "geweigerd"}[found.BankStatus]}, {Term: "Bestand", Value: string(found.File)}, {Term: "Bedrag volgens de bank", Value: cents(found.BankAmountCents)},
		{Term: "Bedrag van de overboeking", Value: cents(found.AmountCents)}, {Term: "Rekening volgens de bank", Value: web.IBAN(web.Text(found.BankDebtorIBAN))},
		{Term: "Rekening van de betaalrun", Value: web.IBAN(web.Text(found.DebtorIBAN))}, {Term: "Betaalrun", Value: web.Text(found.RunID)},
		{Term: "Gevonden", Value: web.DateTime(found.FoundAt)}}},
		{Heading: "Regel van de bank", Text: found.Line},
		{Heading: "Afhandelen", ID: "afhandelen", Form: f}}
	if found.ResolvedAt != nil {
		p.Blocks[2] = web.Block{Heading: "Afgehandeld", Text: web.Text(found.Resolution) + " (" + web.Text(found.ResolvedBy) + ", " + web.DateTime(found.ResolvedAt) + ")"}
	}
	r.s.Render.Render(r.c.Writer, status, p)
}

func (s *Server) resolveException(c *gin.Context) {
	r := s.req(c)
	id := c.Param("exceptionId")
	in := r.input("reason")
	reason := in.text("reason", true)
	submit(r, in, resolveForm(id), func(f *web.Form, p *web.Problem, status int) { s.showException(r, id, f, p, status) },
		func(key string) (paymentsapi.BankException, error) {
			return s.App.ResolveBankException(r.ctx(), r.user(), id, key, reason)
		},
		func(paymentsapi.BankException) { r.done("Afwijking "+id+" afgehandeld.", exceptionsPath) })
}
