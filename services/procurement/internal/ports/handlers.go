package ports

import (
	"context"
	"net/http"

	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/procurementapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/procurement/internal/app"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

func names[T ~string](values ...T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func (h *HTTP) listSchemes(c *gin.Context) {
	q := httpserver.ListQuery(c, "status")
	status := domain.SchemeStatus(q.OneOf("status", names(domain.SchemeDraft, domain.SchemeOpen, domain.SchemeClosed)))
	if !q.OK() {
		return
	}
	v, err := h.app.ListSchemes(c, principal(c), status, q.Page)
	httpserver.RespondPageAs(c, v, err, schemeAnswer)
}

func (h *HTTP) createScheme(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.SchemeInput](c)
	if !ok {
		return
	}
	v, err := h.app.CreateScheme(c, principal(c), schemeInput(in))
	httpserver.CreatedAs(c, func(s *domain.Scheme) string { return schemeURL(s.ID) }, v, err, schemeAnswer)
}

func (h *HTTP) getScheme(c *gin.Context) {
	v, err := h.app.GetScheme(c, principal(c), c.Param("schemeId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, schemeAnswer)
}

func (h *HTTP) editScheme(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.SchemeInput](c)
	if !ok {
		return
	}
	v, err := h.app.EditScheme(c, principal(c), c.Param("schemeId"), schemeInput(in))
	httpserver.RespondAs(c, http.StatusOK, v, err, schemeAnswer)
}

func (h *HTTP) publishScheme(c *gin.Context) {
	v, err := h.app.PublishScheme(c, principal(c), c.Param("schemeId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, schemeAnswer)
}

func (h *HTTP) closeScheme(c *gin.Context) {
	v, err := h.app.CloseScheme(c, principal(c), c.Param("schemeId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, schemeAnswer)
}

func (h *HTTP) addProduct(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.ProductInput](c)
	if !ok {
		return
	}
	v, err := h.app.AddProduct(c, principal(c), c.Param("schemeId"), productInput(in))
	httpserver.CreatedAs(c, func(*domain.Product) string { return schemeURL(c.Param("schemeId")) }, v, err, productAnswer) // a product is part of its scheme
}

func (h *HTTP) changeTerms(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.TermsInput](c)
	if !ok {
		return
	}
	v, err := h.app.ChangeTerms(c, principal(c), c.Param("schemeId"), c.Param("productId"), termsInput(in))
	httpserver.CreatedAs(c, func(*trajectory.Terms) string { return schemeURL(c.Param("schemeId")) }, v, err, termsAnswer)
}

func (h *HTTP) apply(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.ApplicationInput](c)
	if !ok {
		return
	}
	a, ct, err := h.app.Apply(c, principal(c), c.Param("schemeId"), applicationInput(in))
	httpserver.Created(c, func(r procurementapi.ApplicationResult) string { return "/api/v1/applications/" + r.Application.ID },
		applicationResult(a, ct), err)
}

func (h *HTTP) decideApplication(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.DecisionInput](c)
	if !ok {
		return
	}
	a, ct, err := h.app.DecideApplication(c, principal(c), c.Param("applicationId"), convert.Each(in.Assessments, assessment))
	httpserver.Respond(c, http.StatusOK, applicationResult(a, ct), err)
}

// admissionQuery reads the filters of the applications and contracts lists.
func admissionQuery(c *gin.Context, extra ...string) (*httpserver.Query, app.AdmissionFilter) {
	q := httpserver.ListQuery(c, append([]string{"schemeId", "providerKvk"}, extra...)...)
	return q, app.AdmissionFilter{SchemeID: q.String("schemeId"),
		ProviderKvK: q.Matching("providerKvk", civil.ValidKvK, "must be a KvK number of 8 digits")}
}

func (h *HTTP) listApplications(c *gin.Context) {
	q, f := admissionQuery(c, "status")
	f.InReview = q.OneOf("status", []string{string(domain.ApplicationInReview)}) != ""
	if !q.OK() {
		return
	}
	v, err := h.app.ListApplications(c, principal(c), f, q.Page)
	httpserver.RespondPageAs(c, v, err, applicationAnswer)
}

func (h *HTTP) listContracts(c *gin.Context) {
	q, f := admissionQuery(c, "status")
	f.ContractStatus = domain.ContractStatus(q.OneOf("status", names(domain.ContractActive, domain.ContractSuspended, domain.ContractEnded)))
	if !q.OK() {
		return
	}
	v, err := h.app.ListContracts(c, principal(c), f, q.Page)
	httpserver.RespondPageAs(c, v, err, contractAnswer)
}

func (h *HTTP) getApplication(c *gin.Context) {
	v, err := h.app.GetApplication(c, principal(c), c.Param("applicationId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, applicationAnswer)
}

func schemeURL(id string) string { return "/api/v1/schemes/" + id }

func (h *HTTP) getContract(c *gin.Context) {
	v, err := h.app.GetContract(c, principal(c), c.Param("contractId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, contractAnswer)
}

func (h *HTTP) contractAction(action app.ContractAction) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in procurementapi.ReasonInput // the reason is optional, and so is the body
		if c.Request.ContentLength != 0 {
			var ok bool
			if in, ok = httpserver.Bind[procurementapi.ReasonInput](c); !ok {
				return
			}
		}
		v, err := h.app.ChangeContract(c, principal(c), c.Param("contractId"), action, optional.Value(in.Reason))
		httpserver.RespondAs(c, http.StatusOK, v, err, contractAnswer)
	}
}

func (h *HTTP) listTenders(c *gin.Context) {
	q := httpserver.ListQuery(c, "status")
	status := domain.TenderStatus(q.OneOf("status", names(domain.TenderAnnounced, domain.TenderAwarded, domain.TenderCancelled)))
	if !q.OK() {
		return
	}
	v, err := h.app.ListTenders(c, principal(c).Region, status, q.Page)
	httpserver.RespondPageAs(c, v, err, tenderAnswer)
}

func (h *HTTP) announceTender(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.TenderInput](c)
	if !ok {
		return
	}
	v, err := h.app.AnnounceTender(c, principal(c), tenderInput(in))
	httpserver.CreatedAs(c, func(t *domain.Tender) string { return "/api/v1/tenders/" + t.ID }, v, err, tenderAnswer)
}

func (h *HTTP) getTender(c *gin.Context) {
	v, err := h.app.GetTender(c, principal(c), c.Param("tenderId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, tenderAnswer)
}

func (h *HTTP) updateTender(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.TenderInput](c)
	if !ok {
		return
	}
	v, err := h.app.UpdateTender(c, principal(c), c.Param("tenderId"), tenderInput(in))
	httpserver.RespondAs(c, http.StatusOK, v, err, tenderAnswer)
}

func (h *HTTP) awardTender(c *gin.Context) {
	in, ok := httpserver.Bind[procurementapi.AwardInput](c)
	if !ok {
		return
	}
	v, err := h.app.AwardTender(c, principal(c), c.Param("tenderId"), awardInput(in))
	httpserver.RespondAs(c, http.StatusOK, v, err, tenderAnswer)
}

func (h *HTTP) cancelTender(c *gin.Context) {
	v, err := h.app.CancelTender(c, principal(c), c.Param("tenderId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, tenderAnswer)
}

func (h *HTTP) calendarJSON(c *gin.Context) {
	v, err := h.app.Calendar(c, principal(c).Region)
	httpserver.RespondListAs(c, v, err, tenderAnswer)
}

func (h *HTTP) audit(c *gin.Context, page func(context.Context, auth.Principal, string, paging.Request) (paging.Page[commit.AuditEntry], error), param string) {
	q := httpserver.HistoryQuery(c)
	if !q.OK() {
		return
	}
	v, err := page(c, principal(c), c.Param(param), q.Page)
	httpserver.RespondPage(c, v, err)
}

func (h *HTTP) schemeAudit(c *gin.Context)   { h.audit(c, h.app.SchemeAudit, "schemeId") }
func (h *HTTP) tenderAudit(c *gin.Context)   { h.audit(c, h.app.TenderAudit, "tenderId") }
func (h *HTTP) contractAudit(c *gin.Context) { h.audit(c, h.app.ContractAudit, "contractId") }
