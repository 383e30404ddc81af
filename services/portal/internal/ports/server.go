// Package ports is the portal's HTTP side: sign-in, the session and its CSRF check, and the
// screens of each role, each built from the services' APIs called with the user's token.
package ports

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/signin"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// Server holds what the screens need.
type Server struct {
	Region    string
	PublicURL string // e.g. https://portal.groningen.werkregio.nl (no trailing slash)
	App       *app.Portal
	Sessions  *session.Manager
	SignIn    *signin.OIDC
	Render    *web.Renderer
	Log       *slog.Logger
	// Issuer is the identity provider, the one other place a form may lead (sign-out).
	Issuer string
	// ProcurementPublicURL is where browsers reach procurement's public tender calendar feed.
	ProcurementPublicURL string
	// FormKey signs the public forms' tokens and hashes a sender's address (derived from
	// the session key, the same on every replica); Limits counts a sender's posts.
	FormKey []byte
	Limits  Limiter
}

// Mount adds the portal's routes to the engine.
func (s *Server) Mount(r *gin.Engine) {
	r.Use(s.securityHeaders())
	r.NoRoute(func(c *gin.Context) {
		s.Render.Render(c.Writer, http.StatusNotFound, &web.Page{Title: "Pagina niet gevonden",
			Lead: "Deze pagina bestaat niet (meer). Controleer het adres of ga naar de startpagina.", Blocks: []web.Block{{Links: []web.Link{{Label: "Naar de startpagina", Href: "/"}}}}})
	})
	r.StaticFS("/static", web.Static())
	r.GET("/aanmelden", s.beginSignIn)
	r.GET("/auth/callback", s.completeSignIn)
	r.GET("/afgemeld", s.signedOut)
	r.GET(accessibilityPath, s.accessibility)
	r.GET(helpPath, s.helpPage)
	r.POST(helpPath, s.askForHelp)
	r.GET(confirmPath, s.confirmPage)
	r.POST(confirmPath, s.confirmHelp)

	a := r.Group("/", s.requireSession())
	a.POST("/afmelden", s.signOut)
	a.GET("/", s.home)

	region := a.Group("/", s.requireRole(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin))
	region.GET("/regio", s.regionOverview)
	region.GET("/regio/doelen/:goalId/csv", s.goalCSV)
	region.GET("/regio/totalen/csv", s.totalsCSV)

	sroi := a.Group("/", s.requireRole(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin, auth.RoleContractor))
	sroi.GET("/sroi/projecten", s.projects)
	sroi.GET("/sroi/projecten/csv", s.projectsCSV)
	sroi.GET("/sroi/projecten/:projectId", s.project)
	sroi.POST("/sroi/projecten/:projectId/verklaringen", s.requireRole(auth.RoleContractor), s.declare)
	sroi.GET("/sroi/verklaringen/:declarationId", s.declaration)
	sroi.GET("/sroi/projecten/:projectId/betrokkenen", s.requireRole(auth.RoleBuyer, auth.RoleCoordinator), s.partiesPage)
	sroi.POST("/sroi/projecten/:projectId/betrokkenen", s.requireRole(auth.RoleBuyer, auth.RoleCoordinator), s.setParties)
	sroi.POST("/sroi/verklaringen/:declarationId/besluit", s.requireRole(auth.RoleBuyer, auth.RoleCoordinator), s.decide)

	fin := a.Group("/", s.requireRole(auth.RoleFinance))
	fin.GET("/financien/termijnen", s.tranches)
	fin.POST("/financien/termijnen/:trancheId/goedkeuren", s.approveTranche)
	fin.GET(bulkPath, s.bulkApprovalPage)
	fin.POST(bulkPath, s.bulkApprove)
	fin.GET("/financien/termijnen/:trancheId/vrijgeven", s.releasePage)
	fin.POST("/financien/termijnen/:trancheId/vrijgeven", s.releaseHold)
	fin.GET("/financien/budgetten", s.budgets)
	fin.GET("/financien/budgetten/nieuw", s.newBudget)
	fin.POST("/financien/budgetten", s.openBudget)
	fin.POST("/financien/budgetten/:budgetId/ophogen", s.changeBudget("ophogen", "top-ups", "Budget opgehoogd."))
	fin.POST("/financien/budgetten/:budgetId/verlagen", s.changeBudget("verlagen", "reductions", "Budget verlaagd."))
	fin.GET("/financien/budgetten/:budgetId", s.budget)
	fin.GET(bankAccountsPath, s.bankAccounts)
	fin.GET(bankAccountsPath+"/:kvk", s.bankAccountCheck)
	fin.POST(bankAccountsPath+"/:kvk", s.confirmBankAccount)
	fin.GET(bankFilesPath, s.bankFiles)
	fin.POST(bankFilesPath, s.importBankFile)
	fin.GET(exceptionsPath, s.bankExceptions)
	fin.GET(exceptionsPath+"/:exceptionId", s.bankException)
	fin.POST(exceptionsPath+"/:exceptionId", s.resolveException)
	fin.GET("/financien/betaalruns", s.runs)
	fin.POST("/financien/betaalruns", s.createRun)
	fin.GET("/financien/betaalruns/:runId", s.run)
	fin.GET("/financien/betaalruns/:runId/bestand", s.runFile)
	fin.POST("/financien/betaalruns/:runId/goedkeuren", s.approveRun)

	prov := a.Group("/", s.requireRole(auth.RoleProvider))
	prov.GET("/aanbod", s.offer)
	prov.GET(openSchemesPath, s.openSchemes)
	prov.GET(openSchemesPath+"/:schemeId", s.applyPage)
	prov.POST(openSchemesPath+"/:schemeId", s.apply)
	prov.GET("/aanbod/:contractId/starts", s.startPage)
	prov.POST("/aanbod/:contractId/starts", s.addStart)
	prov.GET(organisationPath, s.organisation)
	prov.POST(organisationPath, s.registerProvider)
	prov.GET(organisationPath+"/certificaten/nieuw", s.newCertificate)
	prov.POST(organisationPath+"/certificaten", s.addCertificate)
	prov.GET(organisationPath+"/bankrekening", s.bankAccountPage)
	prov.POST(organisationPath+"/bankrekening", s.registerBankAccount)
	prov.GET("/betalingen", s.statement)
	prov.GET("/betalingen/csv", s.statementCSV)

	work := a.Group("/", s.requireRole(auth.RoleProvider, auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin))
	work.GET("/trajecten", s.enrolments)
	work.GET("/trajecten/:enrolmentId", s.enrolment)
	work.POST("/trajecten/:enrolmentId/aanwezigheid", s.requireRole(auth.RoleProvider), s.reportAttendance)
	s.mountEnrolmentSteps(work)

	coach := a.Group("/", s.requireRole(auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin))
	coach.GET("/deelnemers", s.participants)
	coach.GET("/deelnemers/nieuw", s.requireRole(auth.RoleWorkCoach, auth.RoleCoordinator), s.newParticipant)
	coach.POST("/deelnemers", s.requireRole(auth.RoleWorkCoach, auth.RoleCoordinator), s.registerParticipant)
	coach.GET("/deelnemers/:participantId", s.participant)
	coach.GET("/deelnemers/:participantId/inschrijven", s.requireRole(auth.RoleWorkCoach, auth.RoleCoordinator), s.enrolPage)
	coach.POST("/deelnemers/:participantId/inschrijven", s.requireRole(auth.RoleWorkCoach, auth.RoleCoordinator), s.enrol)
	coach.POST("/deelnemers/:participantId/bsn", s.requireRole(auth.RoleCoordinator), s.revealBSN)
	coach.POST("/deelnemers/:participantId/inzage", s.requireRole(auth.RoleCoordinator), s.exportParticipant)
	s.mountParticipantTasks(coach)
	coach.GET("/resultaten", s.outcomes)

	rmt := a.Group("/", s.requireRole(auth.RoleAdviser, auth.RoleCoordinator, auth.RoleAdmin))
	rmt.GET(requestsPath, s.supportRequests)
	rmt.GET(requestsPath+"/:requestId", s.supportRequest)
	rmt.POST(requestsPath+"/:requestId/oppakken", s.requireRole(auth.RoleAdviser), s.pickUpRequest)
	rmt.POST(requestsPath+"/:requestId/advies", s.requireRole(auth.RoleAdviser), s.adviseRequest())
	rmt.POST(requestsPath+"/:requestId/doorverwijzen", s.requireRole(auth.RoleAdviser), s.referRequest())
	rmt.POST(requestsPath+"/:requestId/afsluiten", s.requireRole(auth.RoleAdviser), s.closeRequest())
	admin := a.Group("/", s.requireRole(auth.RoleAdmin))
	admin.GET(deadLettersPage, s.deadLetters)
	admin.POST(deadLettersPage+"/:service/opnieuw", s.replayDeadLetters)
	admin.GET(deadLettersPage+"/:service/:id/verwijderen", s.discardForm)
	admin.POST(deadLettersPage+"/:service/verwijderen", s.discardDeadLetter)
	admin.GET(parkedPage, s.parkedEvents)
	admin.GET(policyPath, s.policies)
	admin.POST(policyPath, s.publishPolicy)
	admin.GET(tablesPath, s.tables)
	admin.POST(tablesPath, s.publishTable)
	admin.GET(tablesPath+"/:tableId/:file", s.tableJSON)
	admin.POST(parkedPage+"/:service/opnieuw", s.republishParked)
	admin.GET(parkedPage+"/:service/:commit/vervallen", s.discardParkedPage)
	admin.POST(parkedPage+"/:service/:commit/vervallen", s.discardParked)

	buy := a.Group("/", s.requireRole(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin))
	buy.GET("/inkoop/regelingen", s.schemes)
	buy.GET("/inkoop/regelingen/:schemeId", s.scheme)
	buyer := s.requireRole(auth.RoleBuyer)
	buy.GET("/inkoop/regelingen/nieuw", buyer, s.newScheme)
	buy.POST("/inkoop/regelingen", buyer, s.createScheme)
	buy.POST("/inkoop/regelingen/:schemeId/publiceren", buyer, s.publishScheme)
	buy.GET("/inkoop/regelingen/:schemeId/producten/nieuw", buyer, s.newProduct)
	buy.POST("/inkoop/regelingen/:schemeId/producten", buyer, s.addProduct)
	buy.GET("/inkoop/regelingen/:schemeId/producten/:productId/voorwaarden", buyer, s.termsPage)
	buy.POST("/inkoop/regelingen/:schemeId/producten/:productId/voorwaarden", buyer, s.changeTerms)
	buy.GET("/inkoop/aanbestedingen/nieuw", buyer, s.newTender)
	buy.POST("/inkoop/aanbestedingen", buyer, s.announceTender)
	buy.GET("/inkoop/aanbestedingen/:tenderId/gunning", buyer, s.awardPage)
	buy.POST("/inkoop/aanbestedingen/:tenderId/gunning", buyer, s.awardTender)
	buy.GET("/inkoop/aanmeldingen", s.applications)
	buy.GET("/inkoop/aanmeldingen/:applicationId/besluit", buyer, s.reviewPage)
	buy.POST("/inkoop/aanmeldingen/:applicationId/besluit", buyer, s.decideApplication)
	buy.GET("/inkoop/contracten", s.contracts)
	buy.GET("/inkoop/aanbestedingen", s.tenders)
	buy.GET(certificatesPath, s.certificatesToVerify)
	buy.POST(certificatesPath+"/:kvk/:certificateId", s.verifyCertificate)
}

// securityHeaders: no scripts at all, forms only to the portal (and the identity provider
// it signs out at), never in a frame, nothing cached (pages hold personal data).
func (s *Server) securityHeaders() gin.HandlerFunc {
	formAction := "'self'"
	if u, err := url.Parse(s.Issuer); err == nil && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	csp := "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action " + formAction +
		"; frame-ancestors 'none'; base-uri 'none'"
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(c.Request.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}

type ctxKey struct{}

// requireSession lets only signed-in users of this region through; a POST must carry the
// session's CSRF token and come from the portal's own pages.
func (s *Server) requireSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		sess, err := s.Sessions.Load(c.Request)
		if err != nil && !errors.Is(err, session.ErrNone) && !errors.Is(err, session.ErrIdle) && !errors.Is(err, session.ErrExpired) {
			s.Log.ErrorContext(c.Request.Context(), "session store unavailable", "error", err.Error())
			c.Header("Retry-After", "30")
			s.Render.Render(c.Writer, http.StatusServiceUnavailable, &web.Page{Title: "Het portaal is even niet beschikbaar",
				Lead: "Uw sessie kan nu niet worden gelezen. Probeer het over enkele minuten opnieuw; uw gegevens blijven bewaard."})
			c.Abort()
			return
		}
		if err != nil {
			if c.Request.Method == http.MethodGet {
				back := c.Request.URL.RequestURI()
				q := url.Values{"terug": {back}}
				if errors.Is(err, session.ErrIdle) || errors.Is(err, session.ErrExpired) {
					q.Set("reden", "verlopen")
				}
				c.Redirect(http.StatusSeeOther, "/aanmelden?"+q.Encode())
			} else {
				c.Redirect(http.StatusSeeOther, "/aanmelden?reden=verlopen")
			}
			c.Abort()
			return
		}
		if c.Request.Method == http.MethodPost && !s.sameOrigin(c.Request, sess) {
			s.Render.Render(c.Writer, http.StatusForbidden, &web.Page{Title: "Formulier niet aangenomen",
				Lead:   "Dit formulier kwam niet van een pagina van het portaal, of de pagina was verouderd. Open de pagina opnieuw en probeer het nog eens.",
				Blocks: []web.Block{{Links: []web.Link{{Label: "Naar de startpagina", Href: "/"}}}}})
			c.Abort()
			return
		}
		notice := sess.Notice
		sess.Notice = ""
		if err := s.Sessions.Save(c.Request.Context(), sess); err != nil {
			s.Log.ErrorContext(c.Request.Context(), "session not saved", "error", err.Error())
		}
		c.Set("notice", notice)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), ctxKey{}, sess))
		c.Next()
	}
}

// sameOrigin checks a form post: the session's CSRF token (the synchroniser token
// pattern), and the browser's Origin and Sec-Fetch-Site headers where it sends them.
func (s *Server) sameOrigin(r *http.Request, sess *session.Session) bool {
	if o := r.Header.Get("Origin"); o != "" && o != s.PublicURL {
		return false
	}
	if f := r.Header.Get("Sec-Fetch-Site"); f != "" && f != "same-origin" && f != "none" {
		return false
	}
	token := r.PostFormValue("csrf")
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) == 1
}

// requireRole shows a clear refusal to a user without one of the roles (the services
// refuse too; the portal says so before asking them).
func (s *Server) requireRole(roles ...auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := s.req(c)
		if !r.sess.Principal().Has(roles...) {
			r.forbidden()
			c.Abort()
			return
		}
		c.Next()
	}
}
