package ports

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// The steps of a trajectory, each a page of its own: the provider reports its start, its
// completion or a dropout; a work coach records the job that follows. Each step moves the
// money too: payments pays the tranche of the milestone.

type enrolmentStep struct {
	slug, title, lead, submit, api string
	roles                          []auth.Role
	// when: the trajectory's statuses the step is open in
	when []string
	// fields are made when a form is (a day defaults to today)
	fields func() []web.Field
	read   func(in *input) any
	done   string
}

var enrolmentSteps = []enrolmentStep{
	{slug: "start", api: "start", title: "Start melden", submit: "Start melden", roles: []auth.Role{auth.RoleProvider}, when: []string{"enrolled"},
		lead: "De deelnemer is begonnen. De start is een mijlpaal: de termijn die erbij hoort, wordt betaalbaar.",
		fields: func() []web.Field {
			return []web.Field{{Name: "on", Label: "Gestart op", Type: "date", Required: true, Value: today()}}
		},
		read: func(in *input) any { return participantsapi.DayInput{On: in.date("on")} },
		done: "Start gemeld."},
	{slug: "afronding", api: "complete", title: "Afronding melden", submit: "Afronding melden", roles: []auth.Role{auth.RoleProvider}, when: []string{"started"},
		lead: "De leerdoelen zijn gehaald. Afronden kan als de deelnemer de minimale aanwezigheid van het product heeft gehaald.",
		fields: func() []web.Field {
			return []web.Field{{Name: "on", Label: "Afgerond op", Type: "date", Required: true, Value: today()}}
		},
		read: func(in *input) any { return participantsapi.DayInput{On: in.date("on")} },
		done: "Afronding gemeld."},
	{slug: "uitval", api: "dropout", title: "Uitval melden", submit: "Uitval melden", roles: []auth.Role{auth.RoleProvider, auth.RoleWorkCoach, auth.RoleCoordinator},
		when: []string{"enrolled", "started"}, lead: "De deelnemer stopt met het traject. Termijnen van mijlpalen die niet meer komen, vervallen.",
		fields: func() []web.Field {
			return []web.Field{{Name: "on", Label: "Gestopt op", Type: "date", Required: true, Value: today()},
				{Name: "reason", Label: "Reden", Type: "textarea", Required: true, Hint: "Zonder namen of gezondheidsgegevens, bijvoorbeeld: werk gevonden buiten het traject."}}
		},
		read: func(in *input) any {
			return participantsapi.DropOutJSONBody{On: in.date("on"), Reason: in.text("reason", true)}
		},
		done: "Uitval gemeld."},
	{slug: "plaatsing", api: "placements", title: "Plaatsing vastleggen", submit: "Plaatsing vastleggen", roles: []auth.Role{auth.RoleWorkCoach, auth.RoleCoordinator},
		when: []string{"started", "completed", "placed"}, lead: "De deelnemer heeft werk. Zes maanden werk maken de plaatsing duurzaam.",
		fields: func() []web.Field {
			return []web.Field{{Name: "employerKvk", Label: "KvK-nummer van de werkgever", Required: true, Pattern: "[0-9]{8}"},
				{Name: "startDate", Label: "In dienst vanaf", Type: "date", Required: true},
				{Name: "hoursPerWeek", Label: "Uren per week", Type: "number", Required: true, Min: "1", Max: "60", Step: "0.5"},
				{Name: "contractType", Label: "Soort contract", Type: "select", Required: true, Options: []web.Option{{Value: "fixed_term", Label: "bepaalde tijd"},
					{Value: "permanent", Label: "onbepaalde tijd"}, {Value: "temporary_agency", Label: "uitzendovereenkomst"}, {Value: "bbl", Label: "BBL-leerovereenkomst"},
					{Value: "other", Label: "anders"}}},
				{Name: "endDate", Label: "In dienst tot en met", Type: "date", Hint: "Leeg: geen einddatum."}}
		},
		read: func(in *input) any {
			body := participantsapi.PlacementInput{EmployerKvK: in.text("employerKvk", true), StartDate: in.date("startDate"),
				ContractType: participantsapi.ContractType(in.text("contractType", true))}
			h, err := strconv.ParseFloat(strings.Replace(in.Values["hoursPerWeek"], ",", ".", 1), 64)
			if err != nil || h <= 0 || h > 60 {
				in.Errs["hoursPerWeek"] = "Vul 1 tot 60 uur per week in."
			}
			body.HoursPerWeek = h
			if in.Values["endDate"] != "" {
				d := in.date("endDate")
				body.EndDate = &d
			}
			return body
		},
		done: "Plaatsing vastgelegd."},
}

func enrolmentStepPath(id, slug string) string {
	return "/trajecten/" + url.PathEscape(id) + "/" + slug
}

// stepLinks are the steps the user may take on the trajectory now.
func stepLinks(r *req, e participantsapi.Enrolment) []web.Link {
	var out []web.Link
	for _, st := range enrolmentSteps {
		if r.has(st.roles...) && slices.Contains(st.when, string(e.Status)) {
			out = append(out, web.Link{Label: st.title, Href: enrolmentStepPath(e.ID, st.slug)})
		}
	}
	return out
}

func (st enrolmentStep) form(id string) *web.Form {
	return &web.Form{Action: enrolmentStepPath(id, st.slug), Submit: st.submit, Key: session.RandomToken(), Fields: st.fields()}
}

func (s *Server) showStep(r *req, st enrolmentStep, e participantsapi.Enrolment, f *web.Form, problem *web.Problem, status int) {
	r.formPage(st.title+": "+e.ProductName, st.lead, []web.Link{{Label: "Trajecten", Href: "/trajecten"}, {Label: e.ProductName, Href: "/trajecten/" + url.PathEscape(e.ID)}},
		f, problem, status)
}

// mountEnrolmentSteps serves each step's page and its post.
func (s *Server) mountEnrolmentSteps(g gin.IRoutes) {
	for _, st := range enrolmentSteps {
		g.GET("/trajecten/:enrolmentId/"+st.slug, s.requireRole(st.roles...), func(c *gin.Context) {
			r := s.req(c)
			e, err := s.App.Enrolment(r.ctx(), r.user(), c.Param("enrolmentId"))
			if err != nil {
				r.fail(err)
				return
			}
			s.showStep(r, st, e, st.form(e.ID), nil, http.StatusOK)
		})
		g.POST("/trajecten/:enrolmentId/"+st.slug, s.requireRole(st.roles...), func(c *gin.Context) {
			r := s.req(c)
			e, err := s.App.Enrolment(r.ctx(), r.user(), c.Param("enrolmentId"))
			if err != nil {
				r.fail(err)
				return
			}
			var names []string
			for _, f := range st.fields() {
				names = append(names, f.Name)
			}
			in := r.input(names...)
			body := st.read(in)
			submit(r, in, st.form(e.ID), func(f *web.Form, p *web.Problem, status int) { s.showStep(r, st, e, f, p, status) },
				func(key string) (participantsapi.Enrolment, error) {
					return s.App.EnrolmentStep(r.ctx(), r.user(), e.ID, st.api, key, body)
				},
				func(participantsapi.Enrolment) { r.done(st.done, "/trajecten/"+url.PathEscape(e.ID)) })
		})
	}
}
