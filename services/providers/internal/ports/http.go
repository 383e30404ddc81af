// Package ports exposes the providers application over HTTP and Kafka.
package ports

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/providersapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/providers/internal/app"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// HTTP serves the providers API.
type HTTP struct {
	app    *app.Service
	region string
}

// NewHTTP builds the handlers for the instance's region.
func NewHTTP(a *app.Service, region string) *HTTP { return &HTTP{app: a, region: region} }

// Register mounts the routes on the platform's /api/v1 group (a token of this region,
// conditional changes, idempotent POSTs).
func (h *HTTP) Register(api *gin.RouterGroup) {
	editors := auth.Require(auth.RoleProvider, auth.RoleAdmin)

	api.GET("/providers", h.listProviders)
	api.POST("/providers", editors, h.registerProvider)
	api.GET("/providers/:kvk", h.getProvider)
	api.PUT("/providers/:kvk", editors, h.updateProvider)
	api.PUT("/providers/:kvk/bank-account", editors, h.registerBankAccount)
	api.POST("/providers/:kvk/bank-account/confirmation", auth.Require(auth.RoleFinance), h.confirmBankAccount)
	api.POST("/providers/:kvk/certificates", editors, h.addCertificate)
	api.DELETE("/providers/:kvk/certificates/:certificateId", editors, h.removeCertificate)
	api.POST("/providers/:kvk/certificates/:certificateId/verification", auth.Require(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin), h.verifyCertificate)

	api.GET("/offers", h.listOffers)
	api.GET("/offers/:contractId", h.getOffer)
	api.PUT("/offers/:contractId/products/:productId", editors, h.setProductOffer)
}

var principal = auth.Of

func (h *HTTP) listProviders(c *gin.Context) {
	q := httpserver.ListQuery(c, "bankAccount", "certificates")
	f := app.ProviderFilter{BankAccount: q.OneOf("bankAccount", []string{domain.AccountNone, domain.AccountPending, domain.AccountConfirmed}),
		Certificates: q.OneOf("certificates", []string{"pending"})}
	if !q.OK() {
		return
	}
	v, err := h.app.ListProviders(c, principal(c), f, q.Page)
	httpserver.RespondPageAs(c, v, err, providerAnswer)
}

func (h *HTTP) registerProvider(c *gin.Context) {
	in, ok := httpserver.Bind[providersapi.ProviderInput](c)
	if !ok {
		return
	}
	v, err := h.app.RegisterProvider(c, principal(c), providerInput(in))
	httpserver.CreatedAs(c, providerURL, v, err, providerAnswer)
}

func providerURL(p *domain.Provider) string { return "/api/v1/providers/" + p.KvK }

func (h *HTTP) getProvider(c *gin.Context) {
	v, err := h.app.GetProvider(c, principal(c), c.Param("kvk"))
	httpserver.RespondAs(c, http.StatusOK, v, err, providerAnswer)
}

func (h *HTTP) updateProvider(c *gin.Context) {
	in, ok := httpserver.Bind[providersapi.ProviderInput](c)
	if !ok {
		return
	}
	v, err := h.app.UpdateProvider(c, principal(c), c.Param("kvk"), providerInput(in))
	httpserver.RespondAs(c, http.StatusOK, v, err, providerAnswer)
}

func (h *HTTP) addCertificate(c *gin.Context) {
	in, ok := httpserver.Bind[providersapi.CertificateInput](c)
	if !ok {
		return
	}
	v, err := h.app.AddCertificate(c, principal(c), c.Param("kvk"), certificateInput(in))
	httpserver.CreatedAs(c, providerURL, v, err, providerAnswer) // a certificate is part of its provider
}

func (h *HTTP) removeCertificate(c *gin.Context) {
	v, err := h.app.RemoveCertificate(c, principal(c), c.Param("kvk"), c.Param("certificateId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, providerAnswer)
}

func (h *HTTP) listOffers(c *gin.Context) {
	q := httpserver.ListQuery(c, "provider", "scheme", "product", "contractStatus")
	f := app.OfferFilter{ProviderKvK: q.Matching("provider", civil.ValidKvK, "must be a KvK number of 8 digits"),
		SchemeID: q.String("scheme"), ProductID: q.String("product"),
		ContractStatus: q.OneOf("contractStatus", []string{domain.ContractActive, domain.ContractSuspended, domain.ContractEnded})}
	if !q.OK() {
		return
	}
	v, err := h.app.ListOffers(c, principal(c), f, q.Page)
	httpserver.RespondPageAs(c, v, err, offerAnswer)
}

func (h *HTTP) getOffer(c *gin.Context) {
	v, err := h.app.GetOffer(c, principal(c), c.Param("contractId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, offerAnswer)
}

func (h *HTTP) setProductOffer(c *gin.Context) {
	in, ok := httpserver.Bind[providersapi.ProductOfferInput](c)
	if !ok {
		return
	}
	v, err := h.app.SetProductOffer(c, principal(c), c.Param("contractId"), c.Param("productId"), productOfferInput(in))
	httpserver.RespondAs(c, http.StatusOK, v, err, offerAnswer)
}

func (h *HTTP) verifyCertificate(c *gin.Context) {
	v, err := h.app.VerifyCertificate(c, principal(c), c.Param("kvk"), c.Param("certificateId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, providerAnswer)
}

func (h *HTTP) registerBankAccount(c *gin.Context) {
	if in, ok := httpserver.Bind[providersapi.BankAccountInput](c); ok {
		v, err := h.app.RegisterBankAccount(c, auth.Of(c), c.Param("kvk"), bankAccountInput(in))
		httpserver.RespondAs(c, http.StatusOK, v, err, providerAnswer)
	}
}

func (h *HTTP) confirmBankAccount(c *gin.Context) {
	if in, ok := httpserver.Bind[providersapi.ConfirmationInput](c); ok {
		v, err := h.app.ConfirmBankAccount(c, auth.Of(c), c.Param("kvk"), in.Revision)
		httpserver.RespondAs(c, http.StatusOK, v, err, providerAnswer)
	}
}
