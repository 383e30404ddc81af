package ports

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/providersapi"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A contracted provider keeps its offer: a start of a product (a day, a place and how many
// it takes) is what a work coach enrols a participant in.

func startsPath(contractID string) string { return "/aanbod/" + url.PathEscape(contractID) + "/starts" }

func startForm(o providersapi.Offer) *web.Form {
	var products []web.Option
	for _, p := range o.Products {
		products = append(products, web.Option{Value: p.ProductID, Label: p.Name})
	}
	return &web.Form{Action: startsPath(o.ContractID), Submit: "Startmoment toevoegen", Key: session.RandomToken(), Fields: []web.Field{
		{Name: "product", Label: "Product", Type: "select", Required: true, Options: products},
		{Name: "date", Label: "Startdatum", Type: "date", Required: true},
		{Name: "location", Label: "Locatie", Required: true, Hint: "De plaats, bijvoorbeeld Groningen of Assen."},
		{Name: "capacity", Label: "Aantal plaatsen", Type: "number", Required: true, Min: "1"}}}
}

func (s *Server) startPage(c *gin.Context) {
	r := s.req(c)
	o, _, err := s.App.OfferVersion(r.ctx(), r.user(), c.Param("contractId"))
	if err != nil {
		r.fail(err)
		return
	}
	s.showStartForm(r, o, startForm(o), nil, http.StatusOK)
}

func (s *Server) showStartForm(r *req, o providersapi.Offer, f *web.Form, problem *web.Problem, status int) {
	r.formPage("Startmoment toevoegen", "Contract "+o.ContractNumber+". Werkcoaches schrijven deelnemers in op uw startmomenten, tot de plaatsen vol zijn.",
		[]web.Link{{Label: "Aanbod", Href: "/aanbod"}}, f, problem, status)
}

// addStart adds the start to the product's offer on the version just read; when another
// change came between (412) it reads again and adds it there, and a start already there
// (the form sent twice) is the same outcome.
func (s *Server) addStart(c *gin.Context) {
	r := s.req(c)
	contractID := c.Param("contractId")
	o, _, err := s.App.OfferVersion(r.ctx(), r.user(), contractID)
	if err != nil {
		r.fail(err)
		return
	}
	in := r.input("product", "date", "location", "capacity")
	productID := in.text("product", true)
	start := providersapi.Start{Date: in.date("date"), Location: in.text("location", true), Capacity: in.integer("capacity", 1, 10000)}
	if !slices.ContainsFunc(o.Products, func(p providersapi.OfferProduct) bool { return p.ProductID == productID }) {
		in.Errs["product"] = "Kies een product van dit contract."
	}
	submit(r, in, startForm(o), func(f *web.Form, p *web.Problem, status int) { s.showStartForm(r, o, f, p, status) },
		func(string) (providersapi.Offer, error) {
			var out providersapi.Offer
			var err error
			for range 3 {
				var now providersapi.Offer
				var version string
				if now, version, err = s.App.OfferVersion(r.ctx(), r.user(), contractID); err != nil {
					return now, err
				}
				i := slices.IndexFunc(now.Products, func(p providersapi.OfferProduct) bool { return p.ProductID == productID })
				if i < 0 {
					return now, fmt.Errorf("product %s left contract %s", productID, contractID)
				}
				pr := now.Products[i]
				if slices.ContainsFunc(pr.Starts, func(st providersapi.Start) bool { return st.Date == start.Date && st.Location == start.Location }) {
					return now, nil
				}
				body := providersapi.ProductOfferInput{Locations: pr.Locations, Starts: append(pr.Starts, start)}
				if !slices.Contains(body.Locations, start.Location) {
					body.Locations = append(body.Locations, start.Location)
				}
				if out, err = s.App.SetProductOffer(r.ctx(), r.user(), contractID, productID, version, body); !isStale(err) {
					return out, err
				}
			}
			return out, err
		},
		func(providersapi.Offer) {
			r.done("Startmoment op "+web.Date(start.Date)+" in "+start.Location+" toegevoegd.", "/aanbod#contract-"+web.Slug(contractID))
		})
}
