package ports

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/sroiapi"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// The region's administrator keeps its social-return policy: each version has its own date
// and is never changed, so every project keeps the obligation its tender's day gave it.

const policyPath = "/beheer/social-return-beleid"

var contractTypeNames = map[string]string{"works": "werken", "services": "diensten", "supplies": "leveringen"}

func policyForm(next int) *web.Form {
	return &web.Form{Action: policyPath, Submit: "Versie " + strconv.Itoa(next) + " publiceren", Key: session.RandomToken(),
		Hidden: map[string]string{"version": strconv.Itoa(next)}, Fields: []web.Field{
			{Name: "source", Label: "Besluit", Required: true, Hint: "Het besluit waarop deze versie berust, bijvoorbeeld: Beleidsregels social return 2027, collegebesluit 12 maart."},
			{Name: "effectiveFrom", Label: "Geldt voor aanbestedingen gepubliceerd vanaf", Type: "date", Required: true},
			{Name: "percent", Label: "Social return (% van de opdrachtwaarde)", Required: true, Hint: "Bijvoorbeeld 5."},
			{Name: "threshold", Label: "Drempel (euro, excl. btw)", Required: true, Hint: "Vanaf deze opdrachtwaarde geldt een verplichting."},
			{Name: "cap", Label: "Maximale verplichting (euro)", Hint: "Leeg: geen maximum."},
			{Name: "contractTypes", Label: "Soorten opdrachten", Type: "checkboxes", Options: options([]string{"works", "services", "supplies"}, contractTypeNames),
				Hint: "Geen keuze: alle soorten."},
			{Name: "minMonths", Label: "Minimale looptijd (maanden)", Type: "number", Min: "0", Hint: "Leeg: geen minimum."},
			{Name: "defaultMonths", Label: "Aangenomen looptijd als de gunning er geen noemt (maanden)", Type: "number", Required: true, Min: "1", Value: "12"},
			{Name: "graceMonths", Label: "Maanden na de einddatum waarin nog verklaard mag worden", Type: "number", Min: "0", Value: "3"},
		}}
}

func (s *Server) policies(c *gin.Context) {
	r := s.req(c)
	versions, err := s.App.Policies(r.ctx(), r.user())
	if err != nil {
		r.fail(err)
		return
	}
	s.showPolicies(r, versions, policyForm(len(versions)+1), nil, http.StatusOK)
}

func (s *Server) showPolicies(r *req, versions []sroiapi.Policy, f *web.Form, problem *web.Problem, status int) {
	p := r.page("Beleid social return", "De versies van het social-returnbeleid van de regio. Een aanbesteding krijgt haar verplichting volgens de versie die gold op de dag van publicatie; een gepubliceerde versie verandert nooit.")
	p.Problem = problem
	t := &web.Table{Caption: "Versies", Empty: "De regio heeft nog geen beleid gepubliceerd: projecten krijgen pas een verplichting als er een versie is.",
		Columns: []web.Column{{Label: "Versie"}, {Label: "Geldt vanaf"}, {Label: "Percentage", Numeric: true}, {Label: "Drempel", Numeric: true},
			{Label: "Maximum", Numeric: true}, {Label: "Soorten opdrachten"}, {Label: "Besluit"}}}
	for _, v := range versions {
		types, threshold := "alle", web.Euro(v.ThresholdCents)
		if len(v.Thresholds) > 0 { // a threshold per contract type: the types listed are in scope
			var names, each []string
			for _, ct := range []string{"works", "services", "supplies"} {
				if c, ok := v.Thresholds[ct]; ok {
					names = append(names, contractTypeNames[ct])
					each = append(each, contractTypeNames[ct]+" vanaf "+web.Euro(int64(c)))
				}
			}
			types, threshold = strings.Join(names, ", "), strings.Join(each, "; ")
		}
		if len(v.ContractTypes) > 0 {
			var names []string
			for _, ct := range v.ContractTypes {
				names = append(names, contractTypeNames[ct])
			}
			types = strings.Join(names, ", ")
		}
		maxText := "geen"
		if v.CapCents > 0 {
			maxText = web.Euro(v.CapCents)
		}
		t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: fmt.Sprintf("versie %d", v.Version)}, {Text: web.Date(v.EffectiveFrom)},
			{Text: web.Percent(v.BasisPoints)}, {Text: threshold}, {Text: maxText}, {Text: types}, {Text: v.Source}}})
	}
	p.Blocks = []web.Block{{Table: t}, {Heading: "Nieuwe versie publiceren", ID: "nieuwe-versie", Form: f}}
	r.s.Render.Render(r.c.Writer, status, p)
}

func (s *Server) publishPolicy(c *gin.Context) {
	r := s.req(c)
	versions, err := s.App.Policies(r.ctx(), r.user())
	if err != nil {
		r.fail(err)
		return
	}
	in := r.input("source", "effectiveFrom", "percent", "threshold", "cap", "minMonths", "defaultMonths", "graceMonths", "version")
	threshold, ok := parseEuro(in.Values["threshold"])
	if !ok || threshold < 0 {
		in.Errs["threshold"] = "Vul een bedrag in euro in, bijvoorbeeld 100.000,00."
	}
	body := sroiapi.PolicyInput{Source: in.text("source", true), EffectiveFrom: in.date("effectiveFrom"), BasisPoints: in.percent("percent"),
		ThresholdCents: &threshold, DefaultMonths: in.integer("defaultMonths", 1, 240), Version: in.integer("version", 1, 10_000)}
	if in.Values["cap"] != "" {
		c := in.euro("cap")
		body.CapCents = &c
	}
	if in.Values["minMonths"] != "" {
		m := in.integer("minMonths", 0, 240)
		body.MinMonths = &m
	}
	if in.Values["graceMonths"] != "" {
		g := in.integer("graceMonths", 0, 60)
		body.GraceMonths = &g
	}
	for _, ct := range r.many(in, "contractTypes") {
		body.ContractTypes = append(body.ContractTypes, sroiapi.PolicyInputContractTypes(ct))
	}
	submit(r, in, policyForm(len(versions)+1), func(f *web.Form, p *web.Problem, status int) { s.showPolicies(r, versions, f, p, status) },
		func(key string) (sroiapi.Policy, error) { return s.App.PublishPolicy(r.ctx(), r.user(), key, body) },
		func(v sroiapi.Policy) {
			r.done(fmt.Sprintf("Versie %d van het beleid gepubliceerd; ze geldt voor aanbestedingen vanaf %s.", v.Version, web.Date(v.EffectiveFrom)), policyPath)
		})
}
