package ports

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A work coach's first task: register a job seeker, with the consent they gave for what.

var targetGroupNames = map[string]string{"participatiewet": "Participatiewet", "ww": "WW", "wajong": "Wajong", "wia_wao": "WIA/WAO",
	"doelgroepregister": "Doelgroepregister banenafspraak", "statushouder": "Statushouder", "no_benefit": "Zonder uitkering", "other": "Anders"}

func participantForm() *web.Form {
	steps := []web.Option{{Value: "1", Label: "1 — geïsoleerd"}, {Value: "2", Label: "2 — sociale contacten buitenshuis"},
		{Value: "3", Label: "3 — deelname aan georganiseerde activiteiten"}, {Value: "4", Label: "4 — vrijwilligerswerk of werkervaring"},
		{Value: "5", Label: "5 — betaald werk met ondersteuning"}, {Value: "6", Label: "6 — betaald werk"}}
	return &web.Form{Action: "/deelnemers", Submit: "Deelnemer inschrijven", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "name", Label: "Naam", Required: true, Autocomplete: "off"},
		{Name: "bsn", Label: "BSN", Required: true, Pattern: "[0-9]{8,9}", Autocomplete: "off",
			Hint: "Het BSN wordt direct versleuteld bewaard en nooit meer getoond; een coördinator kan het met een reden opvragen."},
		{Name: "municipality", Label: "Gemeente", Required: true},
		{Name: "targetGroups", Label: "Doelgroepen", Type: "checkboxes", Required: true, Options: options(targetGroups, targetGroupNames)},
		{Name: "ladderStep", Label: "Trede op de participatieladder", Type: "select", Required: true, Value: "3", Options: steps},
		{Name: "purpose", Label: "Waarvoor gaf de deelnemer toestemming", Type: "textarea", Required: true,
			Hint: "Bijvoorbeeld: begeleiding naar werk en het delen van de gegevens met de opleider van het traject."},
		{Name: "givenOn", Label: "Toestemming gegeven op", Type: "date", Required: true, Value: today()},
	}}
}

func (s *Server) newParticipant(c *gin.Context) {
	s.showParticipantForm(s.req(c), participantForm(), nil, http.StatusOK)
}

func (s *Server) showParticipantForm(r *req, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Deelnemer inschrijven", "Schrijf een werkzoekende in met de toestemming die hij of zij gaf. Zonder toestemming kan niemand worden ingeschreven op een traject.",
		[]web.Link{{Label: "Deelnemers", Href: "/deelnemers"}}, f, problem, status)
}

// registerParticipant sends the registration; the BSN is in the body only, and a form shown
// again never holds it (it is typed anew).
func (s *Server) registerParticipant(c *gin.Context) {
	r := s.req(c)
	in := r.input("name", "municipality", "ladderStep", "purpose", "givenOn")
	bsn := r.form("bsn")
	body := participantsapi.ParticipantInput{Name: in.text("name", true), Municipality: in.text("municipality", true),
		LadderStep: in.integer("ladderStep", 1, 6), Competencies: []string{}, BSN: &bsn,
		Consent: participantsapi.Consent{Purpose: in.text("purpose", true), GivenOn: in.date("givenOn")}}
	for _, g := range r.many(in, "targetGroups") {
		body.TargetGroups = append(body.TargetGroups, participantsapi.TargetGroup(g))
	}
	if len(body.TargetGroups) == 0 {
		in.Errs["targetGroups"] = "Kies minstens één doelgroep."
	}
	in.Values["bsn"] = ""
	if !validBSN(bsn) {
		in.Errs["bsn"] = "Vul een BSN van 8 of 9 cijfers in dat de elfproef doorstaat."
	}
	submit(r, in, participantForm(), func(f *web.Form, p *web.Problem, status int) { s.showParticipantForm(r, f, p, status) },
		func(key string) (participantsapi.Participant, error) {
			return s.App.RegisterParticipant(r.ctx(), r.user(), key, body)
		},
		func(pt participantsapi.Participant) { r.done(pt.Name+" is ingeschreven.", participantPath(pt.ID)) })
}
