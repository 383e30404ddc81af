package ports

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// A buyer or coordinator verifies the certificates providers record against the certificate
// itself (number, holder, dates): only a verified certificate counts for contracts.

const certificatesPath = "/inkoop/certificaten"

func (s *Server) certificatesToVerify(c *gin.Context) {
	r := s.req(c)
	q := r.filters()
	q.Set("certificates", "pending")
	page, err := s.App.ProviderList(r.ctx(), r.user(), q)
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Certificaten te verifiëren", "Certificaten die opleiders vastlegden. Controleer elk certificaat bij de uitgever of op het certificaat zelf (nummer, houder, data) voordat u het verifieert: pas dan telt het voor contracten.")
	t := &web.Table{Caption: "Certificaten te verifiëren", Empty: "Er wachten geen certificaten op verificatie.",
		Columns: []web.Column{{Label: "Opleider"}, {Label: "KvK-nummer"}, {Label: "Certificaat"}, {Label: "Nummer"}, {Label: "Afgegeven"}, {Label: "Geldig tot en met"}, {Label: "Actie"}}}
	for _, pr := range page.Items {
		for _, ct := range pr.Certificates {
			if ct.Pending == nil || !*ct.Pending {
				continue
			}
			action := &web.Form{Action: certificatesPath + "/" + url.PathEscape(pr.KvK) + "/" + url.PathEscape(ct.ID), Submit: "Verifiëren",
				SubmitName: "Verifiëren: " + ct.Type + " van " + pr.Name, Key: session.RandomToken(), Inline: true}
			t.Rows = append(t.Rows, web.Row{Cells: []web.Cell{{Text: pr.Name}, {Text: pr.KvK}, {Text: ct.Type}, {Text: web.Text(ct.Number)},
				{Text: web.Date(ct.IssuedOn)}, {Text: web.Date(ct.ExpiresOn)}, {Form: action}}})
		}
	}
	pager(r, t, page.Next)
	p.Blocks = []web.Block{{Table: t}}
	r.show(p)
}

func (s *Server) verifyCertificate(c *gin.Context) {
	r := s.req(c)
	prov, err := s.App.VerifyCertificate(r.ctx(), r.user(), c.Param("kvk"), c.Param("certificateId"), "", r.form("key"))
	if isRefusal(err) {
		r.done("Niet verwerkt: "+refusal(err), certificatesPath)
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	r.done("Certificaat van "+prov.Name+" geverifieerd; het telt nu voor de contracten van de opleider.", certificatesPath)
}
