package local

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/devstack/internal/demo"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
)

// The regional portal in a real browser, on the demo data of `werkregio up`: each role signs
// in at the (local) identity provider with one click and does its main task end to end;
// every screen passes the accessibility check (axe-core: no serious or critical violation
// of WCAG 2.1 AA) and is saved as a screenshot; URLs tampered with in the address bar reach
// nothing of another organisation or role; a form from elsewhere is refused.
func TestPortalInABrowser(t *testing.T) {
	r := platform(t)
	b := newBrowser(t, r.Portal)

	t.Run("region overview: the jobs goal against its target line and SROI by status", func(t *testing.T) {
		u := b.signIn(t, "coordinator@groningen")
		u.open("/regio")
		u.see("Banendoel: 1000-banenplan Groningen (vervolg)", "Aan het werk", "Doellijn vandaag", "Nodig per maand",
			"Social-return-projecten naar stand", "op koers", "achter", "behaald", "verlopen")
		chart := eval[int](u, `document.querySelectorAll('figure.chart svg[role="img"] rect').length`)
		if chart == 0 {
			t.Error("the jobs goal has no chart")
		}
		u.check("regio-overzicht")
		// the toegankelijkheidsverklaring is linked from every page
		u.run(chromedp.Click(`//footer//a[text()="Toegankelijkheid"]`))
		u.waitFor("Toegankelijkheidsverklaring")
		u.see("WCAG 2.1", "Hoe is getoetst", "Wat nog niet voldoet", "Melden wat niet werkt")
		u.check("toegankelijkheidsverklaring")
		u.open("/regio")
		goal := u.download(`a[href^="/regio/doelen/"]`)
		if !bytes.HasPrefix(goal, []byte("\uFEFFKwartaal;Aan het werk;Totaal tot dan;Doellijn\n")) {
			t.Errorf("the goal's CSV in Dutch, in columns: %.200s", goal)
		}
		// every table filterable, and a filter is a link that survives a reload
		u.open("/regio?jaar=2026")
		u.dontSee("2025-Q1")
		u.run(chromedp.Reload())
		u.waitSel("h1")
		u.dontSee("2025-Q1")
		u.open("/sroi/projecten?status=overdue")
		u.see("Renovatie sporthal Delfzijl", "Verlopen:", "Gerealiseerd tegen verstreken tijd als tabel")
		u.dontSee("Groot onderhoud N33 Zuidbroek")
		u.check("sroi-projecten-verlopen")

		admin := b.signIn(t, "beheerder@groningen") // the region's administrator sees the same monitor
		admin.open("/regio")
		admin.see("Banendoel: 1000-banenplan Groningen (vervolg)")
		admin.check("beheerder-regio")
		// and, per service, the messages it could not accept, to replay or discard: a job
		// reported by an HR system the region never registered
		publishUnregisteredJob(t, r)
		deadline := time.Now().Add(30 * time.Second)
		for admin.open("/beheer/berichten"); !strings.Contains(admin.body(), "/hr/onbekend"); admin.open("/beheer/berichten") {
			if time.Now().After(deadline) {
				t.Fatal("the refused job is not on the page")
			}
			time.Sleep(200 * time.Millisecond)
		}
		admin.see("Onverwerkte berichten", "Deelnemers en trajecten", "Betalingen", "Social return")
		admin.see("is geen geregistreerd partnersysteem van deze regio")
		admin.check("beheerder-berichten")
		admin.run(chromedp.Click(`//tr[contains(., '/hr/onbekend')]//button[starts-with(., 'Opnieuw verwerken')]`))
		admin.waitFor("1 opnieuw geweigerd")
		admin.run(chromedp.Click(`//tr[contains(., '/hr/onbekend')]//a[text()='Verwijderen']`))
		admin.waitSel("#f-reden")
		admin.see("Bericht verwijderen", "/hr/onbekend")
		admin.run(chromedp.Click(`main form button[type="submit"]`))
		admin.waitSel("#f-reden") // required: the browser asks for the reason first
		admin.run(chromedp.SetValue("#f-reden", "onbekend systeem, werkgever gebeld"), chromedp.Click(`main form button[type="submit"]`))
		admin.waitFor("bericht verwijderd; de reden is bewaard")
		admin.dontSee("/hr/onbekend")
		admin.check("beheerder-bericht-verwijderd")
		admin.open("/beheer/geparkeerd") // changes whose events could not be published: none in the demo
		admin.see("Geparkeerde wijzigingen", "Inkoop", "Social return", "Niets geparkeerd.")
		admin.check("beheerder-geparkeerd")
		// the region's social-return policy: a new version from a day to come
		admin.open("/beheer/social-return-beleid")
		admin.see("versie 1")
		admin.run(chromedp.SetValue("#f-source", "Beleidsregels social return 2027"), chromedp.SetValue("#f-effectiveFrom", time.Now().AddDate(0, 1, 0).Format("2006-01-02")),
			chromedp.SetValue("#f-percent", "vijf"), chromedp.SetValue("#f-threshold", "250.000,00"), chromedp.Click(`#nieuwe-versie button[type="submit"]`))
		admin.waitSel("#f-percent-error")
		admin.check("beheerder-beleid-fout")
		admin.run(chromedp.SetValue("#f-percent", "5"), chromedp.Click(`#nieuwe-versie button[type="submit"]`))
		admin.waitFor("van het beleid gepubliceerd")
		admin.see("Beleidsregels social return 2027", "€ 250.000,00")
		// the value tables: the version in force as JSON is the start of the next; a table
		// whose worked examples it does not value as published is refused, in Dutch
		admin.open("/beheer/waardetabellen")
		admin.see("Waarde per doelgroep", "Per jaar voltijd", "Rekenvoorbeelden")
		admin.check("beheerder-waardetabellen")
		var table map[string]any
		if err := json.Unmarshal(admin.download(`a[href$=".json"]`), &table); err != nil {
			t.Fatalf("the table's JSON: %v", err)
		}
		table["id"], table["version"] = table["id"].(string)+"-herzien", table["version"].(float64)+1 // a new table: id and version
		table["effectiveFrom"] = time.Now().AddDate(0, 2, 0).Format("2006-01-02")
		table["source"] = "Bouwblokken social return, herziening 2027 (testversie van de regio)"
		yearly := table["yearlyCents"].(map[string]any)
		for k, v := range yearly {
			yearly[k] = v.(float64) + 100_000 // every value a thousand euro more: the examples no longer hold
		}
		file := filepath.Join(t.TempDir(), "waardetabel.json")
		write := func() {
			raw, _ := json.Marshal(table)
			if err := os.WriteFile(file, raw, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write()
		admin.run(chromedp.SetUploadFiles(`#f-file`, []string{file}), chromedp.Click(`#publiceren button[type="submit"]`))
		admin.waitSel(".problem")
		admin.see("rekenvoorbeeld") // which worked example the new values do not give, in Dutch
		admin.check("beheerder-waardetabel-fout")
		for k, v := range yearly {
			yearly[k] = v.(float64) - 100_000
		}
		write()
		admin.run(chromedp.SetUploadFiles(`#f-file`, []string{file}), chromedp.Click(`#publiceren button[type="submit"]`))
		admin.waitFor("gepubliceerd: alle")
		admin.see("herziening 2027")
	})

	t.Run("contractor declares a candidate and sees its value and calculation", func(t *testing.T) {
		u := b.signIn(t, "opdrachtnemer@groningen")
		u.open("/sroi/projecten")
		u.see("Versterking scholen Eemsdelta", "Renovatie sporthal Delfzijl")
		u.dontSee("Groot onderhoud N33 Zuidbroek") // another contractor's
		u.check("opdrachtnemer-projecten")
		u.run(chromedp.Click(`//a[text()="Versterking scholen Eemsdelta"]`))
		u.waitSel("#kandidaat")
		u.see("Social return tegen de verplichting als tabel")
		u.check("opdrachtnemer-project")
		bsn := newBSN(t)
		from := time.Now().AddDate(0, -2, 0).Format("2006-01-02")
		until := time.Now().AddDate(0, 10, 0).Format("2006-01-02")
		u.run(chromedp.SetValue("#f-bsn", bsn), chromedp.SetValue("#f-candidateType", "wajong"), chromedp.SetValue("#f-hoursPerWeek", "36"),
			chromedp.SetValue("#f-from", from), chromedp.SetValue("#f-until", until), chromedp.SetValue("#f-contractType", "permanent"),
			chromedp.Click(`#kandidaat button[type="submit"]`))
		u.waitFor("Verklaring ingediend")
		u.see("Hoe de waarde is berekend", "Kandidaat (Wajong)", "Maanden geteld")
		steps := eval[int](u, `document.querySelectorAll('table tbody tr').length`)
		if steps == 0 {
			t.Error("the declaration shows no calculation trace")
		}
		if strings.Contains(u.html(), bsn) || strings.Contains(u.location(), bsn) {
			t.Error("the BSN is on the page or in its URL")
		}
		u.check("opdrachtnemer-verklaring")
		declaration := strings.TrimPrefix(u.location(), r.Portal)
		// the buyer decides it: a rejection needs a reason, an approval counts it
		buyer := b.signIn(t, "inkoper@groningen")
		buyer.open(declaration)
		buyer.waitSel("#besluit")
		buyer.check("inkoper-verklaring-besluiten")
		buyer.run(chromedp.SetValue("#f-besluit", "afwijzen"), chromedp.Click(`#besluit button[type="submit"]`))
		buyer.waitFor("zeg bij afwijzen waarom")
		buyer.run(chromedp.SetValue("#f-besluit", "goedkeuren"), chromedp.SetValue("#f-reden", "Arbeidsovereenkomst gezien"),
			chromedp.Click(`#besluit button[type="submit"]`))
		buyer.waitFor("Besluit vastgelegd: de verklaring is goedgekeurd")
		buyer.dontSee("Besluit vastleggen")
		u.open(declaration)
		u.see("Arbeidsovereenkomst gezien")
		// the refusal of a bad BSN is said at the field, and keeps what was typed
		u.run(chromedp.Click(`//a[text()="Project"]`))
		u.waitSel("#kandidaat")
		u.run(chromedp.SetValue("#f-bsn", "123456789"), chromedp.SetValue("#f-until", until), chromedp.Click(`#kandidaat button[type="submit"]`))
		u.waitFor("Controleer de invoer")
		u.see("elfproef")
		u.check("opdrachtnemer-fout")
	})

	t.Run("finance approves with four eyes, makes a run and downloads its pain.001", func(t *testing.T) {
		first := b.signIn(t, "financien@groningen")
		first.open("/financien/termijnen")
		first.see("Termijnen", "€ 380,00")
		first.check("financien-termijnen")
		tranche := eval[string](first, `(() => { const b = [...document.querySelectorAll('tbody tr')].find(r => r.innerText.includes('€ 380,00') && r.querySelector('button'));
			if (!b) return ''; const id = b.querySelector('.lines li').innerText; b.querySelector('button').click(); return id; })()`)
		if tranche == "" {
			t.Fatal("no payable tranche of EUR 380 to approve")
		}
		first.waitFor("Uw goedkeuring is vastgelegd")
		first.see("u keurde al goed")

		second := b.signIn(t, "controller@groningen") // approves as second, among the tranches she may approve at once
		second.open("/financien/termijnen/goedkeuren")
		second.see("als tweede goedkeuring")
		second.check("financien-termijnen-goedkeuren")
		second.run(chromedp.Click(fmt.Sprintf(`#f-tranches input[value=%q]`, tranche)), chromedp.Click(`#termijnen button[type="submit"]`))
		second.waitFor("1 termijn goedgekeurd")

		second.open("/financien/termijnen?status=held")
		second.see("Aangehouden: budget ontoereikend")
		second.check("financien-aangehouden")
		second.open("/financien/budgetten")
		second.see("Regionaal Investeringsfonds", "Perspectief op Werk")
		second.check("financien-budgetten")

		second.open("/financien/betaalruns")
		second.run(chromedp.Click(`#nieuwe-betaalrun button[type="submit"]`))
		second.waitFor("Tweede goedkeuring")
		second.see("gemaakt", "Totalen per opleider", "Totalen per budget", "Overboekingen en het antwoord van de bank")
		second.dontSee("SEPA-bestand downloaden") // four eyes: no file before a second officer approved the run
		second.check("financien-betaalrun-goedkeuren")
		runPage := strings.TrimPrefix(second.location(), b.portal)
		second.run(chromedp.Click(`#goedkeuren button[type="submit"]`))
		second.waitFor("Niet goedgekeurd") // who built the run does not approve it
		first.open(runPage)
		first.run(chromedp.Click(`#goedkeuren button[type="submit"]`))
		first.waitFor("SEPA-bestand downloaden")
		first.check("financien-betaalrun")
		msgID := strings.TrimPrefix(first.text("h1"), "Betaalrun ")
		total := eval[string](first, `[...document.querySelectorAll('.facts div')].find(d => d.querySelector('dt').innerText === 'Totaal').querySelector('dd').innerText`)
		amount := strings.NewReplacer("€ ", "", ".", "", ",", ".").Replace(total)
		file := first.download(`a[href$="/bestand"]`)
		for _, want := range []string{"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09", "<MsgId>" + msgID + "</MsgId>", "<CtrlSum>" + amount + "</CtrlSum>"} {
			if !bytes.Contains(file, []byte(want)) {
				t.Errorf("the run's file has no %s: %.600s", want, file)
			}
		}
		second.open("/financien/betaalruns")
		second.see("1 betaald") // the run the bank confirmed (pain.002)
		second.check("financien-betaalruns")

		// the bank's status report on the run: a line that matches no transfer moves no money and
		// waits as an exception until someone records how it was resolved
		report := filepath.Join(t.TempDir(), "pain002.xml")
		if err := os.WriteFile(report, []byte(`<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>`+
			`<GrpHdr><MsgId>STS-BROWSER</MsgId><CreDtTm>2026-12-02T10:00:00+01:00</CreDtTm></GrpHdr>`+
			`<OrgnlGrpInfAndSts><OrgnlMsgId>`+msgID+`</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>`+
			`<OrgnlPmtInfAndSts><OrgnlPmtInfId>`+msgID+`</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>ONBEKEND-1</OrgnlEndToEndId><TxSts>ACSC</TxSts>`+
			`<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">1.00</InstdAmt></Amt><DbtrAcct><Id><IBAN>`+demo.DebtorIBAN+`</IBAN></Id></DbtrAcct></OrgnlTxRef></TxInfAndSts>`+
			`</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`), 0o600); err != nil {
			t.Fatal(err)
		}
		second.open("/financien/bankbestanden")
		second.check("financien-bankbestand")
		second.run(chromedp.SetUploadFiles(`#f-file`, []string{report}), chromedp.Click(`main form button[type="submit"]`))
		second.waitFor("afwijkingen: 1.")
		second.see("het kenmerk hoort bij geen enkele overboeking")
		second.check("financien-afwijkingen")
		second.run(chromedp.Click(`main tbody a`))
		second.waitSel("#f-reason")
		second.run(chromedp.SetValue("#f-reason", "Navraag bij de bank: proefregel van hun kant, geen betaling."), chromedp.Click(`#afhandelen button[type="submit"]`))
		second.waitFor("afgehandeld")
		second.see("Geen afwijkingen met deze filters.")
	})

	t.Run("provider reports attendance and sees it against the minimum; its offer and payments", func(t *testing.T) {
		u := b.signIn(t, "opleider@groningen")
		u.open("/aanbod")
		u.see("Contract OH-2026-BT/12345678/1", "Timmerman basis", "plaatsen")
		u.check("opleider-aanbod")
		u.run(chromedp.Click(`//a[text()="Startmoment toevoegen"]`))
		u.waitSel("#f-capacity")
		u.run(chromedp.SetValue("#f-date", time.Now().AddDate(0, 2, 0).Format("2006-01-02")), chromedp.SetValue("#f-location", "Delfzijl"),
			chromedp.SetValue("#f-capacity", "8"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("in Delfzijl toegevoegd")
		u.see("8 plaatsen")
		u.open("/trajecten?status=started")
		u.see("Trechter", "Bouwopleiding Noord")
		u.dontSee("TechniekCampus Groningen") // another provider's
		u.check("opleider-trajecten")
		u.run(chromedp.Click(`tbody a`))
		u.waitSel("#melden")
		before := u.text(".stat-value")
		u.run(chromedp.SetValue("#f-hours", "6.5"), chromedp.Click(`#melden button[type="submit"]`))
		u.waitFor("Gemeld: 6,5 uur")
		if after := u.text(".stat-value"); after == before {
			t.Errorf("attendance still %s after reporting 6.5 hours", after)
		}
		u.see("minimum")
		u.check("opleider-traject")
		// a trajectory that has not started: the provider reports that the participant stopped
		u.open("/trajecten?status=enrolled")
		u.run(chromedp.Click(`tbody a`))
		u.waitSel("#mijlpalen")
		u.see("Start melden")
		u.dontSee("Afronding melden", "Plaatsing vastleggen") // not yet started; a placement is the work coach's
		u.run(chromedp.Click(`//a[text()="Uitval melden"]`))
		u.waitSel("#f-reason")
		u.check("opleider-uitval")
		u.run(chromedp.SetValue("#f-reason", "Werk gevonden buiten het traject"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Uitval gemeld.")
		u.see("uitgevallen")
		u.open("/betalingen")
		u.see("Te betalen", "Betaald", "betaald")
		u.check("opleider-betalingen")
	})

	t.Run("coordinator: participants without a BSN, an audited reveal, the funnel and outcomes per provider", func(t *testing.T) {
		u := b.signIn(t, "coordinator@groningen")
		u.open("/deelnemers")
		u.see("Sanne de Vries", "Mohammed Al-Hassan")
		u.check("coordinator-deelnemers")
		u.run(chromedp.Click(`//a[text()="Sanne de Vries"]`))
		u.waitSel("#bsn")
		u.dontSee("BSN (opgevraagd")
		u.check("coordinator-deelnemer")
		u.run(chromedp.SetValue("#f-reason", "controle inschrijving bij UWV"), chromedp.Click(`#bsn button[type="submit"]`))
		u.waitFor("BSN (opgevraagd en vastgelegd)")
		if loc := u.location(); strings.ContainsAny(strings.TrimPrefix(loc, r.Portal), "0123456789") && strings.Contains(loc, "bsn=") {
			t.Errorf("the BSN is in the URL %s", loc)
		}
		u.open("/trajecten")
		u.see("Trechter", "Ingeschreven", "Duurzaam geplaatst", "Uitgevallen", "Trechter van de trajecten als tabel")
		u.check("coordinator-trajecten")
		u.open("/resultaten")
		u.see("12345678", "Afronding", "Duurzame plaatsing", "Trajecten per opleider naar stand als tabel")
		u.check("coordinator-resultaten")

		coach := b.signIn(t, "werkcoach@groningen")
		coach.open("/deelnemers")
		coach.see("Sanne de Vries")
		coach.run(chromedp.Click(`//a[text()="Sanne de Vries"]`))
		coach.waitFor("; werkcoach")
		coach.dontSee("BSN opvragen") // only a coordinator may
		coach.check("werkcoach-deelnemer")
	})

	t.Run("buyer: terms history, refusals, suspended contracts, tender calendar", func(t *testing.T) {
		u := b.signIn(t, "inkoper@groningen")
		u.open("/inkoop/regelingen")
		u.check("inkoper-regelingen")
		u.run(chromedp.Click(`//a[text()="Open House Bouw & Techniek (1000-banenplan)"]`))
		u.waitSel(`section[id^="product-"]`)
		u.see("versie 1", "versie 2", "40% bij start")
		u.check("inkoper-regeling")
		u.open("/inkoop/aanmeldingen")
		u.see("Afgewezen: prijs boven het maximum")
		u.check("inkoper-aanmeldingen")
		u.open("/inkoop/contracten")
		u.see("Opgeschort: vereist certificaat niet meer geldig")
		marked := eval[int](u, `document.querySelectorAll('tr.row-warn').length`)
		if marked == 0 {
			t.Error("a suspended contract is not highlighted")
		}
		u.check("inkoper-contracten")
		u.open("/inkoop/contracten?status=suspended")
		u.dontSee("Bouwopleiding Noord (KvK")
		u.open("/inkoop/aanbestedingen")
		u.see("Abonneren op de kalender", "tender-calendar.ics", "Bouwbedrijf Eemsdelta BV")
		u.check("inkoper-aanbestedingen")
	})

	t.Run("buyer makes a scheme, adds a product with its terms and publishes it, through forms", func(t *testing.T) {
		u := b.signIn(t, "inkoper@groningen")
		u.open("/inkoop/regelingen")
		u.run(chromedp.Click(`//a[text()="Nieuwe regeling"]`))
		u.waitSel("#f-reference")
		u.check("inkoper-nieuwe-regeling")
		ref := fmt.Sprintf("OH-T%d", time.Now().UnixNano()%1_000_000)
		from, until := time.Now().Format("2006-01-02"), time.Now().AddDate(1, 0, 0).Format("2006-01-02")
		// the service's rule is said in Dutch at its field, and what was typed is kept
		u.run(chromedp.SetValue("#f-reference", ref), chromedp.SetValue("#f-title", "Zorg en welzijn in de wijk"),
			chromedp.SetValue("#f-sector", "zorg"), chromedp.SetValue("#f-openFrom", until), chromedp.SetValue("#f-openUntil", from),
			chromedp.Click(`main form button[type="submit"]`))
		u.waitSel("#f-openUntil-error")
		u.see("Moet na de openingsdatum liggen.")
		if v := eval[string](u, `document.querySelector('#f-title').value`); v != "Zorg en welzijn in de wijk" {
			t.Errorf("the title typed is gone: %q", v)
		}
		u.check("inkoper-nieuwe-regeling-fout")
		u.run(chromedp.SetValue("#f-openFrom", from), chromedp.SetValue("#f-openUntil", until),
			chromedp.SetValue("#f-assessedRequirements", "Uitvoeringsplan sluit aan op de leerdoelen\nStageplaatsen in de wijk"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("aangemaakt als concept")
		u.see("Wat u kunt doen", "Regeling publiceren", "Eisen die de inkoper beoordeelt", "Stageplaatsen in de wijk")
		u.run(chromedp.Click(`//a[text()="Product toevoegen"]`))
		u.waitSel("#f-maxPrice")
		// the parts of the price must add up to 100%
		u.run(chromedp.SetValue("#f-name", "Helpende zorg en welzijn (BBL niveau 2)"), chromedp.SetValue("#f-maxPrice", "4.500,00"),
			chromedp.SetValue("#f-minAttendanceHours", "120"), chromedp.SetValue("#f-requiredCertificates", "Erkend leerbedrijf"),
			chromedp.SetValue("#f-startedPercent", "40"), chromedp.SetValue("#f-completedPercent", "40"),
			chromedp.Click(`main form button[type="submit"]`))
		u.waitSel("#f-startedPercent-error")
		u.see("tellen op tot 80%")
		u.check("inkoper-product-fout")
		u.run(chromedp.SetValue("#f-placedPercent", "20"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Product Helpende zorg en welzijn (BBL niveau 2) toegevoegd")
		u.see("€ 4.500,00", "120 uur", "40% bij start", "20% bij plaatsing")
		u.run(chromedp.Click(`//button[text()="Regeling publiceren"]`))
		u.waitFor("is gepubliceerd")
		u.check("inkoper-regeling-gepubliceerd")
		// new terms for the product: the form starts from the version in force
		u.run(chromedp.Click(`//a[text()="Nieuwe voorwaarden voor Helpende zorg en welzijn (BBL niveau 2)"]`))
		u.waitSel("#f-maxPrice")
		if v := eval[string](u, `document.querySelector('#f-maxPrice').value`); v != "4500,00" {
			t.Errorf("the terms form starts from %q, want the price cap in force", v)
		}
		u.run(chromedp.SetValue("#f-maxPrice", "4.750,00"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Voorwaarden versie 2 van Helpende zorg en welzijn (BBL niveau 2) vastgelegd")
		u.see("€ 4.750,00", "versie 2")
		// what the service holds now
		var list struct {
			Items []struct {
				Reference, Status string
				Products          []struct{ Name string }
			}
		}
		if err := demoTarget(t, r).Get(context.Background(), "procurement", auth.RoleBuyer, demo.BuyerOrg, "/api/v1/schemes?status=open&limit=500", &list); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, sc := range list.Items {
			found = found || sc.Reference == ref && len(sc.Products) == 1 && sc.Products[0].Name == "Helpende zorg en welzijn (BBL niveau 2)"
		}
		if !found {
			t.Errorf("scheme %s is not open with its product", ref)
		}

		// a tender announced and awarded: the award starts the social-return obligation
		title := fmt.Sprintf("Onderhoud gemalen %d", time.Now().UnixNano()%1_000_000)
		u.open("/inkoop/aanbestedingen")
		u.run(chromedp.Click(`//a[text()="Nieuwe aanbesteding"]`))
		u.waitSel("#f-estimatedValue")
		u.check("inkoper-nieuwe-aanbesteding")
		u.run(chromedp.SetValue("#f-title", title), chromedp.SetValue("#f-expectedPublication", time.Now().AddDate(0, 0, -40).Format("2006-01-02")),
			chromedp.SetValue("#f-estimatedValue", "2.400.000"), chromedp.SetValue("#f-sroiPercent", "5"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("staat op de kalender")
		u.run(chromedp.Click(`//tr[contains(., '` + title + `')]//a[text()="Gunnen"]`))
		u.waitSel("#f-contractorKvk")
		u.check("inkoper-gunning")
		u.run(chromedp.SetValue("#f-contractorName", "Waterbouw Hunze BV"), chromedp.SetValue("#f-contractorKvk", "12345678"),
			chromedp.SetValue("#f-contractValue", "twee miljoen"), chromedp.SetValue("#f-awardedOn", time.Now().AddDate(0, 0, -2).Format("2006-01-02")),
			chromedp.SetValue("#f-publicationDate", time.Now().AddDate(0, 0, -30).Format("2006-01-02")),
			chromedp.SetValue("#f-contractEnd", time.Now().AddDate(2, 0, 0).Format("2006-01-02")), chromedp.Click(`main form button[type="submit"]`))
		u.waitSel("#f-contractValue-error") // not an amount: said at the field, the rest kept
		if v := eval[string](u, `document.querySelector('#f-contractorName').value`); v != "Waterbouw Hunze BV" {
			t.Errorf("the contractor typed is gone: %q", v)
		}
		u.run(chromedp.SetValue("#f-contractValue", "2.350.000,00"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("is gegund aan Waterbouw Hunze BV")
		var tenders struct {
			Items []struct{ ID, Title, Status string }
		}
		tg := demoTarget(t, r)
		if err := tg.Get(context.Background(), "procurement", auth.RoleBuyer, demo.BuyerOrg, "/api/v1/tenders?status=awarded&limit=500", &tenders); err != nil {
			t.Fatal(err)
		}
		id := ""
		for _, td := range tenders.Items {
			if td.Title == title {
				id = td.ID
			}
		}
		if id == "" {
			t.Fatalf("%s is not awarded", title)
		}
		deadline := time.Now().Add(30 * time.Second)
		var project struct {
			Progress struct{ ObligationCents int64 }
		}
		for tg.Get(context.Background(), "sroi", auth.RoleBuyer, demo.BuyerOrg, "/api/v1/projects/prj-"+id, &project) != nil {
			if time.Now().After(deadline) {
				t.Fatal("the award made no social-return project")
			}
			time.Sleep(200 * time.Millisecond)
		}
		if project.Progress.ObligationCents <= 0 {
			t.Errorf("the award's obligation: %d", project.Progress.ObligationCents)
		}

		// an application that meets every rule the platform checks waits for the buyer, who
		// judges each requirement the scheme names: a requirement not met needs its reason
		u.open("/inkoop/aanmeldingen?status=in_review")
		u.see("ter beoordeling", "wacht op uw beoordeling")
		u.check("inkoper-te-beoordelen")
		u.run(chromedp.Click(`//a[text()="TechniekCampus Groningen"]`))
		u.waitFor("Aanmelding beoordelen: TechniekCampus Groningen")
		u.see(demo.TLAssessed[0], "Toelichting van de opleider: Elke cursist volgt het opleidingsplan", "€ 1.400,00, 130 uur")
		u.check("inkoper-aanmelding-beoordelen")
		u.run(chromedp.SetValue(`[id="f-assessments[0].met"]`, "met"), chromedp.SetValue(`[id="f-assessments[1].met"]`, "not-met"),
			chromedp.Click(`main form button[type="submit"]`))
		u.waitSel(`[id="f-assessments[1].reason-error"]`)
		u.see("Geef aan waarom niet is voldaan")
		u.check("inkoper-aanmelding-beoordelen-fout")
		u.run(chromedp.SetValue(`[id="f-assessments[1].met"]`, "met"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("TechniekCampus Groningen is toegelaten tot Open House Transport & Logistiek")
		var admitted struct {
			Items []struct{ Status, ContractID string }
		}
		if err := tg.Get(context.Background(), "procurement", auth.RoleBuyer, demo.BuyerOrg, "/api/v1/applications?providerKvk="+demo.Provider2KvK+"&limit=100", &admitted); err != nil {
			t.Fatal(err)
		}
		accepted := 0
		for _, a := range admitted.Items {
			if a.Status == "in_review" {
				t.Errorf("still in review after the decision: %+v", a)
			}
			if a.Status == "accepted" && a.ContractID != "" {
				accepted++
			}
		}
		if accepted != 2 {
			t.Errorf("TechniekCampus holds %d contracts, want building and, now, transport: %+v", accepted, admitted.Items)
		}
	})

	t.Run("a buyer names a project's responsible persons", func(t *testing.T) {
		u := b.signIn(t, "inkoper@groningen")
		u.open("/sroi/projecten")
		u.run(chromedp.Click(`//a[text()="Renovatie sporthal Delfzijl"]`))
		u.waitSel("#betrokkenen")
		u.run(chromedp.Click(`//a[text()="Betrokkenen vastleggen"]`))
		u.waitSel("#f-werkpleinEmail")
		u.check("inkoper-betrokkenen")
		u.run(chromedp.SetValue("#f-werkpleinName", "Wim Werkplein"), chromedp.SetValue("#f-werkpleinEmail", "wim@werkplein.example"),
			chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Betrokkenen vastgelegd.")
		u.see("Wim Werkplein (wim@werkplein.example)")
	})

	t.Run("finance opens a budget, tops it up and cannot reduce it below what is committed", func(t *testing.T) {
		u := b.signIn(t, "financien@groningen")
		u.open("/financien/budgetten")
		u.run(chromedp.Click(`//a[text()="Nieuw budget"]`))
		u.waitSel("#f-amount")
		u.check("financien-nieuw-budget")
		name := fmt.Sprintf("Perspectief op Werk %d", time.Now().UnixNano()%1_000_000)
		u.run(chromedp.SetValue("#f-name", name), chromedp.SetValue("#f-source", "Perspectief op Werk"), chromedp.SetValue("#f-amount", "250.000,00"),
			chromedp.SetValue("#f-from", time.Now().Format("2006-01-02")), chromedp.SetValue("#f-until", time.Now().AddDate(1, 0, 0).Format("2006-01-02")),
			chromedp.Click(`main form button[type="submit"]`))
		u.waitSel("#f-schemes-error") // no scheme ticked: said at the group, the rest kept
		u.run(chromedp.Click(`#f-schemes input[type="checkbox"]`), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("geopend met € 250.000,00")
		u.see("Stand van het budget als tabel")
		u.check("financien-budget")
		u.run(chromedp.SetValue("#ophogen #f-amount", "50.000"), chromedp.SetValue("#ophogen #f-reason", "Aanvullende toekenning PoW, brief 12 maart"),
			chromedp.Click(`#ophogen button[type="submit"]`))
		u.waitFor("Toegekend is nu € 300.000,00")
		u.run(chromedp.SetValue("#verlagen #f-amount", "400.000"), chromedp.SetValue("#verlagen #f-reason", "Bijstelling door de bron"),
			chromedp.Click(`#verlagen button[type="submit"]`))
		u.waitFor("Niet verwerkt:")
		u.see("Van het budget is nog € 300.000,00 vrij")
		var budgets struct {
			Items []struct {
				Name         string
				GrantedCents int64
			}
		}
		if err := demoTarget(t, r).Get(context.Background(), "payments", auth.RoleFinance, demo.BuyerOrg, "/api/v1/budgets?limit=500", &budgets); err != nil {
			t.Fatal(err)
		}
		for _, bg := range budgets.Items {
			if bg.Name == name && bg.GrantedCents != 30_000_000 {
				t.Errorf("%s granted %d, want 30000000", name, bg.GrantedCents)
			}
		}
	})

	t.Run("work coach registers a job seeker with their consent, the BSN never shown again", func(t *testing.T) {
		u := b.signIn(t, "werkcoach@groningen")
		u.open("/deelnemers")
		u.run(chromedp.Click(`//a[text()="Deelnemer inschrijven"]`))
		u.waitSel("#f-bsn")
		u.check("werkcoach-inschrijven")
		bsn := newBSN(t)
		name := fmt.Sprintf("Sanne de Vries %d", time.Now().UnixNano()%1_000_000)
		u.run(chromedp.SetValue("#f-name", name), chromedp.SetValue("#f-bsn", bsn), chromedp.SetValue("#f-municipality", "Delfzijl"),
			chromedp.SetValue("#f-purpose", "Begeleiding naar werk en delen met de opleider"), chromedp.Click(`main form button[type="submit"]`))
		u.waitSel("#f-targetGroups-error") // no target group: said at the group; the BSN is typed anew, never sent back
		if strings.Contains(u.html(), bsn) {
			t.Fatal("the BSN is on the page shown again")
		}
		u.run(chromedp.Click(`#f-targetGroups input[value="participatiewet"]`), chromedp.SetValue("#f-bsn", bsn), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("is ingeschreven")
		u.see(name, "Delfzijl")
		if strings.Contains(u.html(), bsn) || strings.Contains(u.location(), bsn) {
			t.Error("the BSN is on the participant's page or in its URL")
		}
		u.check("werkcoach-ingeschreven")
		// and enrols them in a provider's start, chosen as one thing
		u.run(chromedp.Click(`//a[text()="Inschrijven op een traject"]`))
		u.waitSel("#f-start")
		u.check("werkcoach-inschrijven-traject")
		first := eval[string](u, `document.querySelector('#f-start').options.length > 1 ? document.querySelector('#f-start').options[1].value : ''`)
		if first == "" {
			t.Fatal("no start to choose")
		}
		u.run(chromedp.SetValue("#f-start", first), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("is ingeschreven op")
		if !strings.Contains(u.location(), "/trajecten/") {
			t.Errorf("after enrolling: %s", u.location())
		}
		u.check("werkcoach-traject")

		// the work coach's tasks on the participant, each a page of its own
		u.open("/deelnemers")
		u.run(chromedp.Click(fmt.Sprintf(`//a[text()=%q]`, name)))
		u.waitSel("#taken")
		participantPage := strings.TrimPrefix(u.location(), r.Portal)
		u.run(chromedp.Click(`//a[text()="Praktijkverklaring vastleggen"]`))
		u.waitSel("#f-workProcesses")
		u.run(chromedp.SetValue("#f-qualification", "25655"), chromedp.SetValue("#f-workProcesses", "Voert timmerwerk uit\nWerkt veilig en gezond"),
			chromedp.SetValue("#f-issuedBy", "Noorderpoort"), chromedp.SetValue("#f-issuedOn", time.Now().Format("2006-01-02")), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Praktijkverklaring vastgelegd")
		u.see("crebo 25655", "Werkt veilig en gezond")
		u.run(chromedp.Click(`//a[text()="Overdragen aan een andere werkcoach"]`))
		u.waitSel("#f-subject")
		u.run(chromedp.SetValue("#f-subject", "werkcoach2@groningen"), chromedp.SetValue("#f-name", "Piet Plaatsing"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Overgedragen.")
		u.see("werkcoach Piet Plaatsing")
		u.check("werkcoach-deelnemer-taken")
		u.run(chromedp.Click(`//a[text()="Intrekking van de toestemming vastleggen"]`))
		u.waitSel("#f-withdrawnOn")
		u.run(chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("De intrekking van de toestemming is vastgelegd")
		u.see("Ingetrokken op")
		u.dontSee("Inschrijven op een traject") // no one enrols a person who withdrew consent

		// the coordinator gives the person their data (right of access), then erases it
		coord := b.signIn(t, "coordinator@groningen")
		coord.open(participantPage)
		coord.run(chromedp.SetValue("#f-exportReason", "Inzageverzoek van de deelnemer"))
		export := coord.download(`#inzage button[type="submit"]`)
		for _, want := range []string{name, "Noorderpoort", `"audit"`} {
			if !bytes.Contains(export, []byte(want)) {
				t.Errorf("the participant's export lacks %s: %.300s", want, export)
			}
		}
		coord.open(participantPage + "/wissen")
		coord.check("coordinator-wissen")
		coord.run(chromedp.SetValue("#f-reason", "Toestemming ingetrokken, verzoek om verwijdering"), chromedp.Click(`main form button[type="submit"]`))
		coord.waitFor("De persoonsgegevens zijn gewist")
		coord.dontSee(name)
		var erased struct {
			Name   string
			Erased *struct{ Basis string }
		}
		if err := demoTarget(t, r).Get(context.Background(), "participants", auth.RoleCoordinator, "werkplein-groningen", "/api/v1/participants/"+strings.TrimPrefix(participantPage, "/deelnemers/"), &erased); err != nil {
			t.Fatal(err)
		}
		if erased.Name != "" || erased.Erased == nil || erased.Erased.Basis != "consent-withdrawn" {
			t.Errorf("after the erasure the service holds %+v", erased)
		}
	})

	t.Run("a new provider registers, records a certificate and its bank account; a buyer verifies, a colleague in finance confirms", func(t *testing.T) {
		u := b.signIn(t, "nieuwe-opleider@groningen")
		u.open("/organisatie")
		u.waitSel("#f-contactName") // not in the register yet: the page is the registration
		u.check("opleider-inschrijven")
		u.run(chromedp.SetValue("#f-name", "Zorgacademie Oost"), chromedp.SetValue("#f-contactName", "Nina Nieuw"),
			chromedp.SetValue("#f-email", "nina@zorgacademie.example"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("is ingeschreven in het register")
		u.see("Nog geen certificaten vastgelegd.", "U heeft nog geen bankrekening vastgelegd")
		u.run(chromedp.Click(`//a[text()="Certificaat vastleggen"]`))
		u.waitSel("#f-expiresOn")
		u.run(chromedp.SetValue("#f-type", "NRTO"), chromedp.SetValue("#f-number", "NRTO-2026-77"),
			chromedp.SetValue("#f-issuedOn", time.Now().AddDate(0, -1, 0).Format("2006-01-02")),
			chromedp.SetValue("#f-expiresOn", time.Now().AddDate(0, -2, 0).Format("2006-01-02")), chromedp.Click(`main form button[type="submit"]`))
		u.waitSel("#f-expiresOn-error") // expires before it was issued: the service's rule, in Dutch, at the field
		u.check("opleider-certificaat-fout")
		u.run(chromedp.SetValue("#f-expiresOn", time.Now().AddDate(2, 0, 0).Format("2006-01-02")), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Certificaat NRTO vastgelegd")
		u.see("wacht op verificatie")
		u.run(chromedp.Click(`//a[text()="Bankrekening vastleggen"]`))
		u.waitSel("#f-iban")
		u.run(chromedp.SetValue("#f-iban", "NL91 ABNA 0417 1643 01"), chromedp.SetValue("#f-accountHolder", "Zorgacademie Oost B.V."),
			chromedp.SetValue("#f-street", "Oosterstraat"), chromedp.SetValue("#f-buildingNumber", "7"), chromedp.SetValue("#f-postCode", "9711 NN"),
			chromedp.SetValue("#f-town", "Groningen"), chromedp.Click(`main form button[type="submit"]`))
		u.waitSel("#f-iban-error") // a mistyped IBAN (mod-97), refused by the service and said at the field
		u.run(chromedp.SetValue("#f-iban", "NL91 ABNA 0417 1643 00"), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Bankrekening vastgelegd")
		u.see("NL91 ABNA 0417 1643 00", "wacht op bevestiging door financiën")
		u.check("opleider-organisatie")

		buyer := b.signIn(t, "inkoper@groningen")
		buyer.open("/inkoop/certificaten")
		buyer.see("Zorgacademie Oost", "NRTO-2026-77")
		buyer.check("inkoper-certificaten")
		buyer.run(chromedp.Click(`button[aria-label="Verifiëren: NRTO van Zorgacademie Oost"]`))
		buyer.waitFor("geverifieerd; het telt nu")
		buyer.dontSee("NRTO-2026-77")

		fin := b.signIn(t, "financien@groningen")
		fin.open("/financien/bankrekeningen")
		fin.see("Zorgacademie Oost", "NL91 ABNA 0417 1643 00")
		fin.check("financien-bankrekeningen")
		fin.run(chromedp.Click(`//a[text()="Zorgacademie Oost"]`))
		fin.waitSel("#bevestigen")
		fin.run(chromedp.Click(`#bevestigen button[type="submit"]`))
		fin.waitSel("#f-checked-error") // not confirmed as checked with the provider
		fin.check("financien-bankrekening-bevestigen")
		fin.run(chromedp.Click(`#f-checked input[type="checkbox"]`), chromedp.Click(`#bevestigen button[type="submit"]`))
		fin.waitFor("Bankrekening van Zorgacademie Oost bevestigd")
		fin.see("Er wachten geen bankrekeningen op bevestiging.")

		var prov struct {
			BankAccount  struct{ Status, ConfirmedBy string }
			Certificates []struct {
				Type    string
				Pending bool
			}
		}
		if err := demoTarget(t, r).Get(context.Background(), "providers", auth.RoleFinance, demo.BuyerOrg, "/api/v1/providers/"+demo.NewProviderKvK, &prov); err != nil {
			t.Fatal(err)
		}
		if prov.BankAccount.Status != "confirmed" || len(prov.Certificates) != 1 || prov.Certificates[0].Pending {
			t.Errorf("after the portal's forms the registry holds %+v", prov)
		}
		u.open("/organisatie")
		u.see("bevestigd door financiën", "geverifieerd")

		// and applies to an open scheme at a price above its maximum: refused with every reason, in Dutch
		u.open("/aanbod/regelingen")
		u.check("opleider-open-regelingen")
		u.run(chromedp.Click(`main tbody a`))
		u.waitSel("#f-products")
		u.run(chromedp.Click(`#f-products input[type="checkbox"]`), chromedp.SetValue(`input[id^="f-price-"]`, "99.000,00"),
			chromedp.SetValue(`input[id^="f-hours-"]`, "300"), chromedp.Click(`#f-conditions input[type="checkbox"]`), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Aanmelding afgewezen")
		u.see("hoger dan het maximum")
		u.check("opleider-aanmelding-afgewezen")
	})

	t.Run("a resident asks the mobility team for help without an account and confirms it from the e-mail", func(t *testing.T) {
		if r.Mail == "" {
			t.Skip("no mail sink")
		}
		u := b.visitor(t, "inwoner")
		u.open("/hulp")
		u.see("Hulp bij werk", "U heeft geen account nodig", "Laat dit veld leeg")
		u.check("hulpvraag")
		email := fmt.Sprintf("inwoner-%d@example.nl", time.Now().UnixNano()%1_000_000)
		// without consent: said at the field, what was typed kept
		u.run(chromedp.SetValue("#f-question", "Mijn werkgever sluit de fabriek in Delfzijl. Welk ander werk kan ik doen?"),
			chromedp.Click(`#f-situation input[value="working"]`), chromedp.Click(`#f-situation input[value="company_closing"]`),
			chromedp.SetValue("#f-name", "Jan de Vries"), chromedp.SetValue("#f-email", email), chromedp.Click(`main form button[type="submit"]`))
		u.waitSel("#f-consent-error")
		u.see("Het team kan alleen helpen als u toestemming geeft.")
		u.check("hulpvraag-fout")
		u.run(chromedp.Click(`#f-consent input[type="checkbox"]`), chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Kijk in uw e-mail")
		// the e-mail, in Dutch, with the link that confirms (a link only opens the page)
		var link string
		deadline := time.Now().Add(30 * time.Second)
		for link == "" {
			if time.Now().After(deadline) {
				t.Fatal("no confirmation e-mail")
			}
			if link = confirmationLink(t, r.Mail, email); link == "" {
				time.Sleep(200 * time.Millisecond) // the outbox sends within a second or two
			}
		}
		u.run(chromedp.Navigate(link))
		u.waitFor("Uw vraag bevestigen")
		u.check("hulpvraag-bevestigen")
		u.run(chromedp.Click(`main form button[type="submit"]`))
		u.waitFor("Uw vraag is bevestigd")

		// the mobility team: the adviser finds the confirmed question in the work list, the
		// longest waiting first, and picks it up
		adviser := b.signIn(t, "adviseur@groningen")
		adviser.open("/rmt/hulpvragen")
		adviser.see("Hulpvragen", "Jan de Vries", "werkt, bedrijf sluit of reorganiseert", "wacht op een adviseur")
		adviser.check("adviseur-hulpvragen")
		adviser.run(chromedp.Click(`//a[text()="Jan de Vries"]`))
		adviser.waitFor("Hulpvraag van Jan de Vries")
		adviser.see(email, "Mijn werkgever sluit de fabriek in Delfzijl")
		adviser.check("adviseur-hulpvraag")
		adviser.run(chromedp.Click(`#oppakken button[type="submit"]`))
		adviser.waitFor("U heeft de vraag van Jan de Vries opgepakt")
		adviser.see("Opgepakt door")
		// closing before any advice is refused; advice, a referral to the union's career
		// talk, then closed as referred
		adviser.run(chromedp.SetValue("#f-outcome", "referred"), chromedp.Click(`#afsluiten button[type="submit"]`))
		adviser.waitFor("Niet vastgelegd: Leg eerst het gegeven advies vast")
		adviser.run(chromedp.SetValue("#f-category", "other_work"), chromedp.SetValue("#f-note", "Besproken: overstap naar de logistiek; cv bijwerken en loopbaangesprek."),
			chromedp.Click(`#advies button[type="submit"]`))
		adviser.waitFor("Advies vastgelegd.")
		adviser.run(chromedp.SetValue("#f-partner", "vakbond-loopbaangesprek"), chromedp.Click(`#doorverwijzen button[type="submit"]`))
		adviser.waitFor("Doorverwijzing vastgelegd.")
		adviser.see("Advies: ander werk", "Loopbaangesprek bij de vakbond")
		adviser.check("adviseur-hulpvraag-gedaan")
		adviser.run(chromedp.SetValue("#f-outcome", "referred"), chromedp.Click(`#afsluiten button[type="submit"]`))
		adviser.waitFor("De vraag is afgesloten.")
		adviser.see("doorverwezen")
		adviser.open("/rmt/hulpvragen?status=closed")
		adviser.see("afgesloten: doorverwezen")

		// the same address sending on and on: refused after five an hour (two were this
		// browser's) and not sent on; a form without the portal's token is refused as well
		page, err := http.Get(r.Portal + "/hulp")
		if err != nil {
			t.Fatal(err)
		}
		html, _ := io.ReadAll(page.Body)
		_ = page.Body.Close()
		token := regexp.MustCompile(`name="t" value="([^"]+)"`).FindSubmatch(html)
		if token == nil {
			t.Fatal("the help form has no token")
		}
		post := func(t string) int {
			resp, err := http.PostForm(r.Portal+"/hulp", url.Values{"t": {t}, "question": {"Ik zoek ander werk in de zorg, wat zijn de mogelijkheden?"},
				"situation": {"job_seeker"}, "name": {"Flood"}, "email": {"flood@example.nl"}, "consent": {"yes"}})
			if err != nil {
				return 0
			}
			_ = resp.Body.Close()
			return resp.StatusCode
		}
		if status := post("123.abc"); status != http.StatusForbidden {
			t.Errorf("a form without the portal's token: %d, want 403", status)
		}
		taken, refused := 0, 0
		for i := 0; i < 20; i++ {
			switch post(string(token[1])) {
			case http.StatusOK:
				taken++
			case http.StatusTooManyRequests:
				refused++
			}
		}
		// at most 3 more within this hour's 5 (5 should the hour turn during the test)
		if taken > 5 || refused < 15 {
			t.Errorf("from one address: %d taken, %d refused; want the rest refused after the hour's 5", taken, refused)
		}
	})

	t.Run("tampered URLs reach nothing of another organisation or role", func(t *testing.T) {
		buyer := b.signIn(t, "inkoper@groningen")
		buyer.open("/sroi/projecten")
		other := eval[string](buyer, `[...document.querySelectorAll('tbody a')].find(a => a.innerText === 'Groot onderhoud N33 Zuidbroek').getAttribute('href')`)
		if other == "" {
			t.Fatal("the buyer does not see the other contractor's project")
		}
		contractor := b.signIn(t, "opdrachtnemer@groningen")
		for path, why := range map[string]string{
			other:                                 "another contractor's project",
			"/financien/termijnen":                "finance's work",
			"/financien/betaalruns/run-1/bestand": "a payment file",
			"/regio":                              "the region's overview",
			"/inkoop/contracten":                  "the buyer's contracts",
		} {
			contractor.open(path)
			if h := contractor.text("h1"); h != "Geen toegang" && h != "Niet gevonden" {
				t.Errorf("the contractor reached %s (%s): %q", why, path, h)
			}
		}
		contractor.dontSee("Groot onderhoud N33 Zuidbroek")
		contractor.check("geen-toegang")
		finance := b.signIn(t, "financien@groningen")
		finance.open("/sroi/projecten")
		if h := finance.text("h1"); h != "Geen toegang" {
			t.Errorf("finance reached social return: %q", h)
		}

		// a form posted from elsewhere, with the user's own cookie but without the page's
		// CSRF token, is refused
		jar := http.Header{}
		for _, c := range contractor.cookies() {
			jar.Add("Cookie", c.Name+"="+c.Value)
		}
		req, _ := http.NewRequest(http.MethodPost, r.Portal+other+"/verklaringen", strings.NewReader(url.Values{"kind": {"hours"}, "hours": {"5"}, "activity": {"x"}, "on": {"2026-01-01"}}.Encode()))
		req.Header = jar
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a cross-site form post answered %s", resp.Status)
		}
		// without the session cookie, a page sends the browser to sign in
		resp, err = client.Get(r.Portal + "/financien/termijnen")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/aanmelden?terug=") {
			t.Errorf("without a session: %s %s", resp.Status, loc)
		}
	})

	t.Run("sessions: secure cookie flags and signing out", func(t *testing.T) {
		u := b.signIn(t, "werkcoach@groningen")
		for _, c := range u.cookies() {
			if c.Name == "werkregio" && (!c.HTTPOnly || c.SameSite != "Lax") {
				t.Errorf("session cookie %s: HttpOnly %v, SameSite %s", c.Name, c.HTTPOnly, c.SameSite)
			}
		}
		u.check("start-werkcoach")
		u.run(chromedp.Click(`button.link`))
		u.waitFor("U bent afgemeld")
		if h := u.text("h1"); h != "U bent afgemeld" {
			t.Errorf("after signing out: %q", h)
		}
		u.run(chromedp.Navigate(r.Portal + "/"))
		u.waitFor("Inloggen bij werkregio") // back at the identity provider, not in the portal
	})

	if b.pages < 15 {
		t.Errorf("only %d screens were checked for accessibility", b.pages)
	}

	// last: the volume it makes would crowd the lists the subtests above read
	t.Run("a CSV export has every row, and opens in columns in Dutch Excel", func(t *testing.T) {
		ctx := context.Background()
		if _, err := demo.Projects(ctx, demoTarget(t, r), 1200); err != nil {
			t.Fatal(err)
		}
		u := b.signIn(t, "coordinator@groningen")
		u.open("/sroi/projecten?contractor=" + demo.VolumeContractor)
		u.check("sroi-projecten-volume")
		file := u.download(`a[href^="/sroi/projecten/csv"]`)
		if !bytes.HasPrefix(file, []byte("\uFEFF")) {
			t.Fatal("no byte order mark: Excel would read the file as Windows-1252")
		}
		rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(file, []byte("\uFEFF"))))
		rd.Comma = ';'
		rows, err := rd.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1201 || rows[0][0] != "Project" || rows[0][7] != "Verplichting (€)" {
			t.Fatalf("%d rows (want a header and 1200), header %q", len(rows), rows[0])
		}
		for _, row := range rows[1:] {
			if !strings.Contains(row[7], ",") || strings.Contains(row[7], ".") || row[12] == "" {
				t.Fatalf("an amount with a decimal comma and a Dutch status: %q", row)
			}
		}
		// the same list as an Excel workbook: every row, the amounts as numbers
		book, err := excelize.OpenReader(bytes.NewReader(u.download(`a[href^="/sroi/projecten/csv"][href$="formaat=xlsx"]`)))
		if err != nil {
			t.Fatal(err)
		}
		sheet := book.GetSheetName(0)
		xrows, err := book.GetRows(sheet)
		if err != nil || len(xrows) != 1201 || xrows[0][7] != "Verplichting (€)" {
			t.Fatalf("the workbook: %d rows (%v), header %q", len(xrows), err, xrows[0])
		}
		if kind, _ := book.GetCellType(sheet, "H2"); kind != excelize.CellTypeUnset {
			t.Errorf("an obligation in the workbook is not a number (%v)", kind)
		}
	})
}

// newBSN is a made-up BSN that passes the elfproef, new for every run.
func newBSN(t *testing.T) string {
	for {
		var d [9]int
		sum := 0
		for i := range 8 {
			n, err := rand.Int(rand.Reader, big.NewInt(10))
			if err != nil {
				t.Fatal(err)
			}
			d[i] = int(n.Int64())
			sum += (9 - i) * d[i]
		}
		d[8] = sum % 11
		if d[8] == 10 || d[0] == 0 {
			continue
		}
		var s strings.Builder
		for _, x := range d {
			s.WriteByte(byte('0' + x))
		}
		return s.String()
	}
}

// publishUnregisteredJob puts a job on the partner topic from a system the region never
// registered, signed with its own key: participants refuses and keeps it.
func publishUnregisteredJob(t *testing.T, r Running) {
	t.Helper()
	topic := r.Region + "." + catalog.TopicPartnersPlacements
	data := []byte(`{"enrolmentId":"enr-onbekend","employerKvk":"55667788","startDate":"` + time.Now().AddDate(0, 0, -3).Format("2006-01-02") +
		`","hoursPerWeek":32,"contractType":"permanent","confirmedBy":"employer","reportId":"onbekend-1"}`)
	m := kittest.CloudEvent(fmt.Sprintf("onbekend-%d", time.Now().UnixNano()), catalog.TypePlacementConfirmed, "/hr/onbekend", "enr-onbekend", data)
	kittest.PublishRaw(t, r.Kafka, topic, m)
}

// confirmationLink is the link in the confirmation e-mail to the address, once it arrived.
func confirmationLink(t *testing.T, mailWeb, to string) string {
	t.Helper()
	resp, err := http.Get(mailWeb + "/api/v1/search?query=" + url.QueryEscape("to:"+to))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var found struct {
		Messages []struct{ ID, Subject string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&found); err != nil {
		t.Fatal(err)
	}
	for _, m := range found.Messages {
		if m.Subject != "Bevestig uw vraag aan het regionaal mobiliteitsteam" {
			continue
		}
		msg, err := http.Get(mailWeb + "/api/v1/message/" + m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Text string }
		err = json.NewDecoder(msg.Body).Decode(&body)
		_ = msg.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if l := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/hulp/bevestigen\?code=[A-Za-z0-9_-]+`).FindString(body.Text); l != "" {
			return l
		}
	}
	return ""
}
