package ports

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/providersapi"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A provider keeps its own registry entry: it registers with the region, records its
// certificates (a buyer verifies them) and the bank account it is paid on (finance confirms
// it before a cent goes there).

const organisationPath = "/organisatie"

func (s *Server) organisation(c *gin.Context) {
	r := s.req(c)
	prov, _, err := s.App.ProviderVersion(r.ctx(), r.user(), r.sess.Org)
	var e *app.Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		s.showRegistration(r, registrationForm(), nil, http.StatusOK)
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page(prov.Name, "Uw inschrijving in het register van de regio: contactgegevens, certificaten en de bankrekening waarop u wordt betaald.")
	phone := ""
	if prov.Contact.Phone != nil {
		phone = *prov.Contact.Phone
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Inschrijving", Facts: []web.Fact{{Term: "KvK-nummer", Value: prov.KvK},
		{Term: "Contactpersoon", Value: prov.Contact.Name}, {Term: "E-mail", Value: prov.Contact.Email}, {Term: "Telefoon", Value: phone},
		{Term: "Regio's", Value: web.List(prov.Regions)}, {Term: "Ingeschreven op", Value: web.Date(prov.RegisteredAt)}}})
	p.Blocks = append(p.Blocks, certificatesBlock(prov))
	p.Blocks = append(p.Blocks, bankAccountBlock(prov))
	r.show(p)
}

func certificatesBlock(prov providersapi.Provider) web.Block {
	t := &web.Table{Caption: "Certificaten", Empty: "Nog geen certificaten vastgelegd.",
		Columns: []web.Column{{Label: "Certificaat"}, {Label: "Nummer"}, {Label: "Afgegeven"}, {Label: "Geldig tot en met"}, {Label: "Stand"}}}
	for _, ct := range prov.Certificates {
		state := web.Cell{Text: "geverifieerd", Badge: "good"}
		if ct.Pending != nil && *ct.Pending {
			state = web.Cell{Text: "wacht op verificatie", Badge: "warn"}
		}
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: ct.Type}, {Text: web.Text(ct.Number)}, {Text: web.Date(ct.IssuedOn)}, {Text: web.Date(ct.ExpiresOn)}, state}})
	}
	return web.Block{Heading: "Certificaten", ID: "certificaten", Table: t,
		Text:  "Een certificaat telt voor uw contracten zodra een inkoper of coördinator het heeft gecontroleerd. Leg een verlenging vast vóór de vervaldatum: een contract dat een verlopen certificaat vereist, wordt opgeschort.",
		Links: []web.Link{{Label: "Certificaat vastleggen", Href: organisationPath + "/certificaten/nieuw"}}}
}

func bankAccountBlock(prov providersapi.Provider) web.Block {
	b := web.Block{Heading: "Bankrekening", ID: "bankrekening", Links: []web.Link{{Label: "Bankrekening wijzigen", Href: organisationPath + "/bankrekening"}}}
	a := prov.BankAccount
	if a == nil {
		b.Text = "U heeft nog geen bankrekening vastgelegd; termijnen worden aangehouden tot financiën er een heeft bevestigd."
		b.Links[0].Label = "Bankrekening vastleggen"
		return b
	}
	state := web.Fact{Term: "Stand", Value: "bevestigd door financiën", Tone: "good"}
	if a.Status == providersapi.BankAccountStatusPending {
		state = web.Fact{Term: "Stand", Value: "wacht op bevestiging door financiën", Tone: "warn"}
		b.Text = "Financiën belt u op een bij hen bekend nummer om de wijziging te controleren. Tot de bevestiging worden uw termijnen aangehouden."
	}
	b.Facts = []web.Fact{{Term: "IBAN", Value: web.IBAN(a.IBAN)}, {Term: "Rekeninghouder", Value: a.AccountHolder}, state,
		{Term: "Adres", Value: address(a.Address)}, {Term: "Vastgelegd", Value: web.DateTime(a.RegisteredAt)}}
	return b
}

func address(a providersapi.PostalAddress) string {
	return a.Street + " " + a.BuildingNumber + ", " + a.PostCode + " " + a.Town + " (" + a.Country + ")"
}

func registrationForm() *web.Form {
	return &web.Form{Action: organisationPath, Submit: "Inschrijven", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "name", Label: "Naam van de organisatie", Required: true, Autocomplete: "organization"},
		{Name: "contactName", Label: "Contactpersoon", Required: true, Autocomplete: "name"},
		{Name: "email", Label: "E-mailadres", Type: "email", Required: true, Autocomplete: "email", Hint: "Hier komen de berichten over betalingen en certificaten."},
		{Name: "phone", Label: "Telefoonnummer", Type: "tel", Autocomplete: "tel"},
	}}
}

func (s *Server) showRegistration(r *req, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Inschrijven als opleider", "Schrijf uw organisatie (KvK "+r.sess.Org+") in bij de regio. Daarna kunt u zich aanmelden voor regelingen.", nil, f, problem, status)
}

func (s *Server) registerProvider(c *gin.Context) {
	r := s.req(c)
	in := r.input("name", "contactName", "email", "phone")
	body := providersapi.ProviderInput{KvK: r.sess.Org, Name: in.text("name", true), Regions: []string{r.sess.Region},
		Contact: providersapi.Contact{Name: in.text("contactName", true), Email: in.text("email", true)}}
	if phone := in.text("phone", false); phone != "" {
		body.Contact.Phone = &phone
	}
	submit(r, in, registrationForm(), func(f *web.Form, p *web.Problem, status int) { s.showRegistration(r, f, p, status) },
		func(key string) (providersapi.Provider, error) {
			return s.App.RegisterProvider(r.ctx(), r.user(), key, body)
		},
		func(p providersapi.Provider) {
			r.done(p.Name+" is ingeschreven in het register van de regio.", organisationPath)
		})
}

func certificateForm() *web.Form {
	return &web.Form{Action: organisationPath + "/certificaten", Submit: "Certificaat vastleggen", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "type", Label: "Soort certificaat", Required: true, Hint: "Zoals de regeling het noemt, bijvoorbeeld VCA, NRTO of Cedeo."},
		{Name: "number", Label: "Certificaatnummer"},
		{Name: "issuedOn", Label: "Afgegeven op", Type: "date", Required: true},
		{Name: "expiresOn", Label: "Geldig tot en met", Type: "date", Required: true},
	}}
}

func (s *Server) newCertificate(c *gin.Context) {
	s.showCertificateForm(s.req(c), certificateForm(), nil, http.StatusOK)
}

func (s *Server) showCertificateForm(r *req, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Certificaat vastleggen", "Een nieuw certificaat of een verlenging. Het telt zodra een inkoper of coördinator het heeft gecontroleerd.",
		[]web.Link{{Label: "Organisatie", Href: organisationPath}}, f, problem, status)
}

func (s *Server) addCertificate(c *gin.Context) {
	r := s.req(c)
	in := r.input("type", "number", "issuedOn", "expiresOn")
	body := providersapi.CertificateInput{Type: in.text("type", true), IssuedOn: in.date("issuedOn"), ExpiresOn: in.date("expiresOn")}
	if n := in.text("number", false); n != "" {
		body.Number = &n
	}
	submit(r, in, certificateForm(), func(f *web.Form, p *web.Problem, status int) { s.showCertificateForm(r, f, p, status) },
		func(key string) (providersapi.Provider, error) {
			return s.App.AddCertificate(r.ctx(), r.user(), r.sess.Org, key, body)
		},
		func(providersapi.Provider) {
			r.done("Certificaat "+body.Type+" vastgelegd; het telt zodra de regio het heeft gecontroleerd.", organisationPath+"#certificaten")
		})
}

func bankAccountForm(version string) *web.Form {
	return &web.Form{Action: organisationPath + "/bankrekening", Submit: "Bankrekening vastleggen", Hidden: map[string]string{"version": version}, Fields: []web.Field{
		{Name: "iban", Label: "IBAN", Required: true, Autocomplete: "off", Hint: "Bijvoorbeeld NL91 ABNA 0417 1643 00."},
		{Name: "accountHolder", Label: "Naam rekeninghouder", Required: true, Hint: "Zoals de bank de rekening op naam heeft staan."},
		{Name: "bic", Label: "BIC", Hint: "Alleen voor een rekening buiten Nederland."},
		{Name: "street", Label: "Straat", Required: true, Autocomplete: "address-line1"},
		{Name: "buildingNumber", Label: "Huisnummer", Required: true},
		{Name: "postCode", Label: "Postcode", Required: true, Autocomplete: "postal-code"},
		{Name: "town", Label: "Plaats", Required: true, Autocomplete: "address-level2"},
		{Name: "country", Label: "Land", Required: true, Value: "NL", Hint: "Landcode van twee letters, bijvoorbeeld NL of BE."},
	}}
}

func (s *Server) bankAccountPage(c *gin.Context) {
	r := s.req(c)
	prov, version, err := s.App.ProviderVersion(r.ctx(), r.user(), r.sess.Org)
	if err != nil {
		r.fail(err)
		return
	}
	f := bankAccountForm(version)
	if a := prov.BankAccount; a != nil { // start from the account as it is
		in := &input{Values: map[string]string{"iban": a.IBAN, "accountHolder": a.AccountHolder, "bic": web.Text(a.BIC), "street": a.Address.Street,
			"buildingNumber": a.Address.BuildingNumber, "postCode": a.Address.PostCode, "town": a.Address.Town, "country": a.Address.Country}}
		in.fill(f)
	}
	s.showBankAccountForm(r, f, nil, http.StatusOK)
}

func (s *Server) showBankAccountForm(r *req, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Bankrekening", "Een nieuwe of gewijzigde rekening wacht op bevestiging door financiën, die u daarvoor belt op een bij hen bekend nummer. Tot dan worden uw termijnen aangehouden.",
		[]web.Link{{Label: "Organisatie", Href: organisationPath}}, f, problem, status)
}

// registerBankAccount sends the account on the version the form was made from; sent twice
// (a double click), the second finds the version moved on and the account already as sent,
// which is the same outcome.
func (s *Server) registerBankAccount(c *gin.Context) {
	r := s.req(c)
	in := r.input("iban", "accountHolder", "bic", "street", "buildingNumber", "postCode", "town", "country")
	body := providersapi.BankAccountInput{IBAN: compactIBAN(in.text("iban", true)), AccountHolder: in.text("accountHolder", true),
		Address: providersapi.PostalAddress{Street: in.text("street", true), BuildingNumber: in.text("buildingNumber", true),
			PostCode: in.text("postCode", true), Town: in.text("town", true), Country: in.text("country", true)}}
	if bic := in.text("bic", false); bic != "" {
		body.BIC = &bic
	}
	submit(r, in, bankAccountForm(r.form("version")), func(f *web.Form, p *web.Problem, status int) { s.showBankAccountForm(r, f, p, status) },
		func(string) (providersapi.Provider, error) {
			prov, err := s.App.RegisterBankAccount(r.ctx(), r.user(), r.sess.Org, r.form("version"), body)
			if isStale(err) {
				if now, _, again := s.App.ProviderVersion(r.ctx(), r.user(), r.sess.Org); again == nil && sameAccount(now.BankAccount, body) {
					return now, nil
				}
			}
			return prov, err
		},
		func(providersapi.Provider) {
			r.done("Bankrekening vastgelegd. Financiën neemt contact met u op om haar te bevestigen.", organisationPath+"#bankrekening")
		})
}

func sameAccount(a *providersapi.BankAccount, in providersapi.BankAccountInput) bool {
	return a != nil && a.Status == providersapi.BankAccountStatusPending && a.IBAN == in.IBAN && a.AccountHolder == in.AccountHolder
}

// compactIBAN is an IBAN as the service keeps it: no spaces, capitals.
func compactIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}
