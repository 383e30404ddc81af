package ports

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/sroiapi"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A buyer or coordinator names a project's three responsible persons (the buyer's, the
// contractor's and the werkplein's): the platform's notices about the project go to them.

func partiesPath(projectID string) string {
	return "/sroi/projecten/" + url.PathEscape(projectID) + "/betrokkenen"
}

var partyRoles = []struct{ name, label string }{{"buyer", "de inkoper"}, {"contractor", "de opdrachtnemer"}, {"werkplein", "het werkplein"}}

func partiesForm(pr sroiapi.Project, version string) *web.Form {
	f := &web.Form{Action: partiesPath(pr.ID), Submit: "Betrokkenen vastleggen", Hidden: map[string]string{"version": version, "shown": partiesPrint(pr.Parties)}}
	current := map[string]sroiapi.Contact{"buyer": pr.Parties.Buyer, "contractor": pr.Parties.Contractor, "werkplein": pr.Parties.Werkplein}
	for _, p := range partyRoles {
		f.Fields = append(f.Fields,
			web.Field{Name: p.name + "Name", Label: "Naam van " + p.label, Value: optional.Value(current[p.name].Name), Autocomplete: "off"},
			web.Field{Name: p.name + "Email", Label: "E-mailadres van " + p.label, Type: "email", Value: optional.Value(current[p.name].Email), Autocomplete: "off",
				Hint: "Hier komen de berichten over de voortgang van dit project."})
	}
	return f
}

func (s *Server) partiesPage(c *gin.Context) {
	r := s.req(c)
	pr, version, err := s.App.ProjectVersion(r.ctx(), r.user(), c.Param("projectId"))
	if err != nil {
		r.fail(err)
		return
	}
	s.showParties(r, pr, partiesForm(pr, version), nil, http.StatusOK)
}

func (s *Server) showParties(r *req, pr sroiapi.Project, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Betrokkenen bij "+pr.Title, "Wie namens de inkoper, de opdrachtnemer en het werkplein verantwoordelijk is. Berichten die op een adres wachten, worden verstuurd zodra het er is.",
		[]web.Link{{Label: "Projecten", Href: "/sroi/projecten"}, {Label: pr.Title, Href: "/sroi/projecten/" + url.PathEscape(pr.ID)}}, f, problem, status)
}

// setParties sends the parties on the version the form was made from; sent twice, the
// second finds the version moved on and the parties as sent, the same outcome. A project's
// version also moves when the platform recomputes its progress: when the parties are still
// those the page showed, nobody else changed them and they are sent on the new version.
func (s *Server) setParties(c *gin.Context) {
	r := s.req(c)
	pr, _, err := s.App.ProjectVersion(r.ctx(), r.user(), c.Param("projectId"))
	if err != nil {
		r.fail(err)
		return
	}
	names := []string{}
	for _, p := range partyRoles {
		names = append(names, p.name+"Name", p.name+"Email")
	}
	in := r.input(names...)
	contact := func(role string) sroiapi.Contact {
		c := sroiapi.Contact{}
		if n := in.text(role+"Name", false); n != "" {
			c.Name = &n
		}
		if e := in.text(role+"Email", false); e != "" {
			c.Email = &e
		}
		return c
	}
	body := sroiapi.Parties{Buyer: contact("buyer"), Contractor: contact("contractor"), Werkplein: contact("werkplein")}
	version, shown := r.form("version"), r.form("shown")
	f := partiesForm(pr, version)
	f.Hidden["shown"] = shown
	submit(r, in, f, func(f *web.Form, p *web.Problem, status int) { s.showParties(r, pr, f, p, status) },
		func(string) (sroiapi.Project, error) {
			for attempt := 0; ; attempt++ {
				after, err := s.App.SetParties(r.ctx(), r.user(), pr.ID, version, body)
				if !isStale(err) || attempt == 3 {
					return after, err
				}
				now, v, again := s.App.ProjectVersion(r.ctx(), r.user(), pr.ID)
				switch {
				case again != nil:
					return after, err
				case sameParties(now.Parties, body):
					return now, nil
				case partiesPrint(now.Parties) != shown:
					return after, err // someone else changed the parties: the user sees theirs first
				}
				version = v
			}
		},
		func(sroiapi.Project) { r.done("Betrokkenen vastgelegd.", "/sroi/projecten/"+url.PathEscape(pr.ID)) })
}

// partiesPrint is a fingerprint of the parties a page showed.
func partiesPrint(p sroiapi.Parties) string {
	h := sha256.New()
	for _, c := range []sroiapi.Contact{p.Buyer, p.Contractor, p.Werkplein} {
		fmt.Fprintf(h, "%q %q\n", optional.Value(c.Name), optional.Value(c.Email))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func sameParties(a, b sroiapi.Parties) bool {
	same := func(x, y sroiapi.Contact) bool {
		return optional.Value(x.Name) == optional.Value(y.Name) && optional.Value(x.Email) == optional.Value(y.Email)
	}
	return same(a.Buyer, b.Buyer) && same(a.Contractor, b.Contractor) && same(a.Werkplein, b.Werkplein)
}
