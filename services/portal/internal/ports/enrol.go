package ports

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/calendar"
	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/contracts/openapi/providersapi"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A work coach enrols a participant in one of the starts the contracted providers offer: the
// choice is a start (product, provider, place, day), as the coach and the participant talk it
// through, not four fields to keep consistent.

func participantPath(id string) string { return "/deelnemers/" + url.PathEscape(id) }

// startOptions are the starts of every active contract from two weeks ago on, soonest first;
// an option's value names the contract, product, location and day.
func (s *Server) startOptions(r *req) ([]web.Option, error) {
	q := url.Values{}
	q.Set("contractStatus", "active")
	q.Set("limit", "500")
	offers, err := every(q, func(q url.Values) (app.Page[providersapi.Offer], error) { return s.App.Offers(r.ctx(), r.user(), q) })
	if err != nil {
		return nil, err
	}
	type start struct {
		day calendar.Date
		opt web.Option
	}
	var starts []start
	from := calendar.DateOf(time.Now().In(web.Amsterdam).AddDate(0, 0, -14))
	for _, o := range offers {
		for _, pr := range o.Products {
			for _, st := range pr.Starts {
				if st.Date.Before(from) {
					continue
				}
				starts = append(starts, start{st.Date, web.Option{
					Value: strings.Join([]string{o.ContractID, pr.ProductID, st.Location, st.Date.String()}, "|"),
					Label: fmt.Sprintf("%s — %s — %s — %s (%d plaatsen)", pr.Name, o.ProviderName, st.Location, web.Date(st.Date), st.Capacity)}})
			}
		}
	}
	slices.SortFunc(starts, func(a, b start) int { return a.day.Time().Compare(b.day.Time()) })
	out := []web.Option{{Value: "", Label: "Kies een start"}}
	for _, st := range starts {
		out = append(out, st.opt)
	}
	return out, nil
}

func (s *Server) enrolForm(r *req, participantID string) (*web.Form, error) {
	opts, err := s.startOptions(r)
	if err != nil {
		return nil, err
	}
	return &web.Form{Action: participantPath(participantID) + "/inschrijven", Submit: "Inschrijven", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "start", Label: "Start", Type: "select", Required: true, Options: opts,
			Hint: "De starts van de gecontracteerde opleiders, de eerstvolgende bovenaan. Vol is vol: de opleider neemt niet meer deelnemers aan dan de plaatsen."},
	}}, nil
}

func (s *Server) enrolPage(c *gin.Context) {
	r := s.req(c)
	pt, err := s.App.Participant(r.ctx(), r.user(), c.Param("participantId"))
	if err != nil {
		r.fail(err)
		return
	}
	f, err := s.enrolForm(r, pt.ID)
	if err != nil {
		r.fail(err)
		return
	}
	s.showEnrolForm(r, pt, f, nil, http.StatusOK)
}

func (s *Server) showEnrolForm(r *req, pt participantsapi.Participant, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Inschrijven: "+pt.Name, "Schrijf de deelnemer in op een start van een opleider. De opleider ziet de inschrijving en meldt de start, de aanwezigheid en de mijlpalen.",
		[]web.Link{{Label: "Deelnemers", Href: "/deelnemers"}, {Label: pt.Name, Href: participantPath(pt.ID)}}, f, problem, status)
}

func (s *Server) enrol(c *gin.Context) {
	r := s.req(c)
	id := c.Param("participantId")
	in := r.input("start")
	parts := strings.Split(in.text("start", true), "|")
	var day calendar.Date
	if len(parts) == 4 {
		var err error
		if day, err = calendar.ParseDate(parts[3]); err != nil {
			parts = nil
		}
	}
	if len(parts) != 4 && in.ok() {
		in.Errs["start"] = "Kies een start uit de lijst."
	}
	pt, err := s.App.Participant(r.ctx(), r.user(), id)
	if err != nil {
		r.fail(err)
		return
	}
	f, err := s.enrolForm(r, id)
	if err != nil {
		r.fail(err)
		return
	}
	submit(r, in, f, func(f *web.Form, p *web.Problem, status int) { s.showEnrolForm(r, pt, f, p, status) },
		func(key string) (participantsapi.Enrolment, error) {
			return s.App.Enrol(r.ctx(), r.user(), key, participantsapi.EnrolmentInput{ParticipantID: id, ContractID: parts[0], ProductID: parts[1],
				Location: parts[2], StartDate: day})
		},
		func(e participantsapi.Enrolment) {
			r.done(pt.Name+" is ingeschreven op "+e.ProductName+" bij "+e.ProviderName+", start "+web.Date(e.StartDate)+".", "/trajecten/"+url.PathEscape(e.ID))
		})
}
