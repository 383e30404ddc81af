package ports

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/paymentsapi"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// Finance approves many tranches at once, and releases the holds only a person can lift.
// The service decides each approval as it would one by one: four eyes above the amount,
// never twice by the same officer.

const bulkPath = "/financien/termijnen/goedkeuren"

// bulkForm lists the payable tranches of the page that this officer has not approved yet.
func bulkForm(r *req, items []paymentsapi.Tranche, back string) (*web.Form, int64) {
	var opts []web.Option
	var total int64
	for _, tr := range items {
		if tr.Status != "payable" || slices.ContainsFunc(tr.Approvals, func(a paymentsapi.Tranche_Approvals) bool { return a.By == r.sess.Subject }) {
			continue
		}
		second := ""
		if len(tr.Approvals) > 0 {
			second = " — als tweede goedkeuring"
		}
		opts = append(opts, web.Option{Value: tr.ID, Label: fmt.Sprintf("%s van %s, opleider %s, %s (%s)%s", trancheName(tr), web.Euro(tr.AmountCents),
			tr.ProviderKvK, web.Date(tr.MilestoneOn), tr.ID, second)})
		total += tr.AmountCents
	}
	return &web.Form{Action: bulkPath, Submit: "Geselecteerde termijnen goedkeuren", Key: session.RandomToken(), Hidden: map[string]string{"terug": back},
		Fields: []web.Field{{Name: "tranches", Label: "Termijnen", Type: "checkboxes", Options: opts,
			Hint: "Controleer elke termijn voordat u hem aanvinkt; boven het vier-ogenbedrag keurt een collega als tweede goed."}}}, total
}

func (s *Server) bulkApprovalPage(c *gin.Context) {
	r := s.req(c)
	q := r.filters("provider", "period", "budget")
	q.Set("status", "payable")
	q.Set("limit", "100")
	page, err := s.App.Tranches(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	f, total := bulkForm(r, page.Items, c.Request.URL.RequestURI())
	p := r.page("Termijnen goedkeuren", "Vink de termijnen aan die u heeft gecontroleerd en keur ze in één keer goed. Elke goedkeuring wordt apart vastgelegd.")
	p.Crumbs = []web.Link{{Label: "Termijnen", Href: "/financien/termijnen?status=payable"}}
	filters := &web.Form{Action: bulkPath, Get: true, Submit: "Filter", Reset: bulkPath, Fields: []web.Field{
		{Name: "provider", Label: "KvK-nummer opleider", Value: q.Get("provider"), Pattern: "[0-9]{8}"},
		{Name: "period", Label: "Maand van de mijlpaal", Value: q.Get("period"), Hint: "JJJJ-MM", Pattern: "[0-9]{4}-[0-9]{2}"}}}
	p.Blocks = []web.Block{{Form: filters}}
	if len(f.Fields[0].Options) == 0 {
		p.Blocks = append(p.Blocks, web.Block{Text: "Er zijn geen termijnen die u nog kunt goedkeuren."})
	} else {
		p.Blocks = append(p.Blocks, web.Block{Stats: []web.Stat{{Label: "Te keuren", Value: web.Number(len(f.Fields[0].Options))}, {Label: "Samen", Value: web.Euro(total)}}},
			web.Block{Heading: "Termijnen", ID: "termijnen", Form: f})
	}
	if page.Next != "" {
		p.Blocks = append(p.Blocks, web.Block{Text: "Er zijn meer dan 100 te keuren termijnen: na deze volgen de volgende."})
	}
	r.show(p)
}

// bulkApprove approves each ticked tranche under a key of its own (the form's key and the
// tranche), so the form sent twice approves nothing twice; refusals are counted and said.
func (s *Server) bulkApprove(c *gin.Context) {
	r := s.req(c)
	back := localPath(r.form("terug"))
	if !strings.HasPrefix(back, bulkPath) {
		back = bulkPath
	}
	ids := c.PostFormArray("tranches")
	if len(ids) == 0 {
		r.done("Niets goedgekeurd: vink minstens één termijn aan.", back)
		return
	}
	key := r.form("key")
	var approved, second int
	var sum int64
	var refused []string
	for _, id := range ids {
		tr, err := s.App.ApproveTranche(r.ctx(), r.user(), id, key+"/"+id)
		var e *app.Error
		switch {
		case errors.As(err, &e) && e.Status < 500:
			refused = append(refused, id+": "+problemOf(err).Detail)
		case err != nil:
			r.fail(err)
			return
		case tr.Status == "payable":
			second++
		default:
			approved++
			sum += tr.AmountCents
		}
	}
	msg := fmt.Sprintf("%s goedgekeurd (%s).", tranches(approved), web.Euro(sum))
	if second > 0 {
		msg += fmt.Sprintf(" %s wachten op de goedkeuring van een collega (boven het vier-ogenbedrag).", tranches(second))
	}
	if len(refused) > 0 {
		msg += fmt.Sprintf(" %s niet: %s", tranches(len(refused)), strings.Join(refused, "; "))
	}
	r.done(msg, back)
}

// releasable are the holds only a person lifts (the others lift when their cause is fixed).
var releasable = []paymentsapi.HoldCode{paymentsapi.HoldCodeDuplicate, paymentsapi.HoldCodeBankRejected}

func releasePath(id string) string {
	return "/financien/termijnen/" + url.PathEscape(id) + "/vrijgeven"
}

func releaseForm(tr paymentsapi.Tranche) *web.Form {
	var opts []web.Option
	for _, h := range tr.Holds {
		if slices.Contains(releasable, h.Code) {
			opts = append(opts, web.Option{Value: string(h.Code), Label: holdText(h)})
		}
	}
	return &web.Form{Action: releasePath(tr.ID), Submit: "Vrijgeven", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "code", Label: "Reden van aanhouden", Type: "select", Required: true, Options: opts},
		{Name: "reason", Label: "Waarom vrijgeven", Type: "textarea", Required: true,
			Hint: "Bijvoorbeeld: geen dubbele inschrijving, de deelnemer volgt een tweede, ander traject; of: de opleider heeft een nieuw rekeningnummer doorgegeven."}}}
}

func (s *Server) releasePage(c *gin.Context) {
	r := s.req(c)
	tr, err := s.App.Tranche(r.ctx(), r.user(), c.Param("trancheId"))
	if err != nil {
		r.fail(err)
		return
	}
	s.showRelease(r, tr, releaseForm(tr), nil, http.StatusOK)
}

func (s *Server) showRelease(r *req, tr paymentsapi.Tranche, f *web.Form, problem *web.Problem, status int) {
	lead := "Een dubbele termijn of een weigering door de bank heft alleen een medewerker op, met een reden. Bij een weigering door de bank geven twee verschillende medewerkers vrij."
	if len(f.Fields[0].Options) == 0 {
		lead = "Deze termijn heeft geen reden van aanhouden die een medewerker opheft; die vervalt vanzelf als de oorzaak is opgelost."
		f = nil
	}
	p := r.page("Termijn vrijgeven: "+trancheName(tr)+" van "+web.Euro(tr.AmountCents), lead)
	p.Crumbs, p.Problem = []web.Link{{Label: "Termijnen", Href: "/financien/termijnen?status=held"}}, problem
	p.Blocks = []web.Block{{Facts: []web.Fact{{Term: "Termijn", Value: tr.ID}, {Term: "Opleider (KvK)", Value: tr.ProviderKvK},
		{Term: "Mijlpaal", Value: web.Label("milestone:"+tr.Milestone) + ", " + web.Date(tr.MilestoneOn)}}}}
	if f != nil {
		p.Blocks = append(p.Blocks, web.Block{Form: f})
	}
	r.s.Render.Render(r.c.Writer, status, p)
}

func (s *Server) releaseHold(c *gin.Context) {
	r := s.req(c)
	tr, err := s.App.Tranche(r.ctx(), r.user(), c.Param("trancheId"))
	if err != nil {
		r.fail(err)
		return
	}
	in := r.input("code", "reason")
	body := paymentsapi.ReleaseInput{Code: paymentsapi.HoldCode(in.text("code", true)), Reason: in.text("reason", true)}
	submit(r, in, releaseForm(tr), func(f *web.Form, p *web.Problem, status int) { s.showRelease(r, tr, f, p, status) },
		func(key string) (paymentsapi.Tranche, error) {
			return s.App.ReleaseHold(r.ctx(), r.user(), tr.ID, key, body)
		},
		func(after paymentsapi.Tranche) {
			msg := "Vrijgegeven: " + web.Label("hold:"+string(body.Code)) + "."
			if slices.ContainsFunc(after.Holds, func(h paymentsapi.Hold) bool { return h.Code == body.Code }) {
				msg = "Uw vrijgave is vastgelegd; een collega van financiën geeft als tweede vrij."
			}
			r.done(msg, "/financien/termijnen?status=held")
		})
}

func tranches(n int) string {
	if n == 1 {
		return "1 termijn"
	}
	return web.Number(n) + " termijnen"
}
