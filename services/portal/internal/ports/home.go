package ports

import (
	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// home is the start page: the work of each of the user's roles.
func (s *Server) home(c *gin.Context) {
	r := s.req(c)
	p := r.page("Welkom, "+r.sess.Name, "Dit is uw werk in het portaal van de arbeidsmarktregio.")
	if r.has(auth.RoleFinance) {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Financiën", Text: "Termijnen keuren (vier ogen boven het drempelbedrag), aangehouden termijnen en hun reden, budgetten en betaalruns met het SEPA-bestand voor de bank.",
			Links: []web.Link{{Label: "Termijnen om te keuren", Href: "/financien/termijnen?status=payable"}, {Label: "Aangehouden termijnen", Href: "/financien/termijnen?status=held"},
				{Label: "Budgetten", Href: "/financien/budgetten"}, {Label: "Betaalruns", Href: "/financien/betaalruns"}}})
	}
	if r.has(auth.RoleProvider) {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Opleiden", Text: "Uw aanbod en capaciteit, de trajecten van uw deelnemers met hun mijlpalen en aanwezigheid, en uw termijnen en betalingen.",
			Links: []web.Link{{Label: "Aanbod", Href: "/aanbod"}, {Label: "Trajecten", Href: "/trajecten"}, {Label: "Betalingen", Href: "/betalingen"}}})
	}
	if r.has(auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin) {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Begeleiding", Text: "Deelnemers en hun trajecten, de trechter van ingeschreven tot duurzaam geplaatst, en de resultaten per opleider.",
			Links: []web.Link{{Label: "Deelnemers", Href: "/deelnemers"}, {Label: "Mijn deelnemers", Href: "/deelnemers?mijn=1"}, {Label: "Trajecten", Href: "/trajecten"}, {Label: "Resultaten per opleider", Href: "/resultaten"}}})
	}
	if r.has(auth.RoleContractor) {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Social return", Text: "Uw projecten met een social-return-verplichting: verklaar kandidaten, inkoop en uren en zie hoe elke regel is gewaardeerd.",
			Links: []web.Link{{Label: "Mijn projecten", Href: "/sroi/projecten"}}})
	}
	if r.has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) {
		p.Blocks = append(p.Blocks, web.Block{Heading: "De regio", Text: "Het banendoel tegen de doellijn, social return naar stand, en alle projecten.",
			Links: []web.Link{{Label: "Overzicht van de regio", Href: "/regio"}, {Label: "Social-return-projecten", Href: "/sroi/projecten"}}})
		p.Blocks = append(p.Blocks, web.Block{Heading: "Inkoop", Text: "Open House-regelingen met hun productvoorwaarden, aanmeldingen van opleiders, contracten en de aanbestedingskalender.",
			Links: []web.Link{{Label: "Regelingen", Href: "/inkoop/regelingen"}, {Label: "Aanmeldingen", Href: "/inkoop/aanmeldingen"},
				{Label: "Contracten", Href: "/inkoop/contracten"}, {Label: "Aanbestedingskalender", Href: "/inkoop/aanbestedingen"}}})
	}
	if r.has(auth.RoleAdviser, auth.RoleCoordinator, auth.RoleAdmin) {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Regionaal mobiliteitsteam", Text: "Hulpvragen van werkenden en werkzoekenden, de langst wachtende eerst; een adviseur pakt een vraag op.",
			Links: []web.Link{{Label: "Open hulpvragen", Href: requestsPath}, {Label: "Opgepakte hulpvragen", Href: requestsPath + "?status=in_progress"}}})
	}
	if len(p.Blocks) == 0 {
		p.Blocks = append(p.Blocks, web.Block{Text: "Voor uw rol zijn er nog geen schermen in het portaal; de koppelingen (API's) van het platform staan voor u open."})
	}
	r.show(p)
}
