package ports

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A work coach's and a coordinator's tasks on one participant, each a page of its own: hand
// the participant over, record a praktijkverklaring or a BBL start, record that consent was
// withdrawn, and (a coordinator) erase the personal data. Each is sent with the form's
// Idempotency-Key or on the version the page was made from.

// participantTask is one task: who may do it, its form and how it is sent.
type participantTask struct {
	slug, title, lead, submit string
	roles                     []auth.Role
	fields                    func(pt participantsapi.Participant) []web.Field
	// build reads the form (its errors at the fields) and returns how to send it; done says
	// what happened.
	build func(s *Server, r *req, in *input, pt participantsapi.Participant) sender
	done  string
}

// sender carries a task out on the version the form was made from, with the form's key.
type sender func(version, key string) (participantsapi.Participant, error)

var coaches = []auth.Role{auth.RoleWorkCoach, auth.RoleCoordinator}

var participantTasks = []participantTask{
	{slug: "overdragen", title: "Overdragen aan een andere werkcoach", submit: "Overdragen", roles: coaches,
		lead: "De nieuwe werkcoach ziet de deelnemer bij ‘Mijn deelnemers’. Bespreek de overdracht met de deelnemer.",
		fields: func(participantsapi.Participant) []web.Field {
			return []web.Field{{Name: "subject", Label: "Gebruikersnaam van de nieuwe werkcoach", Required: true, Autocomplete: "off", Hint: "Waarmee de collega inlogt, bijvoorbeeld werkcoach2@groningen."},
				{Name: "name", Label: "Naam van de nieuwe werkcoach", Required: true}}
		},
		build: func(s *Server, r *req, in *input, pt participantsapi.Participant) sender {
			name, org := in.text("name", true), r.sess.Org
			to := participantsapi.Actor{Subject: in.text("subject", true), Name: &name, Org: &org}
			return func(_, key string) (participantsapi.Participant, error) {
				return s.App.AssignWorkCoach(r.ctx(), r.user(), pt.ID, key, to)
			}
		},
		done: "Overgedragen."},
	{slug: "praktijkverklaring", title: "Praktijkverklaring vastleggen", submit: "Praktijkverklaring vastleggen", roles: coaches,
		lead: "Een praktijkverklaring van het mbo: welke werkprocessen de deelnemer in de praktijk beheerst.",
		fields: func(participantsapi.Participant) []web.Field {
			return []web.Field{{Name: "qualification", Label: "Kwalificatie (crebonummer)", Required: true, Pattern: "[0-9]{5}", Hint: "Vijf cijfers, bijvoorbeeld 25655."},
				{Name: "workProcesses", Label: "Werkprocessen", Type: "textarea", Required: true, Hint: "Eén werkproces per regel, zoals op de verklaring."},
				{Name: "issuedBy", Label: "Afgegeven door", Required: true, Hint: "De school of het leerbedrijf."},
				{Name: "issuedOn", Label: "Afgegeven op", Type: "date", Required: true}}
		},
		build: func(s *Server, r *req, in *input, pt participantsapi.Participant) sender {
			body := participantsapi.PraktijkverklaringInput{Qualification: in.text("qualification", true), IssuedBy: in.text("issuedBy", true),
				IssuedOn: in.date("issuedOn"), WorkProcesses: lines(in.text("workProcesses", true))}
			return func(_, key string) (participantsapi.Participant, error) {
				return s.App.AddPraktijkverklaring(r.ctx(), r.user(), pt.ID, key, body)
			}
		},
		done: "Praktijkverklaring vastgelegd."},
	{slug: "bbl", title: "Start in de BBL vastleggen", submit: "BBL-start vastleggen", roles: coaches,
		lead: "De deelnemer gaat verder in een beroepsbegeleidende leerweg: werken en leren bij een erkend leerbedrijf.",
		fields: func(participantsapi.Participant) []web.Field {
			return []web.Field{{Name: "qualification", Label: "Kwalificatie (crebonummer)", Required: true, Pattern: "[0-9]{5}"},
				{Name: "school", Label: "School", Required: true},
				{Name: "employerKvk", Label: "KvK-nummer van het leerbedrijf", Required: true, Pattern: "[0-9]{8}"},
				{Name: "startedOn", Label: "Gestart op", Type: "date", Required: true}}
		},
		build: func(s *Server, r *req, in *input, pt participantsapi.Participant) sender {
			body := participantsapi.BBLProgramme{Qualification: in.text("qualification", true), School: in.text("school", true),
				EmployerKvK: in.text("employerKvk", true), StartedOn: in.date("startedOn")}
			return func(_, key string) (participantsapi.Participant, error) {
				return s.App.StartBBL(r.ctx(), r.user(), pt.ID, key, body)
			}
		},
		done: "Start in de BBL vastgelegd."},
	{slug: "toestemming-intrekken", title: "Intrekking van de toestemming vastleggen", submit: "Intrekking vastleggen", roles: coaches,
		lead: "De deelnemer trekt de toestemming in. Daarna kan niemand de deelnemer nog inschrijven; lopende trajecten blijven staan voor de betaling. Een coördinator kan daarna de persoonsgegevens wissen.",
		fields: func(participantsapi.Participant) []web.Field {
			return []web.Field{{Name: "withdrawnOn", Label: "Ingetrokken op", Type: "date", Required: true, Value: today()}}
		},
		build: func(s *Server, r *req, in *input, pt participantsapi.Participant) sender {
			on := in.date("withdrawnOn")
			return func(version, _ string) (participantsapi.Participant, error) {
				body := participantsapi.ParticipantInput{Name: pt.Name, Municipality: pt.Municipality, TargetGroups: pt.TargetGroups, LadderStep: pt.LadderStep,
					Competencies: pt.Competencies, Consent: pt.Consent}
				body.Consent.WithdrawnOn = &on
				after, err := s.App.UpdateParticipant(r.ctx(), r.user(), pt.ID, version, body)
				if isStale(err) { // sent twice: the first recorded it
					if now, _, again := s.App.ParticipantVersion(r.ctx(), r.user(), pt.ID); again == nil && now.Consent.WithdrawnOn != nil && *now.Consent.WithdrawnOn == on {
						return now, nil
					}
				}
				return after, err
			}
		},
		done: "De intrekking van de toestemming is vastgelegd."},
	{slug: "wissen", title: "Persoonsgegevens wissen", submit: "Persoonsgegevens wissen", roles: []auth.Role{auth.RoleCoordinator},
		lead: "Naam, BSN en competenties verdwijnen, ook uit alle eerdere versies; de deelnemer is daarna niet meer op BSN te vinden. Wat voor de betalingen moet blijven (trajecten, bedragen en data) blijft, zonder naam. Dit kan niet ongedaan worden gemaakt.",
		fields: func(participantsapi.Participant) []web.Field {
			return []web.Field{{Name: "basis", Label: "Grondslag", Type: "select", Required: true, Options: []web.Option{
				{Value: "consent-withdrawn", Label: "Toestemming ingetrokken"}, {Value: "request", Label: "Verzoek van de deelnemer (AVG art. 17)"},
				{Value: "retention-ended", Label: "Bewaartermijn verstreken"}}},
				{Name: "reason", Label: "Toelichting", Type: "textarea", Required: true, Hint: "Bijvoorbeeld: verzoek per brief van 3 maart, kenmerk ..."}}
		},
		build: func(s *Server, r *req, in *input, pt participantsapi.Participant) sender {
			body := participantsapi.EraseParticipantJSONBody{Basis: participantsapi.EraseParticipantJSONBodyBasis(in.text("basis", true)), Reason: in.text("reason", true)}
			return func(_, key string) (participantsapi.Participant, error) {
				return s.App.EraseParticipant(r.ctx(), r.user(), pt.ID, key, body)
			}
		},
		done: "De persoonsgegevens zijn gewist."},
}

// lines are a textarea's non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// taskLinks are the tasks the user may do on the participant.
func taskLinks(r *req, pt participantsapi.Participant) []web.Link {
	var out []web.Link
	for _, t := range participantTasks {
		if !r.has(t.roles...) || pt.Erased != nil || (t.slug == "toestemming-intrekken" && pt.Consent.WithdrawnOn != nil) {
			continue
		}
		out = append(out, web.Link{Label: t.title, Href: participantPath(pt.ID) + "/" + t.slug})
	}
	return out
}

func (t participantTask) form(pt participantsapi.Participant, version string) *web.Form {
	return &web.Form{Action: participantPath(pt.ID) + "/" + t.slug, Submit: t.submit, Key: session.RandomToken(),
		Hidden: map[string]string{"version": version}, Fields: t.fields(pt)}
}

func (s *Server) showTask(r *req, t participantTask, pt participantsapi.Participant, f *web.Form, problem *web.Problem, status int) {
	r.formPage(t.title, t.lead, []web.Link{{Label: "Deelnemers", Href: "/deelnemers"}, {Label: pt.Name, Href: participantPath(pt.ID)}}, f, problem, status)
}

// mountParticipantTasks serves each task's page and its post.
func (s *Server) mountParticipantTasks(g gin.IRoutes) {
	for _, t := range participantTasks {
		g.GET("/deelnemers/:participantId/"+t.slug, s.requireRole(t.roles...), func(c *gin.Context) {
			r := s.req(c)
			pt, version, err := s.App.ParticipantVersion(r.ctx(), r.user(), c.Param("participantId"))
			if err != nil {
				r.fail(err)
				return
			}
			s.showTask(r, t, pt, t.form(pt, version), nil, http.StatusOK)
		})
		g.POST("/deelnemers/:participantId/"+t.slug, s.requireRole(t.roles...), func(c *gin.Context) {
			r := s.req(c)
			pt, _, err := s.App.ParticipantVersion(r.ctx(), r.user(), c.Param("participantId"))
			if err != nil {
				r.fail(err)
				return
			}
			names := []string{"version"}
			for _, f := range t.fields(pt) {
				names = append(names, f.Name)
			}
			in := r.input(names...)
			sent, send := r.form("version"), t.build(s, r, in, pt)
			submit(r, in, t.form(pt, sent), func(f *web.Form, p *web.Problem, status int) { s.showTask(r, t, pt, f, p, status) },
				func(key string) (participantsapi.Participant, error) { return send(sent, key) },
				func(after participantsapi.Participant) { r.done(t.done, participantPath(after.ID)) })
		})
	}
}

// exportParticipant hands a coordinator everything held on the participant (right of
// access, AVG art. 15) as the service wrote it, for a stated reason the service records
// first; the file is not kept anywhere (no-store).
func (s *Server) exportParticipant(c *gin.Context) {
	r := s.req(c)
	doc, ok := audited(s, r, "exportReason", "Reden: geef aan waarom de gegevens worden opgevraagd.", func(reason string) (json.RawMessage, error) {
		return s.App.ExportParticipant(r.ctx(), r.user(), c.Param("participantId"), reason)
	})
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", `attachment; filename="deelnemer-`+web.Slug(c.Param("participantId"))+`.json"`)
	c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
}
