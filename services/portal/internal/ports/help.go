package ports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// The public page of the regional mobility team: anyone asks for help without an account
// (linked from the region's website), and confirms it from the e-mail. Against abuse, without
// a CAPTCHA service: a form token the portal signed (the post came from a page it served,
// within two hours), a field people do not see, size limits, a limit per sender (a keyed hash
// of the address, counted in the portal's database) and the service's limit in total.

const (
	helpPath    = "/hulp"
	confirmPath = "/hulp/bevestigen"
	// perSender is how many questions one address may send in an hour.
	perSender  = 5
	formMaxAge = 2 * time.Hour
)

// Limiter counts a sender's posts per window.
type Limiter interface {
	Allow(ctx context.Context, sender string, limit int, window time.Duration, now time.Time) (bool, error)
}

var situations = []web.Option{{Value: "working", Label: "Ik werk"}, {Value: "job_seeker", Label: "Ik zoek werk"},
	{Value: "benefit", Label: "Ik heb een uitkering"}, {Value: "no_benefit", Label: "Ik heb geen uitkering"},
	{Value: "at_risk_of_dismissal", Label: "Mijn baan loopt gevaar (ontslag dreigt)"}, {Value: "company_closing", Label: "Mijn bedrijf sluit of reorganiseert"}}

func (s *Server) helpForm() *web.Form {
	return &web.Form{Action: helpPath, Submit: "Vraag versturen", Hidden: map[string]string{"t": s.formToken(time.Now())}, Fields: []web.Field{
		{Name: "question", Label: "Waarmee wilt u hulp?", Type: "textarea", Required: true,
			Hint: "Bijvoorbeeld: ander werk, een opleiding of omscholing, wat u kunt als uw bedrijf sluit. Noem geen BSN: dat is niet nodig."},
		{Name: "situation", Label: "Uw situatie", Type: "checkboxes", Required: true, Options: situations, Hint: "Kies wat voor u geldt; meer dan één mag."},
		{Name: "name", Label: "Uw naam", Required: true, Autocomplete: "name"},
		{Name: "email", Label: "Uw e-mailadres", Type: "email", Required: true, Autocomplete: "email", Hint: "U krijgt een e-mail om uw vraag te bevestigen."},
		{Name: "phone", Label: "Uw telefoonnummer (mag leeg blijven)", Type: "tel", Autocomplete: "tel"},
		{Name: "municipality", Label: "Uw woonplaats (mag leeg blijven)", Autocomplete: "address-level2"},
		{Name: "website", Label: "Laat dit veld leeg", Type: "honeypot"},
		{Name: "consent", Label: "Toestemming", Type: "checkboxes", Required: true, Options: []web.Option{{Value: "yes",
			Label: "Het regionaal mobiliteitsteam mag deze gegevens gebruiken om mij te helpen met deze vraag. Het team wist ze twaalf maanden nadat mijn vraag is beantwoord."}}},
	}}
}

func (s *Server) helpPage(c *gin.Context) {
	s.showHelp(c, s.helpForm(), nil, http.StatusOK)
}

func (s *Server) showHelp(c *gin.Context, f *web.Form, problem *web.Problem, status int) {
	p := s.publicPage("Hulp bij werk: vraag het regionaal mobiliteitsteam",
		"Werkt u en wilt u ander werk, dreigt u uw baan te verliezen, of zoekt u werk? Het regionaal mobiliteitsteam van gemeenten, UWV, werkgevers, vakbonden en scholen helpt u, ook als u geen uitkering heeft. U heeft geen account nodig.")
	p.Problem = problem
	p.Blocks = []web.Block{{Form: f}}
	s.Render.Render(c.Writer, status, p)
}

func (s *Server) askForHelp(c *gin.Context) {
	r := &req{s: s, c: c}
	in := r.input("question", "name", "email", "phone", "municipality", "website")
	situation := r.many(in, "situation")
	consent := len(r.many(in, "consent")) > 0
	f := s.helpForm()
	show := func(p *web.Problem, status int) {
		in.fill(f)
		s.showHelp(c, f, p, status)
	}
	if !s.fromOwnPage(c.Request, r.form("t")) {
		show(&web.Problem{Title: "Formulier verlopen", Detail: "Dit formulier is te oud of kwam niet van deze website. Uw gegevens staan er nog; verstuur het opnieuw."}, http.StatusForbidden)
		return
	}
	if ok, err := s.Limits.Allow(c.Request.Context(), s.sender(c), perSender, time.Hour, time.Now()); err != nil || !ok {
		c.Header("Retry-After", "3600")
		show(&web.Problem{Title: "Te veel vragen", Detail: "Vanaf dit adres zijn het afgelopen uur al veel vragen verstuurd. Probeer het over een uur opnieuw, of bel de gemeente."}, http.StatusTooManyRequests)
		return
	}
	if in.text("question", true); len(situation) == 0 {
		in.Errs["situation"] = "Kies minstens één situatie."
	}
	in.text("name", true)
	in.text("email", true)
	if !consent {
		in.Errs["consent"] = "Het team kan alleen helpen als u toestemming geeft."
	}
	if !in.ok() {
		show(checkProblem, http.StatusUnprocessableEntity)
		return
	}
	body := participantsapi.SupportRequestInput{Question: in.Values["question"], Name: in.Values["name"], Email: in.Values["email"], Consent: consent}
	for _, v := range situation {
		body.Situation = append(body.Situation, participantsapi.SupportRequestInputSituation(v))
	}
	if v := in.Values["phone"]; v != "" {
		body.Phone = &v
	}
	if v := in.Values["municipality"]; v != "" {
		body.Municipality = &v
	}
	if v := in.Values["website"]; v != "" {
		body.Website = &v
	}
	_, err := s.App.AskForSupport(c.Request.Context(), s.Region, body)
	var e *app.Error
	switch {
	case errors.As(err, &e) && e.Status == http.StatusUnprocessableEntity:
		show(in.refused(err), http.StatusUnprocessableEntity)
	case errors.As(err, &e) && (e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable):
		show(&web.Problem{Title: "Nu even niet", Detail: "Het team neemt op dit moment geen nieuwe vragen aan. Probeer het later opnieuw."}, e.Status)
	case err != nil:
		s.Log.ErrorContext(c.Request.Context(), "support request not sent", "error", err.Error())
		show(&web.Problem{Title: "Niet verstuurd", Detail: "Uw vraag kon nu niet worden verstuurd. Probeer het over enkele minuten opnieuw; uw gegevens staan er nog."}, http.StatusBadGateway)
	default:
		p := s.publicPage("Kijk in uw e-mail", "We hebben een e-mail gestuurd naar "+body.Email+". Klik binnen 48 uur op de link in die e-mail om uw vraag te bevestigen; daarna neemt een adviseur contact met u op.")
		p.Blocks = []web.Block{{Text: "Geen e-mail gekregen? Kijk ook bij ongewenste e-mail. Zonder bevestiging worden uw gegevens na 48 uur gewist."}}
		s.Render.Render(c.Writer, http.StatusOK, p)
	}
}

// confirmPage shows the button that confirms: a link only opens it, since mail programs open
// links to check them, and a question must be confirmed by the person.
func (s *Server) confirmPage(c *gin.Context) {
	p := s.publicPage("Uw vraag bevestigen", "Bevestig dat u deze vraag aan het regionaal mobiliteitsteam heeft gesteld.")
	p.Blocks = []web.Block{{Form: &web.Form{Action: confirmPath, Submit: "Vraag bevestigen",
		Hidden: map[string]string{"code": c.Query("code"), "t": s.formToken(time.Now())}}}}
	s.Render.Render(c.Writer, http.StatusOK, p)
}

func (s *Server) confirmHelp(c *gin.Context) {
	code := strings.TrimSpace(c.PostForm("code"))
	if !s.fromOwnPage(c.Request, c.PostForm("t")) {
		p := s.publicPage("Formulier verlopen", "Open de link in de e-mail opnieuw en bevestig daar.")
		s.Render.Render(c.Writer, http.StatusForbidden, p)
		return
	}
	_, err := s.App.ConfirmSupportRequest(c.Request.Context(), s.Region, code)
	var e *app.Error
	switch {
	case errors.As(err, &e) && e.Status < 500:
		p := s.publicPage("Deze link werkt niet meer", "De link is ouder dan 48 uur of niet compleet. Stel uw vraag opnieuw; dan krijgt u een nieuwe e-mail.")
		p.Blocks = []web.Block{{Links: []web.Link{{Label: "Vraag opnieuw stellen", Href: helpPath}}}}
		s.Render.Render(c.Writer, http.StatusNotFound, p)
	case err != nil:
		s.Log.ErrorContext(c.Request.Context(), "support request not confirmed", "error", err.Error())
		s.Render.Render(c.Writer, http.StatusBadGateway, s.publicPage("Nu even niet", "Uw bevestiging kon nu niet worden verwerkt. Probeer het over enkele minuten opnieuw met dezelfde link."))
	default:
		s.Render.Render(c.Writer, http.StatusOK, s.publicPage("Uw vraag is bevestigd",
			"Dank u. Een adviseur van het regionaal mobiliteitsteam neemt contact met u op. Uw gegevens worden alleen voor deze vraag gebruikt."))
	}
}

// formToken signs the moment a public form was served.
func (s *Server) formToken(at time.Time) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return ts + "." + s.sign("form:"+ts)
}

// fromOwnPage: the post carries a token the portal signed within formMaxAge, and the browser
// does not say it came from another site.
func (s *Server) fromOwnPage(r *http.Request, token string) bool {
	if o := r.Header.Get("Origin"); o != "" && o != s.PublicURL {
		return false
	}
	if f := r.Header.Get("Sec-Fetch-Site"); f != "" && f != "same-origin" && f != "none" {
		return false
	}
	ts, mac, ok := strings.Cut(token, ".")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || !hmac.Equal([]byte(mac), []byte(s.sign("form:"+ts))) {
		return false
	}
	age := time.Since(time.Unix(sec, 0))
	return age >= 0 && age <= formMaxAge
}

// sender is the keyed hash of the client's address (as the trusted proxies pass it on).
func (s *Server) sender(c *gin.Context) string { return s.sign("sender:" + c.ClientIP())[:32] }

func (s *Server) sign(what string) string {
	m := hmac.New(sha256.New, s.FormKey)
	m.Write([]byte(what))
	return hex.EncodeToString(m.Sum(nil))
}
