// Package ports exposes the procurement application over HTTP.
package ports

import (
	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/procurement/internal/app"
)

// HTTP serves the procurement API.
type HTTP struct {
	app    *app.Service
	region string
}

// NewHTTP builds the handlers for the instance's region.
func NewHTTP(a *app.Service, region string) *HTTP { return &HTTP{app: a, region: region} }

// Register mounts the routes. Every route of api (the platform's /api/v1 group) needs a
// valid token of this region; the tender calendar feed is public, as a published calendar
// is (see docs/architecture.md, "The tender calendar feed is public").
func (h *HTTP) Register(r *gin.Engine, api *gin.RouterGroup) {
	r.GET("/api/v1/public/regions/:region/tender-calendar.ics", h.calendarFeed)

	buyer := auth.Require(auth.RoleBuyer, auth.RoleAdmin)
	provider := auth.Require(auth.RoleProvider)

	api.GET("/schemes", h.listSchemes)
	api.POST("/schemes", buyer, h.createScheme)
	api.GET("/schemes/:schemeId", h.getScheme)
	api.GET("/schemes/:schemeId/audit", h.schemeAudit)
	api.PUT("/schemes/:schemeId", buyer, h.editScheme)
	api.POST("/schemes/:schemeId/publish", buyer, h.publishScheme)
	api.POST("/schemes/:schemeId/close", buyer, h.closeScheme)
	api.POST("/schemes/:schemeId/products", buyer, h.addProduct)
	api.POST("/schemes/:schemeId/products/:productId/terms", buyer, h.changeTerms)
	api.POST("/schemes/:schemeId/applications", provider, h.apply)

	api.GET("/applications", h.listApplications)
	api.GET("/applications/:applicationId", h.getApplication)
	api.POST("/applications/:applicationId/decision", buyer, h.decideApplication)
	api.GET("/contracts", h.listContracts)
	api.GET("/contracts/:contractId", h.getContract)
	api.GET("/contracts/:contractId/audit", h.contractAudit)
	api.POST("/contracts/:contractId/suspend", buyer, h.contractAction(app.ActionSuspend))
	api.POST("/contracts/:contractId/resume", buyer, h.contractAction(app.ActionResume))
	api.POST("/contracts/:contractId/end", buyer, h.contractAction(app.ActionEnd))
	api.POST("/contracts/:contractId/withdraw", provider, h.contractAction(app.ActionWithdraw))

	api.GET("/tenders", h.listTenders)
	api.POST("/tenders", buyer, h.announceTender)
	api.GET("/tenders/:tenderId", h.getTender)
	api.GET("/tenders/:tenderId/audit", h.tenderAudit)
	api.PUT("/tenders/:tenderId", buyer, h.updateTender)
	api.POST("/tenders/:tenderId/award", buyer, h.awardTender)
	api.POST("/tenders/:tenderId/cancel", buyer, h.cancelTender)
	api.GET("/tender-calendar", h.calendarJSON)
}

var principal = auth.Of

var (
	fail = httpserver.Problem
)
