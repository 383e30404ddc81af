package ports

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/calendar"
	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A buyer's tasks on a tender, a page each: announce it on the calendar, award it (the award
// starts the social-return obligation).

func tenderPath(id string) string { return "/inkoop/aanbestedingen/" + url.PathEscape(id) }

// percentField is a percentage a person types (5 or 2,5) in basis points (500, 250).
func (in *input) percent(name string) int {
	v := strings.Replace(strings.TrimSuffix(strings.TrimSpace(in.Values[name]), "%"), ",", ".", 1)
	whole, frac, _ := strings.Cut(v, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	bp, ok := 0, whole != "" && len(frac) == 2
	for _, ch := range whole + frac {
		if ch < '0' || ch > '9' {
			ok = false
			break
		}
		bp = bp*10 + int(ch-'0')
	}
	if !ok || bp > 10_000 {
		in.Errs[name] = "Vul een percentage van 0 tot 100 in, bijvoorbeeld 5 of 2,5."
	}
	return bp
}

func tenderForm() *web.Form {
	return &web.Form{Action: "/inkoop/aanbestedingen", Submit: "Aanbesteding aankondigen", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "title", Label: "Titel", Required: true},
		{Name: "description", Label: "Omschrijving", Type: "textarea"},
		{Name: "sector", Label: "Sector", Type: "select", Required: true, Value: "bouw", Options: sectors},
		{Name: "expectedPublication", Label: "Verwachte publicatie", Type: "date", Required: true},
		{Name: "estimatedValue", Label: "Geraamde waarde (euro, excl. btw)", Required: true, Hint: "Bijvoorbeeld 2.500.000,00."},
		{Name: "sroiPercent", Label: "Social return (% van de opdrachtwaarde)", Required: true, Value: "5", Hint: "Het percentage uit het beleid van de regio; 0 als er geen social return geldt."},
	}}
}

func (s *Server) newTender(c *gin.Context) {
	s.showTenderForm(s.req(c), tenderForm(), nil, http.StatusOK)
}

func (s *Server) showTenderForm(r *req, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Nieuwe aanbesteding", "Een aankondiging komt op de aanbestedingskalender van de regio, zodat opdrachtnemers en het werkplein de social return kunnen voorbereiden.",
		[]web.Link{{Label: "Aanbestedingen", Href: "/inkoop/aanbestedingen"}}, f, problem, status)
}

func (s *Server) announceTender(c *gin.Context) {
	r := s.req(c)
	in := r.input("title", "description", "sector", "expectedPublication", "estimatedValue", "sroiPercent")
	body := procurementapi.TenderInput{Title: in.text("title", true), Description: optional.Of(in.text("description", false)),
		Sector: procurementapi.Sector(in.text("sector", true)), ExpectedPublication: in.date("expectedPublication"),
		EstimatedValueCents: in.euro("estimatedValue"), SROIBasisPoints: in.percent("sroiPercent")}
	submit(r, in, tenderForm(), func(f *web.Form, p *web.Problem, status int) { s.showTenderForm(r, f, p, status) },
		func(key string) (procurementapi.Tender, error) {
			return s.App.AnnounceTender(r.ctx(), r.user(), key, body)
		},
		func(td procurementapi.Tender) {
			r.done("Aanbesteding "+td.Title+" staat op de kalender.", "/inkoop/aanbestedingen")
		})
}

func awardForm(td procurementapi.Tender, version string) *web.Form {
	return &web.Form{Action: tenderPath(td.ID) + "/gunning", Submit: "Gunning vastleggen", Key: session.RandomToken(),
		Hidden: map[string]string{"version": version}, Fields: []web.Field{
			{Name: "contractorName", Label: "Opdrachtnemer", Required: true},
			{Name: "contractorKvk", Label: "KvK-nummer van de opdrachtnemer", Required: true, Pattern: "[0-9]{8}"},
			{Name: "contractValue", Label: "Opdrachtwaarde (euro, excl. btw)", Required: true},
			{Name: "sroiPercent", Label: "Social return (% van de opdrachtwaarde)", Required: true, Value: percentText(td.SROIBasisPoints)},
			{Name: "contractType", Label: "Soort opdracht", Type: "select", Required: true, Value: "works",
				Options: []web.Option{{Value: "works", Label: "werken"}, {Value: "services", Label: "diensten"}, {Value: "supplies", Label: "leveringen"}}},
			{Name: "publicationDate", Label: "Publicatiedatum van de aanbesteding", Type: "date", Required: true,
				Hint: "Het beleid dat op deze dag gold, bepaalt de verplichting.", Value: td.ExpectedPublication.String()},
			{Name: "awardedOn", Label: "Gegund op", Type: "date", Required: true, Value: today()},
			{Name: "contractStart", Label: "Start van de opdracht", Type: "date"},
			{Name: "contractEnd", Label: "Einde van de opdracht", Type: "date", Hint: "De social return moet uiterlijk dan gerealiseerd zijn. Leeg: het beleid bepaalt de termijn."},
		}}
}

// awardPage is the form to record an award.
func (s *Server) awardPage(c *gin.Context) {
	r := s.req(c)
	td, version, err := s.App.TenderVersion(r.ctx(), r.user(), c.Param("tenderId"))
	if err != nil {
		r.fail(err)
		return
	}
	s.showAwardForm(r, td, awardForm(td, version), nil, http.StatusOK)
}

func (s *Server) showAwardForm(r *req, td procurementapi.Tender, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Gunning van "+td.Title, "Met de gunning begint de social-return-verplichting van de opdrachtnemer: het platform berekent haar uit het beleid van de regio en meldt haar aan de partijen.",
		[]web.Link{{Label: "Aanbestedingen", Href: "/inkoop/aanbestedingen"}}, f, problem, status)
}

func (s *Server) awardTender(c *gin.Context) {
	r := s.req(c)
	id := c.Param("tenderId")
	in := r.input("contractorName", "contractorKvk", "contractValue", "sroiPercent", "contractType", "publicationDate", "awardedOn", "contractStart", "contractEnd")
	contractType := procurementapi.AwardInputContractType(in.text("contractType", true))
	body := procurementapi.AwardInput{ContractorName: in.text("contractorName", true), ContractorKvK: in.text("contractorKvk", true),
		ContractValueExclVatCents: in.euro("contractValue"), SROIBasisPoints: in.percent("sroiPercent"), ContractType: &contractType,
		PublicationDate: in.date("publicationDate"), AwardedOn: in.date("awardedOn")}
	if !validKvK(body.ContractorKvK) {
		in.Errs["contractorKvk"] = "Vul het KvK-nummer van de opdrachtnemer in: acht cijfers."
	}
	for name, field := range map[string]**calendar.Date{"contractStart": &body.ContractStart, "contractEnd": &body.ContractEnd} {
		if in.Values[name] != "" {
			d := in.date(name)
			*field = &d
		}
	}
	td, _, err := s.App.TenderVersion(r.ctx(), r.user(), id)
	if err != nil {
		r.fail(err)
		return
	}
	submit(r, in, awardForm(td, r.form("version")), func(f *web.Form, p *web.Problem, status int) { s.showAwardForm(r, td, f, p, status) },
		func(key string) (procurementapi.Tender, error) {
			return s.App.AwardTender(r.ctx(), r.user(), id, r.form("version"), key, body)
		},
		func(procurementapi.Tender) {
			r.done(td.Title+" is gegund aan "+body.ContractorName+". De social-return-verplichting wordt berekend en aan de partijen gemeld.", "/inkoop/aanbestedingen")
		})
}

// percentText is basis points as a person types a percentage: 500 is 5, 250 is 2,5.
func percentText(bp int) string {
	if bp%100 == 0 {
		return strconv.Itoa(bp / 100)
	}
	return strings.TrimRight(strconv.Itoa(bp/100)+","+fmt.Sprintf("%02d", bp%100), "0")
}

// today is the day in the Netherlands, as a date field shows it.
func today() string { return time.Now().In(web.Amsterdam).Format(time.DateOnly) }
