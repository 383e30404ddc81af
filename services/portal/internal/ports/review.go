package ports

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A scheme may name requirements the buyer judges by hand; an application that meets every
// rule the platform checks waits for the buyer, who judges each requirement on a page of its
// own: all met admits the provider with a contract, one not met refuses with the reason.

func reviewPath(id string) string { return "/inkoop/aanmeldingen/" + url.PathEscape(id) + "/besluit" }

var judgements = []web.Option{{Value: "", Label: "Kies uw oordeel"}, {Value: "met", Label: "Voldaan"}, {Value: "not-met", Label: "Niet voldaan"}}

func decisionForm(a procurementapi.Application, sc procurementapi.Scheme, version string) *web.Form {
	f := &web.Form{Action: reviewPath(a.ID), Submit: "Besluit vastleggen", Key: session.RandomToken(), Hidden: map[string]string{"version": version}}
	for i, req := range sc.AssessedRequirements {
		statement := "De opleider gaf geen toelichting."
		if i < len(a.Statements) && a.Statements[i] != "" {
			statement = "Toelichting van de opleider: " + a.Statements[i]
		}
		f.Fields = append(f.Fields,
			web.Field{Name: fmt.Sprintf("assessments[%d].met", i), Label: req, Type: "select", Required: true, Options: judgements, Hint: statement},
			web.Field{Name: fmt.Sprintf("assessments[%d].reason", i), Label: "Waarom niet voldaan aan: " + req, Type: "textarea",
				Hint: "Alleen bij ‘niet voldaan’. De opleider leest de reden en kan zich opnieuw aanmelden."})
	}
	return f
}

// application is the application the page judges, its version and its scheme; false when
// the failure has been shown.
func (s *Server) application(r *req) (procurementapi.Application, string, procurementapi.Scheme, bool) {
	a, version, err := s.App.ApplicationVersion(r.ctx(), r.user(), r.c.Param("applicationId"))
	if err != nil {
		r.fail(err)
		return a, "", procurementapi.Scheme{}, false
	}
	sc, err := s.App.Scheme(r.ctx(), r.user(), a.SchemeID)
	if err != nil {
		r.fail(err)
		return a, "", sc, false
	}
	return a, version, sc, true
}

func (s *Server) reviewPage(c *gin.Context) {
	r := s.req(c)
	a, version, sc, ok := s.application(r)
	if !ok {
		return
	}
	if a.Status != "in_review" {
		r.done("Over deze aanmelding is al besloten: "+web.Label(string(a.Status))+".", "/inkoop/aanmeldingen?schemeId="+url.QueryEscape(a.SchemeID))
		return
	}
	s.showReview(r, a, sc, decisionForm(a, sc, version), nil, http.StatusOK)
}

func (s *Server) showReview(r *req, a procurementapi.Application, sc procurementapi.Scheme, f *web.Form, problem *web.Problem, status int) {
	p := r.page("Aanmelding beoordelen: "+a.ProviderName, "De aanmelding voldoet aan alle eisen die het platform toetst. Beoordeel elke eis van de regeling die u zelf beoordeelt: "+
		"is aan alle voldaan, dan krijgt de opleider een contract.")
	p.Crumbs, p.Problem = []web.Link{{Label: "Aanmeldingen", Href: "/inkoop/aanmeldingen?status=in_review"}}, problem
	var offered []string
	for _, pr := range a.Products {
		name := pr.ProductID
		for _, sp := range sc.Products {
			if sp.ID == pr.ProductID {
				name = sp.Name
			}
		}
		offered = append(offered, fmt.Sprintf("%s: %s, %d uur", name, web.Euro(pr.PriceCents), pr.PlannedAttendanceHours))
	}
	p.Blocks = []web.Block{{Facts: []web.Fact{{Term: "Regeling", Value: sc.Title, Href: schemePath(sc.ID)}, {Term: "Opleider", Value: a.ProviderName},
		{Term: "KvK-nummer", Value: a.ProviderKvK}, {Term: "Aangeboden", Value: strings.Join(offered, "; ")}, {Term: "Ingediend", Value: web.DateTime(a.SubmittedAt)}}},
		{Form: f}}
	r.s.Render.Render(r.c.Writer, status, p)
}

func (s *Server) decideApplication(c *gin.Context) {
	r := s.req(c)
	a, _, sc, ok := s.application(r)
	if !ok {
		return
	}
	version := r.form("version") // the version the buyer judged, not the one now
	f := decisionForm(a, sc, version)
	var names []string
	for _, fl := range f.Fields {
		names = append(names, fl.Name)
	}
	in := r.input(names...)
	var body procurementapi.DecisionInput
	met := 0
	for i := range sc.AssessedRequirements {
		judged, reason := fmt.Sprintf("assessments[%d].met", i), fmt.Sprintf("assessments[%d].reason", i)
		switch in.text(judged, true) {
		case "met":
			met++
			body.Assessments = append(body.Assessments, procurementapi.DecisionInput_Assessments{Met: true})
		case "not-met":
			if in.text(reason, false) == "" {
				in.Errs[reason] = "Geef aan waarom niet is voldaan: de opleider leest het."
			}
			body.Assessments = append(body.Assessments, procurementapi.DecisionInput_Assessments{Reason: optional.Of(in.text(reason, false))})
		default:
			if in.Errs[judged] == "" {
				in.Errs[judged] = "Kies voldaan of niet voldaan."
			}
		}
	}
	submit(r, in, f, func(f *web.Form, p *web.Problem, status int) { s.showReview(r, a, sc, f, p, status) },
		func(key string) (procurementapi.ApplicationResult, error) {
			return s.App.DecideApplication(r.ctx(), r.user(), a.ID, version, key, body)
		},
		func(res procurementapi.ApplicationResult) {
			back := "/inkoop/aanmeldingen?status=in_review"
			if res.Contract != nil {
				r.done(a.ProviderName+" is toegelaten tot "+sc.Title+": contract "+res.Contract.Number+".", back)
				return
			}
			r.done(fmt.Sprintf("De aanmelding van %s is afgewezen: aan %d van de %d eisen is voldaan. De opleider ziet uw redenen.", a.ProviderName, met, len(sc.AssessedRequirements)), back)
		})
}
