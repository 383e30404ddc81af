package ports

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/portal/internal/web"
)

// accessibilityPath is the toegankelijkheidsverklaring every Dutch public body publishes
// for its websites (Besluit digitale toegankelijkheid overheid), linked from every page.
const accessibilityPath = "/toegankelijkheid"

// accessibility is the statement: the standard, its status, how it was tested, what is
// known not to meet it yet, and where to report a problem. It is public: someone who cannot
// sign in must be able to read it.
func (s *Server) accessibility(c *gin.Context) {
	p := s.publicPage("Toegankelijkheidsverklaring",
		"De arbeidsmarktregio wil dat iedereen dit portaal kan gebruiken, ook met een beperking. Hier staat aan welke eisen het voldoet, hoe dat is getoetst en wat nog niet goed is.")
	p.Blocks = []web.Block{
		{Heading: "Welke eisen", Text: "Het portaal moet voldoen aan de Web Content Accessibility Guidelines (WCAG) 2.1 op niveau AA, zoals de Europese norm EN 301 549 die voorschrijft en het Besluit digitale toegankelijkheid overheid verplicht."},
		{Heading: "Status", Text: "Voldoet gedeeltelijk: de automatische toetsing vindt op geen enkele pagina een overtreding, maar een handmatige toetsing door een onafhankelijke, deskundige partij (een audit volgens de WCAG-EM-methode) heeft nog niet plaatsgevonden. Tot die er is, staat de status op gedeeltelijk.",
			Facts: []web.Fact{{Term: "Standaard", Value: "WCAG 2.1, niveau AA"}, {Term: "Status", Value: "B — voldoet gedeeltelijk"}, {Term: "Laatst bijgewerkt", Value: "7 december 2026"}}},
		{Heading: "Hoe is getoetst", Text: "Bij elke wijziging van het portaal opent een testreeks elke pagina in Chromium, aangemeld als elke rol (inkoper, aanbieder, opdrachtnemer, werkcoach, coördinator, financiën, beheerder), en toetst haar met axe-core op alle WCAG 2.1 A- en AA-regels die automatisch te toetsen zijn. De testreeks controleert ook dat elk formulier zonder JavaScript werkt, dat elk veld een label heeft en dat een fout bij het veld staat en aan het veld is gekoppeld (aria-describedby), dat de pagina met het toetsenbord te bedienen is (een link om naar de inhoud te springen, zichtbare focus) en dat elke grafiek een titel, een beschrijving en dezelfde cijfers als tabel heeft."},
		{Heading: "Wat nog niet voldoet", Text: "Een automatische toetsing vindt ongeveer een derde van de mogelijke problemen. Niet automatisch getoetst zijn onder meer: of teksten begrijpelijk zijn (taalniveau B1), of de volgorde van voorlezen overal logisch is en hoe het portaal werkt met schermlezers als NVDA, JAWS en VoiceOver en met vergroting tot 400%. Bestanden die het portaal aanbiedt (CSV, Excel, betaalbestanden voor de bank) vallen niet onder deze verklaring; de bankbestanden zijn niet voor mensen bedoeld."},
		{Heading: "Melden wat niet werkt", Text: "Loopt u tegen een drempel aan, of kunt u iets niet vinden of gebruiken? Meld het bij de functionaris digitale toegankelijkheid van uw arbeidsmarktregio (via het contactformulier van de centrumgemeente). U krijgt binnen vijf werkdagen antwoord, en binnen twee weken een oplossing of een andere manier om uw taak te doen. Bent u het niet eens met de afhandeling, dan kunt u zich wenden tot de Nationale ombudsman."},
		{Links: []web.Link{{Label: "Naar de startpagina", Href: "/"}}},
	}
	s.Render.Render(c.Writer, http.StatusOK, p)
}
