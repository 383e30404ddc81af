package ports

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/providersapi"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// Finance confirms a provider's new or changed bank account after checking it with the
// provider by a known telephone number: "our bank details have changed" is a common fraud,
// so no payment goes to an account one person entered, and who registered it never confirms it.

const bankAccountsPath = "/financien/bankrekeningen"

func bankAccountPath(kvk string) string { return bankAccountsPath + "/" + url.PathEscape(kvk) }

func (s *Server) bankAccounts(c *gin.Context) {
	r := s.req(c)
	q := r.filters()
	q.Set("bankAccount", "pending")
	page, err := s.App.ProviderList(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Bankrekeningen te bevestigen", "Nieuwe en gewijzigde rekeningen van opleiders. Controleer elke wijziging bij de opleider via een telefoonnummer dat u al kende, niet via het nummer in de melding. Tot de bevestiging worden de termijnen van de opleider aangehouden.")
	t := &web.Table{Caption: "Bankrekeningen te bevestigen", Empty: "Er wachten geen bankrekeningen op bevestiging.",
		Columns: []web.Column{{Label: "Opleider"}, {Label: "KvK-nummer"}, {Label: "IBAN"}, {Label: "Rekeninghouder"}, {Label: "Vastgelegd"}}}
	for _, pr := range page.Items {
		a := pr.BankAccount
		if a == nil {
			continue
		}
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: pr.Name, Href: bankAccountPath(pr.KvK)}, {Text: pr.KvK}, {Text: web.IBAN(a.IBAN)},
			{Text: a.AccountHolder}, {Text: web.DateTime(a.RegisteredAt)}}})
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	r.show(p)
}

func confirmForm(kvk, version string, revision int) *web.Form {
	return &web.Form{Action: bankAccountPath(kvk), Submit: "Bankrekening bevestigen", Key: session.RandomToken(),
		Hidden: map[string]string{"version": version, "revision": strconv.Itoa(revision)},
		Fields: []web.Field{{Name: "checked", Label: "Gecontroleerd", Type: "checkboxes", Required: true,
			Options: []web.Option{{Value: "yes", Label: "Ik heb dit rekeningnummer bij de opleider gecontroleerd via een telefoonnummer dat financiën al kende."}}}}}
}

func (s *Server) bankAccountCheck(c *gin.Context) {
	r := s.req(c)
	prov, version, err := s.App.ProviderVersion(r.ctx(), r.user(), c.Param("kvk"))
	if err != nil {
		r.fail(err)
		return
	}
	s.showBankAccountCheck(r, prov, confirmForm(prov.KvK, version, revision(prov)), nil, http.StatusOK)
}

func revision(p providersapi.Provider) int {
	if p.BankAccount == nil {
		return 0
	}
	return p.BankAccount.Revision
}

func (s *Server) showBankAccountCheck(r *req, prov providersapi.Provider, f *web.Form, problem *web.Problem, status int) {
	p := r.page("Bankrekening van "+prov.Name, "Vergelijk de gegevens met wat de opleider u aan de telefoon zegt.")
	p.Crumbs, p.Problem = []web.Link{{Label: "Bankrekeningen", Href: bankAccountsPath}}, problem
	a := prov.BankAccount
	if a == nil {
		p.Blocks = []web.Block{{Text: "Deze opleider heeft geen bankrekening vastgelegd."}}
		r.s.Render.Render(r.c.Writer, status, p)
		return
	}
	p.Blocks = []web.Block{{Facts: []web.Fact{{Term: "IBAN", Value: web.IBAN(a.IBAN)}, {Term: "Rekeninghouder", Value: a.AccountHolder},
		{Term: "BIC", Value: web.Text(a.BIC)}, {Term: "Adres", Value: address(a.Address)}, {Term: "KvK-nummer", Value: prov.KvK},
		{Term: "Contactpersoon", Value: prov.Contact.Name + " (" + prov.Contact.Email + ")"},
		{Term: "Vastgelegd", Value: web.DateTime(a.RegisteredAt) + " door " + a.RegisteredBy}, {Term: "Versie", Value: strconv.Itoa(a.Revision)}}}}
	if a.Status == providersapi.BankAccountStatusConfirmed {
		p.Blocks = append(p.Blocks, web.Block{Text: "Deze rekening is bevestigd" + confirmedBy(a) + "."})
	} else {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Bevestigen", ID: "bevestigen", Form: f})
	}
	r.s.Render.Render(r.c.Writer, status, p)
}

func confirmedBy(a *providersapi.BankAccount) string {
	if a.ConfirmedAt == nil {
		return ""
	}
	return " op " + web.DateTime(a.ConfirmedAt) + " door " + web.Text(a.ConfirmedBy)
}

// confirmBankAccount confirms the revision finance saw; who registered it is told at the
// form that a colleague confirms it (four eyes).
func (s *Server) confirmBankAccount(c *gin.Context) {
	r := s.req(c)
	kvk := c.Param("kvk")
	in := r.input("version", "revision")
	if len(r.many(in, "checked")) == 0 {
		in.Errs["checked"] = "Bevestig alleen een rekening die u bij de opleider heeft gecontroleerd."
	}
	rev := in.integer("revision", 1, 1<<30)
	prov, version, err := s.App.ProviderVersion(r.ctx(), r.user(), kvk)
	if err != nil {
		r.fail(err)
		return
	}
	if a := prov.BankAccount; a != nil && a.RegisteredBy == r.sess.Subject { // four eyes, said at the form (the service refuses it too)
		in.Errs["checked"] = "U heeft deze rekening zelf vastgelegd; een collega van financiën bevestigt haar."
	}
	f := confirmForm(kvk, version, rev)
	show := func(f *web.Form, p *web.Problem, status int) { s.showBankAccountCheck(r, prov, f, p, status) }
	submit(r, in, f, show,
		func(key string) (providersapi.Provider, error) {
			return s.App.ConfirmBankAccount(r.ctx(), r.user(), kvk, in.Values["version"], key, rev)
		},
		func(p providersapi.Provider) {
			r.done("Bankrekening van "+p.Name+" bevestigd; aangehouden termijnen worden weer betaalbaar.", bankAccountsPath)
		})
}
